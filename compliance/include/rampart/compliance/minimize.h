// `rampart compliance minimize`: applies a policy's per-column actions (drop, pseudonymize,
// generalize, mask) to a CSV file, removes the rows of rare quasi-identifier combinations where
// the policy asks for `suppress`, and reports what changed and the k-anonymity reached.
//
//   auto policy = rampart::compliance::LoadPolicy("policy.yaml");
//   rampart::compliance::MinimizeReport report = rampart::compliance::MinimizeCsv(
//       policy, "people.csv", "people.min.csv", {.on_error = OnMalformedRow::kQuarantine});
//   std::cout << rampart::ToJsonText(MinimizeReportToJson(report));
//
// Guarantees: the input is only read; the output (and the quarantine file) is written atomically,
// so nothing half-written exists after a failure; memory is bounded by the longest record plus
// one entry per distinct quasi-identifier combination (suppression reads the input twice instead
// of holding it); a malformed row is never dropped silently: it stops the run (InputError at
// file:line) or goes to the quarantine file and the report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <rampart/compliance/k_anonymity.h>
#include <rampart/compliance/policy.h>

namespace rampart::compliance {

enum class OnMalformedRow {
  kStop,        // throw InputError at the first malformed row; nothing is written
  kQuarantine,  // copy it (with its line and the reason) to the quarantine file and go on
};

struct MinimizeOptions {
  std::string table;  // the policy table; empty: the input file name without its extension
  OnMalformedRow on_error = OnMalformedRow::kStop;
  std::filesystem::path quarantine_path;     // empty: "<output>.quarantine.csv"
  std::size_t max_reported_malformed = 100;  // rows listed in the report (all are counted)
};

struct ColumnChange {
  std::string column;
  MinimizeAction action = MinimizeAction::kDrop;
  std::string detail;               // "year", "keep_last: 4", "key_env: HMAC_KEY", ...
  std::int64_t values_changed = 0;  // drop: values removed
  bool present = true;              // false: a dropped column that was not in the input
};

struct MalformedRow {
  std::int64_t line = 0;
  std::string reason;
};

// The k-anonymity of one policy quasi-identifier set, measured on the rows written.
struct QuasiIdentifierOutcome {
  std::vector<std::string> columns;          // the set's columns present in the output
  std::vector<std::string> removed_columns;  // dropped by the policy or absent from the input
  std::optional<std::string> sensitive;
  std::optional<std::int64_t> l_target;
  KAnonymityResult result;
};

struct MinimizeReport {
  std::string table;
  std::string input;
  std::string output;
  std::string quarantine;  // empty unless quarantining
  std::int64_t rows_in = 0;
  std::int64_t rows_out = 0;
  std::int64_t rows_suppressed = 0;
  std::int64_t rows_quarantined = 0;
  std::vector<MalformedRow> malformed;  // the first max_reported_malformed
  std::vector<ColumnChange> columns;
  std::vector<QuasiIdentifierOutcome> k_anonymity;
};

// Transforms the rows of one table, whatever they come from (a CSV file or a database table).
// Built from the policy and the input's column names; throws InputError when the policy names a
// column the input lacks (except for `drop`, so that minimizing twice is the same as once), and
// NotFoundError/InvalidArgumentError when a pseudonymization key cannot be loaded.
class TableMinimizer {
 public:
  TableMinimizer(const Policy& policy, const std::string& table,
                 const std::vector<std::string>& header);
  ~TableMinimizer();
  TableMinimizer(const TableMinimizer&) = delete;
  TableMinimizer& operator=(const TableMinimizer&) = delete;

  [[nodiscard]] const std::vector<std::string>& output_header() const;
  // For each output column: the input column it comes from, and whether an action rewrites its
  // values (so that a database copy can keep the original type of the columns it does not).
  struct OutputSource {
    std::size_t input_index = 0;
    bool rewritten = false;
  };
  [[nodiscard]] std::vector<OutputSource> output_sources() const;
  // Transforms one row of the input's width into the output row. Throws InputError (without a
  // location; the message names the column) when a value cannot be transformed.
  void Transform(const std::vector<std::string>& row, std::vector<std::string>& out);
  // Whether suppression is requested, and the output positions of its key columns.
  [[nodiscard]] bool suppresses() const;
  [[nodiscard]] std::vector<std::string_view> SuppressionKey(
      const std::vector<std::string>& out) const;
  [[nodiscard]] RowSuppressor MakeSuppressor() const;

  // Counts a written row (its input and output) for the report: values changed, k-anonymity.
  void Observe(const std::vector<std::string>& row, const std::vector<std::string>& out);
  [[nodiscard]] std::vector<ColumnChange> Changes() const;
  [[nodiscard]] std::vector<QuasiIdentifierOutcome> Outcomes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

[[nodiscard]] MinimizeReport MinimizeCsv(const Policy& policy, const std::filesystem::path& input,
                                         const std::filesystem::path& output,
                                         const MinimizeOptions& options = {});

// The same for a database table: reads `table` and creates `into` (which must not exist) with the
// minimized rows, in one transaction, so that a failure leaves no new table behind. `url` is
// "sqlite:PATH" or "postgresql://..." (see rampart::Database). Columns that no action rewrites
// keep their type; rewritten ones become TEXT. NULL stays NULL under every action. Malformed rows
// (values an action cannot read) stop the run or go to the quarantine CSV file
// (options.quarantine_path, required when quarantining); `line` is then the row's 1-based
// position in the scan.
[[nodiscard]] MinimizeReport MinimizeDatabase(const Policy& policy, const std::string& url,
                                              const std::string& table, const std::string& into,
                                              const MinimizeOptions& options = {});

[[nodiscard]] nlohmann::json MinimizeReportToJson(const MinimizeReport& report);
[[nodiscard]] std::string MinimizeReportToMarkdown(const MinimizeReport& report);

}  // namespace rampart::compliance
