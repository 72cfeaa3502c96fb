// Differentially private SQL, engine side: parse an aggregate query (PostgreSQL grammar, through
// libpg_query), refuse what would break privacy, and rewrite it into ONE portable SQL query (CTEs
// and window functions only: SQLite, PostgreSQL, Spark SQL, Trino) that bounds every privacy
// unit's contribution and returns exact, integer, per-group aggregates ready for noise.
//
//   rampart::privacy::SqlQueryOptions options;
//   options.privacy_unit = "person_id";
//   options.bounds["amount"] = {0.0, 500.0};
//   options.max_groups_per_unit = 2;   // L0: a unit touches at most 2 groups
//   options.max_rows_per_group = 5;    // Linf: and at most 5 rows in each
//   const auto query = rampart::privacy::RewriteQuery(
//       "SELECT country, COUNT(*), AVG(amount) FROM purchases GROUP BY country", options);
//   auto db = rampart::Database::Open("sqlite:shop.db");
//   const auto bounded = rampart::privacy::ExecuteBoundedQuery(*db, query);   // sql_release.h
//   const auto plan = rampart::privacy::MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
//   const auto table = rampart::privacy::ReleaseQuery(query, plan, bounded, noise);  // + noise
//
// Refusals are InvalidArgumentError / UnsupportedError / InputError whose location is the line
// and column of the offending part of the SQL text, and whose message says why it is refused.
// See docs/privacy-sql.md for the supported SQL and how the bounding works.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::privacy {

// Clamping bounds of a value column: every value is clamped into [lower, upper] before summing.
struct ValueBounds {
  double lower = 0.0;
  double upper = 0.0;
};

struct SqlQueryOptions {
  // The column that identifies who a row belongs to: "column" or "table.column" (table name or
  // alias as written in the FROM clause).
  std::string privacy_unit;
  // Clamping bounds by column: the key is the aggregate's argument as written ("amount",
  // "p.amount") or its last name part ("amount"). SUM, AVG, VARIANCE, STDDEV and quantiles need
  // bounds (the sensitivity of a sum is unbounded otherwise); a column without them gets its
  // bounds found privately first (ApproxBounds, sql_bounds.h), which costs part of the budget.
  std::map<std::string, ValueBounds, std::less<>> bounds;
  // Bounds found by ApproxBounds (keyed like `bounds`): used like `bounds`, but the columns stay
  // marked ValueColumn::approx_bounds so that the plan keeps paying for the search.
  std::map<std::string, ValueBounds, std::less<>> found_bounds;
  std::int64_t max_groups_per_unit = 1;  // L0 contribution bound
  std::int64_t max_rows_per_group = 1;   // Linf contribution bound (rows per unit and group)
  // Quantiles are chosen among the edges of a histogram with this many equal bins over
  // [lower, upper] (the exponential mechanism's candidates; the resolution is the bin width).
  std::int64_t quantile_bins = 1024;
};

enum class SqlAggregate {
  kCountRows,           // COUNT(*)
  kCountValues,         // COUNT(expr)
  kCountDistinctUnits,  // COUNT(DISTINCT <privacy unit>)
  kSum,                 // SUM(expr)
  kMean,                // AVG(expr)
  kVariance,            // VAR_SAMP(expr), VARIANCE(expr)
  kStddev,              // STDDEV(expr), STDDEV_SAMP(expr)
  kQuantile,            // PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY expr), MEDIAN(expr)
};

[[nodiscard]] std::string_view SqlAggregateName(SqlAggregate aggregate);

// One value expression fed to SUM/AVG/VARIANCE/STDDEV/COUNT/quantiles, with its fixed-point
// encoding. The SQL sums integers x = floor(clamp(v) * 2^scale_exponent + 1/2), clamped again as
// integers into [fixed_lower, fixed_upper], so the sums are exact and the sensitivity is proven
// on integers (Casacuberta et al., CCS 2022), whatever the engine's floating-point rounding.
struct ValueColumn {
  std::string expression;             // the argument, as emitted into the rewritten SQL
  std::string label;                  // the argument as written by the user (for reports)
  std::optional<ValueBounds> bounds;  // absent for COUNT(expr) and while approx_bounds pends
  // The bounds are (or are to be) found privately by ApproxBounds; while `bounds` is absent the
  // rewritten SQL cannot be generated yet and `approx_bounds_sql` is the query that finds them:
  // rows rampart_bin, rampart_weight (a histogram over power-of-two bins, sql_bounds.h).
  bool approx_bounds = false;
  std::string approx_bounds_sql;
  int scale_exponent = 0;        // sums are in units of 2^-scale_exponent
  std::int64_t fixed_lower = 0;  // floor(lower * 2^scale_exponent)
  std::int64_t fixed_upper = 0;  // ceil(upper * 2^scale_exponent)
  // Normalized squares q = floor((clamp(v) - mid)^2 * 2^square_scale_exponent + 1/2), clamped to
  // [0, fixed_square_upper], mid = (lower + upper) / 2 (for VARIANCE and STDDEV).
  bool needs_squares = false;
  int square_scale_exponent = 0;
  std::int64_t fixed_square_upper = 0;
  // Quantiles: a histogram of bin = floor((clamp(v) - lower) / (upper - lower) * bins), clamped
  // to [0, bins - 1].
  bool needs_histogram = false;
  std::string histogram_sql;  // its own bounded query: keys..., rampart_bin, rampart_count
};

// One output column of the user's query, in order.
struct OutputColumn {
  std::string name;
  bool is_key = false;
  std::size_t key_index = 0;  // is_key: index into BoundedQuery::key_names
  SqlAggregate aggregate = SqlAggregate::kCountRows;
  std::size_t value_index = 0;  // value aggregates: index into BoundedQuery::values
  double quantile = 0.5;        // kQuantile
};

struct OrderKey {
  std::size_t column = 0;  // index into BoundedQuery::columns
  bool descending = false;
};

// The rewritten query. `sql` returns one row per group with the columns
//   rampart_key1..rampart_keyM, rampart_units, rampart_rows,
//   and per value column j (1-based): rampart_n<j>, rampart_s<j> and rampart_m<j> (sum and
//   normalized sum, only with bounds), rampart_q<j> (only when needs_squares),
// every aggregate an exact integer after contribution bounding. ORDER BY and LIMIT of the user
// query are not in the SQL: they apply to the released (noisy) rows.
struct BoundedQuery {
  std::string original_sql;
  SqlQueryOptions options;
  std::string sql;
  bool grouped = false;  // false: one global group, which always exists (no partition selection)
  std::vector<std::string> key_names;  // group keys as written
  std::vector<ValueColumn> values;
  std::vector<OutputColumn> columns;
  std::vector<OrderKey> order_by;
  std::optional<std::int64_t> limit;
};

// Whether some value column still waits for its ApproxBounds result (then `sql` is empty).
[[nodiscard]] bool BoundsPending(const BoundedQuery& query);

// Parses `sql`, checks it against the supported shape and rewrites it. Throws InputError on a
// syntax error, UnsupportedError on a query shape that would break privacy or that the rewrite
// does not support, InvalidArgumentError on bad options (missing bounds, L0 < 1, ...).
[[nodiscard]] BoundedQuery RewriteQuery(std::string_view sql, const SqlQueryOptions& options);

}  // namespace rampart::privacy
