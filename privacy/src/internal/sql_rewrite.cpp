// RewriteQuery: analysis of the user's SELECT and generation of the contribution-bounding SQL.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_bounds.h>
#include <rampart/privacy/sql_query.h>

#include "internal/sql_parse.h"

namespace rampart::privacy {

std::string_view SqlAggregateName(SqlAggregate aggregate) {
  switch (aggregate) {
    case SqlAggregate::kCountRows:
      return "count_rows";
    case SqlAggregate::kCountValues:
      return "count";
    case SqlAggregate::kCountDistinctUnits:
      return "count_distinct_units";
    case SqlAggregate::kSum:
      return "sum";
    case SqlAggregate::kMean:
      return "avg";
    case SqlAggregate::kVariance:
      return "var_samp";
    case SqlAggregate::kStddev:
      return "stddev_samp";
    case SqlAggregate::kQuantile:
      return "percentile_cont";
  }
  return "unknown";
}

namespace {

using internal::Field;
using internal::FirstLocation;
using internal::Json;
using internal::NodeBody;
using internal::NodeType;
using internal::SqlWriter;

// Integers that the fixed-point values may reach: 2^30 per row leaves 2^33 rows of headroom in a
// 64-bit sum, and keeps products like value * 2^k exact in a double.
constexpr double kFixedPointMax = 1073741824.0;  // 2^30
constexpr std::int64_t kMaxContributionBound = 1'000'000;

struct UnitSpec {
  std::string table;  // empty: unqualified
  std::string column;
};

UnitSpec ParseUnitSpec(const std::string& text) {
  if (text.empty()) {
    throw InvalidArgumentError("the privacy unit column is required (--privacy-unit COLUMN)",
                               {.field = "privacy_unit"});
  }
  UnitSpec spec;
  const auto dot = text.rfind('.');
  spec.column = dot == std::string::npos ? text : text.substr(dot + 1);
  if (dot != std::string::npos) spec.table = text.substr(0, dot);
  if (spec.column.empty() || (dot != std::string::npos && spec.table.empty()) ||
      spec.table.find('.') != std::string::npos) {
    throw InvalidArgumentError(
        fmt::format("privacy unit '{}' must be COLUMN or TABLE.COLUMN", text),
        {.field = "privacy_unit"});
  }
  return spec;
}

std::string StringField(const Json& node) {
  const Json& body = NodeBody(node);
  return body.is_object() ? body.value("sval", std::string()) : std::string();
}

std::string LastName(const Json& column_ref) {
  const Json& fields = NodeBody(column_ref).value("fields", Json::array());
  if (fields.empty() || NodeType(fields.back()) != "String") return "";
  return StringField(fields.back());
}

// Whether a subquery's SELECT list exposes an output column named `column`.
bool ExposesColumn(const Json& select_body, const std::string& column) {
  for (const auto& target : select_body.value("targetList", Json::array())) {
    const Json& body = NodeBody(target);
    if (body.contains("name")) {
      if (Field(body, "name").get<std::string>() == column) return true;
      continue;
    }
    const Json& value = Field(body, "val");
    if (NodeType(value) != "ColumnRef") continue;
    const Json& fields = NodeBody(value).value("fields", Json::array());
    if (!fields.empty() && NodeType(fields.back()) == "A_Star") return true;
    if (LastName(value) == column) return true;
  }
  return false;
}

bool MentionsTable(const Json& from_item, const std::string& table) {
  const std::string type = NodeType(from_item);
  const Json& body = NodeBody(from_item);
  if (type == "RangeVar") {
    return body.value("relname", std::string()) == table ||
           (body.contains("alias") &&
            Field(body, "alias").value("aliasname", std::string()) == table);
  }
  if (type == "JoinExpr")
    return MentionsTable(Field(body, "larg"), table) || MentionsTable(Field(body, "rarg"), table);
  if (type == "RangeSubselect") {
    if (body.contains("alias") && Field(body, "alias").value("aliasname", std::string()) == table) {
      return true;
    }
    for (const auto& item : NodeBody(Field(body, "subquery")).value("fromClause", Json::array())) {
      if (MentionsTable(item, table)) return true;
    }
  }
  return false;
}

// The SQL expression, in the outer query's scope, that yields the privacy unit of a row; refuses
// a query whose FROM clause does not reach it.
class UnitResolver {
 public:
  UnitResolver(const SqlWriter& writer, UnitSpec spec) : writer_(writer), spec_(std::move(spec)) {}

  std::string Resolve(const Json& from_clause) {
    for (const auto& item : from_clause) {
      if (auto found = Find(item)) return *found;
    }
    writer_.Refuse(from_clause, "a query that does not reach the privacy unit",
                   fmt::format("no table or subquery in FROM provides {}; without it rampart "
                               "cannot tell whose rows these are, so it cannot bound what one "
                               "unit contributes",
                               Display()));
  }

 private:
  std::string Display() const {
    return spec_.table.empty() ? spec_.column : spec_.table + "." + spec_.column;
  }

  std::optional<std::string> Find(const Json& item) {
    const std::string type = NodeType(item);
    const Json& body = NodeBody(item);
    if (type == "RangeVar") {
      const std::string relname = body.value("relname", std::string());
      const std::string alias =
          body.contains("alias") ? Field(body, "alias").value("aliasname", std::string()) : "";
      if (spec_.table.empty()) return SqlWriter::Identifier(spec_.column);
      if (spec_.table == relname || spec_.table == alias) {
        return SqlWriter::Identifier(alias.empty() ? relname : alias) + "." +
               SqlWriter::Identifier(spec_.column);
      }
      return std::nullopt;
    }
    if (type == "JoinExpr") {
      if (auto found = Find(Field(body, "larg"))) return found;
      return Find(Field(body, "rarg"));
    }
    if (type == "RangeSubselect") {
      const std::string alias =
          body.contains("alias") ? Field(body, "alias").value("aliasname", std::string()) : "";
      const Json& sub = NodeBody(Field(body, "subquery"));
      bool inside = spec_.table.empty() || spec_.table == alias;
      if (!inside) {
        for (const auto& sub_item : sub.value("fromClause", Json::array())) {
          inside = inside || MentionsTable(sub_item, spec_.table);
        }
      }
      if (!inside) return std::nullopt;
      if (!ExposesColumn(sub, spec_.column)) {
        if (spec_.table.empty()) return std::nullopt;
        writer_.Refuse(item, "a subquery that hides the privacy unit",
                       fmt::format("it must select {} so that every row stays attributed to "
                                   "one privacy unit",
                                   spec_.column));
      }
      return SqlWriter::Identifier(alias) + "." + SqlWriter::Identifier(spec_.column);
    }
    return std::nullopt;
  }

  const SqlWriter& writer_;
  UnitSpec spec_;
};

bool IsAggregateCall(const Json& node) {
  if (NodeType(node) != "FuncCall") return false;
  const Json& call = NodeBody(node);
  const Json& names = call.value("funcname", Json::array());
  const std::string name = names.empty() ? "" : StringField(names.back());
  return SqlWriter::IsAggregateName(name) || call.contains("agg_star") ||
         call.contains("agg_within_group");
}

// The node without its `location`s, to compare two spellings of the same expression.
Json WithoutLocations(const Json& node) {
  if (node.is_object()) {
    Json copy = Json::object();
    for (const auto& [key, child] : node.items()) {
      if (key != "location") copy[key] = WithoutLocations(child);
    }
    return copy;
  }
  if (node.is_array()) {
    Json copy = Json::array();
    for (const auto& child : node) copy.push_back(WithoutLocations(child));
    return copy;
  }
  return node;
}

int ScaleExponent(double magnitude) {
  if (!(magnitude > 0.0)) return 0;
  // The largest k with magnitude * 2^k <= 2^30.
  const int k = static_cast<int>(std::floor(std::log2(kFixedPointMax / magnitude)));
  return std::clamp(k, -200, 200);
}

std::int64_t CheckedFixed(double value, const std::string& label) {
  if (!(std::fabs(value) <= 4.0 * kFixedPointMax)) {
    throw InternalError(fmt::format("fixed-point bound of {} out of range", label));
  }
  return static_cast<std::int64_t>(value);
}

struct Analysis {
  std::string unit;
  std::vector<std::string> keys;  // emitted key expressions
  std::vector<Json> key_nodes;
  std::string from;
  std::string where;
};

class Rewriter {
 public:
  Rewriter(std::string_view sql, const SqlQueryOptions& options) : writer_(sql), options_(options) {
    query_.original_sql = std::string(sql);
    query_.options = options;
  }

  BoundedQuery Run() {
    CheckOptions();
    const Json tree = internal::ParsePostgresSql(query_.original_sql);
    const Json& statements = tree.value("stmts", Json::array());
    if (statements.size() != 1) {
      throw InputError(
          fmt::format("expected exactly one SQL statement, found {}", statements.size()),
          writer_.Locate(-1));
    }
    const Json& statement = Field(statements[0], "stmt");
    if (NodeType(statement) != "SelectStmt") {
      writer_.Refuse(statement, fmt::format("statement {}", NodeType(statement)),
                     "only SELECT queries can be answered with differential privacy");
    }
    Analyze(NodeBody(statement));
    if (BoundsPending(query_)) {
      // The clamping bounds (and with them the fixed-point encoding) of some column are not
      // known yet: emit only the ApproxBounds queries that will find them.
      for (std::size_t j = 0; j < query_.values.size(); ++j) {
        if (query_.values[j].approx_bounds && !query_.values[j].bounds) {
          query_.values[j].approx_bounds_sql = ApproxBoundsSql(j);
        }
      }
      return std::move(query_);
    }
    query_.sql = AggregateSql();
    for (std::size_t j = 0; j < query_.values.size(); ++j) {
      if (query_.values[j].needs_histogram) query_.values[j].histogram_sql = HistogramSql(j);
    }
    return std::move(query_);
  }

 private:
  void CheckOptions() const {
    if (options_.max_groups_per_unit < 1 || options_.max_groups_per_unit > kMaxContributionBound) {
      throw InvalidArgumentError(fmt::format("max groups per unit must be in [1, {}], got {}",
                                             kMaxContributionBound, options_.max_groups_per_unit),
                                 {.field = "max_groups_per_unit"});
    }
    if (options_.max_rows_per_group < 1 || options_.max_rows_per_group > kMaxContributionBound) {
      throw InvalidArgumentError(fmt::format("max rows per group must be in [1, {}], got {}",
                                             kMaxContributionBound, options_.max_rows_per_group),
                                 {.field = "max_rows_per_group"});
    }
    if (options_.quantile_bins < 2 || options_.quantile_bins > 65536) {
      throw InvalidArgumentError(
          fmt::format("quantile bins must be in [2, 65536], got {}", options_.quantile_bins),
          {.field = "quantile_bins"});
    }
    std::vector<std::pair<std::string, ValueBounds>> all_bounds(options_.bounds.begin(),
                                                                options_.bounds.end());
    all_bounds.insert(all_bounds.end(), options_.found_bounds.begin(), options_.found_bounds.end());
    for (const auto& [column, bounds] : all_bounds) {
      if (!std::isfinite(bounds.lower) || !std::isfinite(bounds.upper) ||
          !(bounds.lower < bounds.upper) || std::fabs(bounds.lower) > 1e15 ||
          std::fabs(bounds.upper) > 1e15) {
        throw InvalidArgumentError(
            fmt::format("bounds of {} must be finite with lower < upper (and |bound| <= 1e15), "
                        "got {}:{}",
                        column, bounds.lower, bounds.upper),
            {.field = "bounds"});
      }
    }
  }

  void Analyze(const Json& body) {
    const int at = FirstLocation(body);
    if (body.value("op", std::string("SETOP_NONE")) != "SETOP_NONE") {
      writer_.RefuseAt(FirstLocation(body.value("larg", Json())), "UNION/INTERSECT/EXCEPT",
                       "set operations can add up one unit's rows across branches beyond its "
                       "contribution bound; run one query per branch");
    }
    if (body.contains("valuesLists")) {
      writer_.RefuseAt(at, "VALUES", "a DP query must read a table");
    }
    if (body.contains("withClause")) {
      writer_.Refuse(Field(body, "withClause"), "WITH (common table expressions)",
                     "inline the CTE as a subquery in FROM");
    }
    if (body.contains("intoClause")) writer_.RefuseAt(at, "SELECT INTO", "it writes a table");
    if (body.contains("distinctClause")) {
      writer_.RefuseAt(at, "SELECT DISTINCT",
                       "it releases the exact set of distinct values; use GROUP BY with an "
                       "aggregate, which gets partition selection");
    }
    if (body.contains("havingClause")) {
      writer_.Refuse(Field(body, "havingClause"), "HAVING",
                     "it filters groups on exact, un-noised aggregates, so whether a group "
                     "appears would reveal raw values; filter the released rows instead");
    }
    if (body.contains("windowClause")) {
      writer_.Refuse(Field(body, "windowClause"), "WINDOW",
                     "window functions let one row's output depend on other units' rows");
    }
    if (body.contains("lockingClause")) writer_.RefuseAt(at, "FOR UPDATE/SHARE", "it locks rows");
    if (body.contains("limitOffset")) {
      writer_.Refuse(Field(body, "limitOffset"), "OFFSET",
                     "use ORDER BY and LIMIT on the released rows");
    }
    if (!body.contains("fromClause")) {
      writer_.RefuseAt(at, "a query without FROM", "there is no data to protect");
    }
    std::string from;
    for (const auto& item : Field(body, "fromClause")) {
      if (!from.empty()) from += ", ";
      from += writer_.FromItem(item);
    }
    analysis_.from = from;
    analysis_.unit = UnitResolver(writer_, ParseUnitSpec(options_.privacy_unit))
                         .Resolve(Field(body, "fromClause"));
    if (body.contains("whereClause"))
      analysis_.where = writer_.Expression(Field(body, "whereClause"));

    const Json& targets = body.value("targetList", Json::array());
    targets_ = targets;
    if (body.contains("groupClause")) {
      query_.grouped = true;
      for (const auto& item : Field(body, "groupClause")) AddGroupKey(item, targets);
    }
    bool any_aggregate = false;
    for (const auto& target : targets) any_aggregate = AddOutput(target) || any_aggregate;
    if (!any_aggregate) {
      writer_.RefuseAt(FirstLocation(targets), "a query without aggregates",
                       "it would release individual rows; select COUNT, SUM, AVG, VARIANCE, "
                       "STDDEV or a percentile per group");
    }
    if (body.contains("sortClause")) {
      for (const auto& sort : Field(body, "sortClause")) AddOrder(sort);
    }
    if (body.contains("limitCount")) {
      const Json& limit = Field(body, "limitCount");
      const std::string text =
          NodeType(limit) == "A_Const" ? writer_.Expression(limit) : std::string();
      std::int64_t value = -1;
      if (!text.empty() && text != "NULL" &&
          text.find_first_not_of("0123456789") == std::string::npos) {
        value = std::stoll(text);
      }
      if (value < 0 && text != "NULL") {
        writer_.Refuse(limit, "this LIMIT", "LIMIT takes a non-negative integer constant");
      }
      if (value >= 0) query_.limit = value;
    }
  }

  void AddGroupKey(const Json& item, const Json& targets) {
    const std::string type = NodeType(item);
    if (type == "GroupingSet") {
      writer_.Refuse(item, "ROLLUP/CUBE/GROUPING SETS",
                     "each grouping set is another release that the budget must pay for; run one "
                     "query per grouping");
    }
    Json key = item;
    if (type == "A_Const") {  // GROUP BY 2: the second SELECT item
      const std::string text = writer_.Expression(item);
      const auto position =
          text.find_first_not_of("0123456789") == std::string::npos ? std::stoul(text) : 0UL;
      if (position < 1 || position > targets.size()) {
        writer_.Refuse(item, "this GROUP BY position", "it does not name a SELECT item");
      }
      key = Field(NodeBody(targets[position - 1]), "val");
    } else if (type == "ColumnRef" && Field(NodeBody(item), "fields").size() == 1) {
      // GROUP BY alias, as PostgreSQL allows: the SELECT item so named, unless a column.
      const std::string name = LastName(item);
      for (const auto& target : targets) {
        const Json& body = NodeBody(target);
        if (body.contains("name") && Field(body, "name").get<std::string>() == name &&
            !IsAggregateCall(Field(body, "val"))) {
          key = Field(body, "val");
        }
      }
    }
    const std::string text = writer_.Expression(key);
    query_.key_names.push_back(KeyLabel(key, text));
    analysis_.keys.push_back(text);
    analysis_.key_nodes.push_back(key);
  }

  static std::string KeyLabel(const Json& node, const std::string& text) {
    return NodeType(node) == "ColumnRef" ? LastName(node) : text;
  }

  std::optional<std::size_t> FindKey(const std::string& text) const {
    for (std::size_t i = 0; i < analysis_.keys.size(); ++i) {
      if (analysis_.keys[i] == text) return i;
    }
    return std::nullopt;
  }

  // Adds one SELECT item; returns whether it is an aggregate.
  bool AddOutput(const Json& target) {
    const Json& body = NodeBody(target);
    const Json& value = Field(body, "val");
    const std::string alias = body.contains("name") ? Field(body, "name").get<std::string>() : "";
    if (NodeType(value) == "ColumnRef") {
      const Json& fields = Field(NodeBody(value), "fields");
      if (!fields.empty() && NodeType(fields.back()) == "A_Star") {
        writer_.Refuse(value, "SELECT *", "it would release individual rows");
      }
    }
    if (IsAggregateCall(value)) {
      const Json& names = NodeBody(value).value("funcname", Json::array());
      const std::string name = names.empty() ? "" : StringField(names.back());
      OutputColumn column = Aggregate(value, name);
      column.name = alias.empty() ? name : alias;
      query_.columns.push_back(std::move(column));
      return true;
    }
    const std::string text = writer_.Expression(value);
    const auto key = FindKey(text);
    if (!key) {
      writer_.Refuse(value, "a column that is neither aggregated nor a GROUP BY key",
                     "it would release raw values of individual rows; group by it or aggregate "
                     "it");
    }
    OutputColumn column;
    column.is_key = true;
    column.key_index = *key;
    column.name = alias.empty() ? query_.key_names[*key] : alias;
    query_.columns.push_back(std::move(column));
    return false;
  }

  bool IsUnit(const Json& node) const {
    if (writer_.Expression(node) == analysis_.unit) return true;
    if (NodeType(node) != "ColumnRef") return false;
    const UnitSpec spec = ParseUnitSpec(options_.privacy_unit);
    const Json& fields = Field(NodeBody(node), "fields");
    if (LastName(node) != spec.column) return false;
    return fields.size() == 1 || spec.table.empty() ||
           StringField(fields[fields.size() - 2]) == spec.table;
  }

  OutputColumn Aggregate(const Json& node, const std::string& name) {
    const Json& call = NodeBody(node);
    if (call.contains("over")) {
      writer_.Refuse(node, fmt::format("window function {}", name),
                     "a window function lets one row's output depend on other units' rows");
    }
    if (call.contains("agg_filter")) {
      writer_.Refuse(Field(call, "agg_filter"), "FILTER (WHERE ...)",
                     "move the condition into WHERE");
    }
    const Json& args = call.value("args", Json::array());
    OutputColumn column;
    if (name == "count") {
      if (call.value("agg_star", false)) {
        column.aggregate = SqlAggregate::kCountRows;
        return column;
      }
      if (args.size() != 1) writer_.Refuse(node, "this COUNT", "it takes one argument");
      if (call.value("agg_distinct", false)) {
        if (!IsUnit(args[0])) {
          writer_.Refuse(args[0], "COUNT(DISTINCT) of a column other than the privacy unit",
                         "one unit can hold many distinct values, so the count's sensitivity "
                         "is not bounded by the contribution bounds; count distinct units");
        }
        column.aggregate = SqlAggregate::kCountDistinctUnits;
        return column;
      }
      column.aggregate = SqlAggregate::kCountValues;
      column.value_index = AddValue(args[0], /*needs_bounds=*/false);
      return column;
    }
    if (call.value("agg_distinct", false)) {
      writer_.Refuse(node, fmt::format("DISTINCT inside {}", name),
                     "deduplicating values across units breaks per-unit contribution bounds");
    }
    if (name == "sum" || name == "avg" || name == "variance" || name == "var_samp" ||
        name == "stddev" || name == "stddev_samp" || name == "median") {
      if (args.size() != 1)
        writer_.Refuse(node, fmt::format("this {}", name), "it takes one argument");
      if (name == "sum") {
        column.aggregate = SqlAggregate::kSum;
      } else if (name == "avg") {
        column.aggregate = SqlAggregate::kMean;
      } else if (name == "median") {
        column.aggregate = SqlAggregate::kQuantile;
        column.quantile = 0.5;
      } else if (name == "variance" || name == "var_samp") {
        column.aggregate = SqlAggregate::kVariance;
      } else {
        column.aggregate = SqlAggregate::kStddev;
      }
      column.value_index = AddValue(args[0], /*needs_bounds=*/true);
      auto& value = query_.values[column.value_index];
      if (column.aggregate == SqlAggregate::kVariance ||
          column.aggregate == SqlAggregate::kStddev) {
        value.needs_squares = true;
      }
      if (column.aggregate == SqlAggregate::kQuantile) value.needs_histogram = true;
      return column;
    }
    if (name == "percentile_cont") {
      const Json& order = call.value("agg_order", Json::array());
      if (!call.value("agg_within_group", false) || args.size() != 1 || order.size() != 1) {
        writer_.Refuse(node, "this PERCENTILE_CONT",
                       "write PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY column)");
      }
      const std::string p_text = NodeType(args[0]) == "A_Const" ? writer_.Expression(args[0]) : "";
      double p = -1.0;
      try {
        p = p_text.empty() ? -1.0 : std::stod(p_text);
      } catch (const std::exception&) {
        p = -1.0;
      }
      if (!(p >= 0.0 && p <= 1.0)) {
        writer_.Refuse(args[0], "this percentile", "p must be a constant in [0, 1]");
      }
      const Json& sort = NodeBody(order[0]);
      if (sort.value("sortby_dir", std::string()) == "SORTBY_DESC") p = 1.0 - p;
      column.aggregate = SqlAggregate::kQuantile;
      column.quantile = p;
      column.value_index = AddValue(Field(sort, "node"), /*needs_bounds=*/true);
      query_.values[column.value_index].needs_histogram = true;
      return column;
    }
    if (name == "min" || name == "max") {
      writer_.Refuse(node, fmt::format("{}()", name),
                     "the minimum or maximum is one row's exact value; use "
                     "PERCENTILE_CONT(0.05) or PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY ...)");
    }
    writer_.Refuse(node, fmt::format("aggregate {}", name),
                   "supported: COUNT(*), COUNT(x), COUNT(DISTINCT unit), SUM, AVG, VAR_SAMP, "
                   "VARIANCE, STDDEV, PERCENTILE_CONT, MEDIAN");
  }

  std::size_t AddValue(const Json& argument, bool needs_bounds) {
    const std::string text = writer_.Expression(argument);
    const std::string label = NodeType(argument) == "ColumnRef" ? LastName(argument) : text;
    const auto lookup = [&](const std::map<std::string, ValueBounds, std::less<>>& map)
        -> std::optional<ValueBounds> {
      if (const auto it = map.find(text); it != map.end()) return it->second;
      if (const auto it = map.find(label); it != map.end()) return it->second;
      return std::nullopt;
    };
    std::optional<ValueBounds> bounds = lookup(options_.bounds);
    bool approx = false;
    if (needs_bounds && !bounds) {
      // No bounds given: ApproxBounds finds them privately (or has found them already).
      approx = true;
      bounds = lookup(options_.found_bounds);
    }
    const auto apply = [&](ValueColumn& value) {
      if (!needs_bounds || value.bounds || value.approx_bounds) return;
      value.approx_bounds = approx;
      if (bounds) SetBounds(value, *bounds);
    };
    for (std::size_t j = 0; j < query_.values.size(); ++j) {
      if (query_.values[j].expression == text) {
        apply(query_.values[j]);
        return j;
      }
    }
    ValueColumn value;
    value.expression = text;
    value.label = label;
    apply(value);
    query_.values.push_back(std::move(value));
    return query_.values.size() - 1;
  }

  static void SetBounds(ValueColumn& value, ValueBounds bounds) {
    value.bounds = bounds;
    value.scale_exponent =
        ScaleExponent(std::max(std::fabs(bounds.lower), std::fabs(bounds.upper)));
    const double scale = std::ldexp(1.0, value.scale_exponent);
    value.fixed_lower = CheckedFixed(std::floor(bounds.lower * scale), value.label);
    value.fixed_upper = CheckedFixed(std::ceil(bounds.upper * scale), value.label);
    const double half = (bounds.upper - bounds.lower) / 2.0;
    value.square_scale_exponent = ScaleExponent(half * half);
    value.fixed_square_upper = CheckedFixed(
        std::ceil(half * half * std::ldexp(1.0, value.square_scale_exponent)), value.label);
  }

  void AddOrder(const Json& sort) {
    const Json& body = NodeBody(sort);
    const Json& node = Field(body, "node");
    const bool descending = body.value("sortby_dir", std::string()) == "SORTBY_DESC";
    std::optional<std::size_t> column;
    if (IsAggregateCall(node)) {  // ORDER BY COUNT(*): the SELECT item with that aggregate
      const Json bare = WithoutLocations(node);
      for (std::size_t i = 0; i < targets_.size() && !column; ++i) {
        if (WithoutLocations(Field(NodeBody(targets_[i]), "val")) == bare) column = i;
      }
      if (!column) {
        writer_.Refuse(node, "ORDER BY an aggregate that is not in the SELECT list",
                       "only released columns can order the released rows");
      }
      query_.order_by.push_back({.column = *column, .descending = descending});
      return;
    }
    const std::string text = writer_.Expression(node);
    if (NodeType(node) == "A_Const" && text.find_first_not_of("0123456789") == std::string::npos) {
      const auto position = std::stoul(text);
      if (position >= 1 && position <= query_.columns.size()) column = position - 1;
    } else if (NodeType(node) == "ColumnRef" && Field(NodeBody(node), "fields").size() == 1) {
      for (std::size_t i = 0; i < query_.columns.size() && !column; ++i) {
        if (query_.columns[i].name == LastName(node)) column = i;
      }
    }
    if (!column) {
      if (const auto key = FindKey(text)) {
        for (std::size_t i = 0; i < query_.columns.size() && !column; ++i) {
          if (query_.columns[i].is_key && query_.columns[i].key_index == *key) column = i;
        }
      }
    }
    if (!column) {
      writer_.Refuse(node, "this ORDER BY item",
                     "order by an output column (its name or position): the released rows are "
                     "sorted after noise is added");
    }
    query_.order_by.push_back({.column = *column, .descending = descending});
  }

  // --- SQL generation ---------------------------------------------------------------------

  std::string KeyList(const std::string& prefix = "") const {
    std::string list;
    for (std::size_t i = 1; i <= analysis_.keys.size(); ++i) {
      list += fmt::format("{}{}rampart_key{}", list.empty() ? "" : ", ", prefix, i);
    }
    return list;
  }

  std::string WithComma(const std::string& list) const { return list.empty() ? "" : list + ", "; }

  // The first CTE: one row per source row with the unit, the keys and the clamped values.
  std::string SourceCte(const std::vector<std::size_t>& value_indexes, bool with_keys = true,
                        bool clamp = true) const {
    std::string columns = analysis_.unit + " AS rampart_unit";
    for (std::size_t i = 0; with_keys && i < analysis_.keys.size(); ++i) {
      columns += fmt::format(", {} AS rampart_key{}", analysis_.keys[i], i + 1);
    }
    for (const std::size_t j : value_indexes) {
      const ValueColumn& value = query_.values[j];
      if (value.bounds && clamp) {
        const std::string lo = SqlWriter::NumberLiteral(value.bounds->lower);
        const std::string hi = SqlWriter::NumberLiteral(value.bounds->upper);
        columns += fmt::format(
            ", CASE WHEN {0} < {1} THEN {1} WHEN {0} > {2} THEN {2} ELSE {0} END "
            "AS rampart_v{3}",
            value.expression, lo, hi, j + 1);
      } else {
        columns += fmt::format(", {} AS rampart_v{}", value.expression, j + 1);
      }
    }
    std::string where = fmt::format("{} IS NOT NULL", analysis_.unit);
    if (!analysis_.where.empty()) where = fmt::format("{} AND {}", analysis_.where, where);
    return fmt::format("rampart_source AS (\n  SELECT {}\n  FROM {}\n  WHERE {}\n)", columns,
                       analysis_.from, where);
  }

  static std::string IntegerClamp(const std::string& column, const std::string& lo,
                                  const std::string& hi) {
    return fmt::format("CASE WHEN {0} < {1} THEN {1} WHEN {0} > {2} THEN {2} ELSE {0} END", column,
                       lo, hi);
  }

  static std::string IntegerClamp(const std::string& column, std::int64_t lo, std::int64_t hi) {
    return IntegerClamp(column, std::to_string(lo), std::to_string(hi));
  }

  // A per-(unit, group) total scaled down to C rows when the unit has n > C rows there: the
  // unit's own average times C, rounded down and clamped as an integer to [lo, hi], so that the
  // contribution stays in the box C sampled rows would span whatever the engine's rounding.
  static std::string ScaledToC(const std::string& total, const std::string& n, std::int64_t c,
                               std::int64_t lo, std::int64_t hi) {
    return fmt::format(
        "CASE WHEN {1} > {2} THEN {3} ELSE {0} END", total, n, c,
        IntegerClamp(fmt::format("CAST(FLOOR(CAST({} AS DOUBLE PRECISION) * {} / {}) AS BIGINT)",
                                 total, c, n),
                     lo, hi));
  }

  // Contribution bounding without sorting the rows (docs/privacy-sql.md). The one stage that reads
  // every row is a plain hash aggregation per (unit, group): it computes the unit's row count,
  // value count, fixed-point sum and sum of squares there, with the value clamping and the
  // fixed-point conversion inlined into the aggregate arguments and nothing volatile in it, so
  // that engines run it as their ordinary (parallel) GROUP BY. Everything else touches only the
  // (unit, group) table: the integer guards (each total clamped to what its n rows could span),
  // L-infinity (counts to C, totals scaled to C rows when n > C), and L0, a random ROW_NUMBER
  // per unit in a derived table (not a CTE: PostgreSQL materializes CTEs with volatile functions)
  // whose filter the engine can push into the window (skipped for a global query, where every
  // unit has exactly one group). The clamping runs after the L0 filter, on the kept rows only.
  std::string AggregateSql() const {
    const std::string keys = KeyList();
    const std::string partition = "rampart_unit" + (keys.empty() ? "" : ", " + keys);
    const std::int64_t c = options_.max_rows_per_group;
    std::vector<std::size_t> all(query_.values.size());
    for (std::size_t j = 0; j < all.size(); ++j) all[j] = j;

    // Per (unit, group): raw totals. The per-row fixed-point integers fit 32 bits (|x| <= 2^30
    // after clamping), so engines sum them with a 64-bit accumulator (PostgreSQL's SUM(integer)
    // is bigint; SUM(bigint) would be numeric).
    std::string group_columns = partition + ", COUNT(*) AS rampart_rows";
    // Kept (unit, group) rows: totals clamped as integers to what their n rows can span, so the
    // bounds hold whatever the engine's float parsing and rounding did per row.
    std::string kept_columns = WithComma(keys) + "rampart_rows";
    // L-infinity: clamped to C rows.
    std::string bounded_columns =
        WithComma(keys) +
        fmt::format("CASE WHEN rampart_rows > {0} THEN {0} ELSE rampart_rows END AS rampart_rows",
                    c);
    std::string ranked_columns = WithComma(keys) + "rampart_rows";
    std::string final_columns =
        WithComma(keys) +
        "COUNT(*) AS rampart_units, CAST(SUM(rampart_rows) AS BIGINT) AS rampart_rows";
    for (std::size_t j = 0; j < query_.values.size(); ++j) {
      const ValueColumn& value = query_.values[j];
      const std::size_t n = j + 1;
      const std::string count = fmt::format("rampart_n{}", n);
      group_columns += fmt::format(", COUNT(rampart_v{}) AS {}", n, count);
      ranked_columns += ", " + count;
      kept_columns += ", " + count;
      bounded_columns +=
          fmt::format(", CASE WHEN {0} > {1} THEN {1} ELSE {0} END AS {0}", count, c);
      final_columns += fmt::format(", CAST(SUM({0}) AS BIGINT) AS {0}", count);
      if (!value.bounds) continue;
      const std::string scale = SqlWriter::NumberLiteral(std::ldexp(1.0, value.scale_exponent));
      group_columns += fmt::format(
          ", SUM(CAST(FLOOR(rampart_v{0} * {1} + 0.5) AS INTEGER)) AS rampart_s{0}", n, scale);
      ranked_columns += fmt::format(", rampart_s{}", n);
      kept_columns += fmt::format(", {} AS rampart_s{}",
                                  IntegerClamp(fmt::format("rampart_s{}", n),
                                               fmt::format("{} * {}", value.fixed_lower, count),
                                               fmt::format("{} * {}", value.fixed_upper, count)),
                                  n);
      bounded_columns += fmt::format(", {} AS rampart_s{}",
                                     ScaledToC(fmt::format("rampart_s{}", n), count, c,
                                               c * value.fixed_lower, c * value.fixed_upper),
                                     n);
      // Normalized sum 2 S - (lo + hi) n: each row's term is in [-(hi - lo), hi - lo].
      const std::int64_t range = value.fixed_upper - value.fixed_lower;
      bounded_columns +=
          fmt::format(", {} AS rampart_m{}",
                      ScaledToC(fmt::format("(2 * rampart_s{} - ({}) * {})", n,
                                            value.fixed_lower + value.fixed_upper, count),
                                count, c, -c * range, c * range),
                      n);
      final_columns += fmt::format(
          ", CAST(SUM(rampart_s{0}) AS BIGINT) AS rampart_s{0}, CAST(SUM(rampart_m{0}) AS BIGINT) "
          "AS rampart_m{0}",
          n);
      if (value.needs_squares) {
        const std::string mid =
            SqlWriter::NumberLiteral((value.bounds->lower + value.bounds->upper) / 2.0);
        const std::string square_scale =
            SqlWriter::NumberLiteral(std::ldexp(1.0, value.square_scale_exponent));
        group_columns += fmt::format(
            ", SUM(CAST(FLOOR((rampart_v{0} - {1}) * (rampart_v{0} - {1}) * {2} + 0.5) AS "
            "INTEGER)) AS rampart_q{0}",
            n, mid, square_scale);
        ranked_columns += fmt::format(", rampart_q{}", n);
        kept_columns +=
            fmt::format(", {} AS rampart_q{}",
                        IntegerClamp(fmt::format("rampart_q{}", n), "0",
                                     fmt::format("{} * {}", value.fixed_square_upper, count)),
                        n);
        bounded_columns += fmt::format(
            ", {} AS rampart_q{}",
            ScaledToC(fmt::format("rampart_q{}", n), count, c, 0, c * value.fixed_square_upper), n);
        final_columns += fmt::format(", CAST(SUM(rampart_q{0}) AS BIGINT) AS rampart_q{0}", n);
      }
    }
    std::string sql = "WITH " + SourceCte(all) + ",\n";
    sql += fmt::format(
        "rampart_unit_groups AS (\n  SELECT {}\n  FROM rampart_source\n  GROUP BY {}\n)\n",
        group_columns, partition);
    std::string kept;
    if (keys.empty()) {
      kept = fmt::format("SELECT {}\n    FROM rampart_unit_groups", kept_columns);
    } else {
      kept = fmt::format(
          "SELECT {}\n    FROM (\n      SELECT {}, ROW_NUMBER() OVER (PARTITION BY rampart_unit "
          "ORDER BY RANDOM()) AS rampart_group_rank\n      FROM rampart_unit_groups\n    ) AS "
          "rampart_ranked\n    WHERE rampart_group_rank <= {}",
          kept_columns, ranked_columns, options_.max_groups_per_unit);
    }
    sql += fmt::format(
        "SELECT {}\nFROM (\n  SELECT {}\n  FROM (\n    {}\n  ) AS rampart_kept\n) AS "
        "rampart_bounded",
        final_columns, bounded_columns, kept);
    if (!keys.empty()) sql += "\nGROUP BY " + keys;
    return sql;
  }

  // ApproxBounds: a histogram of the column's non-NULL values over power-of-two bins (sign and
  // exponent; sql_bounds.h), where every unit spreads a total weight of 2^16 over the bins of
  // its own rows (weight floor(rows in bin * 2^16 / rows of the unit)), so that adding or
  // removing one unit changes the whole histogram by at most 2^16 in L1, however many rows it
  // has. The division is exact in doubles for fewer than 2^35 rows per unit (a quotient of at
  // most 2^16 is then at least 2^-35 away from the next integer, beyond half an ulp).
  std::string ApproxBoundsSql(std::size_t j) const {
    const std::string v = fmt::format("rampart_v{}", j + 1);
    const std::string smallest =
        SqlWriter::NumberLiteral(std::ldexp(1.0, kApproxBoundsMinExponent));
    const std::string exponent =
        IntegerClamp(fmt::format("CAST(FLOOR(LN(ABS({})) / {}) AS BIGINT)", v,
                                 SqlWriter::NumberLiteral(std::log(2.0))),
                     kApproxBoundsMinExponent, kApproxBoundsMaxExponent);
    const std::string magnitude_bin =
        fmt::format("({} - ({}) + 1)", exponent, kApproxBoundsMinExponent);
    std::string sql = "WITH " + SourceCte({j}, /*with_keys=*/false, /*clamp=*/false) + ",\n";
    sql += fmt::format(
        "rampart_binned AS (\n  SELECT rampart_unit, CASE WHEN {0} >= {1} THEN {2} WHEN {0} <= "
        "-{1} "
        "THEN -{2} ELSE 0 END AS rampart_bin\n  FROM rampart_source\n  WHERE {0} IS NOT NULL\n),\n",
        v, smallest, magnitude_bin);
    sql +=
        "rampart_unit_bins AS (\n  SELECT rampart_unit, rampart_bin, COUNT(*) AS rampart_count\n  "
        "FROM "
        "rampart_binned\n  GROUP BY rampart_unit, rampart_bin\n),\n";
    sql +=
        "rampart_weighted AS (\n  SELECT rampart_bin, rampart_count, SUM(rampart_count) OVER "
        "(PARTITION BY rampart_unit) AS rampart_unit_rows\n  FROM rampart_unit_bins\n)\n";
    sql += fmt::format(
        "SELECT rampart_bin, CAST(SUM(CAST(FLOOR(rampart_count * {} / rampart_unit_rows) AS "
        "BIGINT)) "
        "AS BIGINT) AS rampart_weight\nFROM rampart_weighted\nGROUP BY rampart_bin",
        SqlWriter::NumberLiteral(static_cast<double>(kApproxBoundsUnitWeight)));
    return sql;
  }

  std::string HistogramSql(std::size_t j) const {
    const ValueColumn& value = query_.values[j];
    const std::string keys = KeyList();
    const std::string partition = "rampart_unit" + (keys.empty() ? "" : ", " + keys);
    const std::string v = fmt::format("rampart_v{}", j + 1);
    const double width_inverse =
        static_cast<double>(options_.quantile_bins) / (value.bounds->upper - value.bounds->lower);
    std::string sql = "WITH " + SourceCte({j}) + ",\n";
    sql += fmt::format(
        "rampart_rows AS (\n  SELECT {0}, {1}, ROW_NUMBER() OVER (PARTITION BY {0} ORDER BY "
        "RANDOM()) AS rampart_row_rank, RANDOM() AS rampart_random\n  FROM rampart_source\n  WHERE "
        "{1} IS NOT NULL\n),\n",
        partition, v);
    // One random number per (unit, group), drawn independently of the group's size, so that the
    // L0 selection below is uniform over the unit's groups.
    sql += fmt::format(
        "rampart_groups AS (\n  SELECT {0}, {1}, rampart_row_rank, MAX(CASE WHEN rampart_row_rank "
        "= "
        "1 THEN rampart_random END) OVER (PARTITION BY {0}) AS rampart_group_random\n  FROM "
        "rampart_rows\n),\n",
        partition, v);
    sql += fmt::format(
        "rampart_ranked AS (\n  SELECT {0}{1}, rampart_row_rank, DENSE_RANK() OVER (PARTITION BY "
        "rampart_unit ORDER BY rampart_group_random{2}) AS rampart_group_rank\n  FROM "
        "rampart_groups\n),\n",
        WithComma(keys), v, keys.empty() ? "" : ", " + keys);
    sql += fmt::format(
        "rampart_binned AS (\n  SELECT {0}{1} AS rampart_bin\n  FROM (SELECT {0}CAST(FLOOR(({2} - "
        "{3}) * {4}) AS BIGINT) AS rampart_raw_bin FROM rampart_ranked WHERE rampart_row_rank <= "
        "{5} "
        "AND rampart_group_rank <= {6}) AS rampart_raw\n)\n",
        WithComma(keys), IntegerClamp("rampart_raw_bin", 0, options_.quantile_bins - 1), v,
        SqlWriter::NumberLiteral(value.bounds->lower), SqlWriter::NumberLiteral(width_inverse),
        options_.max_rows_per_group, options_.max_groups_per_unit);
    sql += fmt::format(
        "SELECT {0}rampart_bin, COUNT(*) AS rampart_count\nFROM rampart_binned\nGROUP "
        "BY {0}rampart_bin",
        WithComma(keys));
    return sql;
  }

  SqlWriter writer_;
  const SqlQueryOptions& options_;
  BoundedQuery query_;
  Analysis analysis_;
  Json targets_ = Json::array();
};

}  // namespace

bool BoundsPending(const BoundedQuery& query) {
  return std::any_of(query.values.begin(), query.values.end(),
                     [](const ValueColumn& value) { return value.approx_bounds && !value.bounds; });
}

BoundedQuery RewriteQuery(std::string_view sql, const SqlQueryOptions& options) {
  return Rewriter(sql, options).Run();
}

}  // namespace rampart::privacy
