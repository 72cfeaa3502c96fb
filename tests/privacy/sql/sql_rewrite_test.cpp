// The rewrite: output columns, keys, fixed-point encodings (against hand-computed values), the
// bounding clauses of the generated SQL, and how the privacy unit is resolved.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_query.h>

namespace rampart::privacy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SqlQueryOptions Options(std::string unit = "person_id") {
  SqlQueryOptions options;
  options.privacy_unit = std::move(unit);
  options.max_groups_per_unit = 3;
  options.max_rows_per_group = 7;
  options.bounds["amount"] = {0.0, 100.0};
  return options;
}

TEST(SqlRewriteTest, DescribesColumnsKeysOrderAndLimit) {
  const auto query = RewriteQuery(
      "SELECT category AS cat, COUNT(*) AS n, SUM(amount), AVG(amount), "
      "percentile_cont(0.25) WITHIN GROUP (ORDER BY amount DESC), median(amount), "
      "COUNT(DISTINCT person_id) FROM purchases GROUP BY category ORDER BY n DESC, 1 LIMIT 5",
      Options());
  EXPECT_TRUE(query.grouped);
  ASSERT_EQ(query.key_names, std::vector<std::string>{"category"});
  ASSERT_EQ(query.columns.size(), 7U);
  EXPECT_EQ(query.columns[0].name, "cat");
  EXPECT_TRUE(query.columns[0].is_key);
  EXPECT_EQ(query.columns[1].name, "n");
  EXPECT_EQ(query.columns[1].aggregate, SqlAggregate::kCountRows);
  EXPECT_EQ(query.columns[2].aggregate, SqlAggregate::kSum);
  EXPECT_EQ(query.columns[3].aggregate, SqlAggregate::kMean);
  EXPECT_EQ(query.columns[4].aggregate, SqlAggregate::kQuantile);
  EXPECT_DOUBLE_EQ(query.columns[4].quantile, 0.75);  // DESC order flips the fraction
  EXPECT_DOUBLE_EQ(query.columns[5].quantile, 0.5);
  EXPECT_EQ(query.columns[6].aggregate, SqlAggregate::kCountDistinctUnits);
  ASSERT_EQ(query.values.size(), 1U);  // one value column shared by SUM, AVG and quantiles
  EXPECT_TRUE(query.values[0].needs_histogram);
  EXPECT_FALSE(query.values[0].needs_squares);
  ASSERT_EQ(query.order_by.size(), 2U);
  EXPECT_EQ(query.order_by[0].column, 1U);
  EXPECT_TRUE(query.order_by[0].descending);
  EXPECT_EQ(query.order_by[1].column, 0U);
  EXPECT_FALSE(query.order_by[1].descending);
  EXPECT_EQ(query.limit, 5);
}

TEST(SqlRewriteTest, GeneratesTheBoundingClauses) {
  const auto query = RewriteQuery(
      "SELECT category, COUNT(*), VARIANCE(amount) FROM purchases WHERE amount > -3 GROUP BY "
      "category",
      Options());
  const std::string& sql = query.sql;
  EXPECT_THAT(sql, HasSubstr("person_id AS rampart_unit, category AS rampart_key1"));
  EXPECT_THAT(sql, HasSubstr("WHERE (amount > -3) AND person_id IS NOT NULL"));
  EXPECT_THAT(sql, HasSubstr("CASE WHEN amount < 0.0 THEN 0.0 WHEN amount > 100.0 THEN 100.0 ELSE "
                             "amount END AS rampart_v1"));
  // L-infinity: one hash aggregation per (unit, group), then per-(unit, group) clamping to C = 7.
  EXPECT_THAT(sql, HasSubstr("GROUP BY rampart_unit, rampart_key1"));
  EXPECT_THAT(sql, HasSubstr("CASE WHEN rampart_rows > 7 THEN 7 ELSE rampart_rows END"));
  EXPECT_THAT(sql, HasSubstr("CASE WHEN rampart_n1 > 7 THEN"));
  EXPECT_THAT(sql, Not(HasSubstr("rampart_row_rank")));
  EXPECT_THAT(sql, HasSubstr("ROW_NUMBER() OVER (PARTITION BY rampart_unit ORDER BY RANDOM()) AS "
                             "rampart_group_rank"));
  EXPECT_THAT(sql, HasSubstr("WHERE rampart_group_rank <= 3"));
  // 100 * 2^23 = 838860800 <= 2^30 < 100 * 2^24.
  EXPECT_EQ(query.values[0].scale_exponent, 23);
  // The fixed-point conversion is inlined into the per-(unit, group) SUM, and its integer guard
  // runs per (unit, group) (S in [n lo_k, n hi_k]), not per row.
  EXPECT_THAT(sql, HasSubstr("SUM(CAST(FLOOR(rampart_v1 * 8388608.0 + 0.5) AS INTEGER)) AS "
                             "rampart_s1"));
  EXPECT_THAT(sql, HasSubstr("WHEN rampart_s1 > 838860800 * rampart_n1 THEN 838860800 * "
                             "rampart_n1"));
  EXPECT_THAT(sql, HasSubstr("WHEN rampart_q1 > 655360000 * rampart_n1 THEN 655360000 * "
                             "rampart_n1"));
  // Nothing volatile in the stage that reads every row (so engines can run it as an ordinary,
  // parallel GROUP BY), and the random L0 ranking in a derived table, not a CTE (PostgreSQL
  // materializes CTEs that call volatile functions).
  const auto grouped = sql.find("GROUP BY rampart_unit, rampart_key1");
  ASSERT_NE(grouped, std::string::npos);
  EXPECT_EQ(sql.find("RANDOM()"), sql.rfind("RANDOM()"));
  EXPECT_GT(sql.find("RANDOM()"), grouped);
  EXPECT_THAT(sql, HasSubstr(") AS rampart_ranked\n    WHERE rampart_group_rank <= 3"));
  EXPECT_THAT(sql, Not(HasSubstr("rampart_bounded AS (")));
  // Squares: ((100 - 0) / 2)^2 = 2500, 2500 * 2^18 = 655360000 <= 2^30.
  EXPECT_EQ(query.values[0].square_scale_exponent, 18);
  EXPECT_EQ(query.values[0].fixed_square_upper, 655360000);
  EXPECT_THAT(sql, HasSubstr("(rampart_v1 - 50.0) * (rampart_v1 - 50.0) * 262144.0"));
  EXPECT_THAT(sql, HasSubstr("GROUP BY rampart_key1"));
  EXPECT_THAT(sql, Not(HasSubstr("HAVING")));
}

TEST(SqlRewriteTest, FixedPointBoundsRoundOutward) {
  SqlQueryOptions options = Options();
  options.bounds["amount"] = {-5.0, 2.5};
  auto query = RewriteQuery("SELECT SUM(amount) FROM purchases", options);
  EXPECT_EQ(query.values[0].scale_exponent, 27);  // 5 * 2^27 = 671088640 <= 2^30
  EXPECT_EQ(query.values[0].fixed_lower, -671088640);
  EXPECT_EQ(query.values[0].fixed_upper, 335544320);
  options.bounds["amount"] = {0.1, 0.3};
  query = RewriteQuery("SELECT SUM(amount) FROM purchases", options);
  EXPECT_EQ(query.values[0].scale_exponent, 31);      // 0.3 * 2^31 = 644245094.4
  EXPECT_EQ(query.values[0].fixed_lower, 214748364);  // floor(214748364.8)
  EXPECT_EQ(query.values[0].fixed_upper, 644245095);  // ceil(644245094.4)
  options.bounds["amount"] = {0.0, 1e12};
  query = RewriteQuery("SELECT SUM(amount) FROM purchases", options);
  EXPECT_EQ(query.values[0].scale_exponent, -10);  // 1e12 / 1024 = 976562500 <= 2^30
  EXPECT_EQ(query.values[0].fixed_upper, 976562500);
  EXPECT_THAT(query.sql, HasSubstr("rampart_v1 * 0.0009765625 + 0.5"));
}

TEST(SqlRewriteTest, ResolvesTheUnitThroughAliasesAndSubqueries) {
  auto query = RewriteQuery(
      "SELECT p.country, COUNT(*) FROM purchases o JOIN people p ON o.person_id = p.id GROUP BY "
      "p.country",
      Options("people.id"));
  EXPECT_THAT(query.sql, HasSubstr("p.id AS rampart_unit, p.country AS rampart_key1"));
  EXPECT_THAT(query.sql, HasSubstr("FROM purchases AS o JOIN people AS p ON (o.person_id = p.id)"));
  query = RewriteQuery(
      "SELECT COUNT(*) FROM (SELECT person_id, amount FROM purchases WHERE amount < 10) AS s",
      Options("purchases.person_id"));
  EXPECT_THAT(query.sql, HasSubstr("s.person_id AS rampart_unit"));
  EXPECT_THAT(query.sql,
              HasSubstr("FROM (SELECT person_id, amount FROM purchases WHERE (amount < 10)) AS s"));
  query = RewriteQuery("SELECT COUNT(*) FROM (SELECT * FROM purchases) AS s", Options());
  EXPECT_THAT(query.sql, HasSubstr("s.person_id AS rampart_unit"));
  EXPECT_FALSE(query.grouped);
}

TEST(SqlRewriteTest, QuotesIdentifiersOnlyWhenNeeded) {
  SqlQueryOptions options = Options("\"User Id\"");
  options.privacy_unit = "User Id";
  const auto query = RewriteQuery(
      "SELECT \"Region\", \"order\", COUNT(*) FROM t GROUP BY \"Region\", \"order\"", options);
  EXPECT_THAT(query.sql, HasSubstr("\"User Id\" AS rampart_unit, \"Region\" AS rampart_key1, "
                                   "\"order\" AS rampart_key2"));
  EXPECT_EQ(query.key_names, (std::vector<std::string>{"Region", "order"}));
}

TEST(SqlRewriteTest, OrderByAnAggregateFindsItsSelectItem) {
  const auto query = RewriteQuery(
      "SELECT lower(category) AS c, COUNT(*), SUM(amount) FROM purchases GROUP BY c ORDER BY "
      "SUM(amount) DESC, count(*)",
      Options());
  ASSERT_EQ(query.order_by.size(), 2U);
  EXPECT_EQ(query.order_by[0].column, 2U);
  EXPECT_TRUE(query.order_by[0].descending);
  EXPECT_EQ(query.order_by[1].column, 1U);
  EXPECT_THAT(query.sql, HasSubstr("lower(category) AS rampart_key1"));
  EXPECT_THROW((void)RewriteQuery("SELECT COUNT(*) FROM purchases ORDER BY SUM(amount)", Options()),
               UnsupportedError);
}

TEST(SqlRewriteTest, GroupByAliasAndPositionUseTheSelectExpression) {
  const auto query = RewriteQuery(
      "SELECT CASE WHEN amount < 10 THEN 'small' ELSE 'large' END AS size, lower(category), "
      "COUNT(*) FROM purchases GROUP BY size, 2",
      Options());
  ASSERT_EQ(query.key_names.size(), 2U);
  EXPECT_THAT(query.sql, HasSubstr("CASE WHEN (amount < 10) THEN 'small' ELSE 'large' END AS "
                                   "rampart_key1, lower(category) AS rampart_key2"));
  EXPECT_EQ(query.columns[0].name, "size");
}

TEST(SqlRewriteTest, BoundsMatchTheArgumentTextOrItsLastName) {
  SqlQueryOptions options = Options();
  options.bounds.clear();
  options.bounds["p.amount"] = {1.0, 2.0};
  auto query = RewriteQuery("SELECT SUM(p.amount) FROM purchases p", options);
  EXPECT_DOUBLE_EQ(query.values[0].bounds->upper, 2.0);
  options.bounds.clear();
  options.bounds["amount"] = {1.0, 3.0};
  query = RewriteQuery("SELECT SUM(p.amount) FROM purchases p", options);
  EXPECT_DOUBLE_EQ(query.values[0].bounds->upper, 3.0);
  EXPECT_EQ(query.values[0].label, "amount");
  // COUNT(x) needs no bounds.
  options.bounds.clear();
  query = RewriteQuery("SELECT COUNT(amount) FROM purchases", options);
  EXPECT_FALSE(query.values[0].bounds.has_value());
  EXPECT_THAT(query.sql, HasSubstr("COUNT(rampart_v1) AS rampart_n1"));
}

TEST(SqlRewriteTest, QuantileHistogramQuery) {
  SqlQueryOptions options = Options();
  options.quantile_bins = 64;
  const auto query =
      RewriteQuery("SELECT category, MEDIAN(amount) FROM purchases GROUP BY category", options);
  const std::string& sql = query.values[0].histogram_sql;
  EXPECT_THAT(sql, HasSubstr("DENSE_RANK() OVER (PARTITION BY rampart_unit ORDER BY "
                             "rampart_group_random, rampart_key1)"));
  EXPECT_THAT(sql, HasSubstr("CAST(FLOOR((rampart_v1 - 0.0) * 0.64) AS BIGINT)"));
  EXPECT_THAT(sql, HasSubstr("WHEN rampart_raw_bin > 63 THEN 63"));
  EXPECT_THAT(sql, HasSubstr("rampart_row_rank <= 7 AND rampart_group_rank <= 3"));
}

}  // namespace
}  // namespace rampart::privacy
