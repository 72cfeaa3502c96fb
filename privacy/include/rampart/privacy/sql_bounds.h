// ApproxBounds for DP SQL: clamping bounds found privately, inside the database, for a column the
// user gave no `--bounds` for (as Google's ApproxBounds does). One extra bounded query returns a
// histogram of the column's values over power-of-two bins, where each privacy unit spreads a
// total weight of 1 over the bins of its rows; rampart adds discrete Laplace noise to EVERY bin
// (empty ones included), keeps the bins whose noisy weight passes a threshold calibrated so that
// an empty bin passes with probability at most `failure_probability` (union over all bins), and
// returns [lower edge of the lowest kept bin, upper edge of the highest kept bin].
//
//   auto query = rampart::privacy::RewriteQuery(sql, options);      // no bounds for "amount"
//   const auto plan = rampart::privacy::MakePrivacyPlan(query, {.epsilon = 1, .delta = 1e-6});
//   // charge PlanEvent(plan) (it includes the ApproxBounds part) BEFORE reading the data
//   const auto found = rampart::privacy::FindApproxBounds(*db, query, plan, noise);
//   query = rampart::privacy::WithFoundBounds(query, found);        // now query.sql is set
//
// Bins (exponents e in [kApproxBoundsMinExponent, kApproxBoundsMaxExponent]): bin 0 holds
// |v| < 2^min; bin i > 0 holds v in [2^(min+i-1), 2^(min+i)) (the top bin everything larger);
// bin -i the mirror image. The privacy of the search is the noise alone (every bin is noised with
// sensitivity 1 unit of weight); the threshold only sets how often noise alone widens the bounds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rampart/common/database.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_query.h>
#include <rampart/privacy/sql_release.h>

namespace rampart::privacy {

inline constexpr int kApproxBoundsMinExponent = -16;
inline constexpr int kApproxBoundsMaxExponent = 48;
// One unit's total weight over the bins, in integer steps (the L1 sensitivity of the histogram).
inline constexpr std::int64_t kApproxBoundsUnitWeight = 65536;
// Bins -kApproxBoundsMaxBin .. kApproxBoundsMaxBin.
inline constexpr std::int64_t kApproxBoundsMaxBin =
    kApproxBoundsMaxExponent - kApproxBoundsMinExponent + 1;

// The value range a bin covers (closed, so that it contains every value of the bin).
[[nodiscard]] ValueBounds ApproxBoundsBinRange(std::int64_t bin);

// The smallest integer weight m (in steps of 1/kApproxBoundsUnitWeight) such that discrete
// Laplace noise of scale `scale` steps exceeds m - 1 with probability at most
// failure_probability / bins in each bin: P(Z >= m) = q^m / (1 + q), q = exp(-1 / scale).
[[nodiscard]] std::int64_t ApproxBoundsThreshold(double scale, double failure_probability,
                                                 std::int64_t bins);

// The bounds of one column: the noisy bins (every bin, in order -max..max) and what they gave.
struct FoundBounds {
  std::size_t value_index = 0;
  std::string label;
  std::optional<ValueBounds> bounds;  // nullopt: no bin passed the threshold
  std::vector<std::int64_t> noisy_weights;
};

// Bounds from a histogram {bin -> exact weight}: noise on every bin, then the lowest and highest
// bins whose noisy weight reaches step.threshold.
[[nodiscard]] FoundBounds ApproxBoundsFromHistogram(
    const std::map<std::int64_t, std::int64_t>& weights, const ApproxBoundsStep& step,
    NoiseSource& noise);

// Runs the ApproxBounds query of every pending column of `query` on `db` and finds its bounds.
// Throws InputError (naming the column) when no bin of a column passes the threshold: too few
// units, or too small a share of epsilon, to find bounds without revealing individual values.
// The budget of the plan is spent either way: charge it before calling this.
[[nodiscard]] std::vector<FoundBounds> FindApproxBounds(Database& db, const BoundedQuery& query,
                                                        const PrivacyPlan& plan,
                                                        NoiseSource& noise);

// The query rewritten again with the found bounds (SqlQueryOptions::found_bounds): its SQL is
// complete and its plan (MakePrivacyPlan with the same options) splits the budget as before.
[[nodiscard]] BoundedQuery WithFoundBounds(const BoundedQuery& query,
                                           const std::vector<FoundBounds>& found);

}  // namespace rampart::privacy
