#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_release.h>

namespace rampart::privacy {
namespace {

std::int64_t AsInteger(const DbValue& value, std::string_view column) {
  if (IsNull(value)) return 0;  // SUM over no non-NULL value
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  const double real = DbValueAsDouble(value);
  if (real != std::floor(real) || std::fabs(real) > 9.0e15) {
    throw InternalError(fmt::format("column {} of the bounded query is not an integer: {}", column,
                                    DbValueToString(value)));
  }
  return static_cast<std::int64_t>(real);
}

std::size_t ColumnIndex(const std::vector<std::string>& columns, const std::string& name) {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    throw InternalError(fmt::format("the bounded query returned no column {}", name));
  }
  return static_cast<std::size_t>(it - columns.begin());
}

std::vector<std::string> KeyText(const std::vector<DbValue>& key) {
  std::vector<std::string> text;
  text.reserve(key.size());
  for (const auto& value : key) text.push_back(DbValueToString(value));
  return text;
}

// Compares released cells for ORDER BY: NULLs first, numbers numerically, text as text.
bool CellLess(const DbValue& a, const DbValue& b) {
  if (IsNull(a) || IsNull(b)) return IsNull(a) && !IsNull(b);
  const bool a_text = std::holds_alternative<std::string>(a);
  const bool b_text = std::holds_alternative<std::string>(b);
  if (a_text || b_text) {
    if (a_text != b_text) return !a_text;  // numbers before text
    return std::get<std::string>(a) < std::get<std::string>(b);
  }
  return DbValueAsDouble(a) < DbValueAsDouble(b);
}

}  // namespace

std::vector<double> QuantileScores(std::span<const std::int64_t> histogram, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw InvalidArgumentError(fmt::format("quantile must be in [0, 1], got {}", p),
                               {.field = "quantile"});
  }
  double n = 0.0;
  for (const std::int64_t count : histogram)
    n += static_cast<double>(std::max<std::int64_t>(0, count));
  std::vector<double> scores;
  scores.reserve(histogram.size() + 1);
  double below = 0.0;
  for (std::size_t i = 0; i <= histogram.size(); ++i) {
    scores.push_back(-std::fabs(below - p * n));
    if (i < histogram.size()) below += static_cast<double>(std::max<std::int64_t>(0, histogram[i]));
  }
  return scores;
}

double QuantileRankErrorBound(double sensitivity, double epsilon, std::size_t candidates,
                              double confidence) {
  if (!(sensitivity > 0.0) || !(epsilon > 0.0) || !std::isfinite(epsilon) || candidates == 0 ||
      !(confidence > 0.0 && confidence < 1.0)) {
    throw InvalidArgumentError(
        fmt::format("rank error bound needs sensitivity > 0, epsilon > 0, candidates > 0 and "
                    "confidence in (0, 1), got {}, {}, {}, {}",
                    sensitivity, epsilon, candidates, confidence),
        {.field = "confidence_level"});
  }
  // P(u(out) < OPT - t) <= candidates exp(-epsilon t / (2 sensitivity)); solve for 1 - confidence.
  return 2.0 * sensitivity / epsilon *
         (std::log(static_cast<double>(candidates)) - std::log1p(-confidence));
}

double QuantileScoreSensitivity(std::int64_t max_rows_per_group, double p) {
  return static_cast<double>(max_rows_per_group) * std::max(p, 1.0 - p);
}

BoundedAggregates ExecuteBoundedQuery(Database& db, const BoundedQuery& query) {
  if (BoundsPending(query)) {
    throw InvalidArgumentError(
        "the query waits for ApproxBounds: run FindApproxBounds and WithFoundBounds first",
        {.field = "bounds"});
  }
  BoundedAggregates result;
  const std::size_t key_count = query.key_names.size();
  const QueryResult rows = db.Query(query.sql);
  std::vector<std::size_t> n_index(query.values.size());
  std::vector<std::size_t> s_index(query.values.size());
  std::vector<std::size_t> m_index(query.values.size());
  std::vector<std::size_t> q_index(query.values.size());
  for (std::size_t j = 0; j < query.values.size(); ++j) {
    n_index[j] = ColumnIndex(rows.columns, fmt::format("rampart_n{}", j + 1));
    if (query.values[j].bounds) {
      s_index[j] = ColumnIndex(rows.columns, fmt::format("rampart_s{}", j + 1));
      m_index[j] = ColumnIndex(rows.columns, fmt::format("rampart_m{}", j + 1));
    }
    if (query.values[j].needs_squares) {
      q_index[j] = ColumnIndex(rows.columns, fmt::format("rampart_q{}", j + 1));
    }
  }
  const std::size_t units_index = ColumnIndex(rows.columns, "rampart_units");
  const std::size_t rows_index = ColumnIndex(rows.columns, "rampart_rows");
  std::map<std::vector<DbValue>, std::size_t> by_key;
  for (const auto& row : rows.rows) {
    BoundedGroup group;
    group.key.assign(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(key_count));
    group.units = AsInteger(row[units_index], "rampart_units");
    group.rows = AsInteger(row[rows_index], "rampart_rows");
    group.value_counts.resize(query.values.size());
    group.sums.resize(query.values.size());
    group.normalized_sums.resize(query.values.size());
    group.square_sums.resize(query.values.size());
    group.histograms.resize(query.values.size());
    for (std::size_t j = 0; j < query.values.size(); ++j) {
      group.value_counts[j] = AsInteger(row[n_index[j]], "rampart_n");
      if (query.values[j].bounds) {
        group.sums[j] = AsInteger(row[s_index[j]], "rampart_s");
        group.normalized_sums[j] = AsInteger(row[m_index[j]], "rampart_m");
      }
      if (query.values[j].needs_squares) {
        group.square_sums[j] = AsInteger(row[q_index[j]], "rampart_q");
      }
      if (query.values[j].needs_histogram) {
        group.histograms[j].assign(static_cast<std::size_t>(query.options.quantile_bins), 0);
      }
    }
    by_key.emplace(group.key, result.groups.size());
    result.groups.push_back(std::move(group));
  }
  for (std::size_t j = 0; j < query.values.size(); ++j) {
    if (!query.values[j].needs_histogram) continue;
    const QueryResult bins = db.Query(query.values[j].histogram_sql);
    const std::size_t bin_index = ColumnIndex(bins.columns, "rampart_bin");
    const std::size_t count_index = ColumnIndex(bins.columns, "rampart_count");
    for (const auto& row : bins.rows) {
      const std::vector<DbValue> key(row.begin(),
                                     row.begin() + static_cast<std::ptrdiff_t>(key_count));
      // A group the main query did not return (its units chose other groups there) is dropped:
      // each query is bounded on its own, so this is post-processing.
      const auto it = by_key.find(key);
      if (it == by_key.end()) continue;
      const std::int64_t bin = AsInteger(row[bin_index], "rampart_bin");
      if (bin < 0 || bin >= query.options.quantile_bins) {
        throw InternalError(fmt::format("histogram bin {} out of range", bin));
      }
      result.groups[it->second].histograms[j][static_cast<std::size_t>(bin)] =
          AsInteger(row[count_index], "rampart_count");
    }
  }
  return result;
}

namespace {

class GroupRelease {
 public:
  GroupRelease(const BoundedQuery& query, const PrivacyPlan& plan, NoiseSource& noise,
               double confidence)
      : query_(query), plan_(plan), noise_(noise), confidence_(confidence) {}

  // Noisy value (in integer steps) of a statistic for the current group, drawn once and reused
  // by every column that needs it.
  double Noisy(const BoundedGroup& group, SqlStatistic statistic, std::size_t j) {
    const auto key = std::make_pair(statistic, j);
    if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
    const PlannedStatistic& planned = FindStatistic(plan_, statistic, j);
    std::int64_t exact = 0;
    switch (statistic) {
      case SqlStatistic::kRows:
        exact = group.rows;
        break;
      case SqlStatistic::kUnits:
        exact = group.units;
        break;
      case SqlStatistic::kValues:
        exact = group.value_counts[j];
        break;
      case SqlStatistic::kSum:
        exact = group.sums[j];
        break;
      case SqlStatistic::kNormalizedSum:
        exact = group.normalized_sums.at(j);
        break;
      case SqlStatistic::kNormalizedSquares:
        exact = group.square_sums[j];
        break;
      case SqlStatistic::kQuantile:
      case SqlStatistic::kBoundsHistogram:
        throw InternalError("quantiles and ApproxBounds histograms are released apart");
    }
    const auto noisy = static_cast<double>(noise_.AddNoise(exact, planned));
    cache_.emplace(key, noisy);
    return noisy;
  }

  double Width(SqlStatistic statistic, std::size_t j, double confidence) const {
    return noise_.HalfWidth(FindStatistic(plan_, statistic, j), confidence);
  }

  void NextGroup() { cache_.clear(); }

  // One output cell and its interval.
  std::pair<double, std::optional<std::array<double, 2>>> Cell(const BoundedGroup& group,
                                                               const OutputColumn& column) {
    const std::size_t j = column.value_index;
    switch (column.aggregate) {
      case SqlAggregate::kCountRows:
        return Plain(group, SqlStatistic::kRows, 0);
      case SqlAggregate::kCountDistinctUnits:
        return Plain(group, SqlStatistic::kUnits, 0);
      case SqlAggregate::kCountValues:
        return Plain(group, SqlStatistic::kValues, j);
      case SqlAggregate::kSum:
        return Plain(group, SqlStatistic::kSum, j);
      case SqlAggregate::kMean:
        return Mean(group, j);
      case SqlAggregate::kVariance:
        return Variance(group, j, /*stddev=*/false);
      case SqlAggregate::kStddev:
        return Variance(group, j, /*stddev=*/true);
      case SqlAggregate::kQuantile:
        return Quantile(group, j, column.quantile);
    }
    throw InternalError("unknown aggregate");
  }

 private:
  std::pair<double, std::array<double, 2>> Plain(const BoundedGroup& group, SqlStatistic statistic,
                                                 std::size_t j) {
    const double unit = FindStatistic(plan_, statistic, j).unit;
    const double value = Noisy(group, statistic, j) * unit;
    const double width = Width(statistic, j, confidence_) * unit;
    return {value, {value - width, value + width}};
  }

  // AVG = mid + normalized sum / count (Li et al. 2016, as Google's BoundedMean), clamped.
  std::pair<double, std::array<double, 2>> Mean(const BoundedGroup& group, std::size_t j) {
    const ValueColumn& value = query_.values[j];
    const double half_unit = std::ldexp(1.0, -value.scale_exponent - 1);
    const double mid = static_cast<double>(value.fixed_lower + value.fixed_upper) * half_unit;
    const double count = Noisy(group, SqlStatistic::kValues, j);
    const double normalized = Noisy(group, SqlStatistic::kNormalizedSum, j) * half_unit;
    const auto clamp = [&](double mean) {
      return std::clamp(mean, value.bounds->lower, value.bounds->upper);
    };
    const double estimate = clamp(mid + normalized / std::max(1.0, count));
    // Joint interval (Bonferroni over the two noisy statistics), from the box's corners.
    const double each = 1.0 - (1.0 - confidence_) / 2.0;
    const double wc = Width(SqlStatistic::kValues, j, each);
    const double ws = Width(SqlStatistic::kNormalizedSum, j, each) * half_unit;
    double low = value.bounds->upper;
    double high = value.bounds->lower;
    for (const double c : {std::max(1.0, count - wc), std::max(1.0, count + wc)}) {
      for (const double s : {normalized - ws, normalized + ws}) {
        low = std::min(low, clamp(mid + s / c));
        high = std::max(high, clamp(mid + s / c));
      }
    }
    return {estimate, {low, high}};
  }

  // Var = E[(v-mid)^2] - E[v-mid]^2 from noisy count, normalized sum and normalized squares
  // (Google's BoundedVariance), clamped to its range; sample variance = that * n / (n - 1).
  std::pair<double, std::array<double, 2>> Variance(const BoundedGroup& group, std::size_t j,
                                                    bool stddev) {
    const ValueColumn& value = query_.values[j];
    const double half_unit = std::ldexp(1.0, -value.scale_exponent - 1);
    const double square_unit = std::ldexp(1.0, -value.square_scale_exponent);
    const double half_range = (value.bounds->upper - value.bounds->lower) / 2.0;
    const double count = Noisy(group, SqlStatistic::kValues, j);
    const double sum = Noisy(group, SqlStatistic::kNormalizedSum, j) * half_unit;
    const double squares = Noisy(group, SqlStatistic::kNormalizedSquares, j) * square_unit;
    const auto sample = [&](double population, double n) {
      const double correction = n > 1.0 ? n / (n - 1.0) : 1.0;
      const double max_population = half_range * half_range;
      const double clamped = std::clamp(population, 0.0, max_population) * correction;
      return stddev ? std::sqrt(clamped) : clamped;
    };
    const double n = std::max(1.0, count);
    const double estimate = sample(squares / n - (sum / n) * (sum / n), n);
    const double each = 1.0 - (1.0 - confidence_) / 3.0;
    const double wc = Width(SqlStatistic::kValues, j, each);
    const double ws = Width(SqlStatistic::kNormalizedSum, j, each) * half_unit;
    const double wq = Width(SqlStatistic::kNormalizedSquares, j, each) * square_unit;
    const double n_low = std::max(1.0, count - wc);
    const double n_high = std::max(1.0, count + wc);
    const double s_low = sum - ws;
    const double s_high = sum + ws;
    const double q_low = std::max(0.0, squares - wq);
    const double q_high = std::max(0.0, squares + wq);
    const double min_abs_s =
        s_low <= 0.0 && s_high >= 0.0 ? 0.0 : std::min(std::fabs(s_low), std::fabs(s_high));
    const double max_abs_s = std::max(std::fabs(s_low), std::fabs(s_high));
    const double high_population = q_high / n_low - (min_abs_s / n_high) * (min_abs_s / n_high);
    const double low_population = q_low / n_high - (max_abs_s / n_low) * (max_abs_s / n_low);
    const double high = sample(high_population, n_low);
    const double low = sample(low_population, n_high);
    return {estimate, {std::min(low, estimate), std::max(high, estimate)}};
  }

  // A quantile by the exponential mechanism over the histogram's edges (QuantileScores), with
  // epsilon / L0 in this group. No value interval: the mechanism bounds the rank error only.
  std::pair<double, std::optional<std::array<double, 2>>> Quantile(const BoundedGroup& group,
                                                                   std::size_t j, double p) {
    const ValueColumn& value = query_.values[j];
    const PlannedStatistic& planned = FindStatistic(plan_, SqlStatistic::kQuantile, j, p);
    const std::vector<double> scores = QuantileScores(group.histograms[j], p);
    const std::size_t edge =
        noise_.SelectCandidate(scores, planned.group_epsilon, planned.score_sensitivity);
    const double lower = value.bounds->lower;
    const double width =
        (value.bounds->upper - lower) / static_cast<double>(group.histograms[j].size());
    return {std::min(value.bounds->upper, lower + static_cast<double>(edge) * width), std::nullopt};
  }

 private:
  const BoundedQuery& query_;
  const PrivacyPlan& plan_;
  NoiseSource& noise_;
  double confidence_;
  std::map<std::pair<SqlStatistic, std::size_t>, double> cache_;
};

}  // namespace

ReleasedTable ReleaseQuery(const BoundedQuery& query, const PrivacyPlan& plan,
                           const BoundedAggregates& bounded, NoiseSource& noise,
                           const ReleaseOptions& options) {
  if (!(options.confidence_level > 0.0 && options.confidence_level < 1.0)) {
    throw InvalidArgumentError(
        fmt::format("confidence level must be in (0, 1), got {}", options.confidence_level),
        {.field = "confidence_level"});
  }
  const bool public_groups = options.public_groups.has_value();
  if (public_groups && plan.partition_selection.enabled) {
    throw InvalidArgumentError(
        "public groups were given but the plan spends budget on partition selection: make the "
        "plan with public_groups = true",
        {.field = "public_groups"});
  }
  if (query.grouped && !public_groups && !plan.partition_selection.enabled) {
    throw InvalidArgumentError(
        "the plan assumes public groups but none were given: releasing the groups found in the "
        "data needs partition selection",
        {.field = "public_groups"});
  }
  ReleasedTable table;
  table.confidence_level = options.confidence_level;
  table.epsilon_spent = plan.epsilon;
  table.delta_spent = plan.delta;
  for (const auto& column : query.columns) {
    table.columns.push_back(column.name);
    table.noisy.push_back(!column.is_key);
    std::optional<double> rank_error;
    if (!column.is_key && column.aggregate == SqlAggregate::kQuantile) {
      const PlannedStatistic& planned =
          FindStatistic(plan, SqlStatistic::kQuantile, column.value_index, column.quantile);
      rank_error = QuantileRankErrorBound(planned.score_sensitivity, planned.group_epsilon,
                                          static_cast<std::size_t>(query.options.quantile_bins) + 1,
                                          options.confidence_level);
    }
    table.rank_error_bounds.push_back(rank_error);
  }

  // The groups to consider: the data's groups, or exactly the public ones (empty when absent).
  std::vector<BoundedGroup> groups;
  if (public_groups) {
    std::map<std::vector<std::string>, const BoundedGroup*> found;
    for (const auto& group : bounded.groups) found.emplace(KeyText(group.key), &group);
    for (const auto& key : *options.public_groups) {
      if (key.size() != query.key_names.size()) {
        throw InvalidArgumentError(
            fmt::format("a public group has {} key value(s), the query groups by {}", key.size(),
                        query.key_names.size()),
            {.field = "public_groups"});
      }
      if (const auto it = found.find(key); it != found.end()) {
        groups.push_back(*it->second);
        continue;
      }
      BoundedGroup empty;
      for (const auto& part : key) empty.key.emplace_back(part);
      empty.value_counts.assign(query.values.size(), 0);
      empty.sums.assign(query.values.size(), 0);
      empty.normalized_sums.assign(query.values.size(), 0);
      empty.square_sums.assign(query.values.size(), 0);
      empty.histograms.resize(query.values.size());
      for (std::size_t j = 0; j < query.values.size(); ++j) {
        if (query.values[j].needs_histogram) {
          empty.histograms[j].assign(static_cast<std::size_t>(query.options.quantile_bins), 0);
        }
      }
      groups.push_back(std::move(empty));
    }
  } else {
    groups = bounded.groups;
  }

  GroupRelease release(query, plan, noise, options.confidence_level);
  for (const auto& group : groups) {
    const PartitionSelectionPlan& ps = plan.partition_selection;
    if (ps.enabled) {
      const bool keep = ps.strategy == PartitionSelectionStrategy::kLaplaceThreshold
                            ? noise.AddSelectionNoise(group.units, ps) > ps.threshold
                            : noise.Bernoulli(PartitionKeepProbability(
                                  group.units, ps.group_epsilon, ps.group_delta));
      if (!keep) continue;
    }
    release.NextGroup();
    std::vector<DbValue> row;
    std::vector<std::optional<std::array<double, 2>>> intervals;
    for (const auto& column : query.columns) {
      if (column.is_key) {
        row.push_back(group.key[column.key_index]);
        intervals.emplace_back(std::nullopt);
        continue;
      }
      const auto [value, interval] = release.Cell(group, column);
      row.emplace_back(value);
      intervals.push_back(interval);
    }
    table.rows.push_back(std::move(row));
    table.intervals.push_back(std::move(intervals));
  }

  if (!query.order_by.empty()) {
    std::vector<std::size_t> order(table.rows.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      for (const auto& key : query.order_by) {
        const DbValue& x = table.rows[a][key.column];
        const DbValue& y = table.rows[b][key.column];
        if (CellLess(x, y)) return !key.descending;
        if (CellLess(y, x)) return key.descending;
      }
      return false;
    });
    std::vector<std::vector<DbValue>> rows;
    std::vector<std::vector<std::optional<std::array<double, 2>>>> intervals;
    for (const std::size_t i : order) {
      rows.push_back(std::move(table.rows[i]));
      intervals.push_back(std::move(table.intervals[i]));
    }
    table.rows = std::move(rows);
    table.intervals = std::move(intervals);
  }
  if (query.limit && table.rows.size() > static_cast<std::size_t>(*query.limit)) {
    table.rows.resize(static_cast<std::size_t>(*query.limit));
    table.intervals.resize(static_cast<std::size_t>(*query.limit));
  }
  return table;
}

}  // namespace rampart::privacy
