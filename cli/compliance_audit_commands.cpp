// `rampart compliance scan --policy/--fail-on/--baseline` and `rampart compliance baseline`: the
// audit rules and their reports on top of the scan (rampart/compliance/rules/, audit_report.h).
#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/exit_codes.h>
#include <rampart/common/json_writer.h>
#include <rampart/compliance/audit_report.h>
#include <rampart/compliance/rules/audit.h>

#include "compliance_audit.h"

namespace rampart::cli {

void AddAuditOptions(CLI::App* verb, AuditFlags& flags) {
  verb->add_option("--policy", flags.policy,
                   "Policy file (YAML): purposes, retention, quasi-identifiers, suppressions");
  verb->add_option("--fail-on", flags.fail_on,
                   "Exit 1 when an active finding has at least this severity: "
                   "info|low|medium|high|critical");
  verb->add_option("--baseline", flags.baseline,
                   "Baseline of known findings (rampart compliance baseline): only new findings "
                   "count for the exit code");
}

AuditInputs LoadAuditInputs(const AuditFlags& flags) {
  AuditInputs inputs;
  if (!flags.fail_on.empty()) {
    inputs.fail_on = ParseSeverity(flags.fail_on);
    if (!inputs.fail_on) {
      throw InvalidArgumentError(
          "unknown severity '" + flags.fail_on + "' (info, low, medium, high, critical)",
          {.field = "--fail-on"});
    }
  }
  if (!flags.policy.empty()) inputs.policy = compliance::LoadPolicy(flags.policy);
  if (!flags.baseline.empty()) inputs.baseline = compliance::LoadBaseline(flags.baseline);
  return inputs;
}

namespace {

compliance::AuditResult Audit(const compliance::ScanResult& scan, const AuditInputs& inputs,
                              const compliance::RowSamplerOptions& sampling) {
  const compliance::RowSampler sampler(sampling);
  return compliance::RunAudit(scan, inputs.policy ? &*inputs.policy : nullptr,
                              {.row_sampler = &sampler});
}

struct BaselineArgs {
  std::vector<std::string> paths;
  std::vector<std::string> databases;
  std::vector<std::string> tables;
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;
  std::string policy;
  OutputOptions output;
};

int RunBaseline(const BaselineArgs& args, const Context& context) {
  if (args.paths.empty() && args.databases.empty()) {
    throw InvalidArgumentError("give at least one PATH or --db URL", {.field = "PATH"});
  }
  const AuditInputs inputs = LoadAuditInputs({.policy = args.policy});
  const compliance::Scanner scanner(
      {.sample_rows = args.sample_rows, .seed = args.seed, .tables = args.tables});
  compliance::ScanResult result = scanner.ScanPaths(args.paths);
  for (const std::string& url : args.databases) scanner.ScanDatabase(url, result);
  for (const compliance::ScanError& e : result.errors) {
    context.Warn(e.location.ToString() + ": " + e.message);
  }
  // A baseline of a scan that could not read everything would hide the unread part's findings.
  if (!result.errors.empty()) {
    throw InputError(
        fmt::format("{} inputs could not be read; no baseline written", result.errors.size()),
        result.errors.front().location);
  }
  const compliance::AuditResult audit =
      Audit(result, inputs,
            {.sample_rows = args.sample_rows, .seed = args.seed, .database_urls = args.databases});
  context.EmitResult(args.output, ToJsonText(compliance::BaselineToJson(audit)));
  return kExitOk;
}

}  // namespace

int EmitAudit(const compliance::ScanResult& scan, const AuditInputs& inputs,
              const compliance::RowSamplerOptions& sampling, const OutputOptions& output,
              const Context& context) {
  compliance::AuditResult audit = Audit(scan, inputs, sampling);
  if (inputs.baseline) compliance::MarkBaseline(audit, *inputs.baseline);
  const compliance::Policy* policy = inputs.policy ? &*inputs.policy : nullptr;
  if (output.format == "json") {
    context.EmitResult(output, ToJsonText(compliance::AuditToJson(scan, policy, audit)));
  } else if (output.format == "html") {
    context.EmitResult(output, compliance::AuditToHtml(scan, policy, audit));
  } else if (output.format == "sarif") {
    context.EmitResult(output, ToJsonText(compliance::AuditToSarif(scan, audit)));
  } else if (output.format == "junit") {
    context.EmitResult(output, compliance::AuditToJUnit(scan, audit));
  } else {
    context.EmitResult(output, compliance::AuditToMarkdown(scan, policy, audit));
  }
  std::optional<Severity> threshold = inputs.fail_on;
  if (!threshold && inputs.baseline) threshold = Severity::kInfo;
  if (!threshold) return kExitOk;
  const std::size_t failing = audit.CountAtLeast(*threshold);
  if (failing == 0) return kExitOk;
  context.Warn(fmt::format("{} {}finding{} at or above {}", failing, inputs.baseline ? "new " : "",
                           failing == 1 ? "" : "s", SeverityName(*threshold)));
  return kExitGateFailed;
}

void SetupComplianceBaselineCommand(CLI::App& compliance, Context& context) {
  auto args = std::make_shared<BaselineArgs>();
  CLI::App* verb = compliance.add_subcommand(
      "baseline",
      "Write the fingerprints of the current findings, for `compliance scan --baseline`\n"
      "  example: rampart compliance baseline schemas/ --policy policy.yaml "
      "--output compliance-baseline.json");
  verb->add_option("PATH", args->paths, "Files and directories to scan");
  verb->add_option("--db", args->databases,
                   "Live database to scan read-only: sqlite:PATH or postgresql://...");
  verb->add_option("--tables", args->tables, "Only these tables of --db databases")->delimiter(',');
  verb->add_option("--sample-rows", args->sample_rows, "Rows sampled per CSV file or table")
      ->capture_default_str();
  verb->add_option("--seed", args->seed, "Seed of the row sampling");
  verb->add_option("--policy", args->policy, "Policy file (YAML)");
  context.AddOutputOptions(verb, args->output, {"json"});
  verb->callback([args, &context] {
    context.SetCommand([args, &context] { return RunBaseline(*args, context); });
  });
}

}  // namespace rampart::cli
