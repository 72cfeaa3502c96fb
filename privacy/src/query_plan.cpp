#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/privacy/parameters.h>
#include <rampart/privacy/sql_plan.h>

namespace rampart::privacy {

std::string_view SqlStatisticName(SqlStatistic statistic) {
  switch (statistic) {
    case SqlStatistic::kRows:
      return "rows";
    case SqlStatistic::kValues:
      return "values";
    case SqlStatistic::kUnits:
      return "units";
    case SqlStatistic::kSum:
      return "sum";
    case SqlStatistic::kNormalizedSum:
      return "normalized_sum";
    case SqlStatistic::kNormalizedSquares:
      return "normalized_squares";
    case SqlStatistic::kHistogram:
      return "histogram";
  }
  return "unknown";
}

namespace {

std::int64_t CheckedProduct(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw InvalidArgumentError(
        "the contribution bounds times the clamping range overflow 64-bit integers; lower "
        "--max-rows-per-group or --max-groups-per-unit",
        {.field = "max_rows_per_group"});
  }
  return product;
}

// The statistics each aggregate needs, deduplicated across output columns.
std::vector<PlannedStatistic> NeededStatistics(const BoundedQuery& query) {
  std::vector<PlannedStatistic> needed;
  auto add = [&needed](SqlStatistic statistic, std::size_t value_index, std::string label) {
    for (const auto& existing : needed) {
      if (existing.statistic == statistic && existing.value_index == value_index) return;
    }
    PlannedStatistic planned;
    planned.statistic = statistic;
    planned.value_index = value_index;
    planned.label = std::move(label);
    needed.push_back(std::move(planned));
  };
  for (const auto& column : query.columns) {
    if (column.is_key) continue;
    const std::size_t j = column.value_index;
    const std::string label =
        query.values.empty() || j >= query.values.size() ? std::string() : query.values[j].label;
    switch (column.aggregate) {
      case SqlAggregate::kCountRows:
        add(SqlStatistic::kRows, 0, "count(*)");
        break;
      case SqlAggregate::kCountDistinctUnits:
        add(SqlStatistic::kUnits, 0, "count(distinct unit)");
        break;
      case SqlAggregate::kCountValues:
        add(SqlStatistic::kValues, j, fmt::format("count({})", label));
        break;
      case SqlAggregate::kSum:
        add(SqlStatistic::kSum, j, fmt::format("sum({})", label));
        break;
      case SqlAggregate::kMean:
        add(SqlStatistic::kValues, j, fmt::format("count({})", label));
        add(SqlStatistic::kNormalizedSum, j, fmt::format("normalized_sum({})", label));
        break;
      case SqlAggregate::kVariance:
      case SqlAggregate::kStddev:
        add(SqlStatistic::kValues, j, fmt::format("count({})", label));
        add(SqlStatistic::kNormalizedSum, j, fmt::format("normalized_sum({})", label));
        add(SqlStatistic::kNormalizedSquares, j, fmt::format("normalized_squares({})", label));
        break;
      case SqlAggregate::kQuantile:
        add(SqlStatistic::kHistogram, j, fmt::format("histogram({})", label));
        break;
    }
  }
  return needed;
}

}  // namespace

PrivacyPlan MakePrivacyPlan(const BoundedQuery& query, const PlanOptions& options) {
  const double epsilon = CheckEpsilon(options.epsilon);
  const double delta = CheckDelta(options.delta, /*allow_zero=*/true);
  const bool selection = query.grouped && !options.public_groups;
  if (selection && delta == 0.0) {
    throw InvalidArgumentError(
        "a grouped query needs delta > 0 for partition selection (which groups exist is itself "
        "private), or public group keys",
        {.field = "delta"});
  }
  const std::int64_t l0 = query.options.max_groups_per_unit;
  const std::int64_t rows = query.options.max_rows_per_group;

  PrivacyPlan plan;
  plan.statistics = NeededStatistics(query);
  const auto shares = static_cast<double>(plan.statistics.size() + (selection ? 1 : 0));
  const double share = epsilon / shares;
  for (auto& statistic : plan.statistics) {
    // The bounded value column of a sum statistic (RewriteQuery guarantees it has bounds).
    const auto bounded_value = [&query, &statistic]() -> const ValueColumn& {
      if (statistic.value_index >= query.values.size() ||
          !query.values[statistic.value_index].bounds) {
        throw InternalError(
            fmt::format("statistic {} has no bounded value column", statistic.label));
      }
      return query.values[statistic.value_index];
    };
    statistic.epsilon = share;
    statistic.delta = 0.0;
    statistic.l0 = l0;
    switch (statistic.statistic) {
      case SqlStatistic::kRows:
      case SqlStatistic::kValues:
      case SqlStatistic::kHistogram:
        statistic.linf = rows;
        break;
      case SqlStatistic::kUnits:
        statistic.linf = 1;
        break;
      case SqlStatistic::kSum: {
        const ValueColumn& value = bounded_value();
        statistic.linf = CheckedProduct(
            rows, std::max(std::llabs(value.fixed_lower), std::llabs(value.fixed_upper)));
        statistic.unit = std::ldexp(1.0, -value.scale_exponent);
        break;
      }
      case SqlStatistic::kNormalizedSum: {
        const ValueColumn& value = bounded_value();
        statistic.linf = CheckedProduct(rows, value.fixed_upper - value.fixed_lower);
        statistic.unit = std::ldexp(1.0, -value.scale_exponent - 1);
        break;
      }
      case SqlStatistic::kNormalizedSquares: {
        const ValueColumn& value = bounded_value();
        statistic.linf = CheckedProduct(rows, value.fixed_square_upper);
        statistic.unit = std::ldexp(1.0, -value.square_scale_exponent);
        break;
      }
    }
    statistic.l1 = CheckedProduct(l0, statistic.linf);
    statistic.l2 = std::sqrt(static_cast<double>(l0)) * static_cast<double>(statistic.linf);
    statistic.laplace_scale = static_cast<double>(statistic.l1) / statistic.epsilon;
  }
  plan.epsilon = share * shares;
  if (selection) {
    auto& ps = plan.partition_selection;
    ps.enabled = true;
    ps.epsilon = share;
    ps.delta = delta;
    ps.l0 = l0;
    ps.laplace_scale = static_cast<double>(l0) / share;
    // Per-group delta so that the union over the L0 groups one unit can create stays <= delta.
    const double delta_group = -std::expm1(std::log1p(-delta) / static_cast<double>(l0));
    ps.threshold = 1.0 + ps.laplace_scale * std::log(1.0 / (2.0 * delta_group));
    plan.delta = delta;
  }
  return plan;
}

const PlannedStatistic& FindStatistic(const PrivacyPlan& plan, SqlStatistic statistic,
                                      std::size_t value_index) {
  for (const auto& planned : plan.statistics) {
    if (planned.statistic == statistic &&
        (statistic == SqlStatistic::kRows || statistic == SqlStatistic::kUnits ||
         planned.value_index == value_index)) {
      return planned;
    }
  }
  throw InternalError(fmt::format("the plan has no {} statistic for value {}",
                                  SqlStatisticName(statistic), value_index));
}

std::string ExplainText(const BoundedQuery& query, const PrivacyPlan& plan) {
  std::string text = "Rewritten SQL (contribution bounding, exact integer aggregates):\n\n";
  text += query.sql + ";\n";
  for (const auto& value : query.values) {
    if (value.needs_histogram) {
      text += fmt::format("\nQuantile histogram of {} ({} bins):\n\n{};\n", value.label,
                          query.options.quantile_bins, value.histogram_sql);
    }
  }
  text += fmt::format(
      "\nPrivacy plan: epsilon = {}, delta = {}; privacy unit {}; at most {} group(s) per unit, "
      "{} row(s) per unit and group\n\n",
      FormatNumber(plan.epsilon), FormatNumber(plan.delta), query.options.privacy_unit,
      query.options.max_groups_per_unit, query.options.max_rows_per_group);
  Table table;
  table.headers = {"statistic", "epsilon", "delta", "L0", "Linf", "L1", "unit", "laplace scale"};
  table.align = {Align::kLeft,  Align::kRight, Align::kRight, Align::kRight,
                 Align::kRight, Align::kRight, Align::kRight, Align::kRight};
  for (const auto& s : plan.statistics) {
    table.rows.push_back({s.label, FormatNumber(s.epsilon), FormatNumber(s.delta),
                          std::to_string(s.l0), std::to_string(s.linf), std::to_string(s.l1),
                          FormatNumber(s.unit), FormatSignificant(s.laplace_scale * s.unit, 6)});
  }
  const auto& ps = plan.partition_selection;
  if (ps.enabled) {
    table.rows.push_back({"partition selection", FormatNumber(ps.epsilon), FormatNumber(ps.delta),
                          std::to_string(ps.l0), "1", std::to_string(ps.l0), "1",
                          FormatSignificant(ps.laplace_scale, 6)});
  }
  text += FormatTextTable(table);
  if (ps.enabled) {
    text += fmt::format(
        "\nA group is released only if its count of distinct units plus Laplace noise exceeds "
        "{}.\n",
        FormatSignificant(ps.threshold, 6));
  } else {
    text += query.grouped ? "\nGroups are public: no partition selection.\n"
                          : "\nOne global group: no partition selection.\n";
  }
  text += "Laplace scales are in the statistic's own units (count, or value units for sums).\n";
  return text;
}

std::string ExplainJson(const BoundedQuery& query, const PrivacyPlan& plan) {
  nlohmann::json doc = NewJsonDocument();
  doc["sql"] = query.sql;
  doc["privacy_unit"] = query.options.privacy_unit;
  doc["max_groups_per_unit"] = query.options.max_groups_per_unit;
  doc["max_rows_per_group"] = query.options.max_rows_per_group;
  doc["epsilon"] = plan.epsilon;
  doc["delta"] = plan.delta;
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& column : query.columns) {
    nlohmann::json entry = {{"name", column.name}, {"key", column.is_key}};
    if (!column.is_key) {
      entry["aggregate"] = SqlAggregateName(column.aggregate);
      if (column.aggregate == SqlAggregate::kQuantile) entry["quantile"] = column.quantile;
    }
    columns.push_back(std::move(entry));
  }
  doc["columns"] = std::move(columns);
  nlohmann::json values = nlohmann::json::array();
  for (const auto& value : query.values) {
    nlohmann::json entry = {{"expression", value.expression}, {"label", value.label}};
    if (value.bounds) {
      entry["lower"] = value.bounds->lower;
      entry["upper"] = value.bounds->upper;
      entry["scale_exponent"] = value.scale_exponent;
      entry["fixed_lower"] = value.fixed_lower;
      entry["fixed_upper"] = value.fixed_upper;
    }
    if (value.needs_squares) {
      entry["square_scale_exponent"] = value.square_scale_exponent;
      entry["fixed_square_upper"] = value.fixed_square_upper;
    }
    if (value.needs_histogram) entry["histogram_sql"] = value.histogram_sql;
    values.push_back(std::move(entry));
  }
  doc["values"] = std::move(values);
  nlohmann::json statistics = nlohmann::json::array();
  for (const auto& s : plan.statistics) {
    statistics.push_back({{"statistic", SqlStatisticName(s.statistic)},
                          {"label", s.label},
                          {"epsilon", s.epsilon},
                          {"delta", s.delta},
                          {"l0", s.l0},
                          {"linf", s.linf},
                          {"l1", s.l1},
                          {"l2", s.l2},
                          {"unit", s.unit},
                          {"laplace_scale", s.laplace_scale},
                          {"laplace_scale_in_value_units", s.laplace_scale * s.unit}});
  }
  doc["statistics"] = std::move(statistics);
  const auto& ps = plan.partition_selection;
  doc["partition_selection"] = {{"enabled", ps.enabled},
                                {"epsilon", ps.epsilon},
                                {"delta", ps.delta},
                                {"l0", ps.l0},
                                {"laplace_scale", ps.laplace_scale},
                                {"threshold", ps.threshold}};
  return ToJsonText(doc);
}

}  // namespace rampart::privacy
