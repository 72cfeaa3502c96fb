// The rewritten SQL of every supported shape runs on SQLite and PostgreSQL (when
// RAMPART_TEST_POSTGRES_URL is set), equals the plain SQL aggregates when no bound is active,
// gives identical bounded aggregates on both engines, and bounds what one unit contributes.
#include <algorithm>
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include <rampart/common/database.h>
#include <rampart/privacy/sql_release.h>

#include "sql_test_data.h"

namespace rampart::privacy {
namespace {

using testing::CreateShop;
using testing::PostgresUrl;
using testing::QueryShape;
using testing::SupportedShapes;
using testing::TempSqlite;

std::string KeyString(const std::vector<DbValue>& key) {
  std::string text;
  for (const auto& value : key) text += DbValueToString(value) + "|";
  return text;
}

std::map<std::string, BoundedGroup> ByKey(const BoundedAggregates& aggregates) {
  std::map<std::string, BoundedGroup> groups;
  for (const auto& group : aggregates.groups) groups.emplace(KeyString(group.key), group);
  return groups;
}

double AsDouble(const DbValue& value) {
  return IsNull(value) ? 0.0 : DbValueAsDouble(value);
}

class SqlEngineTest : public ::testing::TestWithParam<QueryShape> {
 protected:
  static void SetUpTestSuite() {
    sqlite_file_ = std::make_unique<TempSqlite>("engine");
    sqlite_ = Database::Open(sqlite_file_->url());
    CreateShop(*sqlite_);
    if (!PostgresUrl().empty()) {
      postgres_ = testing::OpenPostgresSchema();
      CreateShop(*postgres_);
    }
  }
  static void TearDownTestSuite() {
    if (postgres_) testing::DropPostgresSchema(*postgres_);
    postgres_.reset();
    sqlite_.reset();
    sqlite_file_.reset();
  }

  // Checks the bounded aggregates against the shape's plain reference query on the same engine.
  static void ExpectMatchesReference(Database& db, const BoundedQuery& query,
                                     const BoundedAggregates& bounded, const QueryShape& shape) {
    const QueryResult reference = db.Query(shape.reference);
    const auto groups = ByKey(bounded);
    const std::size_t keys = query.key_names.size();
    ASSERT_EQ(groups.size(), reference.rows.size()) << shape.name;
    for (const auto& row : reference.rows) {
      const std::vector<DbValue> key(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keys));
      const auto it = groups.find(KeyString(key));
      ASSERT_NE(it, groups.end()) << shape.name << " misses group " << KeyString(key);
      const BoundedGroup& group = it->second;
      EXPECT_EQ(group.rows, std::get<std::int64_t>(row[keys])) << shape.name;
      EXPECT_EQ(group.units, std::get<std::int64_t>(row[keys + 1])) << shape.name;
      for (std::size_t j = 0; j < query.values.size(); ++j) {
        const ValueColumn& value = query.values[j];
        const std::size_t base = keys + 2 + 3 * j;
        EXPECT_EQ(group.value_counts[j], std::get<std::int64_t>(row[base])) << shape.name;
        const double n = static_cast<double>(group.value_counts[j]);
        if (value.bounds) {
          const double unit = std::ldexp(1.0, -value.scale_exponent);
          const double sum = static_cast<double>(group.sums[j]) * unit;
          EXPECT_NEAR(sum, AsDouble(row[base + 1]), n * unit / 2 + 1e-9) << shape.name;
          // No bound active: the normalized sum is exactly 2 S - (lo + hi) n.
          EXPECT_EQ(
              group.normalized_sums[j],
              2 * group.sums[j] - (value.fixed_lower + value.fixed_upper) * group.value_counts[j])
              << shape.name;
        }
        if (value.needs_squares) {
          const double unit = std::ldexp(1.0, -value.square_scale_exponent);
          const double squares = static_cast<double>(group.square_sums[j]) * unit;
          EXPECT_NEAR(squares, AsDouble(row[base + 2]), n * unit + 1e-9 * squares) << shape.name;
        }
        if (value.needs_histogram) {
          std::int64_t total = 0;
          for (const auto count : group.histograms[j]) total += count;
          EXPECT_EQ(total, group.value_counts[j]) << shape.name;
        }
      }
    }
  }

  static std::unique_ptr<TempSqlite> sqlite_file_;
  static std::unique_ptr<Database> sqlite_;
  static std::unique_ptr<Database> postgres_;
};

std::unique_ptr<TempSqlite> SqlEngineTest::sqlite_file_;
std::unique_ptr<Database> SqlEngineTest::sqlite_;
std::unique_ptr<Database> SqlEngineTest::postgres_;

TEST_P(SqlEngineTest, UnboundedAggregatesEqualPlainSqlOnSqlite) {
  const QueryShape& shape = GetParam();
  const BoundedQuery query = RewriteQuery(shape.sql, shape.options);
  const BoundedAggregates bounded = ExecuteBoundedQuery(*sqlite_, query);
  ExpectMatchesReference(*sqlite_, query, bounded, shape);
}

TEST_P(SqlEngineTest, PostgresGivesTheSameBoundedAggregatesAsSqlite) {
  if (!postgres_) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  const QueryShape& shape = GetParam();
  const BoundedQuery query = RewriteQuery(shape.sql, shape.options);
  const BoundedAggregates on_postgres = ExecuteBoundedQuery(*postgres_, query);
  ExpectMatchesReference(*postgres_, query, on_postgres, shape);
  const auto a = ByKey(ExecuteBoundedQuery(*sqlite_, query));
  const auto b = ByKey(on_postgres);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [key, group] : a) {
    const auto it = b.find(key);
    ASSERT_NE(it, b.end()) << key;
    EXPECT_EQ(group.units, it->second.units) << key;
    EXPECT_EQ(group.rows, it->second.rows) << key;
    EXPECT_EQ(group.value_counts, it->second.value_counts) << key;
    EXPECT_EQ(group.sums, it->second.sums) << key;
    EXPECT_EQ(group.normalized_sums, it->second.normalized_sums) << key;
    EXPECT_EQ(group.square_sums, it->second.square_sums) << key;
    EXPECT_EQ(group.histograms, it->second.histograms) << key;
  }
}

// With active bounds (1 group per unit, 2 rows per group) the invariants of the bounding hold on
// every engine: no unit is in two groups, no group has more than 2 rows per unit.
TEST_P(SqlEngineTest, ActiveBoundsHoldOnEveryEngine) {
  QueryShape shape = GetParam();
  shape.options.max_groups_per_unit = 1;
  shape.options.max_rows_per_group = 2;
  const BoundedQuery query = RewriteQuery(shape.sql, shape.options);
  std::vector<Database*> engines = {sqlite_.get()};
  if (postgres_) engines.push_back(postgres_.get());
  for (Database* db : engines) {
    const BoundedAggregates bounded = ExecuteBoundedQuery(*db, query);
    const QueryResult reference = db->Query(shape.reference);
    std::int64_t all_units = 0;
    for (const auto& row : reference.rows) {
      all_units = std::max(all_units, std::get<std::int64_t>(row[query.key_names.size() + 1]));
    }
    std::int64_t units_in_groups = 0;
    std::int64_t histogram_total = 0;
    for (const auto& group : bounded.groups) {
      units_in_groups += group.units;
      EXPECT_LE(group.rows, 2 * group.units) << shape.name;
      EXPECT_GE(group.rows, group.units) << shape.name;
      for (std::size_t j = 0; j < query.values.size(); ++j) {
        EXPECT_LE(group.value_counts[j], 2 * group.units);
        if (query.values[j].bounds) {
          EXPECT_LE(group.sums[j], group.value_counts[j] * query.values[j].fixed_upper);
          EXPECT_GE(group.sums[j], group.value_counts[j] * query.values[j].fixed_lower);
          EXPECT_LE(
              std::llabs(group.normalized_sums[j]),
              group.value_counts[j] * (query.values[j].fixed_upper - query.values[j].fixed_lower));
        }
        if (query.values[j].needs_histogram) {
          for (const auto count : group.histograms[j]) histogram_total += count;
        }
      }
    }
    // Each unit in at most one group: the groups' unit counts add up to at most the number of
    // distinct units in the whole query (counted by the reference on the global level below).
    const std::string distinct_units = fmt::format(
        "SELECT COUNT(*) FROM (SELECT DISTINCT rampart_unit FROM ({}) AS q) AS d",
        query.sql.substr(0, query.sql.find("rampart_unit_groups AS")) +
            "rampart_all AS (SELECT rampart_unit FROM rampart_source) SELECT rampart_unit FROM "
            "rampart_all");
    const auto total = std::get<std::int64_t>(db->Query(distinct_units).rows.at(0).at(0));
    EXPECT_LE(units_in_groups, total) << shape.name;
    EXPECT_GE(total, all_units);
    EXPECT_LE(histogram_total, 2 * total) << shape.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SqlEngineTest, ::testing::ValuesIn(SupportedShapes()),
                         [](const auto& param_info) { return param_info.param.name; });

// The database of a test parameterized by engine: "postgres" (nullptr when no server is
// configured) or "sqlite" (the temporary file).
std::unique_ptr<Database> OpenEngine(const std::string& engine, const TempSqlite& file) {
  if (engine != "postgres") return Database::Open(file.url());
  if (PostgresUrl().empty()) return nullptr;
  return testing::OpenPostgresSchema();
}

// One unit with 10 000 rows moves a count by at most its bound (max rows per group) per group
// and by at most L0 * C in total; its sum by at most C * max|bound|.
class HeavyUnitTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HeavyUnitTest, TenThousandRowsMoveACountByAtMostTheBound) {
  TempSqlite file("heavy");
  std::unique_ptr<Database> db = OpenEngine(GetParam(), file);
  if (db == nullptr) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  db->Execute(
      "DROP TABLE IF EXISTS heavy_rows; CREATE TABLE heavy_rows (person_id INTEGER, grp "
      "TEXT, amount DOUBLE PRECISION)");
  // 200 ordinary units, one row each in g0..g3; unit 9999 has 10 000 rows spread over g0..g4.
  std::string insert = "INSERT INTO heavy_rows VALUES ";
  for (int id = 0; id < 200; ++id) {
    insert += fmt::format("{}({}, 'g{}', {}.5)", id == 0 ? "" : ", ", id, id % 4, id % 50);
  }
  for (int k = 0; k < 10000; ++k) insert += fmt::format(", (9999, 'g{}', 1000.0)", k % 5);
  db->Execute(insert);

  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 2;
  options.max_rows_per_group = 3;
  options.bounds["amount"] = {0.0, 100.0};
  const std::string with =
      "SELECT grp, COUNT(*), SUM(amount), VARIANCE(amount) FROM heavy_rows GROUP BY grp";
  const std::string without =
      "SELECT grp, COUNT(*), SUM(amount), VARIANCE(amount) FROM heavy_rows WHERE person_id <> "
      "9999 GROUP BY grp";
  for (int repetition = 0; repetition < 3; ++repetition) {
    const auto a = ByKey(ExecuteBoundedQuery(*db, RewriteQuery(with, options)));
    const auto b = ByKey(ExecuteBoundedQuery(*db, RewriteQuery(without, options)));
    const BoundedQuery query = RewriteQuery(with, options);
    std::int64_t total_moved = 0;
    std::int64_t groups_moved = 0;
    const ValueColumn& value = query.values[0];
    const std::int64_t c = options.max_rows_per_group;
    for (const auto& [key, group] : a) {
      const auto it = b.find(key);
      const std::int64_t before = it == b.end() ? 0 : it->second.rows;
      const std::int64_t sum_before = it == b.end() ? 0 : it->second.sums[0];
      EXPECT_GE(group.rows - before, 0);
      EXPECT_LE(group.rows - before, c) << key;
      // Every noisy-input aggregate moves by at most its stated per-group sensitivity (sql_plan.h):
      // values C, sum C max(|lo|, |hi|), normalized sum C (hi - lo), squares C ((hi - lo) / 2)^2.
      const std::int64_t values_before = it == b.end() ? 0 : it->second.value_counts[0];
      const std::int64_t normalized_before = it == b.end() ? 0 : it->second.normalized_sums[0];
      const std::int64_t squares_before = it == b.end() ? 0 : it->second.square_sums[0];
      EXPECT_LE(std::llabs(group.value_counts[0] - values_before), c) << key;
      EXPECT_LE(std::llabs(group.sums[0] - sum_before),
                c * std::max(std::llabs(value.fixed_lower), std::llabs(value.fixed_upper)));
      EXPECT_LE(std::llabs(group.normalized_sums[0] - normalized_before),
                c * (value.fixed_upper - value.fixed_lower))
          << key;
      EXPECT_LE(std::llabs(group.square_sums[0] - squares_before), c * value.fixed_square_upper)
          << key;
      // The heavy unit's 10 000 values of 1000 clamp to 100: its contribution is exactly C rows
      // at the upper bound (the box's corner), where the unit reached the group.
      if (group.rows != before) {
        EXPECT_EQ(group.sums[0] - sum_before, c * value.fixed_upper) << key;
        EXPECT_EQ(group.normalized_sums[0] - normalized_before,
                  c * (value.fixed_upper - value.fixed_lower))
            << key;
      }
      total_moved += group.rows - before;
      groups_moved += group.rows != before ? 1 : 0;
    }
    EXPECT_EQ(total_moved, options.max_groups_per_unit * options.max_rows_per_group);
    EXPECT_EQ(groups_moved, options.max_groups_per_unit);
  }
  db->Execute("DROP TABLE heavy_rows");
  if (GetParam() == "postgres") testing::DropPostgresSchema(*db);
}

INSTANTIATE_TEST_SUITE_P(Engines, HeavyUnitTest, ::testing::Values("sqlite", "postgres"));

// The integer guards per (unit, group) keep every unit's totals in the box its n rows span even
// when the engine's per-row fixed-point conversion overshoots the bounds (simulated here by a
// doubled scale literal, as a float parser that disagreed with rampart's could): S in
// [n lo_k, n hi_k], |2 S - (lo_k + hi_k) n| <= n (hi_k - lo_k), Q in [0, n q_max].
class IntegerGuardTest : public ::testing::TestWithParam<std::string> {};

TEST_P(IntegerGuardTest, TotalsStayInTheBoxWhenRowsOvershoot) {
  TempSqlite file("guard");
  std::unique_ptr<Database> db = OpenEngine(GetParam(), file);
  if (db == nullptr) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  db->Execute(
      "DROP TABLE IF EXISTS guard_rows; CREATE TABLE guard_rows (person_id INTEGER, grp TEXT, "
      "amount DOUBLE PRECISION)");
  // 40 units, 1 to 4 rows each in one of two groups, values near the upper bound.
  std::string insert = "INSERT INTO guard_rows VALUES ";
  for (int id = 0; id < 40; ++id) {
    for (int k = 0; k <= id % 4; ++k) {
      insert +=
          fmt::format("{}({}, 'g{}', {}.0)", id == 0 && k == 0 ? "" : ", ", id, id % 2, 90 + k);
    }
  }
  db->Execute(insert);
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 1;
  options.max_rows_per_group = 4;
  options.bounds["amount"] = {0.0, 100.0};
  BoundedQuery query = RewriteQuery(
      "SELECT grp, COUNT(*), SUM(amount), VARIANCE(amount) FROM guard_rows GROUP BY grp", options);
  const ValueColumn value = query.values[0];
  const auto honest = ExecuteBoundedQuery(*db, query);
  // Overshoot: every row's fixed-point value and square doubles (90 -> 180 > hi = 100).
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"* 8388608.0 + 0.5", "* 16777216.0 + 0.5"},
        {"* 262144.0 + 0.5", "* 524288.0 + 0.5"}}) {
    const auto at = query.sql.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    query.sql.replace(at, from.size(), to);
  }
  const auto overshooting = ExecuteBoundedQuery(*db, query);
  ASSERT_EQ(overshooting.groups.size(), 2U);
  for (const auto& group : overshooting.groups) {
    const std::int64_t n = group.value_counts[0];
    // g0: ten units with 1 row and ten with 3; g1: ten with 2 and ten with 4.
    EXPECT_EQ(n, DbValueToString(group.key[0]) == "g0" ? 40 : 60);
    // Every unit's doubled sum exceeds n hi_k (and every doubled square q_max), so the guard
    // clamps each unit's totals to exactly the box's corner.
    EXPECT_EQ(group.sums[0], n * value.fixed_upper);
    EXPECT_EQ(group.normalized_sums[0], n * (value.fixed_upper - value.fixed_lower));
    EXPECT_EQ(group.square_sums[0], n * value.fixed_square_upper);
  }
  // The honest conversion is untouched by the guard: the exact fixed-point sums of 90..93.
  for (const auto& group : honest.groups) {
    EXPECT_LT(group.sums[0], group.value_counts[0] * value.fixed_upper);
    EXPECT_EQ(group.sums[0] % (std::int64_t{1} << value.scale_exponent), 0);
  }
  db->Execute("DROP TABLE guard_rows");
  if (GetParam() == "postgres") testing::DropPostgresSchema(*db);
}

INSTANTIATE_TEST_SUITE_P(Engines, IntegerGuardTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace rampart::privacy
