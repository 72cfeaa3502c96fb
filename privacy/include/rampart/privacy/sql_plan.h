// The privacy plan of a DP SQL query: which noisy integer statistics the release needs per group,
// the budget share of each, its proven sensitivities, and the noise scale - computed before any
// data is read, so that `--explain` shows exactly what a release would spend.
//
//   const auto query = rampart::privacy::RewriteQuery(sql, options);          // sql_query.h
//   const auto plan = rampart::privacy::MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
//   std::cout << rampart::privacy::ExplainText(query, plan);    // or ExplainJson(query, plan)
//
// Sensitivities under add/remove of one privacy unit that touches at most L0 = max groups per
// unit groups with at most C = max rows per group rows each. Every statistic is an integer (counts
// and fixed-point sums), so the noise can be integer-valued (discrete Laplace) and exact:
//   rows, values (COUNT(*), COUNT(x)): Linf = C          units (COUNT(DISTINCT unit)): Linf = 1
//   SUM(x) in units of 2^-k:           Linf = C * max(|floor(lo 2^k)|, |ceil(hi 2^k)|)
//   AVG via the normalized sum (Google's BoundedMean; Li et al., "Differential Privacy: From
//   Theory to Practice", 2016): sum of 2x - (lo_k + hi_k) in units of 2^-(k+1): Linf = C (hi_k -
//   lo_k) VARIANCE/STDDEV: + sum of (v - mid)^2 in units of 2^-k2: Linf = C * ceil(((hi-lo)/2)^2
//   2^k2) quantile histogram (per bin, all bins of a group together): L1 within a group = C
// and L1 = L0 * Linf, L2 = sqrt(L0) * Linf across groups. The budget is split evenly (basic
// sequential composition) over the distinct statistics and, when group keys are not public, the
// partition selection, which gets all of delta. When some value column has no bounds, a fraction
// of epsilon (PlanOptions::approx_bounds_fraction) first pays for ApproxBounds (sql_bounds.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rampart/privacy/sql_query.h>

namespace rampart::privacy {

enum class SqlStatistic {
  kRows,               // bounded row count (COUNT(*))
  kValues,             // bounded count of non-NULL values of a value column
  kUnits,              // distinct units per group (COUNT(DISTINCT unit))
  kSum,                // fixed-point sum
  kNormalizedSum,      // fixed-point sum of 2x - (lo + hi): for AVG, VARIANCE, STDDEV
  kNormalizedSquares,  // fixed-point sum of (v - mid)^2: for VARIANCE, STDDEV
  kQuantile,           // one quantile: exponential mechanism over the bounded histogram's edges
  kBoundsHistogram,    // ApproxBounds: unit weights over power-of-two bins (sql_bounds.h)
};

[[nodiscard]] std::string_view SqlStatisticName(SqlStatistic statistic);

// One noisy statistic per group. All sensitivities are in the statistic's integer unit; multiply
// by `unit` for the value they stand for.
struct PlannedStatistic {
  SqlStatistic statistic = SqlStatistic::kRows;
  std::size_t value_index = 0;  // value statistics: index into BoundedQuery::values
  double quantile = 0.0;        // kQuantile: p
  std::string label;            // e.g. "sum(amount)"
  double epsilon = 0.0;
  double delta = 0.0;
  std::int64_t l0 = 1;    // groups one unit can change
  std::int64_t linf = 1;  // max change of this statistic in one group
  std::int64_t l1 = 1;    // l0 * linf (for kHistogram: l0 * C, all bins of all groups)
  double l2 = 1.0;        // sqrt(l0) * linf
  double unit = 1.0;      // value of one integer step (2^-k for fixed-point sums)
  // Laplace / discrete Laplace scale b = l1 / epsilon, in integer steps: the noise the release
  // adds for pure epsilon-DP (0 for kQuantile, which selects instead of adding noise).
  double laplace_scale = 0.0;
  // kQuantile: the utility's sensitivity C max(p, 1 - p) and the epsilon of each group's
  // exponential mechanism (epsilon / L0).
  double score_sensitivity = 0.0;
  double group_epsilon = 0.0;
  // The value column's bounds come from ApproxBounds: while they are pending, the sensitivities
  // above are 0 (unknown) and only epsilon is fixed; the ledger is charged epsilon-DP for it.
  bool approx_bounds = false;
};

// ApproxBounds of one value column (sql_bounds.h): a discrete Laplace histogram over
// power-of-two bins with L1 sensitivity kApproxBoundsUnitWeight steps (one unit's total weight),
// and the threshold a bin's noisy weight must reach.
struct ApproxBoundsStep {
  std::size_t value_index = 0;
  std::string label;
  PlannedStatistic statistic;  // kBoundsHistogram: epsilon, l1, unit = 2^-16, laplace_scale
  std::int64_t bins = 0;
  double failure_probability = 0.0;  // P(some empty bin passes) <= this
  std::int64_t threshold = 0;        // in steps: keep a bin iff noisy weight >= threshold
};

enum class PartitionSelectionStrategy {
  // Desfontaines, Voss, Gipson, Mandayam, "Differentially private partition selection", PoPETs
  // 2022: keep a group with n distinct units with probability pi(n), the largest probabilities
  // that (epsilon_g, delta_g)-DP allows (PartitionKeepProbability); the default.
  kNearOptimal,
  // Laplace thresholding on the count of distinct units (Korolova et al., WWW 2009; Google's
  // LaplacePartitionSelection): keep a group iff units + Lap(b) > threshold.
  kLaplaceThreshold,
};

// Partition selection for groups whose keys are not public. A unit is in at most L0 groups and
// each group's decision is (epsilon_g, delta_g)-DP with epsilon_g = epsilon / L0 and
// delta_g = 1 - (1 - delta)^(1 / L0), so the whole selection is (epsilon, delta)-DP (basic
// composition over the L0 groups one unit can change).
//   near-optimal: keep with probability pi(units) (PartitionKeepProbability)
//   Laplace:      keep iff units + Lap(b) > threshold, b = L0 / epsilon,
//                 threshold = 1 + b ln(1 / (2 delta_g))
struct PartitionSelectionPlan {
  bool enabled = false;
  PartitionSelectionStrategy strategy = PartitionSelectionStrategy::kNearOptimal;
  double epsilon = 0.0;
  double delta = 0.0;
  std::int64_t l0 = 1;
  double group_epsilon = 0.0;  // epsilon / L0
  double group_delta = 0.0;    // 1 - (1 - delta)^(1 / L0)
  double laplace_scale = 0.0;
  double threshold = 0.0;
};

// The optimal probability of releasing a group with `units` distinct units under
// (epsilon, delta)-DP for one group per unit (Desfontaines et al. 2022, Theorem 1): pi(0) = 0,
// pi(n) = min(e^eps pi(n-1) + delta, 1 - e^-eps (1 - pi(n-1) - delta), 1). Closed form: with
// n1 = 1 + floor(ln((e^eps + 2 delta - 1) / ((e^eps + 1) delta)) / eps),
//   pi(n) = delta (e^(n eps) - 1) / (e^eps - 1)                                   for n <= n1,
//   pi(n) = min(1, 1 + c - e^(-(n - n1) eps) (1 - pi(n1) + c)), c = delta / (e^eps - 1), beyond.
[[nodiscard]] double PartitionKeepProbability(std::int64_t units, double epsilon, double delta);

struct PlanOptions {
  double epsilon = 1.0;
  double delta = 0.0;
  // True when the group keys come from a public list (--public-groups): no partition selection.
  bool public_groups = false;
  PartitionSelectionStrategy partition_selection = PartitionSelectionStrategy::kNearOptimal;
  // Share of epsilon spent on ApproxBounds when some value column has no bounds (split evenly
  // over those columns), and the probability that noise alone widens a column's bounds.
  double approx_bounds_fraction = 0.1;
  double approx_bounds_failure_probability = 1e-9;
};

struct PrivacyPlan {
  double epsilon = 0.0;  // total spent: the sum of the shares
  double delta = 0.0;
  std::vector<PlannedStatistic> statistics;
  PartitionSelectionPlan partition_selection;
  std::vector<ApproxBoundsStep> approx_bounds;  // one per value column without --bounds
};

// Throws InvalidArgumentError on bad epsilon/delta, or when a grouped query without public groups
// has delta = 0 (partition selection needs delta > 0).
[[nodiscard]] PrivacyPlan MakePrivacyPlan(const BoundedQuery& query, const PlanOptions& options);

// The statistic of `plan` with this kind and value index; throws InternalError if absent.
[[nodiscard]] const PlannedStatistic& FindStatistic(const PrivacyPlan& plan, SqlStatistic statistic,
                                                    std::size_t value_index = 0,
                                                    double quantile = 0.0);

// `--explain`: the rewritten SQL and the plan, for people and as a JSON document (with
// schema_version). Nothing is executed and nothing is charged.
[[nodiscard]] std::string ExplainText(const BoundedQuery& query, const PrivacyPlan& plan);
[[nodiscard]] std::string ExplainJson(const BoundedQuery& query, const PrivacyPlan& plan);

}  // namespace rampart::privacy
