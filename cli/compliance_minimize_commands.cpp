// `rampart compliance minimize`: applies the policy's per-column remediation to a CSV file. The
// work is done by rampart::compliance (minimize.h); this file parses flags and prints the report.
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/compliance/minimize.h>
#include <rampart/compliance/policy.h>

#include "context.h"

namespace rampart::cli {
namespace {

struct MinimizeFlags {
  std::string policy;
  std::string in;
  std::string out;
  std::string table;
  std::string on_error = "stop";
  std::string quarantine;
  std::string db;
  std::string into;
  OutputOptions output;
};

int RunMinimize(const MinimizeFlags& flags, const Context& context) {
  const bool database = !flags.db.empty();
  if (database
          ? (!flags.in.empty() || !flags.out.empty() || flags.table.empty() || flags.into.empty())
          : (flags.in.empty() || flags.out.empty() || !flags.into.empty())) {
    throw InvalidArgumentError(
        "minimize needs either --in FILE.csv --out FILE.csv, or --db URL --table T --into NEW");
  }
  compliance::MinimizeOptions options;
  options.table = flags.table;
  if (flags.on_error == "quarantine") {
    options.on_error = compliance::OnMalformedRow::kQuarantine;
  } else if (flags.on_error != "stop") {
    throw InvalidArgumentError(
        fmt::format("--on-error must be stop or quarantine, not '{}'", flags.on_error));
  }
  if (!flags.quarantine.empty() && options.on_error != compliance::OnMalformedRow::kQuarantine) {
    throw InvalidArgumentError("--quarantine FILE needs --on-error quarantine");
  }
  options.quarantine_path = flags.quarantine;
  const compliance::Policy policy = compliance::LoadPolicy(flags.policy);
  const compliance::MinimizeReport report =
      database ? compliance::MinimizeDatabase(policy, flags.db, flags.table, flags.into, options)
               : compliance::MinimizeCsv(policy, flags.in, flags.out, options);
  if (report.rows_quarantined > 0) {
    context.Warn(
        fmt::format("{} malformed row(s) quarantined to {} (they hold the original, "
                    "unminimized values)",
                    report.rows_quarantined, report.quarantine));
  }
  for (const auto& outcome : report.k_anonymity) {
    if (!outcome.result.satisfied()) {
      context.Warn(fmt::format(
          "k-anonymity target {} not reached on the output (smallest class {}): generalize "
          "further or add a 'suppress' action",
          outcome.result.k_target, outcome.result.smallest_class));
    }
  }
  context.EmitResult(flags.output, flags.output.format == "json"
                                       ? ToJsonText(compliance::MinimizeReportToJson(report))
                                       : compliance::MinimizeReportToMarkdown(report));
  return 0;
}

}  // namespace

void SetupComplianceMinimizeCommands(CLI::App& compliance, Context& context) {
  auto flags = std::make_shared<MinimizeFlags>();
  CLI::App* verb = compliance.add_subcommand(
      "minimize",
      "Apply the policy's minimization (drop, pseudonymize, generalize, mask, suppress) to a CSV "
      "file, writing a new file atomically; reports what changed and the k-anonymity reached");
  verb->add_option("--policy", flags->policy, "Policy file (YAML or JSON)")->required();
  verb->add_option("--in", flags->in, "Input CSV file (header row required; never modified)");
  verb->add_option("--out", flags->out, "Output CSV file (written atomically)");
  verb->add_option("--table", flags->table,
                   "Policy table of the input (default: the input file name without extension); "
                   "with --db, the table to read");
  verb->add_option("--db", flags->db,
                   "Read a database table instead: sqlite:PATH or postgresql://... (with --table "
                   "and --into)");
  verb->add_option("--into", flags->into,
                   "With --db: the new table to create with the minimized rows (one transaction)");
  verb->add_option("--on-error", flags->on_error,
                   "Malformed rows: stop (exit 2, nothing written) or quarantine (to a side file)")
      ->capture_default_str();
  verb->add_option("--quarantine", flags->quarantine,
                   "Quarantine CSV file (default: OUT.quarantine.csv; required with --db)");
  context.AddOutputOptions(verb, flags->output, {"json", "markdown"}, /*with_output_file=*/false);
  verb->callback([flags, &context] {
    context.SetCommand([flags, &context] { return RunMinimize(*flags, context); });
  });
}

}  // namespace rampart::cli
