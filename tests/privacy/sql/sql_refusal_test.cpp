// Every refused query shape: the error kind, the line:column of the offending part and a message
// that says what is refused and why it would break privacy.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_query.h>

#include "sql_test_data.h"

namespace rampart::privacy {
namespace {

struct Refusal {
  std::string name;
  std::string sql;
  ErrorKind kind;
  std::int64_t line;
  std::int64_t column;
  std::string message;  // a substring of the message
};

SqlQueryOptions Options() {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.bounds["amount"] = {0.0, 100.0};
  return options;
}

std::vector<Refusal> Refusals() {
  const auto kU = ErrorKind::kUnsupported;
  return {
      {"syntax_error", "SELECT COUNT(*) FROM purchases WHERE", ErrorKind::kInput, 1, 37,
       "SQL syntax error"},
      {"two_statements", "SELECT COUNT(*) FROM a; SELECT COUNT(*) FROM b", ErrorKind::kInput, 0, 0,
       "exactly one SQL statement"},
      {"not_a_select", "DELETE FROM purchases", kU, 1, 13, "only SELECT"},
      {"having", "SELECT category, COUNT(*) FROM purchases GROUP BY category\nHAVING COUNT(*) > 5",
       kU, 2, 8, "HAVING is not supported (at \"COUNT(*) > 5\"): it filters groups on exact"},
      {"window_function", "SELECT COUNT(*) OVER (PARTITION BY category) FROM purchases", kU, 1, 8,
       "window function count"},
      {"window_in_where", "SELECT COUNT(*) FROM purchases WHERE ROW_NUMBER() OVER () < 3", kU, 1,
       38, "window function row_number"},
      {"non_aggregated_column",
       "SELECT category, amount, COUNT(*) FROM purchases GROUP BY category", kU, 1, 18,
       "neither aggregated nor a GROUP BY key is not supported (at \"amount, COUNT(*) FROM "
       "purchases GROUP BY\"): it would release raw values"},
      {"no_aggregate", "SELECT category FROM purchases GROUP BY category", kU, 1, 8,
       "a query without aggregates"},
      {"select_star", "SELECT *, COUNT(*) FROM purchases", kU, 1, 8, "SELECT *"},
      {"does_not_reach_unit", "SELECT COUNT(*) FROM (SELECT category FROM purchases) AS s", kU, 1,
       30, "does not reach the privacy unit"},
      {"min", "SELECT MIN(amount) FROM purchases", kU, 1, 8,
       "min() is not supported (at \"MIN(amount) FROM purchases\"): the minimum or maximum is one "
       "row's exact value"},
      {"count_distinct_other", "SELECT COUNT(DISTINCT category) FROM purchases", kU, 1, 23,
       "COUNT(DISTINCT) of a column other than the privacy unit"},
      {"sum_distinct", "SELECT SUM(DISTINCT amount) FROM purchases", kU, 1, 8,
       "DISTINCT inside sum"},
      {"nested_aggregate", "SELECT ROUND(AVG(amount)) FROM purchases", kU, 1, 14,
       "aggregate avg inside an expression"},
      {"unknown_aggregate", "SELECT STRING_AGG(category, ',') FROM purchases", kU, 1, 8,
       "aggregate string_agg"},
      {"aggregate_filter", "SELECT COUNT(*) FILTER (WHERE amount > 3) FROM purchases", kU, 1, 31,
       "FILTER (WHERE ...)"},
      {"distinct", "SELECT DISTINCT category, COUNT(*) FROM purchases GROUP BY 1", kU, 1, 17,
       "SELECT DISTINCT"},
      {"union", "SELECT COUNT(*) FROM purchases UNION ALL SELECT COUNT(*) FROM purchases", kU, 1, 8,
       "UNION/INTERSECT/EXCEPT"},
      {"cte", "WITH p AS (SELECT * FROM purchases) SELECT COUNT(*) FROM p", kU, 1, 6,
       "WITH (common table expressions)"},
      {"subquery_in_where",
       "SELECT COUNT(*) FROM purchases\nWHERE amount > (SELECT AVG(amount) FROM purchases)", kU, 2,
       16, "a subquery in an expression"},
      {"grouping_sets", "SELECT category, COUNT(*) FROM purchases GROUP BY ROLLUP (category)", kU,
       1, 51, "ROLLUP/CUBE/GROUPING SETS"},
      {"aggregating_subquery",
       "SELECT COUNT(*) FROM (SELECT person_id, SUM(amount) AS t FROM purchases\n"
       "GROUP BY person_id) AS s",
       kU, 2, 10, "GROUP BY/HAVING in a subquery"},
      {"limit_in_subquery", "SELECT COUNT(*) FROM (SELECT person_id FROM purchases LIMIT 10) AS s",
       kU, 1, 61, "LIMIT/OFFSET in a subquery"},
      {"offset", "SELECT COUNT(*) FROM purchases OFFSET 2", kU, 1, 39, "OFFSET"},
      {"no_from", "SELECT COUNT(*)", kU, 1, 8, "a query without FROM"},
      {"order_by_unknown",
       "SELECT category, COUNT(*) FROM purchases GROUP BY category ORDER BY amount", kU, 1, 69,
       "this ORDER BY item"},
      {"greatest", "SELECT COUNT(*) FROM purchases WHERE GREATEST(amount, 1) > 2", kU, 1, 38,
       "GREATEST/LEAST"},
      {"percentile_out_of_range",
       "SELECT PERCENTILE_CONT(1.5) WITHIN GROUP (ORDER BY amount) FROM purchases", kU, 1, 24,
       "p must be a constant in [0, 1]"},
      {"lateral", "SELECT COUNT(*) FROM purchases p, LATERAL (SELECT person_id FROM visits) AS v",
       kU, 1, 51, "LATERAL"},
      {"parameter", "SELECT COUNT(*) FROM purchases WHERE amount > $1", kU, 1, 47, "a parameter"},
      {"invalid_utf8", "SELECT COUNT(*) FROM purchases WHERE category = '\xff'", ErrorKind::kInput,
       1, 50, "not valid UTF-8"},
  };
}

class SqlRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(SqlRefusalTest, RefusesWithLocationAndReason) {
  const Refusal& refusal = GetParam();
  try {
    (void)RewriteQuery(refusal.sql, Options());
    FAIL() << "accepted: " << refusal.sql;
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), refusal.kind) << error.what();
    EXPECT_THAT(error.message(), ::testing::HasSubstr(refusal.message));
    EXPECT_EQ(error.location().line, refusal.line) << error.what();
    EXPECT_EQ(error.location().column, refusal.column) << error.what();
    if (refusal.line > 0) {
      EXPECT_THAT(std::string(error.what()),
                  ::testing::StartsWith("query:" + std::to_string(refusal.line) + ":" +
                                        std::to_string(refusal.column) + ": "));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SqlRefusalTest, ::testing::ValuesIn(Refusals()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(SqlRefusalTest, QualifiedUnitMustNameATableInFrom) {
  SqlQueryOptions options = Options();
  options.privacy_unit = "customers.id";
  try {
    (void)RewriteQuery("SELECT COUNT(*) FROM purchases p JOIN people q ON p.person_id = q.id",
                       options);
    FAIL();
  } catch (const UnsupportedError& error) {
    EXPECT_THAT(error.message(), ::testing::HasSubstr("no table or subquery in FROM provides "
                                                      "customers.id"));
    EXPECT_EQ(error.location().column, 22);
  }
}

TEST(SqlRefusalTest, SubqueryMustExposeTheUnit) {
  SqlQueryOptions options = Options();
  options.privacy_unit = "purchases.person_id";
  try {
    (void)RewriteQuery("SELECT COUNT(*) FROM (SELECT amount FROM purchases) AS s", options);
    FAIL();
  } catch (const UnsupportedError& error) {
    EXPECT_THAT(error.message(), ::testing::HasSubstr("a subquery that hides the privacy unit"));
  }
}

TEST(SqlRefusalTest, RejectsBadOptions) {
  const std::string sql = "SELECT COUNT(*) FROM purchases";
  SqlQueryOptions options = Options();
  options.max_groups_per_unit = 0;
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
  options = Options();
  options.max_rows_per_group = -1;
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
  options = Options();
  options.bounds["amount"] = {5.0, 5.0};
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
  options = Options();
  options.privacy_unit = "";
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
  options.privacy_unit = "a.b.c";
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
  options = Options();
  options.quantile_bins = 1;
  EXPECT_THROW((void)RewriteQuery(sql, options), InvalidArgumentError);
}

// Bad input never crashes: every prefix of every supported query, and every single-character
// corruption of it, is either rewritten or refused with a rampart::Error (any other exception or
// a sanitizer report fails the test).
TEST(SqlRobustnessTest, PrefixesAndCorruptionsFailCleanly) {
  int refused = 0;
  int accepted = 0;
  for (const auto& shape : testing::SupportedShapes()) {
    const std::string& sql = shape.sql;
    for (std::size_t length = 0; length <= sql.size(); ++length) {
      for (const char corruption : {'\0', ')', '\'', ','}) {
        std::string text = sql.substr(0, length);
        if (corruption != '\0' && length < sql.size()) text += corruption + sql.substr(length + 1);
        try {
          (void)RewriteQuery(text, shape.options);
          ++accepted;
        } catch (const Error& error) {
          EXPECT_FALSE(error.message().empty());
          ++refused;
        }
      }
    }
  }
  EXPECT_GT(refused, 1000);
  EXPECT_GT(accepted, 8);
}

}  // namespace
}  // namespace rampart::privacy
