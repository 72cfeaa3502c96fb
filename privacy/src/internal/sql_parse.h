// Private: the PostgreSQL parse tree of a query (libpg_query's JSON) and a writer that turns the
// supported subset of it back into portable SQL text, refusing everything else with the line and
// column of the offending node. Emitting from the tree (instead of copying slices of the user's
// text) is what makes the rewritten SQL portable and every accepted construct a reviewed one.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <rampart/common/error.h>

namespace rampart::privacy::internal {

using Json = nlohmann::json;

// Parses `sql` with libpg_query; throws InputError (with line:column) on a syntax error.
[[nodiscard]] Json ParsePostgresSql(std::string_view sql);

// {"SelectStmt": {...}} -> "SelectStmt"; "" for a non-object.
[[nodiscard]] std::string NodeType(const Json& node);
// {"SelectStmt": {...}} -> {...}
[[nodiscard]] const Json& NodeBody(const Json& node);
// node[key] for a parse-tree object, or an empty object when the key is absent (so that an
// unexpected tree shape is refused instead of read out of bounds).
[[nodiscard]] const Json& Field(const Json& node, std::string_view key);
// The smallest byte offset (`location`) in the node and its children, i.e. where its text
// starts; -1 if none.
[[nodiscard]] int FirstLocation(const Json& node);

class SqlWriter {
 public:
  explicit SqlWriter(std::string_view sql) : sql_(sql) {}

  // "query:LINE:COL" for a byte offset (-1: unknown).
  [[nodiscard]] SourceLocation Locate(int byte_offset) const;
  // A short excerpt of the query text at `byte_offset`, for messages.
  [[nodiscard]] std::string Excerpt(int byte_offset) const;
  // Throws UnsupportedError at `node` (or `byte_offset`):
  // "<what> is not supported (at \"<excerpt>\"): <why>".
  [[noreturn]] void Refuse(const Json& node, std::string_view what, std::string_view why) const;
  [[noreturn]] void RefuseAt(int byte_offset, std::string_view what, std::string_view why) const;

  // A scalar expression: columns, constants, arithmetic, comparisons, AND/OR/NOT, IS NULL, IN
  // lists, BETWEEN, LIKE, CASE, COALESCE, NULLIF, CAST and scalar function calls. Refuses
  // aggregates, window functions, subqueries and parameters.
  [[nodiscard]] std::string Expression(const Json& node) const;
  // One FROM item: a table, a join or a subquery (a plain SELECT without aggregates).
  [[nodiscard]] std::string FromItem(const Json& node) const;
  // A subquery in FROM: SELECT <expressions> FROM ... [WHERE ...], nothing else.
  [[nodiscard]] std::string Subquery(const Json& select) const;

  // An identifier, double-quoted only when it must be (the quotes then are ANSI, not Spark's).
  [[nodiscard]] static std::string Identifier(std::string_view name);
  // A double as an SQL numeric literal that every engine reads as exactly this value.
  [[nodiscard]] static std::string NumberLiteral(double value);

  [[nodiscard]] static bool IsAggregateName(std::string_view name);

 private:
  [[nodiscard]] std::string Constant(const Json& body) const;
  [[nodiscard]] std::string OperatorExpression(const Json& node) const;
  [[nodiscard]] std::string TypeName(const Json& type_name, const Json& node) const;
  [[nodiscard]] std::string FunctionCall(const Json& node) const;

  std::string_view sql_;
};

}  // namespace rampart::privacy::internal
