// A tolerant SQL tokenizer and CREATE TABLE reader shared by the MySQL reader (which has no other
// parser) and the SQLite reader (which uses it only to locate columns that SQLite itself read).
// It knows quoting (`ident`, "ident", [ident], 'string' with '' and, for MySQL, backslash
// escapes; $tag$ dollar quotes), comments (--, /* */, and # for MySQL) and nesting, nothing more.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::compliance::internal {

enum class SqlTokenKind { kWord, kQuotedIdent, kString, kNumber, kPunct };

struct SqlToken {
  SqlTokenKind kind = SqlTokenKind::kWord;
  std::string text;  // unquoted, unescaped
  std::size_t offset = 0;
  char quote = 0;  // the opening quote character for quoted identifiers
};

struct SqlComment {
  std::size_t offset = 0;
  std::string text;  // without the comment markers, trimmed
  bool line_comment = false;
};

struct SqlLexResult {
  std::vector<SqlToken> tokens;
  std::vector<SqlComment> comments;
};

// Throws InputError (file:line:col) on an unterminated string, quoted identifier or comment.
[[nodiscard]] SqlLexResult LexSql(std::string_view text, const std::string& file, bool mysql);

struct ParsedColumn {
  std::string name;
  std::size_t offset = 0;
  std::string type;
  std::optional<bool> nullable;
  std::string comment;
};

struct ParsedTable {
  std::string name;        // dotted when schema-qualified
  std::size_t offset = 0;  // of the CREATE keyword
  std::string comment;
  std::vector<ParsedColumn> columns;
};

// CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...) [options] and ALTER TABLE name ADD
// [COLUMN] ...; other statements are skipped. Throws InputError on an unbalanced column list.
[[nodiscard]] std::vector<ParsedTable> ParseCreateTables(const SqlLexResult& lexed,
                                                         std::string_view text,
                                                         const std::string& file);

// True when the tokens use syntax only MySQL/MariaDB accept (backticks, ENGINE=, AUTO_INCREMENT,
// UNSIGNED, inline COMMENT 'text' in a column definition).
[[nodiscard]] bool HasMysqlSyntax(const SqlLexResult& lexed);

// The "-- text" comment that follows the definition starting at `offset` on the same line and
// before `limit`; empty if none. Lets trailing comments document columns in every dialect.
[[nodiscard]] std::string TrailingLineComment(const SqlLexResult& lexed, std::string_view text,
                                              std::size_t offset, std::size_t limit);

}  // namespace rampart::compliance::internal
