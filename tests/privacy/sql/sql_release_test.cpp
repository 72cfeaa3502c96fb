// The release step with injected noise. Zero noise must reproduce the exact SQL answers on
// bounded data; a test-only discrete Laplace sampler (seeded, NOT the production mechanism) checks
// that the noise reaching each output has the variance the plan calibrates, and that intervals
// cover. Partition selection and public groups are checked with zero noise.
#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_release.h>

#include "sql_test_data.h"

namespace rampart::privacy {
namespace {

using testing::CreateShop;
using testing::TempSqlite;

class ZeroNoise final : public NoiseSource {
 public:
  std::int64_t AddNoise(std::int64_t value, const PlannedStatistic& /*statistic*/) override {
    return value;
  }
  double AddSelectionNoise(std::int64_t units, const PartitionSelectionPlan& /*plan*/) override {
    return static_cast<double>(units);
  }
  bool Bernoulli(double probability) override { return probability >= 0.5; }
  std::size_t SelectCandidate(std::span<const double> scores, double /*epsilon*/,
                              double /*sensitivity*/) override {
    return static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) -
                                    scores.begin());
  }
  double HalfWidth(const PlannedStatistic& /*statistic*/, double /*confidence*/) const override {
    return 0.0;
  }
};

// Discrete Laplace with scale b: P(k) proportional to exp(-|k| / b), sampled as the difference of
// two geometric variables; variance 2 e^{-1/b} / (1 - e^{-1/b})^2. Test-only.
class TestDiscreteLaplace final : public NoiseSource {
 public:
  explicit TestDiscreteLaplace(std::uint64_t seed) : engine_(seed) {}

  static double Variance(double scale) {
    const double q = std::exp(-1.0 / scale);
    return 2.0 * q / ((1.0 - q) * (1.0 - q));
  }

  std::int64_t AddNoise(std::int64_t value, const PlannedStatistic& statistic) override {
    const double p = -std::expm1(-1.0 / statistic.laplace_scale);  // 1 - e^{-1/b}
    std::geometric_distribution<std::int64_t> geometric(p);
    return value + geometric(engine_) - geometric(engine_);
  }
  double AddSelectionNoise(std::int64_t units, const PartitionSelectionPlan& plan) override {
    std::exponential_distribution<double> exponential(1.0 / plan.laplace_scale);
    return static_cast<double>(units) + exponential(engine_) - exponential(engine_);
  }
  bool Bernoulli(double probability) override {
    return std::bernoulli_distribution(probability)(engine_);
  }
  std::size_t SelectCandidate(std::span<const double> scores, double epsilon,
                              double sensitivity) override {
    const double best = *std::max_element(scores.begin(), scores.end());
    std::vector<double> weights;
    for (const double u : scores)
      weights.push_back(std::exp(epsilon * (u - best) / (2.0 * sensitivity)));
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    return pick(engine_);
  }
  double HalfWidth(const PlannedStatistic& statistic, double confidence) const override {
    // P(|X| > k) = 2 q^{k+1} / (1 + q) for the discrete Laplace; the smallest such k.
    const double q = std::exp(-1.0 / statistic.laplace_scale);
    const double k = std::log((1.0 - confidence) * (1.0 + q) / 2.0) / std::log(q) - 1.0;
    return std::max(0.0, std::ceil(k));
  }

 private:
  std::mt19937_64 engine_;
};

SqlQueryOptions Unbounded() {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 1000;
  options.max_rows_per_group = 100000;
  options.bounds["amount"] = {0.0, 100.0};
  return options;
}

double Cell(const ReleasedTable& table, std::size_t row, std::size_t column) {
  return DbValueAsDouble(table.rows.at(row).at(column));
}

TEST(SqlReleaseTest, ZeroNoiseReproducesTheExactSqlAnswers) {
  TempSqlite file("release");
  auto db = Database::Open(file.url());
  CreateShop(*db);
  const auto query = RewriteQuery(
      "SELECT category, COUNT(*), COUNT(DISTINCT person_id), SUM(amount), AVG(amount), "
      "VAR_SAMP(amount), STDDEV(amount), MEDIAN(amount) FROM purchases GROUP BY category "
      "ORDER BY category",
      Unbounded());
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-9, .public_groups = true});
  ZeroNoise noise;
  ReleaseOptions options;
  options.public_groups =
      std::vector<std::vector<std::string>>{{"tools"}, {"books"}, {"food"}, {"games"}, {"nothing"}};
  const auto table = ReleaseQuery(query, plan, ExecuteBoundedQuery(*db, query), noise, options);
  ASSERT_EQ(table.rows.size(), 5U);
  const auto exact = db->Query(
      "SELECT category, COUNT(*), COUNT(DISTINCT person_id), SUM(amount), AVG(amount), "
      "(SUM(amount * amount) - SUM(amount) * SUM(amount) / COUNT(amount)) / (COUNT(amount) - 1) "
      "FROM purchases GROUP BY category ORDER BY category");
  ASSERT_EQ(exact.rows.size(), 4U);
  // Released in ORDER BY category: books, food, games, nothing, tools.
  const std::vector<std::size_t> released_row = {0, 1, 2, 4};
  for (std::size_t e = 0; e < 4; ++e) {
    const auto& row = exact.rows[e];
    const std::size_t i = released_row[e];
    EXPECT_EQ(DbValueToString(table.rows[i][0]), DbValueToString(row[0]));
    EXPECT_DOUBLE_EQ(Cell(table, i, 1), DbValueAsDouble(row[1]));
    EXPECT_DOUBLE_EQ(Cell(table, i, 2), DbValueAsDouble(row[2]));
    EXPECT_NEAR(Cell(table, i, 3), DbValueAsDouble(row[3]), 1e-4);
    EXPECT_NEAR(Cell(table, i, 4), DbValueAsDouble(row[4]), 1e-6);
    EXPECT_NEAR(Cell(table, i, 5), DbValueAsDouble(row[5]), 1e-4);
    EXPECT_NEAR(Cell(table, i, 6), std::sqrt(DbValueAsDouble(row[5])), 1e-5);
    // Zero noise: every interval is the point itself (up to rounding).
    EXPECT_NEAR((*table.intervals[i][1])[0], Cell(table, i, 1), 1e-9);
    EXPECT_NEAR((*table.intervals[i][1])[1], Cell(table, i, 1), 1e-9);
    EXPECT_FALSE(table.intervals[i][0].has_value());
    // Median: with zero noise the exponential mechanism's best edge of the 1024-bin histogram,
    // within one bin (100 / 1024) of the exact median; no value interval.
    EXPECT_FALSE(table.intervals[i][7].has_value());
    const auto values = db->Query(
        "SELECT amount FROM purchases WHERE amount IS NOT NULL AND category = ? ORDER BY amount",
        {row[0]});
    const std::size_t n = values.rows.size();
    const double median = n % 2 == 1 ? DbValueAsDouble(values.rows[n / 2][0])
                                     : (DbValueAsDouble(values.rows[n / 2 - 1][0]) +
                                        DbValueAsDouble(values.rows[n / 2][0])) /
                                           2.0;
    EXPECT_NEAR(Cell(table, i, 7), median, 100.0 / 1024.0 + 1e-9);
  }
  // The public group absent from the data is released with zeros (and mid-range estimates).
  EXPECT_EQ(DbValueToString(table.rows[3][0]), "nothing");
  EXPECT_DOUBLE_EQ(Cell(table, 3, 1), 0.0);
  EXPECT_DOUBLE_EQ(Cell(table, 3, 3), 0.0);
  EXPECT_DOUBLE_EQ(Cell(table, 3, 4), 50.0);
  EXPECT_DOUBLE_EQ(table.epsilon_spent, plan.epsilon);
  EXPECT_DOUBLE_EQ(table.delta_spent, 0.0);
}

// Bounded aggregates built by hand: groups "a" (40 units) and "b" (400 units).
BoundedQuery HandQuery() {
  SqlQueryOptions options;
  options.privacy_unit = "u";
  options.max_groups_per_unit = 1;
  options.max_rows_per_group = 2;
  options.bounds["x"] = {0.0, 10.0};
  return RewriteQuery(
      "SELECT g, COUNT(*), SUM(x), AVG(x) FROM t GROUP BY g ORDER BY 2 DESC LIMIT 5", options);
}

BoundedAggregates HandAggregates(const BoundedQuery& query) {
  BoundedAggregates aggregates;
  const std::int64_t scale = std::int64_t{1} << query.values[0].scale_exponent;
  for (const auto& [key, units] :
       std::vector<std::pair<std::string, std::int64_t>>{{"a", 40}, {"b", 400}}) {
    BoundedGroup group;
    group.key = {DbValue{key}};
    group.units = units;
    group.rows = 2 * units;
    group.value_counts = {2 * units};
    group.sums = {2 * units * 3 * scale};                        // every value 3.0
    group.normalized_sums = {2 * units * (2 * 3 - 10) * scale};  // 2x - (lo + hi)
    group.square_sums = {0};
    group.histograms = {{}};
    aggregates.groups.push_back(std::move(group));
  }
  return aggregates;
}

TEST(SqlReleaseTest, PartitionSelectionDropsGroupsBelowTheThreshold) {
  const auto query = HandQuery();
  // 5 shares (rows, sum, values, normalized sum, selection): b = L0 / 0.2 = 5, threshold =
  // 1 + 5 ln(1 / (2e-6)) = 66.61: "a" (40 units) goes, "b" (400) stays.
  const auto plan = MakePrivacyPlan(
      query, {.epsilon = 1.0,
              .delta = 1e-6,
              .partition_selection = PartitionSelectionStrategy::kLaplaceThreshold});
  ASSERT_NEAR(plan.partition_selection.threshold, 66.612, 0.001);
  ZeroNoise noise;
  const auto table = ReleaseQuery(query, plan, HandAggregates(query), noise);
  ASSERT_EQ(table.rows.size(), 1U);
  EXPECT_EQ(DbValueToString(table.rows[0][0]), "b");
  EXPECT_DOUBLE_EQ(Cell(table, 0, 1), 800.0);
  EXPECT_DOUBLE_EQ(Cell(table, 0, 2), 2400.0);
  EXPECT_DOUBLE_EQ(Cell(table, 0, 3), 3.0);
  // Options must agree with the plan.
  ReleaseOptions with_public;
  with_public.public_groups = std::vector<std::vector<std::string>>{{"a"}};
  EXPECT_THROW((void)ReleaseQuery(query, plan, HandAggregates(query), noise, with_public),
               InvalidArgumentError);
  const auto public_plan = MakePrivacyPlan(query, {.epsilon = 1.0, .public_groups = true});
  EXPECT_THROW((void)ReleaseQuery(query, public_plan, HandAggregates(query), noise),
               InvalidArgumentError);
}

TEST(SqlReleaseTest, OrderByAndLimitApplyToReleasedRows) {
  const auto query = HandQuery();
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1.0, .public_groups = true});
  ZeroNoise noise;
  ReleaseOptions options;
  options.public_groups = std::vector<std::vector<std::string>>{{"a"}, {"b"}, {"c"}};
  const auto table = ReleaseQuery(query, plan, HandAggregates(query), noise, options);
  ASSERT_EQ(table.rows.size(), 3U);
  EXPECT_EQ(DbValueToString(table.rows[0][0]), "b");  // ORDER BY COUNT(*) DESC
  EXPECT_EQ(DbValueToString(table.rows[1][0]), "a");
  EXPECT_EQ(DbValueToString(table.rows[2][0]), "c");
}

// The noise that reaches COUNT and SUM has the calibrated variance: Var = unit^2 * Var(DLap(b)),
// b = L1 / eps_share; halving epsilon quadruples it (approximately, exactly for the continuous
// Laplace). 4000 releases: the sample variance is within 4 standard errors (about 14%).
TEST(SqlReleaseTest, NoiseVarianceMatchesThePlan) {
  const auto query = HandQuery();
  ReleaseOptions options;
  options.public_groups = std::vector<std::vector<std::string>>{{"b"}};
  const BoundedAggregates aggregates = HandAggregates(query);
  for (const double epsilon : {1.0, 0.5}) {
    const auto plan = MakePrivacyPlan(query, {.epsilon = epsilon, .public_groups = true});
    const auto& count_stat = FindStatistic(plan, SqlStatistic::kRows);
    const auto& sum_stat = FindStatistic(plan, SqlStatistic::kSum, 0);
    TestDiscreteLaplace noise(42 + static_cast<std::uint64_t>(epsilon * 10));
    constexpr int kRuns = 4000;
    double count_sq = 0.0;
    double sum_sq = 0.0;
    int covered = 0;
    for (int run = 0; run < kRuns; ++run) {
      const auto table = ReleaseQuery(query, plan, aggregates, noise, options);
      const double count_error = Cell(table, 0, 1) - 800.0;
      const double sum_error = Cell(table, 0, 2) - 2400.0;
      count_sq += count_error * count_error;
      sum_sq += sum_error * sum_error;
      const auto& interval = *table.intervals[0][1];
      covered += interval[0] <= 800.0 && 800.0 <= interval[1] ? 1 : 0;
    }
    const double count_expected = TestDiscreteLaplace::Variance(count_stat.laplace_scale);
    const double sum_expected =
        TestDiscreteLaplace::Variance(sum_stat.laplace_scale) * sum_stat.unit * sum_stat.unit;
    EXPECT_NEAR(count_sq / kRuns / count_expected, 1.0, 0.14) << "epsilon " << epsilon;
    EXPECT_NEAR(sum_sq / kRuns / sum_expected, 1.0, 0.14) << "epsilon " << epsilon;
    // Continuous-Laplace closed forms the discrete ones approach: 2 b^2.
    EXPECT_NEAR(count_expected, 2.0 * count_stat.laplace_scale * count_stat.laplace_scale,
                0.01 * count_expected);
    // SUM: L1 = L0 * C * 10 = 20, epsilon share = epsilon / 4: b = 80 / epsilon.
    EXPECT_NEAR(sum_expected / (2.0 * std::pow(80.0 / epsilon, 2)), 1.0, 1e-6);
    EXPECT_GE(static_cast<double>(covered) / kRuns, 0.94);
  }
}

}  // namespace
}  // namespace rampart::privacy
