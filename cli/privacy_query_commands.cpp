// `rampart privacy query`: a differentially private answer to an aggregate SQL query on SQLite or
// PostgreSQL. The library parses and rewrites the query (sql_query.h), plans the budget
// (sql_plan.h), runs the bounded SQL and adds secure noise (sql_release.h, sql_noise.h); this
// file only maps flags, charges the ledger BEFORE anything is released, and formats the result.
#include <cstdint>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/ledger.h>
#include <rampart/privacy/sql_bounds.h>
#include <rampart/privacy/sql_noise.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_query.h>
#include <rampart/privacy/sql_release.h>

#include "context.h"

namespace rampart::cli {
namespace {

struct QueryOptions {
  std::string db;
  std::string privacy_unit;
  double epsilon = 0.0;
  double delta = 0.0;
  std::string ledger;
  std::string dataset;
  std::vector<std::string> bounds;
  double approx_bounds_fraction = 0.1;
  std::string partition_selection = "near-optimal";
  std::int64_t max_groups_per_unit = 1;
  std::int64_t max_rows_per_group = 1;
  std::string public_groups;
  bool explain = false;
  std::optional<std::uint64_t> seed;
  std::string sql;
  OutputOptions output;
};

// "COL=LO:HI" -> (COL, {LO, HI}); InvalidArgumentError naming --bounds otherwise.
std::pair<std::string, privacy::ValueBounds> ParseBounds(const std::string& text) {
  const auto fail = [&](std::string_view why) -> InvalidArgumentError {
    return InvalidArgumentError(fmt::format("'{}': {} (expected COL=LO:HI)", text, why),
                                {.field = "--bounds"});
  };
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw fail("missing column name");
  const std::string range = text.substr(eq + 1);
  // The separator is the first ':' after the first character, so "-5:-1" parses.
  const std::size_t colon = range.find(':', 1);
  if (colon == std::string::npos) throw fail("missing ':' between the bounds");
  const auto number = [&](const std::string& part) {
    std::size_t used = 0;
    double value = 0.0;
    try {
      value = std::stod(part, &used);
    } catch (const std::exception&) {
      throw fail(fmt::format("'{}' is not a number", part));
    }
    if (used != part.size()) throw fail(fmt::format("'{}' is not a number", part));
    return value;
  };
  const double lower = number(range.substr(0, colon));
  const double upper = number(range.substr(colon + 1));
  if (!(lower < upper)) throw fail("the lower bound must be below the upper bound");
  return {text.substr(0, eq), {.lower = lower, .upper = upper}};
}

// One group per line; keys of a multi-key group separated by tabs.
std::vector<std::vector<std::string>> ReadPublicGroups(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw NotFoundError("cannot open the public groups file", {.file = path});
  std::vector<std::vector<std::string>> groups;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> keys;
    std::size_t start = 0;
    for (std::size_t tab = line.find('\t'); tab != std::string::npos;
         tab = line.find('\t', start)) {
      keys.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    keys.push_back(line.substr(start));
    groups.push_back(std::move(keys));
  }
  return groups;
}

std::string CellText(const DbValue& value, bool noisy) {
  if (IsNull(value)) return "";
  if (noisy) return FormatSignificant(DbValueAsDouble(value), 6);
  return DbValueToString(value);
}

nlohmann::json CellJson(const DbValue& value) {
  if (std::holds_alternative<std::int64_t>(value)) return std::get<std::int64_t>(value);
  if (std::holds_alternative<double>(value)) return std::get<double>(value);
  if (std::holds_alternative<std::string>(value)) return std::get<std::string>(value);
  return nullptr;
}

nlohmann::json BudgetSplitJson(const privacy::PrivacyPlan& plan) {
  nlohmann::json split = nlohmann::json::array();
  for (const privacy::ApproxBoundsStep& step : plan.approx_bounds) {
    split.push_back({{"statistic", step.statistic.label},
                     {"epsilon", step.statistic.epsilon},
                     {"delta", 0.0},
                     {"l1_sensitivity", 1.0},
                     {"laplace_scale", step.statistic.laplace_scale * step.statistic.unit},
                     {"threshold", static_cast<double>(step.threshold) * step.statistic.unit}});
  }
  for (const privacy::PlannedStatistic& s : plan.statistics) {
    split.push_back({{"statistic", s.label},
                     {"epsilon", s.epsilon},
                     {"delta", s.delta},
                     {"l1_sensitivity", static_cast<double>(s.l1) * s.unit},
                     {"laplace_scale", s.laplace_scale * s.unit}});
  }
  if (plan.partition_selection.enabled) {
    const bool laplace =
        plan.partition_selection.strategy == privacy::PartitionSelectionStrategy::kLaplaceThreshold;
    split.push_back({{"statistic", "partition_selection"},
                     {"strategy", laplace ? "laplace_threshold" : "near_optimal"},
                     {"epsilon", plan.partition_selection.epsilon},
                     {"delta", plan.partition_selection.delta},
                     {"laplace_scale", plan.partition_selection.laplace_scale},
                     {"threshold", plan.partition_selection.threshold}});
  }
  return split;
}

// The bounds ApproxBounds found, one line each (table output).
std::string FoundBoundsText(const std::vector<privacy::FoundBounds>& found,
                            const privacy::PrivacyPlan& plan) {
  std::string text;
  for (std::size_t i = 0; i < found.size() && i < plan.approx_bounds.size(); ++i) {
    if (!found[i].bounds) continue;
    text += fmt::format(
        "bounds of {} found privately (ApproxBounds, epsilon {}): [{}, {}]\n", found[i].label,
        FormatSignificant(plan.approx_bounds[i].statistic.epsilon, 6),
        FormatSignificant(found[i].bounds->lower, 6), FormatSignificant(found[i].bounds->upper, 6));
  }
  return text;
}

std::string FormatJson(const privacy::ReleasedTable& table, const privacy::PrivacyPlan& plan,
                       const std::vector<privacy::FoundBounds>& found) {
  nlohmann::json doc = NewJsonDocument();
  doc["columns"] = table.columns;
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json intervals = nlohmann::json::array();
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    nlohmann::json row = nlohmann::json::object();
    nlohmann::json interval = nlohmann::json::object();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      row[table.columns[c]] = CellJson(table.rows[r][c]);
      const auto& ci = table.intervals[r][c];
      if (table.noisy[c] && ci) interval[table.columns[c]] = {(*ci)[0], (*ci)[1]};
    }
    rows.push_back(std::move(row));
    intervals.push_back(std::move(interval));
  }
  doc["rows"] = std::move(rows);
  doc["intervals"] = std::move(intervals);
  // Quantiles have no value interval: the exponential mechanism bounds ranks (sql_release.h).
  nlohmann::json rank_errors = nlohmann::json::object();
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c < table.rank_error_bounds.size() && table.rank_error_bounds[c]) {
      rank_errors[table.columns[c]] = *table.rank_error_bounds[c];
    }
  }
  doc["quantile_rank_error_bounds"] = std::move(rank_errors);
  doc["confidence_level"] = table.confidence_level;
  doc["epsilon_spent"] = table.epsilon_spent;
  doc["delta_spent"] = table.delta_spent;
  doc["budget_split"] = BudgetSplitJson(plan);
  nlohmann::json approx = nlohmann::json::array();
  for (std::size_t i = 0; i < found.size() && i < plan.approx_bounds.size(); ++i) {
    if (!found[i].bounds) continue;
    approx.push_back({{"column", found[i].label},
                      {"lower", found[i].bounds->lower},
                      {"upper", found[i].bounds->upper},
                      {"epsilon", plan.approx_bounds[i].statistic.epsilon}});
  }
  doc["approx_bounds"] = std::move(approx);
  return ToJsonText(doc);
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string FormatCsv(const privacy::ReleasedTable& table) {
  std::string out;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    out += (c == 0 ? "" : ",") + CsvField(table.columns[c]);
  }
  out += '\n';
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cell;
      if (IsNull(row[c])) {
        cell = "";
      } else if (table.noisy[c]) {
        cell = fmt::format("{}", DbValueAsDouble(row[c]));
      } else {
        cell = DbValueToString(row[c]);
      }
      out += (c == 0 ? "" : ",") + CsvField(cell);
    }
    out += '\n';
  }
  return out;
}

std::string FormatTable(const privacy::ReleasedTable& table) {
  Table text;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    text.headers.push_back(table.columns[c]);
    text.align.push_back(table.noisy[c] ? Align::kRight : Align::kLeft);
    if (table.noisy[c]) {
      text.headers.push_back(
          fmt::format("{}% CI", FormatSignificant(table.confidence_level * 100, 6)));
      text.align.push_back(Align::kRight);
    }
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      cells.push_back(CellText(table.rows[r][c], table.noisy[c]));
      if (table.noisy[c]) {
        const auto& ci = table.intervals[r][c];
        cells.push_back(ci ? fmt::format("[{}, {}]", FormatSignificant((*ci)[0], 6),
                                         FormatSignificant((*ci)[1], 6))
                           : "");
      }
    }
    text.rows.push_back(std::move(cells));
  }
  std::string notes;
  for (std::size_t c = 0; c < table.columns.size() && c < table.rank_error_bounds.size(); ++c) {
    if (!table.rank_error_bounds[c]) continue;
    notes += fmt::format(
        "{}: no value interval; with {}% confidence its rank is at most {} values farther from "
        "p*n than the best histogram edge's\n",
        table.columns[c], FormatSignificant(table.confidence_level * 100, 6),
        FormatSignificant(*table.rank_error_bounds[c], 4));
  }
  return FormatTextTable(text) + notes +
         fmt::format("epsilon spent {}, delta spent {}\n",
                     FormatSignificant(table.epsilon_spent, 6),
                     FormatSignificant(table.delta_spent, 6));
}

int RunQuery(const QueryOptions& options, const Context& context) {
  if (options.ledger.empty() != options.dataset.empty()) {
    throw InvalidArgumentError("--ledger and --dataset go together",
                               {.field = options.ledger.empty() ? "--ledger" : "--dataset"});
  }
  privacy::SqlQueryOptions query_options;
  query_options.privacy_unit = options.privacy_unit;
  query_options.max_groups_per_unit = options.max_groups_per_unit;
  query_options.max_rows_per_group = options.max_rows_per_group;
  for (const std::string& text : options.bounds) {
    auto [column, bounds] = ParseBounds(text);
    query_options.bounds[column] = bounds;
  }
  const privacy::BoundedQuery query = privacy::RewriteQuery(options.sql, query_options);
  privacy::ReleaseOptions release_options;
  if (!options.public_groups.empty()) {
    release_options.public_groups = ReadPublicGroups(options.public_groups);
  }
  if (options.partition_selection != "near-optimal" && options.partition_selection != "laplace") {
    throw InvalidArgumentError(
        fmt::format("'{}': expected near-optimal or laplace", options.partition_selection),
        {.field = "--partition-selection"});
  }
  const privacy::PlanOptions plan_options = {
      .epsilon = options.epsilon,
      .delta = options.delta,
      .public_groups = release_options.public_groups.has_value(),
      .partition_selection = options.partition_selection == "laplace"
                                 ? privacy::PartitionSelectionStrategy::kLaplaceThreshold
                                 : privacy::PartitionSelectionStrategy::kNearOptimal,
      .approx_bounds_fraction = options.approx_bounds_fraction};
  const privacy::PrivacyPlan plan = privacy::MakePrivacyPlan(query, plan_options);
  if (options.explain) {
    context.EmitResult(options.output, options.output.format == "json"
                                           ? privacy::ExplainJson(query, plan)
                                           : privacy::ExplainText(query, plan));
    return 0;
  }
  if (options.seed) {
    context.Warn("--seed: the noise is reproducible pseudo-randomness, the output is NOT private");
  }
  auto db = Database::Open(options.db);
  // The charge is reserved (and counts as spent) before the data is read; it is cancelled only
  // if the engine fails before anything could be released.
  std::optional<privacy::Ledger> ledger;
  std::int64_t charge = 0;
  if (!options.ledger.empty()) {
    ledger.emplace(privacy::Ledger::Open(options.ledger));
    const privacy::PrivacyEvent event = privacy::PlanEvent(plan);
    charge = ledger->Reserve(options.dataset, event, privacy::EventFingerprint(event),
                             fmt::format("privacy query: {}", options.sql));
  }
  std::unique_ptr<privacy::MechanismNoiseSource> noise =
      options.seed ? std::make_unique<privacy::MechanismNoiseSource>(*options.seed)
                   : std::make_unique<privacy::MechanismNoiseSource>();
  privacy::BoundedQuery final_query = query;
  privacy::PrivacyPlan final_plan = plan;
  std::vector<privacy::FoundBounds> found;
  // Once ApproxBounds has drawn noise on the data (even when it finds no bounds, which is itself
  // an outcome of the mechanism), the charge is spent; before that it can be cancelled.
  bool searched = false;
  privacy::BoundedAggregates bounded;
  try {
    if (privacy::BoundsPending(query)) {
      try {
        found = privacy::FindApproxBounds(*db, query, plan, *noise);
      } catch (const InputError&) {
        searched = true;
        throw;
      }
      searched = true;
      final_query = privacy::WithFoundBounds(query, found);
      final_plan = privacy::MakePrivacyPlan(final_query, plan_options);
    }
    bounded = privacy::ExecuteBoundedQuery(*db, final_query);
  } catch (...) {
    if (ledger) {
      if (searched) {
        ledger->Commit(charge);
      } else {
        ledger->Cancel(charge);
      }
    }
    throw;
  }
  if (ledger) ledger->Commit(charge);
  const privacy::ReleasedTable table =
      privacy::ReleaseQuery(final_query, final_plan, bounded, *noise, release_options);
  if (options.output.format == "json") {
    context.EmitResult(options.output, FormatJson(table, final_plan, found));
  } else if (options.output.format == "csv") {
    const std::string note = FoundBoundsText(found, final_plan);
    if (!note.empty()) context.Warn(note.substr(0, note.size() - 1));
    context.EmitResult(options.output, FormatCsv(table));
  } else {
    context.EmitResult(options.output, FormatTable(table) + FoundBoundsText(found, final_plan));
  }
  return 0;
}

}  // namespace

void SetupPrivacyQueryCommands(CLI::App& privacy, Context& context) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* query = privacy.add_subcommand(
      "query", "Differentially private answer to an aggregate SQL query (SQLite, PostgreSQL)");
  query->footer(
      "Example:\n  rampart privacy query --db sqlite:shop.db --privacy-unit person_id --epsilon 1 "
      "--delta 1e-6 \\\n    --bounds amount=0:500 --max-groups-per-unit 2 --max-rows-per-group 5 "
      "\\\n    --ledger budget.db --dataset shop \\\n    \"SELECT country, COUNT(*), AVG(amount) "
      "FROM purchases GROUP BY country\"\nThe ledger is charged before anything is released; "
      "exit 3 when the budget is exhausted.\n--seed K makes the noise reproducible: the output "
      "is then NOT private.");
  query->add_option("--db", options->db, "Database URL: sqlite:PATH or postgresql://...")
      ->required();
  query
      ->add_option("--privacy-unit", options->privacy_unit,
                   "Column identifying whom a row belongs to (column or table.column)")
      ->required();
  query->add_option("--epsilon", options->epsilon, "Total epsilon of the query")->required();
  query->add_option("--delta", options->delta,
                    "Total delta (needed for partition selection of grouped queries)");
  query->add_option("--ledger", options->ledger, "Budget ledger: SQLite file or postgresql://...");
  query->add_option("--dataset", options->dataset, "Dataset name in the ledger");
  query->add_option("--bounds", options->bounds, "Clamping bounds COL=LO:HI (repeatable)");
  query->add_option("--approx-bounds-fraction", options->approx_bounds_fraction,
                    "Share of epsilon spent finding the bounds of columns without --bounds "
                    "(ApproxBounds; default 0.1)");
  query->add_option("--partition-selection", options->partition_selection,
                    "Release rule for groups not in --public-groups: near-optimal (Desfontaines "
                    "et al. 2022, default) or laplace (thresholded noisy unit count)");
  query->add_option("--max-groups-per-unit", options->max_groups_per_unit,
                    "L0 bound: groups one privacy unit may contribute to (default 1)");
  query->add_option("--max-rows-per-group", options->max_rows_per_group,
                    "Linf bound: rows per privacy unit and group (default 1)");
  query->add_option("--public-groups", options->public_groups,
                    "File of public group keys, one per line (tab-separated for several keys)");
  query->add_flag("--explain", options->explain,
                  "Print the rewritten SQL and the privacy plan; run and charge nothing");
  query->add_option("--seed", options->seed,
                    "Reproducible, NOT private: draw noise from a seeded generator");
  query->add_option("sql", options->sql, "The aggregate SQL query")->required();
  context.AddOutputOptions(query, options->output, {"table", "csv", "json"});
  query->callback([&context, options] {
    context.SetCommand([&context, options] { return RunQuery(*options, context); });
  });
}

}  // namespace rampart::cli
