// Shared by the DP SQL engine, release and portability tests: a small deterministic shop
// database (people, purchases, visits) on SQLite or PostgreSQL, and every supported query shape
// with a plain-SQL reference query computing the same aggregates without any bounding.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include <rampart/common/database.h>
#include <rampart/privacy/sql_query.h>

namespace rampart::privacy::testing {

inline std::string PostgresUrl() {
  const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// A PostgreSQL connection working in a schema of its own (rampart_sql_<pid>), because CTest runs
// test cases as parallel processes against the same server database.
inline std::unique_ptr<Database> OpenPostgresSchema() {
  auto db = Database::Open(PostgresUrl());
  const std::string schema = fmt::format("rampart_sql_{}", ::getpid());
  db->Execute(
      fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}; SET search_path "
                  "TO {0}",
                  schema));
  return db;
}

inline void DropPostgresSchema(Database& db) {
  db.Execute(fmt::format("DROP SCHEMA IF EXISTS rampart_sql_{} CASCADE", ::getpid()));
}

// people(id, country, age), purchases(person_id, category, amount), visits(person_id, page):
// 300 people, ~3000 purchases with 2-decimal amounts in [0, 100), ~2000 visits. A few rows have
// NULL amounts; person 0 has no purchases. Fixed seed, so both engines get the same rows.
inline void CreateShop(Database& db) {
  db.Execute(
      "DROP TABLE IF EXISTS purchases; DROP TABLE IF EXISTS visits; DROP TABLE IF EXISTS people;"
      "CREATE TABLE people (id INTEGER, country TEXT, age INTEGER);"
      "CREATE TABLE purchases (person_id INTEGER, category TEXT, amount DOUBLE PRECISION);"
      "CREATE TABLE visits (person_id INTEGER, page TEXT)");
  std::mt19937_64 rng(20261129);
  const std::vector<std::string> countries = {"DE", "FR", "US", "JP", "BR"};
  const std::vector<std::string> categories = {"books", "games", "food", "tools"};
  const std::vector<std::string> pages = {"home", "cart", "help"};
  auto pick = [&rng](std::size_t n) {
    return static_cast<std::size_t>(std::uniform_int_distribution<std::size_t>(0, n - 1)(rng));
  };
  std::string people = "INSERT INTO people VALUES ";
  std::string purchases = "INSERT INTO purchases VALUES ";
  std::string visits = "INSERT INTO visits VALUES ";
  bool first_purchase = true;
  bool first_visit = true;
  for (int id = 0; id < 300; ++id) {
    const auto age = 18 + static_cast<int>(pick(70));
    people += fmt::format("{}({}, '{}', {})", id == 0 ? "" : ", ", id, countries[pick(5)], age);
    const int n_purchases = id == 0 ? 0 : 1 + static_cast<int>(pick(19));
    for (int k = 0; k < n_purchases; ++k) {
      const auto cents = static_cast<int>(pick(10000));
      const std::string amount =
          pick(50) == 0 ? std::string("NULL") : fmt::format("{}.{:02d}", cents / 100, cents % 100);
      purchases += fmt::format("{}({}, '{}', {})", first_purchase ? "" : ", ", id,
                               categories[pick(4)], amount);
      first_purchase = false;
    }
    const int n_visits = static_cast<int>(pick(13));
    for (int k = 0; k < n_visits; ++k) {
      visits += fmt::format("{}({}, '{}')", first_visit ? "" : ", ", id, pages[pick(3)]);
      first_visit = false;
    }
  }
  db.Execute(people);
  db.Execute(purchases);
  db.Execute(visits);
}

struct QueryShape {
  std::string name;
  std::string sql;
  SqlQueryOptions options;  // with large bounds: no bounding active
  // Plain SQL over the same rows: keys..., rows, units, then per value column of the rewritten
  // query (in order) count, sum and sum of (v - mid)^2 as reals.
  std::string reference;
};

inline SqlQueryOptions Unbounded(std::string unit) {
  SqlQueryOptions options;
  options.privacy_unit = std::move(unit);
  options.max_groups_per_unit = 1000;
  options.max_rows_per_group = 100000;
  options.bounds["amount"] = {0.0, 100.0};
  options.bounds["age"] = {0.0, 120.0};
  return options;
}

inline std::vector<QueryShape> SupportedShapes() {
  std::vector<QueryShape> shapes;
  shapes.push_back({"global_count", "SELECT COUNT(*) FROM purchases", Unbounded("person_id"),
                    "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM purchases WHERE person_id IS "
                    "NOT NULL"});
  shapes.push_back(
      {"count_sum_avg_by_category",
       "SELECT category, COUNT(*) AS n, COUNT(DISTINCT person_id), SUM(amount), AVG(amount)\n"
       "FROM purchases\nGROUP BY category",
       Unbounded("person_id"),
       "SELECT category, COUNT(*), COUNT(DISTINCT person_id), COUNT(amount), SUM(amount), NULL "
       "FROM purchases GROUP BY category"});
  shapes.push_back(
      {"join_where_variance_order_limit",
       "SELECT p.country, COUNT(*), SUM(o.amount), VAR_SAMP(o.amount), STDDEV(o.amount)\n"
       "FROM purchases o JOIN people p ON o.person_id = p.id\n"
       "WHERE o.amount > 5 AND p.age >= 21\nGROUP BY p.country ORDER BY 1 DESC LIMIT 3",
       Unbounded("p.id"),
       "SELECT p.country, COUNT(*), COUNT(DISTINCT p.id), COUNT(o.amount), SUM(o.amount), "
       "SUM((o.amount - 50.0) * (o.amount - 50.0)) FROM purchases o JOIN people p ON o.person_id "
       "= p.id WHERE o.amount > 5 AND p.age >= 21 GROUP BY p.country"});
  shapes.push_back(
      {"subquery_count_median",
       "SELECT s.category, COUNT(s.amount), MEDIAN(s.amount)\n"
       "FROM (SELECT person_id, category, amount / 2 AS amount FROM purchases\n"
       "      WHERE category <> 'books') AS s\nGROUP BY s.category",
       Unbounded("person_id"),
       "SELECT category, COUNT(*), COUNT(DISTINCT person_id), COUNT(amount), SUM(amount / 2), NULL "
       "FROM purchases WHERE category <> 'books' GROUP BY category"});
  shapes.push_back(
      {"percentile_within_group",
       "SELECT category, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount)\n"
       "FROM purchases GROUP BY 1",
       Unbounded("person_id"),
       "SELECT category, COUNT(*), COUNT(DISTINCT person_id), COUNT(amount), SUM(amount), NULL "
       "FROM purchases GROUP BY category"});
  shapes.push_back(
      {"two_keys_case_in_between_like",
       "SELECT country, CASE WHEN age < 40 THEN 'young' ELSE 'old' END AS band, COUNT(*),\n"
       "       AVG(age)\nFROM people\n"
       "WHERE country IN ('DE', 'FR', 'US') AND age BETWEEN 18 AND 90 AND country LIKE '%'\n"
       "  AND NOT (age IS NULL)\nGROUP BY country, 2",
       Unbounded("id"),
       "SELECT country, CASE WHEN age < 40 THEN 'young' ELSE 'old' END, COUNT(*), COUNT(DISTINCT "
       "id), COUNT(age), SUM(age), NULL FROM people WHERE country IN ('DE', 'FR', 'US') AND age "
       "BETWEEN 18 AND 90 AND country LIKE '%' GROUP BY 1, 2"});
  shapes.push_back(
      {"left_join_count_values",
       "SELECT v.page, COUNT(*), COUNT(p.age), VARIANCE(p.age)\n"
       "FROM visits v LEFT JOIN people p ON v.person_id = p.id\nGROUP BY v.page",
       Unbounded("v.person_id"),
       "SELECT v.page, COUNT(*), COUNT(DISTINCT v.person_id), COUNT(p.age), SUM(p.age), "
       "SUM((p.age - 60.0) * (p.age - 60.0)) FROM visits v LEFT JOIN people p ON v.person_id = "
       "p.id GROUP BY v.page"});
  shapes.push_back(
      {"cast_coalesce_nullif_arithmetic",
       "SELECT UPPER(category) AS cat, SUM(COALESCE(amount, 0) * 1.5) FROM purchases\n"
       "WHERE NULLIF(category, 'food') IS NOT NULL AND CAST(person_id AS BIGINT) % 2 = 0\n"
       "GROUP BY UPPER(category)",
       Unbounded("person_id"),
       "SELECT UPPER(category), COUNT(*), COUNT(DISTINCT person_id), COUNT(COALESCE(amount, 0) * "
       "1.5), SUM(COALESCE(amount, 0) * 1.5), NULL FROM purchases WHERE NULLIF(category, 'food') "
       "IS NOT NULL AND CAST(person_id AS BIGINT) % 2 = 0 GROUP BY UPPER(category)"});
  // Bounds for the expression argument of the last shape, keyed by its text.
  shapes.back().options.bounds["(COALESCE(amount, 0) * 1.5)"] = {0.0, 150.0};
  return shapes;
}

// A database file that is removed with the object.
class TempSqlite {
 public:
  explicit TempSqlite(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("rampart_sql_{}_{}.db", tag, ::getpid())) {
    std::filesystem::remove(path_);
  }
  ~TempSqlite() { std::filesystem::remove(path_); }
  TempSqlite(const TempSqlite&) = delete;
  TempSqlite& operator=(const TempSqlite&) = delete;
  [[nodiscard]] std::string url() const { return "sqlite:" + path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace rampart::privacy::testing
