// `rampart compliance <verb>`: one Setup/Run pair per verb; the work is done by
// rampart::compliance.
#include <fstream>
#include <iostream>
#include <istream>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/exit_codes.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/compliance/detectors.h>
#include <rampart/compliance/scan_report.h>
#include <rampart/compliance/scanner.h>

#include "compliance_audit.h"
#include "context.h"

namespace rampart::cli {

// Registered by compliance_minimize_commands.cpp: minimize.
void SetupComplianceMinimizeCommands(CLI::App& compliance, Context& context);

namespace {

struct DetectArgs {
  std::string file;  // empty or "-": stdin
  OutputOptions output;
};

struct ScanArgs {
  std::vector<std::string> paths;
  std::vector<std::string> databases;
  std::vector<std::string> tables;
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;
  AuditFlags audit;
  OutputOptions output;
};

int RunDetect(const DetectArgs& args, const Context& context) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (!args.file.empty() && args.file != "-") {
    file.open(args.file, std::ios::binary);
    if (!file) throw NotFoundError("cannot open for reading", {.file = args.file});
    in = &file;
  }
  compliance::ValueDetector detector;
  std::vector<compliance::Detection> found;
  std::string line;
  std::string out;
  rampart::Table table{
      .headers = {"line", "start", "end", "entity", "subtype", "validated", "confidence", "text"},
      .align = {Align::kRight, Align::kRight, Align::kRight}};
  std::int64_t number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    detector.Detect(line, found);
    if (args.output.format == "jsonl") {
      nlohmann::json entities = nlohmann::json::array();
      for (const auto& d : found) {
        entities.push_back({{"entity", compliance::EntityName(d.entity)},
                            {"subtype", d.subtype},
                            {"start", d.start},
                            {"end", d.end},
                            {"text", line.substr(d.start, d.end - d.start)},
                            {"validated", d.validated},
                            {"confidence", d.confidence}});
      }
      out += ToJsonText({{"line", number}, {"entities", entities}}, -1);
    } else {
      for (const auto& d : found) {
        table.rows.push_back({std::to_string(number), std::to_string(d.start),
                              std::to_string(d.end), std::string(compliance::EntityName(d.entity)),
                              std::string(d.subtype), d.validated ? "yes" : "no",
                              FormatSignificant(d.confidence, 2),
                              line.substr(d.start, d.end - d.start)});
      }
    }
    // Stream JSON Lines in blocks so a large input does not accumulate in memory.
    if (args.output.output_path.empty() && out.size() > (1U << 20)) {
      context.EmitResult(args.output, out);
      out.clear();
    }
  }
  if (in->bad()) throw IoError("read failed", {.file = args.file.empty() ? "<stdin>" : args.file});
  if (args.output.format != "jsonl") out = FormatTextTable(table);
  context.EmitResult(args.output, out);
  return kExitOk;
}

int RunScan(const ScanArgs& args, const Context& context) {
  if (args.paths.empty() && args.databases.empty()) {
    throw InvalidArgumentError("give at least one PATH or --db URL", {.field = "PATH"});
  }
  const AuditInputs audit_inputs = LoadAuditInputs(args.audit);
  const compliance::Scanner scanner(
      {.sample_rows = args.sample_rows, .seed = args.seed, .tables = args.tables});
  compliance::ScanResult result = scanner.ScanPaths(args.paths);
  for (const std::string& url : args.databases) scanner.ScanDatabase(url, result);
  for (const compliance::ScanError& e : result.errors) {
    context.Warn(e.location.ToString() + ": " + e.message);
  }
  const int gate = EmitAudit(
      result, audit_inputs,
      {.sample_rows = args.sample_rows, .seed = args.seed, .database_urls = args.databases},
      args.output, context);
  // A scan that could not read every input is an input error, even though the rest is reported.
  return result.errors.empty() ? gate : kExitUsage;
}

}  // namespace

void SetupComplianceCommands(CLI::App& app, Context& context) {
  CLI::App* compliance = app.add_subcommand(
      "compliance", "GDPR data minimization: find personal data, audit schemas, minimize");

  auto detect_args = std::make_shared<DetectArgs>();
  CLI::App* detect = compliance->add_subcommand(
      "detect",
      "Find personal data in text, line by line (validated: check digits, ranges, parsers)\n"
      "  example: echo 'card 4111 1111 1111 1111' | rampart compliance detect");
  detect->add_option("FILE", detect_args->file, "Text file (default: standard input)");
  context.AddOutputOptions(detect, detect_args->output, {"jsonl", "table"});
  detect->callback([detect_args, &context] {
    context.SetCommand([detect_args, &context] { return RunDetect(*detect_args, context); });
  });

  auto scan_args = std::make_shared<ScanArgs>();
  CLI::App* scan = compliance->add_subcommand(
      "scan",
      "Classify every column of schemas, CSV files and live databases as personal data or not,\n"
      "  and check them against the audit rules (and a policy, with --policy)\n"
      "  example: rampart compliance scan examples/compliance/ --format markdown\n"
      "  inputs: *.sql *.ddl (PostgreSQL, SQLite, MySQL), *.json (JSON Schema), *.avsc (Avro),\n"
      "          *.csv *.tsv *.psv (sampled); directories are read recursively");
  scan->add_option("PATH", scan_args->paths, "Files and directories to scan");
  scan->add_option("--db", scan_args->databases,
                   "Live database to scan read-only: sqlite:PATH or postgresql://...");
  scan->add_option("--tables", scan_args->tables, "Only these tables of --db databases")
      ->delimiter(',');
  scan->add_option("--sample-rows", scan_args->sample_rows,
                   "Rows sampled per CSV file or table (reservoir / random sample)")
      ->capture_default_str();
  scan->add_option("--seed", scan_args->seed, "Seed of the row sampling (reproducible reports)");
  AddAuditOptions(scan, scan_args->audit);
  context.AddOutputOptions(scan, scan_args->output, kAuditFormats);
  scan->callback([scan_args, &context] {
    context.SetCommand([scan_args, &context] { return RunScan(*scan_args, context); });
  });
  SetupComplianceMinimizeCommands(*compliance, context);
  SetupComplianceBaselineCommand(*compliance, context);
}

}  // namespace rampart::cli
