// ApproxBounds (sql_bounds.h): the threshold against the discrete Laplace tail in closed form, the
// bins' ranges, the plan's budget split and ledger event, and, on SQLite, that the bounds found
// contain the bulk of a known distribution while a single unit's value is not revealed.
#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_bounds.h>
#include <rampart/privacy/sql_noise.h>

#include "sql_test_data.h"

namespace rampart::privacy {
namespace {

using testing::TempSqlite;

SqlQueryOptions NoBounds() {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 1;
  options.max_rows_per_group = 5;
  return options;
}

TEST(ApproxBoundsTest, ThresholdIsTheSmallestPassingTheDiscreteLaplaceTail) {
  for (const double scale : {0.7, 65536.0, 655360.0, 3.3e6}) {
    for (const double beta : {1e-9, 1e-3}) {
      const std::int64_t bins = 2 * kApproxBoundsMaxBin + 1;
      const std::int64_t m = ApproxBoundsThreshold(scale, beta, bins);
      // P(Z >= m) = q^m / (1 + q) for the two-sided geometric with q = exp(-1/scale).
      const auto log_tail = [&](std::int64_t k) {
        return -static_cast<double>(k) / scale - std::log1p(std::exp(-1.0 / scale));
      };
      const double target = std::log(beta / static_cast<double>(bins));
      EXPECT_LE(log_tail(m), target) << scale << " " << beta;
      if (m > 1) {
        EXPECT_GT(log_tail(m - 1), target - 1e-9) << scale << " " << beta;
      }
    }
  }
  // Continuous approximation for a large scale: m ~ scale * ln(bins / (2 beta)).
  const double scale = 65536.0;
  EXPECT_NEAR(static_cast<double>(ApproxBoundsThreshold(scale, 1e-9, 129)) / scale,
              std::log(129 / 2e-9), 1e-3);
  EXPECT_THROW((void)ApproxBoundsThreshold(0.0, 1e-9, 129), InvalidArgumentError);
  EXPECT_THROW((void)ApproxBoundsThreshold(1.0, 1.5, 129), InvalidArgumentError);
}

TEST(ApproxBoundsTest, BinsCoverTheRealLineByPowersOfTwo) {
  EXPECT_EQ(ApproxBoundsBinRange(0).upper, std::ldexp(1.0, kApproxBoundsMinExponent));
  EXPECT_EQ(ApproxBoundsBinRange(0).lower, -std::ldexp(1.0, kApproxBoundsMinExponent));
  const std::int64_t one = 1 - kApproxBoundsMinExponent;  // the bin of [1, 2)
  EXPECT_EQ(ApproxBoundsBinRange(one).lower, 1.0);
  EXPECT_EQ(ApproxBoundsBinRange(one).upper, 2.0);
  EXPECT_EQ(ApproxBoundsBinRange(-one).lower, -2.0);
  EXPECT_EQ(ApproxBoundsBinRange(-one).upper, -1.0);
  EXPECT_EQ(ApproxBoundsBinRange(kApproxBoundsMaxBin).upper,
            std::ldexp(1.0, kApproxBoundsMaxExponent + 1));
  for (std::int64_t b = -kApproxBoundsMaxBin; b < kApproxBoundsMaxBin; ++b) {
    EXPECT_EQ(ApproxBoundsBinRange(b).upper, ApproxBoundsBinRange(b + 1).lower) << b;
  }
  EXPECT_THROW((void)ApproxBoundsBinRange(kApproxBoundsMaxBin + 1), InternalError);
}

TEST(ApproxBoundsTest, PlanSpendsTheReportedFractionAndTheLedgerEventIncludesIt) {
  const BoundedQuery query =
      RewriteQuery("SELECT COUNT(*), AVG(amount) FROM purchases", NoBounds());
  ASSERT_TRUE(BoundsPending(query));
  EXPECT_TRUE(query.sql.empty());
  ASSERT_EQ(query.values.size(), 1U);
  EXPECT_NE(query.values[0].approx_bounds_sql.find("rampart_weight"), std::string::npos);
  const PrivacyPlan plan = MakePrivacyPlan(query, {.epsilon = 2.0, .approx_bounds_fraction = 0.25});
  ASSERT_EQ(plan.approx_bounds.size(), 1U);
  const ApproxBoundsStep& step = plan.approx_bounds[0];
  EXPECT_DOUBLE_EQ(step.statistic.epsilon, 0.5);
  EXPECT_EQ(step.statistic.l1, kApproxBoundsUnitWeight);
  EXPECT_DOUBLE_EQ(step.statistic.laplace_scale * step.statistic.unit, 2.0);  // 1 / 0.5
  EXPECT_EQ(step.threshold, ApproxBoundsThreshold(step.statistic.laplace_scale, 1e-9, step.bins));
  // rows, values, normalized sum share the remaining 1.5.
  ASSERT_EQ(plan.statistics.size(), 3U);
  for (const auto& s : plan.statistics) EXPECT_DOUBLE_EQ(s.epsilon, 0.5);
  EXPECT_DOUBLE_EQ(plan.epsilon, 2.0);
  // The event: one discrete Laplace histogram of sensitivity 2^16 plus the statistics.
  const nlohmann::json event = PlanEvent(plan).ToJson();
  const std::string text = event.dump();
  EXPECT_NE(text.find("65536"), std::string::npos) << text;
  EXPECT_THROW((void)MakePrivacyPlan(query, {.epsilon = 1.0, .approx_bounds_fraction = 1.0}),
               InvalidArgumentError);
  // Columns with --bounds cost nothing extra.
  SqlQueryOptions bounded = NoBounds();
  bounded.bounds["amount"] = {0.0, 100.0};
  EXPECT_TRUE(
      MakePrivacyPlan(RewriteQuery("SELECT AVG(amount) FROM purchases", bounded), {.epsilon = 1})
          .approx_bounds.empty());
}

class ApproxBoundsEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = Database::Open(file_.url());
    db_->Execute("CREATE TABLE purchases (person_id INTEGER, amount DOUBLE PRECISION)");
    // 3000 units with 1..8 rows each, amounts ~ Normal(100, 15): 98% in [65, 135].
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(100.0, 15.0);
    std::uniform_int_distribution<int> rows(1, 8);
    std::string insert = "INSERT INTO purchases VALUES ";
    for (int unit = 0; unit < 3000; ++unit) {
      const int n = rows(rng);
      for (int k = 0; k < n; ++k) {
        insert += fmt::format("{}({}, {:.2f})", unit == 0 && k == 0 ? "" : ", ", unit, normal(rng));
      }
    }
    db_->Execute(insert);
    db_->Execute("INSERT INTO purchases VALUES (9999, 1e12), (9999, -1e12)");  // one outlier unit
  }

  std::map<std::int64_t, std::int64_t> Histogram(const BoundedQuery& query) {
    std::map<std::int64_t, std::int64_t> weights;
    for (const auto& row : db_->Query(query.values[0].approx_bounds_sql).rows) {
      weights[std::get<std::int64_t>(row[0])] = std::get<std::int64_t>(row[1]);
    }
    return weights;
  }

  TempSqlite file_{"approx_bounds"};
  std::unique_ptr<Database> db_;
};

TEST_F(ApproxBoundsEngineTest, EachUnitSpreadsAWeightOfOne) {
  const BoundedQuery query = RewriteQuery("SELECT SUM(amount) FROM purchases", NoBounds());
  const auto weights = Histogram(query);
  std::int64_t total = 0;
  for (const auto& [bin, weight] : weights) total += weight;
  // 3001 units; floor rounding loses less than one step per (unit, bin).
  EXPECT_LE(total, 3001 * kApproxBoundsUnitWeight);
  EXPECT_GE(total, 3001 * kApproxBoundsUnitWeight - 2 * 3001);
  // The outlier unit's two rows land in the top bins, half a unit each.
  const std::int64_t big = 1 - kApproxBoundsMinExponent + 39;  // 1e12 is in [2^39, 2^40)
  EXPECT_EQ(weights.at(big), kApproxBoundsUnitWeight / 2);
  EXPECT_EQ(weights.at(-big), kApproxBoundsUnitWeight / 2);
  // [64, 128) holds most of the mass.
  const std::int64_t b64 = 1 - kApproxBoundsMinExponent + 6;
  EXPECT_GT(weights.at(b64), 2500 * kApproxBoundsUnitWeight);
}

TEST_F(ApproxBoundsEngineTest, BoundsContainTheBulkAndNotTheOutlier) {
  const BoundedQuery query = RewriteQuery("SELECT AVG(amount) FROM purchases", NoBounds());
  const PrivacyPlan plan = MakePrivacyPlan(query, {.epsilon = 10.0});  // ApproxBounds: 1
  const auto weights = Histogram(query);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    MechanismNoiseSource noise(seed);
    const FoundBounds found = ApproxBoundsFromHistogram(weights, plan.approx_bounds[0], noise);
    ASSERT_TRUE(found.bounds) << seed;
    EXPECT_EQ(found.noisy_weights.size(), static_cast<std::size_t>(2 * kApproxBoundsMaxBin + 1));
    EXPECT_LE(found.bounds->lower, 65.0) << seed;
    EXPECT_GE(found.bounds->lower, 16.0) << seed;
    EXPECT_GE(found.bounds->upper, 135.0) << seed;
    EXPECT_LE(found.bounds->upper, 256.0) << seed;
  }
  // End to end: the query rewritten with the bounds found, the same budget split.
  MechanismNoiseSource noise(3);
  const auto found = FindApproxBounds(*db_, query, plan, noise);
  const BoundedQuery final_query = WithFoundBounds(query, found);
  ASSERT_FALSE(BoundsPending(final_query));
  ASSERT_TRUE(final_query.values[0].bounds);
  EXPECT_TRUE(final_query.values[0].approx_bounds);
  EXPECT_NE(final_query.sql.find("rampart_s1"), std::string::npos);
  const PrivacyPlan final_plan = MakePrivacyPlan(final_query, {.epsilon = 10.0});
  ASSERT_EQ(final_plan.statistics.size(), plan.statistics.size());
  for (std::size_t i = 0; i < plan.statistics.size(); ++i) {
    EXPECT_EQ(final_plan.statistics[i].epsilon, plan.statistics[i].epsilon);
    EXPECT_GT(final_plan.statistics[i].l1, 0);
  }
  EXPECT_EQ(PlanEvent(final_plan).ToJson(), PlanEvent(plan).ToJson());
  const auto bounded = ExecuteBoundedQuery(*db_, final_query);
  EXPECT_EQ(bounded.groups.size(), 1U);
}

TEST_F(ApproxBoundsEngineTest, ASingleUnitsValueIsNotRevealed) {
  db_->Execute("CREATE TABLE salaries (person_id INTEGER, salary DOUBLE PRECISION)");
  db_->Execute(
      "INSERT INTO salaries VALUES (7, 123456.0), (7, 123456.0), (7, 123456.0), (7, 99.0)");
  const BoundedQuery query = RewriteQuery("SELECT AVG(salary) FROM salaries", NoBounds());
  const PrivacyPlan plan = MakePrivacyPlan(query, {.epsilon = 10.0});
  const auto weights = Histogram(query);
  ASSERT_EQ(weights.size(), 2U);
  // With epsilon 1 for the search, a bin needs a noisy weight of ~26 units; one unit has 1.
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    MechanismNoiseSource noise(seed);
    EXPECT_FALSE(ApproxBoundsFromHistogram(weights, plan.approx_bounds[0], noise).bounds) << seed;
  }
  MechanismNoiseSource noise(11);
  try {
    (void)FindApproxBounds(*db_, query, plan, noise);
    FAIL() << "bounds found for a single unit";
  } catch (const InputError& error) {
    EXPECT_NE(error.message().find("could not find clamping bounds for salary privately"),
              std::string::npos)
        << error.what();
    EXPECT_NE(error.message().find("--bounds salary=LO:HI"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace rampart::privacy
