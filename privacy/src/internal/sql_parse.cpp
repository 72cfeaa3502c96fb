#include "internal/sql_parse.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <pg_query.h>

namespace rampart::privacy::internal {
namespace {

struct ParseResultFree {
  void operator()(PgQueryParseResult* result) const {
    pg_query_free_parse_result(*result);
    delete result;  // NOLINT(cppcoreguidelines-owning-memory): paired with the new below
  }
};

const Json& EmptyJson() {
  static const Json empty = Json::object();
  return empty;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// The words that cannot be bare identifiers in at least one of the target engines.
bool IsReservedWord(std::string_view lower) {
  static constexpr std::array<std::string_view, 44> kReserved = {
      "all",   "and",     "as",    "asc",     "between", "by",       "case",  "cast",      "create",
      "cross", "current", "date",  "default", "desc",    "distinct", "else",  "end",       "except",
      "false", "from",    "full",  "group",   "having",  "in",       "inner", "intersect", "into",
      "is",    "join",    "left",  "like",    "limit",   "not",      "null",  "on",        "or",
      "order", "outer",   "right", "select",  "table",   "then",     "true",  "union"};
  return std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end() ||
         lower == "user" || lower == "when" || lower == "where" || lower == "with" ||
         lower == "values" || lower == "window" || lower == "using" || lower == "time" ||
         lower == "timestamp" || lower == "interval" || lower == "over" || lower == "partition";
}

std::string StringValue(const Json& node) {
  // {"String": {"sval": "x"}}
  const Json& body = NodeBody(node);
  if (body.is_object() && body.contains("sval")) return Field(body, "sval").get<std::string>();
  return "";
}

// The byte offset of the first byte that is not part of well-formed UTF-8, or -1.
int FirstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80U) {
      length = 1;
    } else if (lead >= 0xC2U && lead <= 0xDFU) {
      length = 2;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
      length = 3;
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
      length = 4;
    } else {
      return static_cast<int>(i);
    }
    if (i + length > text.size()) return static_cast<int>(i);
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return static_cast<int>(i);
    }
    i += length;
  }
  return -1;
}

}  // namespace

Json ParsePostgresSql(std::string_view sql) {
  if (const int bad = FirstInvalidUtf8(sql); bad >= 0) {
    throw InputError("the query is not valid UTF-8", SqlWriter(sql).Locate(bad));
  }
  if (sql.find('\0') != std::string_view::npos) {
    throw InputError("the query contains a NUL byte",
                     SqlWriter(sql).Locate(static_cast<int>(sql.find('\0'))));
  }
  const std::string text(sql);
  std::unique_ptr<PgQueryParseResult, ParseResultFree> result(
      new PgQueryParseResult(pg_query_parse(text.c_str())));
  if (result->error != nullptr) {
    const SqlWriter writer(sql);
    const int offset = result->error->cursorpos > 0 ? result->error->cursorpos - 1 : -1;
    throw InputError(fmt::format("SQL syntax error: {}", result->error->message),
                     writer.Locate(offset));
  }
  try {
    return Json::parse(result->parse_tree);
  } catch (const Json::exception& error) {
    throw InputError(fmt::format("cannot read the parse tree of the query: {}", error.what()),
                     SqlWriter(sql).Locate(-1));
  }
}

std::string NodeType(const Json& node) {
  if (!node.is_object() || node.empty()) return "";
  return node.begin().key();
}

const Json& Field(const Json& node, std::string_view key) {
  if (!node.is_object()) return EmptyJson();
  const auto it = node.find(key);
  return it == node.end() ? EmptyJson() : *it;
}

const Json& NodeBody(const Json& node) {
  if (!node.is_object() || node.empty()) return EmptyJson();
  return node.begin().value();
}

int FirstLocation(const Json& node) {
  int first = -1;
  const auto consider = [&first](int location) {
    if (location >= 0 && (first < 0 || location < first)) first = location;
  };
  if (node.is_object()) {
    for (const auto& [key, child] : node.items()) {
      if (key == "location" && child.is_number_integer()) {
        consider(child.get<int>());
      } else if (child.is_structured()) {
        consider(FirstLocation(child));
      }
    }
  } else if (node.is_array()) {
    for (const auto& child : node) consider(FirstLocation(child));
  }
  return first;
}

SourceLocation SqlWriter::Locate(int byte_offset) const {
  SourceLocation location{.file = "query"};
  if (byte_offset < 0) return location;
  const auto end = std::min(static_cast<std::size_t>(byte_offset), sql_.size());
  location.line = 1;
  location.column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (sql_[i] == '\n') {
      ++location.line;
      location.column = 1;
    } else if ((static_cast<unsigned char>(sql_[i]) & 0xC0U) != 0x80U) {
      ++location.column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return location;
}

std::string SqlWriter::Excerpt(int byte_offset) const {
  if (byte_offset < 0 || static_cast<std::size_t>(byte_offset) >= sql_.size()) return "";
  std::string_view rest = sql_.substr(static_cast<std::size_t>(byte_offset));
  rest = rest.substr(0, std::min(rest.find('\n'), std::size_t{40}));
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())) != 0) {
    rest.remove_suffix(1);
  }
  return std::string(rest);
}

void SqlWriter::Refuse(const Json& node, std::string_view what, std::string_view why) const {
  RefuseAt(FirstLocation(node), what, why);
}

void SqlWriter::RefuseAt(int byte_offset, std::string_view what, std::string_view why) const {
  const std::string excerpt = Excerpt(byte_offset);
  std::string message =
      excerpt.empty() ? fmt::format("{} is not supported: {}", what, why)
                      : fmt::format("{} is not supported (at \"{}\"): {}", what, excerpt, why);
  throw UnsupportedError(std::move(message), Locate(byte_offset));
}

bool SqlWriter::IsAggregateName(std::string_view name) {
  static constexpr std::array<std::string_view, 26> kAggregates = {
      "count",           "sum",     "avg",     "min",         "max",        "variance",
      "var_samp",        "var_pop", "stddev",  "stddev_samp", "stddev_pop", "percentile_cont",
      "percentile_disc", "median",  "mode",    "string_agg",  "array_agg",  "bool_and",
      "bool_or",         "every",   "bit_and", "bit_or",      "json_agg",   "jsonb_agg",
      "group_concat",    "total"};
  return std::find(kAggregates.begin(), kAggregates.end(), name) != kAggregates.end();
}

std::string SqlWriter::Identifier(std::string_view name) {
  bool plain =
      !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_');
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) != 0 || std::isdigit(u) != 0 || c == '_')) plain = false;
  }
  if (plain && !IsReservedWord(name)) return std::string(name);
  std::string quoted = "\"";
  for (const char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

std::string SqlWriter::NumberLiteral(double value) {
  std::string text = fmt::format("{}", value);  // shortest text that reads back as `value`
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";  // a real, not an integer
  return text;
}

std::string SqlWriter::Constant(const Json& body) const {
  const int location = body.value("location", -1);
  if (body.contains("isnull") && Field(body, "isnull").get<bool>()) return "NULL";
  if (body.contains("ival")) {
    // libpg_query 15-4.0.0 writes negative integers as an empty object ("ival": {}), so read the
    // literal from the query text, where `location` points at it.
    if (location >= 0 && static_cast<std::size_t>(location) < sql_.size()) {
      std::string_view rest = sql_.substr(static_cast<std::size_t>(location));
      std::string digits;
      std::size_t i = 0;
      if (i < rest.size() && rest[i] == '-') {
        digits += '-';
        ++i;
        while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i])) != 0) ++i;
      }
      while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])) != 0) {
        digits += rest[i++];
      }
      long long parsed = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
      if (error == std::errc() && end == digits.data() + digits.size()) {
        return std::to_string(parsed);
      }
    }
    return std::to_string(Field(body, "ival").value("ival", 0LL));
  }
  if (body.contains("fval")) return Field(body, "fval").value("fval", std::string("0"));
  if (body.contains("boolval"))
    return Field(body, "boolval").value("boolval", false) ? "TRUE" : "FALSE";
  if (body.contains("sval")) {
    std::string quoted = "'";
    for (const char c : Field(body, "sval").value("sval", std::string())) {
      quoted += c;
      if (c == '\'') quoted += '\'';
    }
    return quoted + "'";
  }
  RefuseAt(location, "this constant", "only numbers, strings, booleans and NULL are supported");
}

std::string SqlWriter::TypeName(const Json& type_name, const Json& node) const {
  std::string name;
  for (const auto& part : type_name.value("names", Json::array())) {
    const std::string value = StringValue(part);
    if (value != "pg_catalog") name = value;
  }
  if (type_name.contains("arrayBounds")) Refuse(node, "array types", "they are not portable");
  std::string portable;
  if (name == "int2" || name == "int4") {
    portable = "INTEGER";
  } else if (name == "int8") {
    portable = "BIGINT";
  } else if (name == "float4") {
    portable = "REAL";
  } else if (name == "float8") {
    portable = "DOUBLE PRECISION";
  } else if (name == "numeric") {
    portable = "DECIMAL";
  } else if (name == "varchar" || name == "bpchar" || name == "text") {
    portable = "VARCHAR";
  } else if (name == "bool") {
    portable = "BOOLEAN";
  } else if (name == "date") {
    portable = "DATE";
  } else if (name == "timestamp") {
    portable = "TIMESTAMP";
  } else {
    Refuse(node, fmt::format("CAST to type {}", name),
           "use INTEGER, BIGINT, REAL, DOUBLE PRECISION, DECIMAL, VARCHAR, BOOLEAN, DATE or "
           "TIMESTAMP, which every target engine has");
  }
  const Json& modifiers = type_name.value("typmods", Json::array());
  if (!modifiers.empty()) {
    std::string list;
    for (const auto& modifier : modifiers) {
      if (!list.empty()) list += ", ";
      list += Expression(modifier);
    }
    portable += "(" + list + ")";
  }
  return portable;
}

std::string SqlWriter::OperatorExpression(const Json& node) const {
  const Json& body = NodeBody(node);
  const std::string kind = body.value("kind", std::string());
  const Json& names = body.value("name", Json::array());
  const std::string op = names.empty() ? "" : StringValue(names.back());
  const bool has_left = body.contains("lexpr");
  if (kind == "AEXPR_OP") {
    static constexpr std::array<std::string_view, 13> kOperators = {
        "=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||"};
    if (std::find(kOperators.begin(), kOperators.end(), op) == kOperators.end() ||
        names.size() != 1) {
      Refuse(node, fmt::format("operator {}", op),
             "only comparisons, arithmetic and || are portable across the target engines");
    }
    const std::string right = Expression(Field(body, "rexpr"));
    if (!has_left) return fmt::format("({}{})", op, right);
    return fmt::format("({} {} {})", Expression(Field(body, "lexpr")), op == "!=" ? "<>" : op,
                       right);
  }
  if (kind == "AEXPR_IN") {
    std::string list;
    for (const auto& item : NodeBody(Field(body, "rexpr")).value("items", Json::array())) {
      if (!list.empty()) list += ", ";
      list += Expression(item);
    }
    if (NodeType(Field(body, "rexpr")) != "List")
      Refuse(node, "IN (subquery)", "subqueries in expressions are not supported");
    return fmt::format("({} {}IN ({}))", Expression(Field(body, "lexpr")), op == "<>" ? "NOT " : "",
                       list);
  }
  if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") {
    const Json& items = NodeBody(Field(body, "rexpr")).value("items", Json::array());
    if (items.size() != 2) Refuse(node, "this BETWEEN", "it needs two bounds");
    return fmt::format("({} {}BETWEEN {} AND {})", Expression(Field(body, "lexpr")),
                       kind == "AEXPR_NOT_BETWEEN" ? "NOT " : "", Expression(items[0]),
                       Expression(items[1]));
  }
  if (kind == "AEXPR_LIKE") {
    return fmt::format("({} {}LIKE {})", Expression(Field(body, "lexpr")),
                       op == "!~~" ? "NOT " : "", Expression(Field(body, "rexpr")));
  }
  if (kind == "AEXPR_NULLIF") {
    return fmt::format("NULLIF({}, {})", Expression(Field(body, "lexpr")),
                       Expression(Field(body, "rexpr")));
  }
  Refuse(node, "this operator (" + kind + ")",
         "only comparisons, arithmetic, IN lists, BETWEEN, LIKE and NULLIF are supported");
}

std::string SqlWriter::FunctionCall(const Json& node) const {
  const Json& body = NodeBody(node);
  const Json& names = body.value("funcname", Json::array());
  const std::string name = names.empty() ? "" : Lower(StringValue(names.back()));
  if (body.contains("over")) {
    Refuse(node, fmt::format("window function {}", name),
           "a window function lets one row's output depend on other units' rows, which "
           "contribution bounding cannot limit");
  }
  if (IsAggregateName(name) || body.contains("agg_star") || body.contains("agg_order") ||
      body.contains("agg_distinct")) {
    Refuse(node, fmt::format("aggregate {} inside an expression", name),
           "aggregates must be top-level SELECT items so that rampart can bound and noise them");
  }
  if (names.size() != 1) {
    Refuse(node, "schema-qualified function", "function names must be plain to be portable");
  }
  std::string args;
  for (const auto& arg : body.value("args", Json::array())) {
    if (!args.empty()) args += ", ";
    args += Expression(arg);
  }
  return fmt::format("{}({})", Identifier(name), args);
}

std::string SqlWriter::Expression(const Json& node) const {
  const std::string type = NodeType(node);
  const Json& body = NodeBody(node);
  if (type == "ColumnRef") {
    std::string text;
    for (const auto& field : body.value("fields", Json::array())) {
      if (!text.empty()) text += ".";
      if (NodeType(field) == "A_Star") {
        text += "*";
      } else {
        text += Identifier(StringValue(field));
      }
    }
    return text;
  }
  if (type == "A_Const") return Constant(body);
  if (type == "A_Expr") return OperatorExpression(node);
  if (type == "BoolExpr") {
    const std::string op = body.value("boolop", std::string());
    const Json& args = body.value("args", Json::array());
    if (op == "NOT_EXPR" && args.size() == 1) return fmt::format("(NOT {})", Expression(args[0]));
    std::string text;
    for (const auto& arg : args) {
      if (!text.empty()) text += op == "AND_EXPR" ? " AND " : " OR ";
      text += Expression(arg);
    }
    return "(" + text + ")";
  }
  if (type == "NullTest") {
    return fmt::format("({} IS {}NULL)", Expression(Field(body, "arg")),
                       body.value("nulltesttype", std::string()) == "IS_NOT_NULL" ? "NOT " : "");
  }
  if (type == "TypeCast") {
    return fmt::format("CAST({} AS {})", Expression(Field(body, "arg")),
                       TypeName(Field(body, "typeName"), node));
  }
  if (type == "CaseExpr") {
    std::string text = "CASE";
    if (body.contains("arg")) text += " " + Expression(Field(body, "arg"));
    for (const auto& when : body.value("args", Json::array())) {
      const Json& when_body = NodeBody(when);
      text += fmt::format(" WHEN {} THEN {}", Expression(Field(when_body, "expr")),
                          Expression(Field(when_body, "result")));
    }
    if (body.contains("defresult")) text += " ELSE " + Expression(Field(body, "defresult"));
    return text + " END";
  }
  if (type == "CoalesceExpr") {
    std::string args;
    for (const auto& arg : body.value("args", Json::array())) {
      if (!args.empty()) args += ", ";
      args += Expression(arg);
    }
    return "COALESCE(" + args + ")";
  }
  if (type == "FuncCall") return FunctionCall(node);
  if (type == "SubLink") {
    Refuse(node, "a subquery in an expression",
           "its rows are not bounded per privacy unit; join the table in FROM instead");
  }
  if (type == "ParamRef") Refuse(node, "a parameter", "write the value into the query");
  if (type == "MinMaxExpr") {
    Refuse(node, "GREATEST/LEAST", "they are not portable to SQLite; use CASE WHEN");
  }
  Refuse(node, fmt::format("expression {}", type),
         "rampart rewrites only a reviewed, portable subset of SQL expressions");
}

std::string SqlWriter::FromItem(const Json& node) const {
  const std::string type = NodeType(node);
  const Json& body = NodeBody(node);
  if (type == "RangeVar") {
    std::string text;
    if (body.contains("catalogname")) {
      Refuse(node, "catalog-qualified table", "use schema.table or table");
    }
    if (body.contains("schemaname")) {
      text = Identifier(Field(body, "schemaname").get<std::string>()) + ".";
    }
    text += Identifier(body.value("relname", std::string()));
    if (body.contains("alias")) {
      text += " AS " + Identifier(Field(body, "alias").value("aliasname", std::string()));
    }
    return text;
  }
  if (type == "JoinExpr") {
    if (body.contains("alias")) Refuse(node, "an alias on a join", "alias the tables instead");
    if (body.value("isNatural", false)) {
      Refuse(node, "NATURAL JOIN", "name the join columns with ON or USING");
    }
    const std::string join_type = body.value("jointype", std::string());
    std::string keyword;
    if (join_type == "JOIN_INNER") {
      keyword = body.contains("quals") || body.contains("usingClause") ? "JOIN" : "CROSS JOIN";
    } else if (join_type == "JOIN_LEFT") {
      keyword = "LEFT JOIN";
    } else if (join_type == "JOIN_RIGHT") {
      keyword = "RIGHT JOIN";
    } else if (join_type == "JOIN_FULL") {
      keyword = "FULL JOIN";
    } else {
      Refuse(node, "this join type", "only INNER, LEFT, RIGHT, FULL and CROSS joins are supported");
    }
    std::string text = fmt::format("{} {} {}", FromItem(Field(body, "larg")), keyword,
                                   FromItem(Field(body, "rarg")));
    if (body.contains("quals")) {
      text += " ON " + Expression(Field(body, "quals"));
    } else if (body.contains("usingClause")) {
      std::string columns;
      for (const auto& column : Field(body, "usingClause")) {
        if (!columns.empty()) columns += ", ";
        columns += Identifier(StringValue(column));
      }
      text += " USING (" + columns + ")";
    }
    return text;
  }
  if (type == "RangeSubselect") {
    if (body.value("lateral", false)) {
      Refuse(node, "LATERAL", "a lateral subquery is evaluated per outer row");
    }
    if (!body.contains("alias")) Refuse(node, "a subquery without alias", "name it: (...) AS s");
    return fmt::format("({}) AS {}", Subquery(Field(body, "subquery")),
                       Identifier(Field(body, "alias").value("aliasname", std::string())));
  }
  Refuse(node, fmt::format("FROM item {}", type),
         "only tables, joins and subqueries are supported");
}

std::string SqlWriter::Subquery(const Json& select) const {
  const Json& body = NodeBody(select);
  if (NodeType(select) != "SelectStmt") Refuse(select, "this subquery", "it must be a SELECT");
  const int at = FirstLocation(select);
  if (body.value("op", std::string("SETOP_NONE")) != "SETOP_NONE") {
    RefuseAt(at, "UNION/INTERSECT/EXCEPT in a subquery",
             "set operations can merge or drop rows across privacy units");
  }
  if (body.contains("withClause")) RefuseAt(at, "WITH in a subquery", "inline the CTE instead");
  if (body.contains("distinctClause")) {
    RefuseAt(at, "DISTINCT in a subquery",
             "removing duplicates merges rows of different privacy units");
  }
  if (body.contains("groupClause") || body.contains("havingClause")) {
    Refuse(body.contains("groupClause") ? Field(body, "groupClause") : Field(body, "havingClause"),
           "GROUP BY/HAVING in a subquery",
           "an aggregated row can mix several privacy units, so contributions can no longer be "
           "bounded per unit; aggregate only in the outer query");
  }
  if (body.contains("limitCount") || body.contains("limitOffset")) {
    Refuse(body.contains("limitCount") ? Field(body, "limitCount") : Field(body, "limitOffset"),
           "LIMIT/OFFSET in a subquery",
           "which rows survive would depend on other privacy units' rows");
  }
  if (body.contains("windowClause"))
    Refuse(Field(body, "windowClause"), "WINDOW", "windows are refused");
  if (!body.contains("fromClause")) RefuseAt(at, "a subquery without FROM", "it reads no table");
  std::string targets;
  for (const auto& target : body.value("targetList", Json::array())) {
    const Json& target_body = NodeBody(target);
    if (!targets.empty()) targets += ", ";
    targets += Expression(Field(target_body, "val"));
    if (target_body.contains("name")) {
      targets += " AS " + Identifier(Field(target_body, "name").get<std::string>());
    }
  }
  std::string from;
  for (const auto& item : Field(body, "fromClause")) {
    if (!from.empty()) from += ", ";
    from += FromItem(item);
  }
  std::string text = fmt::format("SELECT {} FROM {}", targets, from);
  if (body.contains("whereClause")) text += " WHERE " + Expression(Field(body, "whereClause"));
  return text;
}

}  // namespace rampart::privacy::internal
