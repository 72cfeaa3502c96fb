// The privacy plan against hand-computed sensitivities, budget shares and thresholds, and the
// --explain outputs.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_plan.h>

namespace rampart::privacy {
namespace {

using ::testing::HasSubstr;

BoundedQuery Query(const std::string& sql) {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 2;
  options.max_rows_per_group = 3;
  options.bounds["amount"] = {-10.0, 30.0};
  return RewriteQuery(sql, options);
}

const std::string kSql =
    "SELECT category, COUNT(*), SUM(amount), AVG(amount), VARIANCE(amount) FROM purchases GROUP "
    "BY category";

TEST(SqlPlanTest, SensitivitiesMatchClosedForms) {
  const auto query = Query(kSql);
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
  // rows, sum, values, normalized sum, normalized squares + partition selection: 6 shares.
  ASSERT_EQ(plan.statistics.size(), 5U);
  const double share = 1.0 / 6.0;
  for (const auto& s : plan.statistics) {
    EXPECT_DOUBLE_EQ(s.epsilon, share);
    EXPECT_EQ(s.l0, 2);
    EXPECT_EQ(s.l1, 2 * s.linf);
    EXPECT_DOUBLE_EQ(s.l2, std::sqrt(2.0) * static_cast<double>(s.linf));
    EXPECT_DOUBLE_EQ(s.laplace_scale, static_cast<double>(s.l1) / share);
  }
  EXPECT_NEAR(plan.epsilon, 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(plan.delta, 1e-6);

  const auto& rows = FindStatistic(plan, SqlStatistic::kRows);
  EXPECT_EQ(rows.linf, 3);
  EXPECT_DOUBLE_EQ(rows.laplace_scale, 36.0);  // L1 = 2 * 3, epsilon = 1/6

  // SUM: C * max(|lo|, |hi|) = 3 * 30 in value units; fixed point k = 25 (30 * 2^25 <= 2^30).
  const auto& sum = FindStatistic(plan, SqlStatistic::kSum, 0);
  EXPECT_EQ(sum.linf, 3LL * 30 * (1LL << 25));
  EXPECT_DOUBLE_EQ(sum.unit, std::ldexp(1.0, -25));
  EXPECT_DOUBLE_EQ(sum.laplace_scale * sum.unit, 2 * 3 * 30 * 6.0);
  // Normalized sum (AVG): C * (hi - lo) / 2 = 60 in value units.
  const auto& normalized = FindStatistic(plan, SqlStatistic::kNormalizedSum, 0);
  EXPECT_DOUBLE_EQ(static_cast<double>(normalized.linf) * normalized.unit, 60.0);
  // Normalized squares: C * ((hi - lo) / 2)^2 = 1200.
  const auto& squares = FindStatistic(plan, SqlStatistic::kNormalizedSquares, 0);
  EXPECT_DOUBLE_EQ(static_cast<double>(squares.linf) * squares.unit, 1200.0);
  // Counts of values: C.
  EXPECT_EQ(FindStatistic(plan, SqlStatistic::kValues, 0).linf, 3);

  // Partition selection: b = L0 / eps = 12, delta per group 1 - (1 - 1e-6)^(1/2),
  // threshold = 1 + b ln(1 / (2 delta_group)).
  const auto& ps = plan.partition_selection;
  EXPECT_TRUE(ps.enabled);
  EXPECT_DOUBLE_EQ(ps.epsilon, share);
  EXPECT_DOUBLE_EQ(ps.laplace_scale, 12.0);
  const double delta_group = 1.0 - std::sqrt(1.0 - 1e-6);
  EXPECT_NEAR(ps.threshold, 1.0 + 12.0 * std::log(1.0 / (2.0 * delta_group)), 1e-9);
  EXPECT_NEAR(ps.threshold, 166.786, 1e-3);
}

TEST(SqlPlanTest, PublicGroupsAndGlobalQueriesNeedNoPartitionSelection) {
  auto plan = MakePrivacyPlan(Query(kSql), {.epsilon = 2.0, .delta = 0.0, .public_groups = true});
  EXPECT_FALSE(plan.partition_selection.enabled);
  EXPECT_DOUBLE_EQ(plan.statistics[0].epsilon, 0.4);
  EXPECT_DOUBLE_EQ(plan.delta, 0.0);
  plan = MakePrivacyPlan(Query("SELECT COUNT(*) FROM purchases"), {.epsilon = 0.5});
  EXPECT_FALSE(plan.partition_selection.enabled);
  ASSERT_EQ(plan.statistics.size(), 1U);
  EXPECT_DOUBLE_EQ(plan.statistics[0].epsilon, 0.5);
}

TEST(SqlPlanTest, SharedStatisticsArePaidOnce) {
  const auto plan = MakePrivacyPlan(
      Query("SELECT AVG(amount), STDDEV(amount), VAR_SAMP(amount), COUNT(amount) FROM purchases"),
      {.epsilon = 1.0});
  EXPECT_EQ(plan.statistics.size(), 3U);  // values, normalized sum, normalized squares
}

TEST(SqlPlanTest, RejectsBadBudgets) {
  const auto query = Query(kSql);
  EXPECT_THROW((void)MakePrivacyPlan(query, {.epsilon = 0.0, .delta = 1e-6}), InvalidArgumentError);
  EXPECT_THROW((void)MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1.0}), InvalidArgumentError);
  try {
    (void)MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 0.0});
    FAIL();
  } catch (const InvalidArgumentError& error) {
    EXPECT_THAT(error.message(), HasSubstr("partition selection"));
  }
}

TEST(SqlPlanTest, ExplainShowsSqlSharesAndScales) {
  const auto query = Query(kSql + " ORDER BY 2");
  const auto plan = MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
  const std::string text = ExplainText(query, plan);
  EXPECT_THAT(text, HasSubstr(query.sql));
  EXPECT_THAT(text, HasSubstr("partition selection"));
  EXPECT_THAT(text, HasSubstr("sum(amount)"));
  EXPECT_THAT(text, HasSubstr("1080"));  // SUM's Laplace scale in value units
  // Default: near-optimal partition selection, with its per-group budget and probabilities.
  EXPECT_THAT(text, HasSubstr("pi(1) = 5e-07"));
  const auto laplace = MakePrivacyPlan(
      query, {.epsilon = 1.0,
              .delta = 1e-6,
              .partition_selection = PartitionSelectionStrategy::kLaplaceThreshold});
  EXPECT_THAT(ExplainText(query, laplace), HasSubstr("166.786"));

  const auto json = nlohmann::json::parse(ExplainJson(query, plan));
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["sql"], query.sql);
  EXPECT_DOUBLE_EQ(json["epsilon"].get<double>(), plan.epsilon);
  ASSERT_EQ(json["statistics"].size(), 5U);
  EXPECT_EQ(json["statistics"][1]["statistic"], "sum");
  EXPECT_DOUBLE_EQ(json["statistics"][1]["laplace_scale_in_value_units"].get<double>(), 1080.0);
  EXPECT_TRUE(json["partition_selection"]["enabled"].get<bool>());
  EXPECT_EQ(json["columns"][2]["aggregate"], "sum");
}

}  // namespace
}  // namespace rampart::privacy
