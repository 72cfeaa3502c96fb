#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/privacy/parameters.h>
#include <rampart/privacy/sql_bounds.h>
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
    case SqlStatistic::kQuantile:
      return "quantile";
    case SqlStatistic::kBoundsHistogram:
      return "approx_bounds";
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
  auto add = [&needed](SqlStatistic statistic, std::size_t value_index, std::string label,
                       double quantile = 0.0) {
    for (const auto& existing : needed) {
      if (existing.statistic == statistic && existing.value_index == value_index &&
          existing.quantile == quantile) {
        return;
      }
    }
    PlannedStatistic planned;
    planned.statistic = statistic;
    planned.value_index = value_index;
    planned.quantile = quantile;
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
        add(SqlStatistic::kQuantile, j, fmt::format("quantile({}, {})", label, column.quantile),
            column.quantile);
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
  std::vector<std::size_t> approx_columns;
  for (std::size_t j = 0; j < query.values.size(); ++j) {
    if (query.values[j].approx_bounds) approx_columns.push_back(j);
  }
  double main_epsilon = epsilon;
  if (!approx_columns.empty()) {
    const double fraction = options.approx_bounds_fraction;
    const double failure = options.approx_bounds_failure_probability;
    if (!(fraction > 0.0 && fraction < 1.0)) {
      throw InvalidArgumentError(
          fmt::format("the ApproxBounds fraction of epsilon must be in (0, 1), got {}", fraction),
          {.field = "approx_bounds_fraction"});
    }
    if (!(failure > 0.0 && failure < 1.0)) {
      throw InvalidArgumentError(
          fmt::format("the ApproxBounds failure probability must be in (0, 1), got {}", failure),
          {.field = "approx_bounds_failure_probability"});
    }
    const double each = epsilon * fraction / static_cast<double>(approx_columns.size());
    main_epsilon = epsilon - each * static_cast<double>(approx_columns.size());
    for (const std::size_t j : approx_columns) {
      ApproxBoundsStep step;
      step.value_index = j;
      step.label = query.values[j].label;
      step.statistic.statistic = SqlStatistic::kBoundsHistogram;
      step.statistic.value_index = j;
      step.statistic.label = fmt::format("approx_bounds({})", step.label);
      step.statistic.epsilon = each;
      step.statistic.l0 = 1;
      step.statistic.linf = kApproxBoundsUnitWeight;
      step.statistic.l1 = kApproxBoundsUnitWeight;
      step.statistic.l2 = static_cast<double>(kApproxBoundsUnitWeight);
      step.statistic.unit = 1.0 / static_cast<double>(kApproxBoundsUnitWeight);
      step.statistic.laplace_scale = static_cast<double>(kApproxBoundsUnitWeight) / each;
      step.bins = 2 * kApproxBoundsMaxBin + 1;
      step.failure_probability = failure;
      step.threshold = ApproxBoundsThreshold(step.statistic.laplace_scale, failure, step.bins);
      plan.approx_bounds.push_back(std::move(step));
    }
  }
  plan.statistics = NeededStatistics(query);
  const auto shares = static_cast<double>(plan.statistics.size() + (selection ? 1 : 0));
  const double share = main_epsilon / shares;
  for (auto& statistic : plan.statistics) {
    statistic.epsilon = share;
    statistic.l0 = l0;
    // Only sums depend on the clamping bounds (counts and quantile utilities move by C).
    const bool sum = statistic.statistic == SqlStatistic::kSum ||
                     statistic.statistic == SqlStatistic::kNormalizedSum ||
                     statistic.statistic == SqlStatistic::kNormalizedSquares;
    if (sum && statistic.value_index < query.values.size() &&
        query.values[statistic.value_index].approx_bounds) {
      statistic.approx_bounds = true;
      if (!query.values[statistic.value_index].bounds) {
        // Pending: the sensitivity is known once ApproxBounds has run.
        statistic.linf = 0;
        statistic.l1 = 0;
        statistic.l2 = 0.0;
        statistic.laplace_scale = 0.0;
        continue;
      }
    }
    // The bounded value column of a sum statistic (RewriteQuery guarantees it has bounds).
    const auto bounded_value = [&query, &statistic]() -> const ValueColumn& {
      if (statistic.value_index >= query.values.size() ||
          !query.values[statistic.value_index].bounds) {
        throw InternalError(
            fmt::format("statistic {} has no bounded value column", statistic.label));
      }
      return query.values[statistic.value_index];
    };
    statistic.delta = 0.0;
    switch (statistic.statistic) {
      case SqlStatistic::kRows:
      case SqlStatistic::kValues:
        statistic.linf = rows;
        break;
      case SqlStatistic::kQuantile:
        // Exponential mechanism per group (sql_release.h QuantileScores): C values of one unit
        // move every utility by at most C max(p, 1 - p); the unit reaches L0 groups, each
        // selection gets epsilon / L0 (basic composition over the groups).
        statistic.linf = rows;
        statistic.score_sensitivity =
            static_cast<double>(rows) * std::max(statistic.quantile, 1.0 - statistic.quantile);
        statistic.group_epsilon = share / static_cast<double>(l0);
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
      case SqlStatistic::kBoundsHistogram:
        throw InternalError("ApproxBounds histograms are planned apart");
    }
    statistic.l1 = CheckedProduct(l0, statistic.linf);
    statistic.l2 = std::sqrt(static_cast<double>(l0)) * static_cast<double>(statistic.linf);
    statistic.laplace_scale = statistic.statistic == SqlStatistic::kQuantile
                                  ? 0.0
                                  : static_cast<double>(statistic.l1) / statistic.epsilon;
  }
  plan.epsilon = share * shares;
  for (const auto& step : plan.approx_bounds) plan.epsilon += step.statistic.epsilon;
  if (selection) {
    auto& ps = plan.partition_selection;
    ps.enabled = true;
    ps.strategy = options.partition_selection;
    ps.epsilon = share;
    ps.delta = delta;
    ps.l0 = l0;
    ps.laplace_scale = static_cast<double>(l0) / share;
    // Per-group delta so that the union over the L0 groups one unit can create stays <= delta.
    const double delta_group = -std::expm1(std::log1p(-delta) / static_cast<double>(l0));
    ps.group_epsilon = share / static_cast<double>(l0);
    ps.group_delta = delta_group;
    ps.threshold = 1.0 + ps.laplace_scale * std::log(1.0 / (2.0 * delta_group));
    plan.delta = delta;
  }
  return plan;
}

double PartitionKeepProbability(std::int64_t units, double epsilon, double delta) {
  if (!(epsilon > 0.0) || !std::isfinite(epsilon) || !(delta > 0.0) || !(delta < 1.0)) {
    throw InvalidArgumentError(
        fmt::format("partition selection needs epsilon > 0 and delta in (0, 1), got {}, {}",
                    epsilon, delta),
        {.field = "delta"});
  }
  if (units <= 0) return 0.0;
  // In logarithms, so that a huge epsilon (e^eps overflows) still gives pi(1) = delta, pi = 1
  // beyond. log(e^x - 1), stable for every x > 0:
  const auto log_expm1 = [](double x) {
    return x > 1.0 ? x + std::log1p(-std::exp(-x)) : std::log(std::expm1(x));
  };
  const double l = log_expm1(epsilon);  // log(e^eps - 1)
  // The first phase, pi(n) = e^eps pi(n-1) + delta, holds while pi(n-1) <= (1 - delta) /
  // (e^eps + 1), i.e. for n <= n1 = 1 + floor(ln((e^eps + 2 delta - 1) / ((e^eps + 1) delta))
  // / eps).
  const double log_ratio =
      std::log1p(2.0 * delta * std::exp(-l)) - std::log1p(2.0 * std::exp(-l)) - std::log(delta);
  const double n1 = 1.0 + std::floor(log_ratio / epsilon);
  const auto n = static_cast<double>(units);
  // delta (e^(k eps) - 1) / (e^eps - 1)
  const auto phase_one = [&](double k) {
    return std::min(1.0, delta * std::exp(log_expm1(k * epsilon) - l));
  };
  if (n <= n1) return phase_one(n);
  const double c = delta * std::exp(-l);
  const double p = 1.0 + c - std::exp(-(n - n1) * epsilon) * (1.0 - phase_one(n1) + c);
  return std::clamp(p, 0.0, 1.0);
}

const PlannedStatistic& FindStatistic(const PrivacyPlan& plan, SqlStatistic statistic,
                                      std::size_t value_index, double quantile) {
  for (const auto& planned : plan.statistics) {
    if (planned.statistic == statistic &&
        (statistic == SqlStatistic::kRows || statistic == SqlStatistic::kUnits ||
         planned.value_index == value_index) &&
        (statistic != SqlStatistic::kQuantile || planned.quantile == quantile)) {
      return planned;
    }
  }
  throw InternalError(fmt::format("the plan has no {} statistic for value {}",
                                  SqlStatisticName(statistic), value_index));
}

std::string ExplainText(const BoundedQuery& query, const PrivacyPlan& plan) {
  std::string text;
  for (const auto& value : query.values) {
    if (!value.approx_bounds_sql.empty()) {
      text += fmt::format(
          "ApproxBounds of {} (no --bounds given: found privately first; unit weights over "
          "power-of-two bins):\n\n{};\n\n",
          value.label, value.approx_bounds_sql);
    }
  }
  text += "Rewritten SQL (contribution bounding, exact integer aggregates):\n\n";
  text += BoundsPending(query)
              ? std::string(
                    "(generated once ApproxBounds has found the clamping bounds; its "
                    "fixed-point encoding depends on them)\n")
              : query.sql + ";\n";
  for (const auto& value : query.values) {
    if (value.needs_histogram && !value.histogram_sql.empty()) {
      text += fmt::format("\nQuantile histogram of {} ({} bins):\n\n{};\n", value.label,
                          query.options.quantile_bins, value.histogram_sql);
    }
  }
  text += fmt::format(
      "\nPrivacy plan: epsilon = {}, delta = {}; privacy unit {}; at most {} group(s) per unit, "
      "{} row(s) per unit and group\n\n",
      FormatSignificant(plan.epsilon, 12), FormatNumber(plan.delta), query.options.privacy_unit,
      query.options.max_groups_per_unit, query.options.max_rows_per_group);
  Table table;
  table.headers = {"statistic", "epsilon", "delta", "L0", "Linf", "L1", "unit", "laplace scale"};
  table.align = {Align::kLeft,  Align::kRight, Align::kRight, Align::kRight,
                 Align::kRight, Align::kRight, Align::kRight, Align::kRight};
  for (const auto& step : plan.approx_bounds) {
    const auto& s = step.statistic;
    table.rows.push_back({s.label, FormatNumber(s.epsilon), FormatNumber(s.delta), "1",
                          std::to_string(s.linf), std::to_string(s.l1), FormatNumber(s.unit),
                          FormatSignificant(s.laplace_scale * s.unit, 6)});
  }
  for (const auto& s : plan.statistics) {
    if (s.approx_bounds && s.l1 == 0) {
      table.rows.push_back({s.label, FormatNumber(s.epsilon), FormatNumber(s.delta),
                            std::to_string(s.l0), "after bounds", "after bounds", "-", "-"});
      continue;
    }
    if (s.statistic == SqlStatistic::kQuantile) {
      table.rows.push_back({s.label, FormatNumber(s.epsilon), FormatNumber(s.delta),
                            std::to_string(s.l0), std::to_string(s.linf), std::to_string(s.l1),
                            FormatNumber(s.unit),
                            fmt::format("exp. mech. eps/group {}, score sens. {}",
                                        FormatSignificant(s.group_epsilon, 6),
                                        FormatSignificant(s.score_sensitivity, 6))});
      continue;
    }
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
  if (ps.enabled && ps.strategy == PartitionSelectionStrategy::kLaplaceThreshold) {
    text += fmt::format(
        "\nA group is released only if its count of distinct units plus Laplace noise exceeds "
        "{}.\n",
        FormatSignificant(ps.threshold, 6));
  } else if (ps.enabled) {
    // The smallest group sizes released with probability >= 1/2 and with certainty.
    std::int64_t half = 1;
    while (PartitionKeepProbability(half, ps.group_epsilon, ps.group_delta) < 0.5) ++half;
    std::int64_t sure = half;
    while (PartitionKeepProbability(sure, ps.group_epsilon, ps.group_delta) < 1.0) ++sure;
    text += fmt::format(
        "\nNear-optimal partition selection (Desfontaines et al. 2022): a group with n distinct "
        "units is released with probability pi(n) (epsilon {} and delta {} per group): "
        "pi(1) = {}, pi(n) >= 1/2 from n = {}, pi(n) = 1 from n = {}.\n",
        FormatSignificant(ps.group_epsilon, 6), FormatSignificant(ps.group_delta, 6),
        FormatSignificant(PartitionKeepProbability(1, ps.group_epsilon, ps.group_delta), 6), half,
        sure);
  } else {
    text += query.grouped ? "\nGroups are public: no partition selection.\n"
                          : "\nOne global group: no partition selection.\n";
  }
  for (const auto& step : plan.approx_bounds) {
    text += fmt::format(
        "ApproxBounds of {}: every unit spreads a weight of 1 over the power-of-two bins of its "
        "values; a bin is kept if its noisy weight reaches {} (an empty bin passes with "
        "probability <= {} over all {} bins); bounds = [lowest kept bin, highest kept bin].\n",
        step.label, FormatSignificant(static_cast<double>(step.threshold) * step.statistic.unit, 6),
        FormatNumber(step.failure_probability), step.bins);
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
    entry["approx_bounds"] = value.approx_bounds;
    if (!value.approx_bounds_sql.empty()) entry["approx_bounds_sql"] = value.approx_bounds_sql;
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
                          {"laplace_scale_in_value_units", s.laplace_scale * s.unit},
                          {"approx_bounds", s.approx_bounds},
                          {"quantile", s.quantile},
                          {"score_sensitivity", s.score_sensitivity},
                          {"group_epsilon", s.group_epsilon}});
  }
  doc["statistics"] = std::move(statistics);
  nlohmann::json approx = nlohmann::json::array();
  for (const auto& step : plan.approx_bounds) {
    approx.push_back(
        {{"label", step.label},
         {"epsilon", step.statistic.epsilon},
         {"l1", step.statistic.l1},
         {"unit", step.statistic.unit},
         {"laplace_scale", step.statistic.laplace_scale},
         {"laplace_scale_in_value_units", step.statistic.laplace_scale * step.statistic.unit},
         {"bins", step.bins},
         {"failure_probability", step.failure_probability},
         {"threshold", static_cast<double>(step.threshold) * step.statistic.unit}});
  }
  doc["approx_bounds"] = std::move(approx);
  const auto& ps = plan.partition_selection;
  doc["partition_selection"] = {
      {"enabled", ps.enabled},
      {"strategy", ps.strategy == PartitionSelectionStrategy::kNearOptimal ? "near_optimal"
                                                                           : "laplace_threshold"},
      {"group_epsilon", ps.group_epsilon},
      {"group_delta", ps.group_delta},
      {"epsilon", ps.epsilon},
      {"delta", ps.delta},
      {"l0", ps.l0},
      {"laplace_scale", ps.laplace_scale},
      {"threshold", ps.threshold}};
  return ToJsonText(doc);
}

}  // namespace rampart::privacy
