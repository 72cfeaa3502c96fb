// MechanismNoiseSource: the production noise of DP SQL releases (secure discrete Laplace).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/database.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/sql_noise.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_query.h>
#include <rampart/privacy/sql_release.h>

#include "sql_test_data.h"

#if defined(__SANITIZE_ADDRESS__)
#define RAMPART_NOISE_SAMPLES 20000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAMPART_NOISE_SAMPLES 20000
#endif
#endif
#ifndef RAMPART_NOISE_SAMPLES
#define RAMPART_NOISE_SAMPLES 100000
#endif

namespace rampart::privacy {
namespace {

using testing::CreateShop;
using testing::TempSqlite;

// The data has at most 19 purchases per person over 4 categories, so these bounds bound nothing.
SqlQueryOptions LooseBounds() {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 4;
  options.max_rows_per_group = 20;
  options.bounds["amount"] = {0.0, 100.0};
  return options;
}

TEST(SqlNoiseTest, HugeEpsilonMatchesTheExactSqlAnswers) {
  TempSqlite file("noise");
  auto db = Database::Open(file.url());
  CreateShop(*db);
  const auto query = RewriteQuery(
      "SELECT category, COUNT(*), SUM(amount), AVG(amount) FROM purchases GROUP BY category "
      "ORDER BY category",
      LooseBounds());
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1e7, .delta = 1e-6});
  MechanismNoiseSource noise(7);
  const auto table = ReleaseQuery(query, plan, ExecuteBoundedQuery(*db, query), noise);
  const auto exact = db->Query(
      "SELECT category, COUNT(*), SUM(amount), AVG(amount) FROM purchases GROUP BY category "
      "ORDER BY category");
  ASSERT_EQ(table.rows.size(), exact.rows.size());
  for (std::size_t i = 0; i < exact.rows.size(); ++i) {
    EXPECT_EQ(DbValueToString(table.rows[i][0]), DbValueToString(exact.rows[i][0]));
    EXPECT_NEAR(DbValueAsDouble(table.rows[i][1]), DbValueAsDouble(exact.rows[i][1]), 0.5);
    EXPECT_NEAR(DbValueAsDouble(table.rows[i][2]), DbValueAsDouble(exact.rows[i][2]), 0.05);
    EXPECT_NEAR(DbValueAsDouble(table.rows[i][3]), DbValueAsDouble(exact.rows[i][3]), 1e-5);
    // The interval holds the exact answer and is tiny at this epsilon.
    const auto& ci = *table.intervals[i][1];
    EXPECT_LE(ci[0], DbValueAsDouble(exact.rows[i][1]));
    EXPECT_GE(ci[1], DbValueAsDouble(exact.rows[i][1]));
    EXPECT_LE(ci[1] - ci[0], 2.0);
  }
}

PlannedStatistic CountStatistic(double epsilon, std::int64_t l1) {
  PlannedStatistic statistic;
  statistic.statistic = SqlStatistic::kRows;
  statistic.label = "count(*)";
  statistic.epsilon = epsilon;
  statistic.l0 = l1;
  statistic.linf = 1;
  statistic.l1 = l1;
  statistic.l2 = std::sqrt(static_cast<double>(l1));
  statistic.laplace_scale = static_cast<double>(l1) / epsilon;
  return statistic;
}

TEST(SqlNoiseStatisticalTest, VarianceMatchesTheCalibratedDiscreteLaplace) {
  const PlannedStatistic statistic = CountStatistic(0.5, 2);  // scale 4
  MechanismNoiseSource noise(20261129);
  const int n = RAMPART_NOISE_SAMPLES;
  const double half_width = noise.HalfWidth(statistic, 0.95);
  double sum = 0.0;
  double sum_sq = 0.0;
  int inside = 0;
  for (int i = 0; i < n; ++i) {
    const auto x = static_cast<double>(noise.AddNoise(1000, statistic) - 1000);
    sum += x;
    sum_sq += x * x;
    if (std::abs(x) <= half_width) ++inside;
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  const double q = std::exp(-1.0 / statistic.laplace_scale);
  const double expected = 2.0 * q / ((1.0 - q) * (1.0 - q));  // about 31.5
  // Variance of the sample variance: (mu4 - sigma^4) / n, mu4 ~ 6 sigma^4 (Laplace): 5 sigma
  // of that.
  EXPECT_NEAR(variance, expected, 5.0 * expected * std::sqrt(5.0 / n));
  EXPECT_NEAR(mean, 0.0, 5.0 * std::sqrt(expected / n));
  // The 95% interval covers at least 95% (discrete: slightly more), and is not loose.
  const double coverage = static_cast<double>(inside) / n;
  EXPECT_GE(coverage, 0.95 - 5.0 * std::sqrt(0.05 * 0.95 / n));
  EXPECT_LE(coverage, 0.97);
}

TEST(SqlNoiseStatisticalTest, SelectionReleasesASingleUnitGroupWithAtMostDelta) {
  PartitionSelectionPlan selection;
  selection.enabled = true;
  selection.epsilon = 1.0;
  selection.delta = 0.05;
  selection.l0 = 1;
  selection.laplace_scale = 1.0;
  selection.threshold = 1.0 + std::log(1.0 / (2.0 * 0.05));
  MechanismNoiseSource noise(99);
  const int n = RAMPART_NOISE_SAMPLES;
  int released = 0;
  int released_many = 0;
  for (int i = 0; i < n; ++i) {
    if (noise.AddSelectionNoise(1, selection) > selection.threshold) ++released;
    if (noise.AddSelectionNoise(40, selection) > selection.threshold) ++released_many;
  }
  const double rate = static_cast<double>(released) / n;
  EXPECT_LE(rate, 0.05 + 5.0 * std::sqrt(0.05 * 0.95 / n));
  EXPECT_GE(rate, 0.01);        // the exact shift does not make selection useless
  EXPECT_EQ(released_many, n);  // 40 units are far above the threshold at this scale
}

TEST(SqlNoiseTest, SeededSourcesAreReproducibleAndSecureOnesVary) {
  const PlannedStatistic statistic = CountStatistic(0.1, 1);
  MechanismNoiseSource a(5);
  MechanismNoiseSource b(5);
  MechanismNoiseSource secure;
  std::vector<std::int64_t> from_secure;
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(a.AddNoise(0, statistic), b.AddNoise(0, statistic));
    from_secure.push_back(secure.AddNoise(0, statistic));
  }
  // Scale 10: 50 equal draws have probability far below 1e-40.
  bool varies = false;
  for (const auto x : from_secure) varies = varies || x != from_secure.front();
  EXPECT_TRUE(varies);
}

TEST(SqlNoiseTest, PlanEventComposesOneMechanismPerStatisticAndTheSelection) {
  const auto query = RewriteQuery(
      "SELECT category, COUNT(*), SUM(amount) FROM purchases GROUP BY category", LooseBounds());
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
  const PrivacyEvent event = PlanEvent(plan);
  ASSERT_EQ(event.kind(), EventKind::kComposed);
  ASSERT_EQ(event.children().size(), plan.statistics.size() + 1);
  for (std::size_t i = 0; i < plan.statistics.size(); ++i) {
    const PrivacyEvent& child = event.children()[i];
    EXPECT_EQ(child.kind(), EventKind::kDiscreteLaplace);
    EXPECT_DOUBLE_EQ(child.sensitivity(), static_cast<double>(plan.statistics[i].l1));
    EXPECT_GE(child.noise(), plan.statistics[i].laplace_scale);
    EXPECT_LE(child.noise(), plan.statistics[i].laplace_scale * (1.0 + 1e-9));
  }
  const PrivacyEvent& selection = event.children().back();
  EXPECT_EQ(selection.kind(), EventKind::kEpsilonDelta);
  EXPECT_DOUBLE_EQ(selection.epsilon(), plan.partition_selection.epsilon);
  EXPECT_DOUBLE_EQ(selection.delta(), 1e-6);
}

}  // namespace
}  // namespace rampart::privacy
