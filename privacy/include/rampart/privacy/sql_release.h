// Running a rewritten DP SQL query and releasing its result: the exact bounded aggregates come
// from the database (SQLite or PostgreSQL through rampart::Database); noise, partition selection,
// means, variances, quantiles and confidence intervals are added here through an injected
// NoiseSource, so that the mechanism is chosen (and tested) apart from the SQL.
//
//   auto db = rampart::Database::Open("sqlite:shop.db");
//   const auto query = rampart::privacy::RewriteQuery(sql, options);              // sql_query.h
//   const auto plan = rampart::privacy::MakePrivacyPlan(query, {.epsilon = 1, .delta = 1e-6});
//   // charge plan.epsilon / plan.delta to the ledger here, BEFORE anything is released
//   const auto bounded = rampart::privacy::ExecuteBoundedQuery(*db, query);
//   MyDiscreteLaplace noise;                                  // implements NoiseSource
//   const auto table = rampart::privacy::ReleaseQuery(query, plan, bounded, noise);
//
// The release is post-processing of the noisy statistics only: it never reads an exact value
// except to add noise to it, so its privacy is the plan's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <rampart/common/database.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_query.h>

namespace rampart::privacy {

// The exact, contribution-bounded aggregates of one group, as the rewritten SQL returns them.
struct BoundedGroup {
  std::vector<DbValue> key;  // one value per group key (empty for a global aggregate)
  std::int64_t units = 0;    // distinct privacy units
  std::int64_t rows = 0;     // bounded rows
  // Per BoundedQuery::values entry: non-NULL values, fixed-point sum (units 2^-scale_exponent),
  // normalized sum of 2x - (lo + hi) (same units; each unit's share computed and bounded per
  // (unit, group) in the SQL), fixed-point sum of (v - mid)^2 (units 2^-square_scale_exponent),
  // histogram bin counts.
  std::vector<std::int64_t> value_counts;
  std::vector<std::int64_t> sums;
  std::vector<std::int64_t> normalized_sums;
  std::vector<std::int64_t> square_sums;
  std::vector<std::vector<std::int64_t>> histograms;
};

struct BoundedAggregates {
  std::vector<BoundedGroup> groups;  // in the engine's order
};

// Runs query.sql (and the histogram queries of quantile columns) on `db`. Errors from the engine
// are IoError with the engine's message.
[[nodiscard]] BoundedAggregates ExecuteBoundedQuery(Database& db, const BoundedQuery& query);

// The noise of a release. The production implementation wraps the secure discrete Laplace
// mechanism; tests use zero noise or a seeded sampler. All values are integers in the
// statistic's own unit (PlannedStatistic::unit), so integer-valued noise keeps the proof exact.
class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  // `value` plus noise that makes it statistic.epsilon-DP given sensitivity statistic.l1
  // (discrete Laplace with scale statistic.laplace_scale).
  [[nodiscard]] virtual std::int64_t AddNoise(std::int64_t value,
                                              const PlannedStatistic& statistic) = 0;
  // `units` plus Laplace noise of scale selection.laplace_scale, for partition selection.
  [[nodiscard]] virtual double AddSelectionNoise(std::int64_t units,
                                                 const PartitionSelectionPlan& selection) = 0;
  // True with probability `probability` (near-optimal partition selection).
  [[nodiscard]] virtual bool Bernoulli(double probability) = 0;
  // An index chosen by the exponential mechanism: P(i) proportional to
  // exp(epsilon scores[i] / (2 sensitivity)) (quantiles).
  [[nodiscard]] virtual std::size_t SelectCandidate(std::span<const double> scores, double epsilon,
                                                    double sensitivity) = 0;
  // w such that P(|noise| <= w) >= confidence for AddNoise(., statistic), in integer steps.
  [[nodiscard]] virtual double HalfWidth(const PlannedStatistic& statistic,
                                         double confidence) const = 0;
};

// DP quantiles (Smith, STOC 2011, on a grid; as OpenDP's quantile over candidates): the
// exponential mechanism chooses one of the B + 1 edges c_0..c_B of the contribution-bounded
// histogram (B bins over [lo, hi]) with utility u_i = -|L_i - p n|, L_i = values below c_i,
// n = all values. One unit adds or removes at most C values of a group, each moving L_i - p n
// by 1 - p or -p, so u moves by at most C max(p, 1 - p) (QuantileScoreSensitivity).
[[nodiscard]] std::vector<double> QuantileScores(std::span<const std::int64_t> histogram, double p);

// The exponential mechanism's rank error at a confidence level (Dwork & Roth, Thm 3.11): with
// probability >= confidence the selected edge's utility is within
//   r = (2 sensitivity / epsilon) ln(candidates / (1 - confidence))
// of the best edge's, i.e. the number of the group's bounded values below the released quantile
// is within r of that of the best candidate edge (which is itself within one bin of p n). It is
// data-independent (no budget spent) and bounds ranks, not values.
[[nodiscard]] double QuantileRankErrorBound(double sensitivity, double epsilon,
                                            std::size_t candidates, double confidence);
[[nodiscard]] double QuantileScoreSensitivity(std::int64_t max_rows_per_group, double p);

struct ReleaseOptions {
  double confidence_level = 0.95;
  // When set, exactly these groups are released (one entry per group, one string per key,
  // compared with the text of the key values), empty ones included; the plan must have been
  // made with public_groups = true.
  std::optional<std::vector<std::vector<std::string>>> public_groups;
};

struct ReleasedTable {
  std::vector<std::string> columns;
  std::vector<bool> noisy;                 // per column: false for group keys
  std::vector<std::vector<DbValue>> rows;  // keys as read, noisy values as doubles
  // Parallel to rows: per column, [low, high] at confidence_level for noisy columns (absent for
  // quantiles: the exponential mechanism bounds the rank error, not the value error).
  std::vector<std::vector<std::optional<std::array<double, 2>>>> intervals;
  // Per column, for quantiles only: QuantileRankErrorBound at confidence_level, in values of the
  // group (the same for every group: it depends on the plan alone).
  std::vector<std::optional<double>> rank_error_bounds;
  double confidence_level = 0.95;
  double epsilon_spent = 0.0;
  double delta_spent = 0.0;
};

// Adds noise to every planned statistic of every group, selects partitions, derives the output
// columns (COUNT, SUM, AVG, VARIANCE, STDDEV, quantiles) with confidence intervals, then applies
// the query's ORDER BY and LIMIT. Throws InvalidArgumentError when `options` disagree with the
// plan (public groups with partition selection planned, or the reverse).
[[nodiscard]] ReleasedTable ReleaseQuery(const BoundedQuery& query, const PrivacyPlan& plan,
                                         const BoundedAggregates& bounded, NoiseSource& noise,
                                         const ReleaseOptions& options = {});

}  // namespace rampart::privacy
