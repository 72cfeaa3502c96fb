// DP quantiles (sql_release.h): the exponential mechanism's utilities against hand-computed
// values, their sensitivity under adding one unit's C values, the selection frequencies of the
// production (secure, here seeded) sampler against exp(epsilon u / (2 sensitivity)), the plan's
// calibration, and the accuracy on a known distribution through the whole release.
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_noise.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_release.h>

namespace rampart::privacy {
namespace {

TEST(SqlQuantileTest, ScoresAreMinusTheRankDistanceOfEachEdge) {
  const std::vector<std::int64_t> histogram = {2, 0, 3, 5};
  // n = 10, values below the edges L = 0, 2, 2, 5, 10.
  EXPECT_EQ(QuantileScores(histogram, 0.5), (std::vector<double>{-5, -3, -3, 0, -5}));
  EXPECT_EQ(QuantileScores(histogram, 0.9), (std::vector<double>{-9, -7, -7, -4, -1}));
  EXPECT_EQ(QuantileScores(histogram, 0.0), (std::vector<double>{0, -2, -2, -5, -10}));
  EXPECT_DOUBLE_EQ(QuantileScoreSensitivity(4, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(QuantileScoreSensitivity(4, 0.9), 3.6);
  EXPECT_THROW((void)QuantileScores(histogram, 1.5), InvalidArgumentError);
}

TEST(SqlQuantileTest, OneUnitMovesEveryScoreByAtMostTheSensitivity) {
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<int> count(0, 30);
  for (const double p : {0.1, 0.5, 0.75}) {
    for (const std::int64_t c : {1, 3, 8}) {
      double worst = 0.0;
      for (int trial = 0; trial < 300; ++trial) {
        std::vector<std::int64_t> histogram(16);
        for (auto& h : histogram) h = count(rng);
        std::vector<std::int64_t> neighbour = histogram;
        // The unit's C values, all in one bin or spread: the extremes are all below or above.
        std::uniform_int_distribution<std::size_t> bin(0, histogram.size() - 1);
        const int mode = trial % 3;
        for (std::int64_t k = 0; k < c; ++k) {
          const std::size_t b = mode == 0 ? 0 : mode == 1 ? histogram.size() - 1 : bin(rng);
          ++neighbour[b];
        }
        const auto a = QuantileScores(histogram, p);
        const auto b = QuantileScores(neighbour, p);
        for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
      }
      EXPECT_LE(worst, QuantileScoreSensitivity(c, p) + 1e-9) << p << " " << c;
      // Tight: all values below (or above) an edge reach it.
      EXPECT_NEAR(worst, QuantileScoreSensitivity(c, p), 1e-9) << p << " " << c;
    }
  }
}

TEST(SqlQuantileTest, SelectionFrequenciesFollowTheExponentialMechanism) {
  const std::vector<double> scores = {0.0, -1.0, -2.0, -4.0, -1.5};
  const double epsilon = 1.0;
  const double sensitivity = 0.5;  // weights exp(u)
  std::vector<double> expected;
  double total = 0.0;
  for (const double u : scores) total += std::exp(epsilon * u / (2.0 * sensitivity));
  for (const double u : scores)
    expected.push_back(std::exp(epsilon * u / (2.0 * sensitivity)) / total);
  MechanismNoiseSource noise(99);
  constexpr int kDraws = 20000;
  std::vector<int> hits(scores.size());
  for (int d = 0; d < kDraws; ++d) ++hits.at(noise.SelectCandidate(scores, epsilon, sensitivity));
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double se = std::sqrt(expected[i] * (1.0 - expected[i]) / kDraws);
    EXPECT_NEAR(hits[i] / static_cast<double>(kDraws), expected[i], 4.0 * se) << i;
  }
}

// The rank error bound r = (2 sensitivity / epsilon) ln(candidates / (1 - confidence)) covers the
// production sampler's selections at least at the confidence level, and is not loose by more than
// a factor of 4 where the utilities fall off linearly (2000 uniform values over 1024 bins: P(error
// > t) ~ exp(-epsilon t / (2 sensitivity)), so r / 4 covers only ~92 % at 95 %).
TEST(SqlQuantileTest, RankErrorBoundCoversBySimulation) {
  EXPECT_NEAR(QuantileRankErrorBound(2.0, 0.5, 1025, 0.95),
              8.0 * (std::log(1025.0) + std::log(20.0)), 1e-9);
  EXPECT_THROW((void)QuantileRankErrorBound(2.0, 0.5, 1025, 1.0), InvalidArgumentError);
  EXPECT_THROW((void)QuantileRankErrorBound(0.0, 0.5, 1025, 0.95), InvalidArgumentError);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::size_t> bin(0, 1023);
  std::vector<std::int64_t> histogram(1024);
  for (int v = 0; v < 2000; ++v) ++histogram[bin(rng)];
  const double p = 0.5;
  const double sensitivity = 1.0;  // C = 2 rows per unit
  const double epsilon = 0.2;
  const double confidence = 0.95;
  const auto scores = QuantileScores(histogram, p);
  const double best = *std::max_element(scores.begin(), scores.end());
  const double r = QuantileRankErrorBound(sensitivity, epsilon, scores.size(), confidence);
  MechanismNoiseSource noise(4242);
  constexpr int kDraws = 4000;
  int within = 0;
  int within_quarter = 0;
  for (int d = 0; d < kDraws; ++d) {
    const double u = scores.at(noise.SelectCandidate(scores, epsilon, sensitivity));
    within += u >= best - r ? 1 : 0;
    within_quarter += u >= best - r / 4 ? 1 : 0;
  }
  EXPECT_GE(within, static_cast<int>(confidence * kDraws));
  EXPECT_LT(within_quarter, static_cast<int>(confidence * kDraws));
}

BoundedQuery QuantileQuery(std::int64_t l0, std::int64_t c) {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.bounds["amount"] = {0.0, 100.0};
  options.max_groups_per_unit = l0;
  options.max_rows_per_group = c;
  return RewriteQuery(
      "SELECT MEDIAN(amount) AS m, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS p90 "
      "FROM purchases",
      options);
}

TEST(SqlQuantileTest, PlanCalibratesEachQuantileApart) {
  const auto plan = MakePrivacyPlan(QuantileQuery(3, 4), {.epsilon = 2.0});
  ASSERT_EQ(plan.statistics.size(), 2U);  // one exponential mechanism per quantile
  const auto& median = FindStatistic(plan, SqlStatistic::kQuantile, 0, 0.5);
  const auto& p90 = FindStatistic(plan, SqlStatistic::kQuantile, 0, 0.9);
  EXPECT_DOUBLE_EQ(median.epsilon, 1.0);
  EXPECT_DOUBLE_EQ(median.group_epsilon, 1.0 / 3.0);  // a unit reaches 3 groups
  EXPECT_DOUBLE_EQ(median.score_sensitivity, 2.0);    // 4 * max(0.5, 0.5)
  EXPECT_DOUBLE_EQ(p90.score_sensitivity, 3.6);       // 4 * 0.9
  EXPECT_DOUBLE_EQ(plan.epsilon, 2.0);
  // Charged as pure epsilon-DP.
  EXPECT_NE(PlanEvent(plan).ToJson().dump().find("epsilon_delta"), std::string::npos)
      << PlanEvent(plan).ToJson().dump();
}

// 5000 units with one value each from Uniform(0, 100): the median and the 90th percentile at
// epsilon 1 each. The exponential mechanism's rank error is below (2 sensitivity / epsilon)
// ln(edges / beta): ln(1025 / 1e-3) ~ 14 ranks (0.28 in value) for the median, 1.8 times that
// (0.5) for p90, with probability 1 - 1e-3, plus one bin (0.1).
TEST(SqlQuantileTest, AccurateOnAKnownDistribution) {
  const BoundedQuery query = QuantileQuery(1, 1);
  const auto plan = MakePrivacyPlan(query, {.epsilon = 2.0});
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> uniform(0.0, 100.0);
  std::vector<double> values(5000);
  for (auto& v : values) v = uniform(rng);
  std::sort(values.begin(), values.end());
  BoundedGroup group;
  group.units = 5000;
  group.rows = 5000;
  group.value_counts = {5000};
  group.sums = {0};
  group.normalized_sums = {0};
  group.square_sums = {0};
  group.histograms = {std::vector<std::int64_t>(1024)};
  for (const double v : values) ++group.histograms[0][static_cast<std::size_t>(v / 100.0 * 1024)];
  BoundedAggregates aggregates;
  aggregates.groups.push_back(group);
  const double exact_median = (values[2499] + values[2500]) / 2.0;
  const double exact_p90 = values[4499];
  double worst_median = 0.0;
  double worst_p90 = 0.0;
  std::set<double> medians;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    MechanismNoiseSource noise(seed);
    const ReleasedTable table = ReleaseQuery(query, plan, aggregates, noise);
    medians.insert(DbValueAsDouble(table.rows[0][0]));
    worst_median =
        std::max(worst_median, std::fabs(DbValueAsDouble(table.rows[0][0]) - exact_median));
    worst_p90 = std::max(worst_p90, std::fabs(DbValueAsDouble(table.rows[0][1]) - exact_p90));
    EXPECT_FALSE(table.intervals[0][0].has_value());
    // Reported instead: the rank error bound of each quantile column at 95 %.
    ASSERT_EQ(table.rank_error_bounds.size(), 2U);
    ASSERT_TRUE(table.rank_error_bounds[0].has_value());
    EXPECT_DOUBLE_EQ(*table.rank_error_bounds[0],
                     QuantileRankErrorBound(0.5, 1.0, 1025, 0.95));  // C = 1, p = 0.5, eps 1
    EXPECT_DOUBLE_EQ(*table.rank_error_bounds[1], QuantileRankErrorBound(0.9, 1.0, 1025, 0.95));
  }
  EXPECT_LT(worst_median, 0.4);
  EXPECT_LT(worst_p90, 0.7);
  // And the mechanism does randomize (at this epsilon mostly between the best edges).
  EXPECT_GT(medians.size(), 1U);
}

}  // namespace
}  // namespace rampart::privacy
