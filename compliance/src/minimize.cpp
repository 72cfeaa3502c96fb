#include "rampart/compliance/minimize.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include <rampart/common/atomic_file.h>
#include <rampart/common/csv_reader.h>
#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/report.h>
#include <rampart/compliance/generalize.h>
#include <rampart/compliance/pseudonymize.h>

namespace rampart::compliance {
namespace {

constexpr std::int64_t kNoChange = -1;

struct OutputColumn {
  std::size_t input_index = 0;
  std::optional<MinimizeAction> action;  // nullopt: copied as is
  const ColumnMinimization* spec = nullptr;
  std::unique_ptr<Pseudonymizer> pseudonymizer;
  std::int64_t change_index = kNoChange;
};

struct QuasiIdentifierTracker {
  QuasiIdentifierOutcome outcome;
  std::vector<std::size_t> positions;  // output positions of outcome.columns
  std::optional<std::size_t> sensitive_position;
  KAnonymityCounter counter;
  bool enforced = false;  // a column of the set carries `suppress`
};

std::string Detail(const ColumnMinimization& spec) {
  switch (spec.action) {
    case MinimizeAction::kPseudonymize:
      return spec.key_env.empty()
                 ? fmt::format("HMAC-SHA-256, key_file: {}", spec.key_file.string())
                 : fmt::format("HMAC-SHA-256, key_env: {}", spec.key_env);
    case MinimizeAction::kGeneralize:
      return spec.generalization.ToString();
    case MinimizeAction::kMask:
      return fmt::format("keep_last: {}", spec.keep_last);
    case MinimizeAction::kDrop:
    case MinimizeAction::kSuppress:
      break;
  }
  return {};
}

std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

void WriteCsvRecord(std::ostream& out, const std::vector<std::string>& fields, char delimiter) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.put(delimiter);
    const std::string& field = fields[i];
    if (field.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string::npos) {
      out << field;
      continue;
    }
    out.put('"');
    for (const char c : field) {
      if (c == '"') out.put('"');
      out.put(c);
    }
    out.put('"');
  }
  out.put('\n');
}

bool SamePath(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code error;
  if (std::filesystem::exists(a, error) && std::filesystem::exists(b, error)) {
    return std::filesystem::equivalent(a, b, error);
  }
  return std::filesystem::weakly_canonical(a, error) == std::filesystem::weakly_canonical(b, error);
}

}  // namespace

struct TableMinimizer::Impl {
  std::vector<std::string> output_header;
  std::vector<OutputColumn> outputs;
  std::vector<ColumnChange> changes;
  std::vector<QuasiIdentifierTracker> trackers;
  std::vector<std::size_t> key_positions;  // output positions of the suppression key
  std::vector<RowSuppressor::Target> targets;
};

TableMinimizer::TableMinimizer(const Policy& policy, const std::string& table,
                               const std::vector<std::string>& header)
    : impl_(std::make_unique<Impl>()) {
  const TableMinimization* minimization = policy.FindMinimization(table);
  std::map<std::string, std::size_t> input_index;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (!input_index.emplace(header[i], i).second) {
      throw InputError(fmt::format("the input has two columns named '{}'", header[i]));
    }
  }
  std::map<std::string, const ColumnMinimization*> specs;
  if (minimization != nullptr) {
    for (const auto& spec : minimization->columns) {
      ColumnChange change{.column = spec.column, .action = spec.action, .detail = Detail(spec)};
      if (input_index.count(spec.column) == 0) {
        if (spec.action != MinimizeAction::kDrop) {
          throw InputError(
              fmt::format("the policy's column '{}.{}' ({}) is not in the input "
                          "(columns: {})",
                          table, spec.column, MinimizeActionName(spec.action), Join(header)),
              spec.location);
        }
        change.present = false;  // already dropped: minimizing twice is minimizing once
      }
      specs[spec.column] = &spec;
      impl_->changes.push_back(std::move(change));
    }
  }
  std::map<std::string, std::size_t> output_position;
  for (std::size_t i = 0; i < header.size(); ++i) {
    OutputColumn column;
    column.input_index = i;
    if (const auto found = specs.find(header[i]); found != specs.end()) {
      column.spec = found->second;
      column.action = column.spec->action;
      if (column.action == MinimizeAction::kDrop) continue;
      if (column.action == MinimizeAction::kPseudonymize) {
        const SecretKey key = column.spec->key_env.empty()
                                  ? LoadKeyFromFile(column.spec->key_file)
                                  : LoadKeyFromEnvironment(column.spec->key_env);
        column.pseudonymizer = std::make_unique<Pseudonymizer>(key);
      }
      for (std::size_t c = 0; c < impl_->changes.size(); ++c) {
        if (impl_->changes[c].column == header[i])
          column.change_index = static_cast<std::int64_t>(c);
      }
    }
    output_position[header[i]] = impl_->outputs.size();
    impl_->output_header.push_back(header[i]);
    impl_->outputs.push_back(std::move(column));
  }
  for (const auto* set : policy.QuasiIdentifiersOf(table)) {
    QuasiIdentifierTracker tracker{.counter = KAnonymityCounter(set->sensitive.has_value())};
    tracker.outcome.l_target = set->l;
    for (const auto& column : set->columns) {
      if (const auto found = output_position.find(column); found != output_position.end()) {
        tracker.outcome.columns.push_back(column);
        tracker.positions.push_back(found->second);
      } else {
        tracker.outcome.removed_columns.push_back(column);
      }
      const auto spec = specs.find(column);
      tracker.enforced = tracker.enforced ||
                         (spec != specs.end() && spec->second->action == MinimizeAction::kSuppress);
    }
    if (set->sensitive) {
      if (const auto found = output_position.find(*set->sensitive);
          found != output_position.end()) {
        tracker.outcome.sensitive = set->sensitive;
        tracker.sensitive_position = found->second;
      }
    }
    if (!tracker.sensitive_position) tracker.counter = KAnonymityCounter(false);
    tracker.outcome.result.k_target = set->k;
    if (tracker.enforced) {
      RowSuppressor::Target target{.k = set->k};
      for (const auto position : tracker.positions) {
        auto where = std::find(impl_->key_positions.begin(), impl_->key_positions.end(), position);
        if (where == impl_->key_positions.end()) {
          impl_->key_positions.push_back(position);
          where = impl_->key_positions.end() - 1;
        }
        target.positions.push_back(static_cast<std::size_t>(where - impl_->key_positions.begin()));
      }
      impl_->targets.push_back(std::move(target));
    }
    impl_->trackers.push_back(std::move(tracker));
  }
  for (auto& change : impl_->changes) {
    if (change.action != MinimizeAction::kSuppress) continue;
    std::vector<std::string> sets;
    for (const auto& tracker : impl_->trackers) {
      if (tracker.enforced) {
        sets.push_back(fmt::format("k={} on [{}]", tracker.outcome.result.k_target,
                                   Join(tracker.outcome.columns)));
      }
    }
    change.detail = Join(sets, "; ");
  }
}

TableMinimizer::~TableMinimizer() = default;

const std::vector<std::string>& TableMinimizer::output_header() const {
  return impl_->output_header;
}

void TableMinimizer::Transform(const std::vector<std::string>& row, std::vector<std::string>& out) {
  out.resize(impl_->outputs.size());
  for (std::size_t i = 0; i < impl_->outputs.size(); ++i) {
    OutputColumn& column = impl_->outputs[i];
    const std::string& value = row[column.input_index];
    if (!column.action) {
      out[i] = value;
      continue;
    }
    switch (*column.action) {
      case MinimizeAction::kPseudonymize:
        out[i] = value.empty() ? std::string() : column.pseudonymizer->Pseudonym(value);
        break;
      case MinimizeAction::kGeneralize:
        try {
          out[i] = Generalize(value, column.spec->generalization);
        } catch (const InputError& error) {
          throw InputError(
              fmt::format("column '{}': {}", impl_->output_header[i], error.message()));
        }
        break;
      case MinimizeAction::kMask:
        out[i] = MaskValue(value, column.spec->keep_last);
        break;
      case MinimizeAction::kDrop:
      case MinimizeAction::kSuppress:
        out[i] = value;
        break;
    }
  }
}

std::vector<TableMinimizer::OutputSource> TableMinimizer::output_sources() const {
  std::vector<OutputSource> sources;
  for (const auto& column : impl_->outputs) {
    sources.push_back({column.input_index,
                       column.action.has_value() && *column.action != MinimizeAction::kSuppress});
  }
  return sources;
}

bool TableMinimizer::suppresses() const {
  return !impl_->targets.empty();
}

std::vector<std::string_view> TableMinimizer::SuppressionKey(
    const std::vector<std::string>& out) const {
  std::vector<std::string_view> key;
  key.reserve(impl_->key_positions.size());
  for (const auto position : impl_->key_positions) key.emplace_back(out[position]);
  return key;
}

RowSuppressor TableMinimizer::MakeSuppressor() const {
  return {impl_->key_positions.size(), impl_->targets};
}

void TableMinimizer::Observe(const std::vector<std::string>& row,
                             const std::vector<std::string>& out) {
  for (std::size_t i = 0; i < impl_->outputs.size(); ++i) {
    const OutputColumn& column = impl_->outputs[i];
    if (column.change_index != kNoChange && out[i] != row[column.input_index]) {
      ++impl_->changes[static_cast<std::size_t>(column.change_index)].values_changed;
    }
  }
  for (auto& change : impl_->changes) {
    if (change.action == MinimizeAction::kDrop && change.present) ++change.values_changed;
  }
  std::vector<std::string_view> values;
  for (auto& tracker : impl_->trackers) {
    values.clear();
    for (const auto position : tracker.positions) values.emplace_back(out[position]);
    tracker.counter.Add(values, tracker.sensitive_position
                                    ? std::string_view(out[*tracker.sensitive_position])
                                    : std::string_view());
  }
}

std::vector<ColumnChange> TableMinimizer::Changes() const {
  return impl_->changes;
}

std::vector<QuasiIdentifierOutcome> TableMinimizer::Outcomes() const {
  std::vector<QuasiIdentifierOutcome> outcomes;
  for (const auto& tracker : impl_->trackers) {
    QuasiIdentifierOutcome outcome = tracker.outcome;
    outcome.result = tracker.counter.Result(tracker.outcome.result.k_target);
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

namespace {

// One pass over the CSV input: the header, then each record with its line number.
class CsvInput {
 public:
  CsvInput(const std::filesystem::path& path, char delimiter)
      : stream_(path, std::ios::binary),
        reader_(stream_, {.delimiter = delimiter,
                          .source_name = path.string(),
                          .allow_ragged = true,
                          .skip_empty_lines = true}) {
    if (!stream_) throw NotFoundError(fmt::format("cannot open '{}'", path.string()));
    if (!reader_.ReadRow(header_)) {
      throw InputError("the file is empty: a header row with the column names is required",
                       {.file = path.string(), .line = 1});
    }
  }
  [[nodiscard]] const std::vector<std::string>& header() const { return header_.fields; }
  bool Next(CsvRow& row) { return reader_.ReadRow(row); }

 private:
  std::ifstream stream_;
  CsvReader reader_;
  CsvRow header_;
};

char SniffDelimiter(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFoundError(fmt::format("cannot open '{}'", path.string()));
  std::string sample(std::size_t{64} * 1024, '\0');
  in.read(sample.data(), static_cast<std::streamsize>(sample.size()));
  sample.resize(static_cast<std::size_t>(in.gcount()));
  // Only complete lines: a cut-off last line would have a different field count.
  if (const std::size_t end = sample.rfind('\n'); end != std::string::npos && in) {
    sample.resize(end + 1);
  }
  return SniffCsvDelimiter(sample);
}

}  // namespace

MinimizeReport MinimizeCsv(const Policy& policy, const std::filesystem::path& input,
                           const std::filesystem::path& output, const MinimizeOptions& options) {
  if (!std::filesystem::is_regular_file(input)) {
    throw NotFoundError(fmt::format("input file '{}' does not exist", input.string()));
  }
  if (SamePath(input, output)) {
    throw InvalidArgumentError(fmt::format(
        "the output '{}' is the input file: minimize never modifies its input", output.string()));
  }
  MinimizeReport report;
  report.table = options.table.empty() ? input.stem().string() : options.table;
  report.input = input.string();
  report.output = output.string();
  if (policy.FindMinimization(report.table) == nullptr) {
    std::vector<std::string> tables;
    for (const auto& entry : policy.minimize) tables.push_back(entry.table);
    throw InvalidArgumentError(fmt::format(
        "the policy {} has no 'minimize' entry for table '{}' (it has: {}); name the table with "
        "--table",
        policy.source, report.table, tables.empty() ? "none" : Join(tables)));
  }
  std::filesystem::path quarantine_path;
  if (options.on_error == OnMalformedRow::kQuarantine) {
    quarantine_path = options.quarantine_path.empty()
                          ? std::filesystem::path(output.string() + ".quarantine.csv")
                          : options.quarantine_path;
    if (SamePath(quarantine_path, input) || SamePath(quarantine_path, output)) {
      throw InvalidArgumentError("the quarantine file must differ from the input and the output");
    }
    report.quarantine = quarantine_path.string();
  }

  const char delimiter = SniffDelimiter(input);
  std::optional<CsvInput> source(std::in_place, input, delimiter);
  TableMinimizer minimizer(policy, report.table, source->header());
  const std::size_t width = source->header().size();

  // The reason a record cannot be minimized, or empty; `out` holds the result otherwise.
  CsvRow row;
  std::vector<std::string> out;
  const auto problem = [&]() -> std::string {
    if (row.fields.size() != width) {
      return fmt::format("the row has {} fields, the header {}", row.fields.size(), width);
    }
    try {
      minimizer.Transform(row.fields, out);
    } catch (const InputError& error) {
      return error.message();
    }
    return {};
  };
  const auto stop = [&](const std::string& reason) {
    throw InputError(reason, {.file = input.string(), .line = row.line});
  };

  // Suppression needs the class sizes before the first row is written: a first pass counts
  // them (only the distinct combinations are held), the second writes.
  std::optional<RowSuppressor> suppressor;
  if (minimizer.suppresses()) {
    suppressor.emplace(minimizer.MakeSuppressor());
    while (source->Next(row)) {
      if (const std::string reason = problem(); !reason.empty()) {
        if (options.on_error == OnMalformedRow::kStop) stop(reason);
        continue;
      }
      suppressor->Add(minimizer.SuppressionKey(out));
    }
    suppressor->Plan();
    source.emplace(input, delimiter);
  }

  AtomicFile sink(output);
  WriteCsvRecord(sink.stream(), minimizer.output_header(), delimiter);
  std::optional<AtomicFile> quarantine;
  if (!quarantine_path.empty()) {
    quarantine.emplace(quarantine_path);
    std::vector<std::string> header{"line", "reason"};
    header.insert(header.end(), source->header().begin(), source->header().end());
    WriteCsvRecord(quarantine->stream(), header, delimiter);
  }
  std::vector<std::string> quarantined;
  while (source->Next(row)) {
    ++report.rows_in;
    if (const std::string reason = problem(); !reason.empty()) {
      if (options.on_error == OnMalformedRow::kStop) stop(reason);
      ++report.rows_quarantined;
      if (report.malformed.size() < options.max_reported_malformed) {
        report.malformed.push_back({row.line, reason});
      }
      quarantined.assign({std::to_string(row.line), reason});
      quarantined.insert(quarantined.end(), row.fields.begin(), row.fields.end());
      WriteCsvRecord(quarantine->stream(), quarantined, delimiter);
      continue;
    }
    if (suppressor && !suppressor->Keeps(minimizer.SuppressionKey(out))) {
      ++report.rows_suppressed;
      continue;
    }
    WriteCsvRecord(sink.stream(), out, delimiter);
    minimizer.Observe(row.fields, out);
    ++report.rows_out;
  }
  if (!sink.stream()) throw IoError(fmt::format("cannot write '{}'", output.string()));
  if (quarantine) quarantine->Commit();
  sink.Commit();
  report.columns = minimizer.Changes();
  report.k_anonymity = minimizer.Outcomes();
  return report;
}

MinimizeReport MinimizeDatabase(const Policy& policy, const std::string& url,
                                const std::string& table, const std::string& into,
                                const MinimizeOptions& options) {
  if (url.rfind("sqlite::memory:", 0) == 0) {
    throw InvalidArgumentError("minimize needs a database that outlives the run, not :memory:");
  }
  if (into.empty() || into == table) {
    throw InvalidArgumentError("--into must name a new table, different from --table");
  }
  MinimizeReport report;
  report.table = table;
  report.input = table;
  report.output = into;
  if (policy.FindMinimization(table) == nullptr) {
    throw InvalidArgumentError(
        fmt::format("the policy {} has no 'minimize' entry for table '{}'", policy.source, table));
  }
  if (options.on_error == OnMalformedRow::kQuarantine) {
    if (options.quarantine_path.empty()) {
      throw InvalidArgumentError("quarantining rows of a database table needs --quarantine FILE");
    }
    report.quarantine = options.quarantine_path.string();
  }
  std::unique_ptr<Database> writer = Database::Open(url, {.create = false});
  const std::vector<std::string> tables = writer->ListTables();
  if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
    throw NotFoundError(fmt::format("table '{}' does not exist in {}", table, url));
  }
  if (std::find(tables.begin(), tables.end(), into) != tables.end()) {
    throw InvalidArgumentError(
        fmt::format("table '{}' already exists: minimize only creates new tables", into));
  }
  // PostgreSQL streams rows over the connection, which cannot run INSERTs meanwhile: read over a
  // second, read-only session. SQLite reads and writes different tables on one connection (a
  // second one would block the writer's commit, or its cache spill, on the reader's lock).
  std::unique_ptr<Database> separate_reader;
  if (writer->engine() == DatabaseEngine::kPostgres) {
    separate_reader = Database::Open(url, {.read_only = true});
  }
  Database& reader = separate_reader ? *separate_reader : *writer;
  const std::string select = "SELECT * FROM " + Database::QuoteIdentifier(table);

  std::vector<std::string> header;
  reader.Stream(
      select, {}, [&](const std::vector<std::string>& columns) { header = columns; },
      [](const DbRow&) { return false; });
  if (header.empty()) throw InputError(fmt::format("table '{}' has no columns", table));
  TableMinimizer minimizer(policy, table, header);
  const auto sources = minimizer.output_sources();

  std::vector<std::string> text(header.size());
  std::vector<std::string> out;
  std::int64_t position = 0;
  // The reason a row cannot be minimized, or empty (then `out` holds the result).
  const auto problem = [&](const DbRow& row) -> std::string {
    for (std::size_t i = 0; i < row.size(); ++i) text[i] = DbValueToString(row[i]);
    try {
      minimizer.Transform(text, out);
    } catch (const InputError& error) {
      return error.message();
    }
    return {};
  };
  const auto stop = [&](const std::string& reason) {
    throw InputError(reason, {.field = fmt::format("table {}, row {}", table, position)});
  };

  std::optional<RowSuppressor> suppressor;
  if (minimizer.suppresses()) {
    suppressor.emplace(minimizer.MakeSuppressor());
    position = 0;
    reader.Stream(select, {}, nullptr, [&](const DbRow& row) {
      ++position;
      if (const std::string reason = problem(row); !reason.empty()) {
        if (options.on_error == OnMalformedRow::kStop) stop(reason);
        return true;
      }
      suppressor->Add(minimizer.SuppressionKey(out));
      return true;
    });
    suppressor->Plan();
  }

  Transaction transaction(*writer, TransactionMode::kImmediate);
  // CREATE TABLE ... AS SELECT keeps the source types of the copied columns on both engines.
  std::string columns_sql;
  std::string placeholders;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string name = Database::QuoteIdentifier(header[sources[i].input_index]);
    columns_sql +=
        (i == 0 ? "" : ", ") + (sources[i].rewritten ? "CAST(NULL AS TEXT) AS " + name : name);
    placeholders += i == 0 ? "?" : ", ?";
  }
  writer->Execute(fmt::format("CREATE TABLE {} AS SELECT {} FROM {} WHERE 1 = 0",
                              Database::QuoteIdentifier(into), columns_sql,
                              Database::QuoteIdentifier(table)));
  const std::string insert =
      fmt::format("INSERT INTO {} VALUES ({})", Database::QuoteIdentifier(into), placeholders);
  std::optional<AtomicFile> quarantine;
  if (!report.quarantine.empty()) {
    quarantine.emplace(options.quarantine_path);
    std::vector<std::string> quarantine_header{"row", "reason"};
    quarantine_header.insert(quarantine_header.end(), header.begin(), header.end());
    WriteCsvRecord(quarantine->stream(), quarantine_header, ',');
  }
  std::vector<DbValue> values(sources.size());
  std::vector<std::string> quarantined;
  position = 0;
  reader.Stream(select, {}, nullptr, [&](const DbRow& row) {
    ++position;
    ++report.rows_in;
    if (const std::string reason = problem(row); !reason.empty()) {
      if (options.on_error == OnMalformedRow::kStop) stop(reason);
      ++report.rows_quarantined;
      if (report.malformed.size() < options.max_reported_malformed) {
        report.malformed.push_back({position, reason});
      }
      quarantined.assign({std::to_string(position), reason});
      quarantined.insert(quarantined.end(), text.begin(), text.end());
      WriteCsvRecord(quarantine->stream(), quarantined, ',');
      return true;
    }
    if (suppressor && !suppressor->Keeps(minimizer.SuppressionKey(out))) {
      ++report.rows_suppressed;
      return true;
    }
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const DbValue& original = row[sources[i].input_index];
      if (IsNull(original)) {
        values[i] = std::monostate{};
      } else if (sources[i].rewritten) {
        values[i] = out[i];
      } else {
        values[i] = original;
      }
    }
    writer->Run(insert, values);
    minimizer.Observe(text, out);
    ++report.rows_out;
    return true;
  });
  if (quarantine) quarantine->Commit();
  transaction.Commit();
  report.columns = minimizer.Changes();
  report.k_anonymity = minimizer.Outcomes();
  return report;
}

nlohmann::json MinimizeReportToJson(const MinimizeReport& report) {
  nlohmann::json doc = NewJsonDocument();
  doc["table"] = report.table;
  doc["input"] = report.input;
  doc["output"] = report.output;
  if (!report.quarantine.empty()) doc["quarantine"] = report.quarantine;
  doc["rows_in"] = report.rows_in;
  doc["rows_out"] = report.rows_out;
  doc["rows_suppressed"] = report.rows_suppressed;
  doc["rows_quarantined"] = report.rows_quarantined;
  nlohmann::json malformed = nlohmann::json::array();
  for (const auto& row : report.malformed) {
    malformed.push_back({{"line", row.line}, {"reason", row.reason}});
  }
  doc["malformed"] = std::move(malformed);
  nlohmann::json columns = nlohmann::json::array();
  nlohmann::json by_action = nlohmann::json::object();
  for (const auto& change : report.columns) {
    const std::string action(MinimizeActionName(change.action));
    columns.push_back({{"column", change.column},
                       {"action", action},
                       {"detail", change.detail},
                       {"values_changed", change.values_changed},
                       {"present", change.present}});
    nlohmann::json& entry = by_action[action];
    if (entry.is_null()) entry = {{"columns", 0}, {"values_changed", 0}};
    entry["columns"] = entry["columns"].get<std::int64_t>() + 1;
    entry["values_changed"] = entry["values_changed"].get<std::int64_t>() + change.values_changed;
  }
  doc["columns"] = std::move(columns);
  doc["changes_by_action"] = std::move(by_action);
  nlohmann::json sets = nlohmann::json::array();
  for (const auto& outcome : report.k_anonymity) {
    const KAnonymityResult& result = outcome.result;
    nlohmann::json set{
        {"columns", outcome.columns},         {"removed_columns", outcome.removed_columns},
        {"k_target", result.k_target},        {"k_achieved", result.smallest_class},
        {"satisfied", result.satisfied()},    {"rows", result.rows},
        {"classes", result.classes},          {"classes_below_k", result.classes_below_k},
        {"rows_below_k", result.rows_below_k}};
    if (outcome.sensitive) {
      set["sensitive"] = *outcome.sensitive;
      set["l_achieved"] = result.l_diversity;
      if (outcome.l_target) {
        set["l_target"] = *outcome.l_target;
        set["l_satisfied"] = result.rows == 0 || result.l_diversity >= *outcome.l_target;
      }
    }
    sets.push_back(std::move(set));
  }
  doc["k_anonymity"] = std::move(sets);
  return doc;
}

std::string MinimizeReportToMarkdown(const MinimizeReport& report) {
  MarkdownWriter md;
  md.Heading(2, fmt::format("Minimization of table {}", report.table));
  md.Paragraph(
      fmt::format("{} -> {}: {} rows in, {} rows out, {} suppressed (rare "
                  "quasi-identifier combinations), {} quarantined (malformed).",
                  report.input, report.output, report.rows_in, report.rows_out,
                  report.rows_suppressed, report.rows_quarantined));
  Table columns{.headers = {"column", "action", "detail", "values changed"},
                .align = {Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight}};
  for (const auto& change : report.columns) {
    columns.rows.push_back({change.column, std::string(MinimizeActionName(change.action)),
                            change.present ? change.detail : "not in the input",
                            std::to_string(change.values_changed)});
  }
  md.Heading(3, "Columns").AddTable(columns);
  if (!report.k_anonymity.empty()) {
    Table sets{.headers = {"quasi-identifiers", "k target", "k achieved", "classes",
                           "classes below k", "l-diversity", "status"},
               .align = {Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
                         Align::kRight, Align::kLeft}};
    for (const auto& outcome : report.k_anonymity) {
      const KAnonymityResult& result = outcome.result;
      std::string columns_text = Join(outcome.columns);
      if (!outcome.removed_columns.empty()) {
        columns_text += fmt::format(" (removed: {})", Join(outcome.removed_columns));
      }
      sets.rows.push_back(
          {columns_text, std::to_string(result.k_target), std::to_string(result.smallest_class),
           std::to_string(result.classes), std::to_string(result.classes_below_k),
           outcome.sensitive ? fmt::format("{} ({})", result.l_diversity, *outcome.sensitive) : "-",
           result.satisfied() ? "k reached" : "below k"});
    }
    md.Heading(3, "k-anonymity of the output").AddTable(sets);
  }
  if (!report.malformed.empty()) {
    std::vector<std::string> items;
    for (const auto& row : report.malformed) {
      items.push_back(fmt::format("line {}: {}", row.line, row.reason));
    }
    if (report.rows_quarantined > static_cast<std::int64_t>(report.malformed.size())) {
      items.push_back(fmt::format(
          "... and {} more",
          report.rows_quarantined - static_cast<std::int64_t>(report.malformed.size())));
    }
    md.Heading(3, fmt::format("Quarantined rows (in {})", report.quarantine)).Bullets(items);
  }
  return md.str();
}

}  // namespace rampart::compliance
