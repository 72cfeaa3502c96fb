#include "sql_lexer.h"

#include <algorithm>
#include <cctype>

#include <rampart/common/error.h>
#include <rampart/compliance/schema.h>

#include "text_util.h"

namespace rampart::compliance::internal {
namespace {

bool IsWordStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80U) != 0;
}
bool IsWordChar(char c) {
  return IsWordStart(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

[[noreturn]] void Fail(const std::string& message, std::string_view text, std::size_t offset,
                       const std::string& file) {
  throw InputError(message, LocationAt(file, text, offset));
}

bool IsWord(const SqlToken& token, std::string_view word) {
  return token.kind == SqlTokenKind::kWord && EqualsIgnoreCase(token.text, word);
}
bool IsPunct(const SqlToken& token, char c) {
  return token.kind == SqlTokenKind::kPunct && token.text.size() == 1 && token.text[0] == c;
}
bool IsName(const SqlToken& token) {
  return token.kind == SqlTokenKind::kWord || token.kind == SqlTokenKind::kQuotedIdent;
}

// Reads a possibly qualified name (a.b.c) starting at tokens[i]; advances i.
std::string ReadQualifiedName(const std::vector<SqlToken>& tokens, std::size_t& i,
                              std::size_t end) {
  std::string name;
  while (i < end && IsName(tokens[i])) {
    name += tokens[i].text;
    ++i;
    if (i + 1 < end && IsPunct(tokens[i], '.') && IsName(tokens[i + 1])) {
      name += '.';
      ++i;
    } else {
      break;
    }
  }
  return name;
}

bool IsConstraintStart(const SqlToken& token) {
  static constexpr std::string_view kWords[] = {"primary",    "key",     "index",    "unique",
                                                "constraint", "foreign", "fulltext", "spatial",
                                                "check",      "exclude", "period",   "like"};
  if (token.kind != SqlTokenKind::kWord) return false;
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view w) { return EqualsIgnoreCase(token.text, w); });
}

bool IsAttributeStart(const SqlToken& token) {
  static constexpr std::string_view kWords[] = {
      "not",     "null",          "default", "auto_increment", "autoincrement",
      "primary", "unique",        "comment", "references",     "check",
      "collate", "character",     "charset", "generated",      "as",
      "on",      "constraint",    "key",     "invisible",      "visible",
      "storage", "column_format", "srid",    "identity"};
  if (token.kind != SqlTokenKind::kWord) return false;
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view w) { return EqualsIgnoreCase(token.text, w); });
}

// Parses one column definition in tokens[begin, end).
ParsedColumn ParseColumnDef(const std::vector<SqlToken>& tokens, std::size_t begin,
                            std::size_t end) {
  ParsedColumn column;
  column.name = tokens[begin].text;
  column.offset = tokens[begin].offset;
  std::size_t i = begin + 1;
  int depth = 0;
  for (; i < end; ++i) {
    const SqlToken& t = tokens[i];
    if (depth == 0 && IsAttributeStart(t)) break;
    if (IsPunct(t, '(')) ++depth;
    if (IsPunct(t, ')')) --depth;
    const bool tight =
        IsPunct(t, '(') || IsPunct(t, ')') || IsPunct(t, ',') ||
        (!column.type.empty() && (column.type.back() == '(' || column.type.back() == ','));
    if (!column.type.empty() && !tight) column.type += ' ';
    column.type += t.kind == SqlTokenKind::kString ? "'" + t.text + "'" : t.text;
  }
  for (; i < end; ++i) {
    const SqlToken& t = tokens[i];
    const bool not_null = IsWord(t, "not") && i + 1 < end && IsWord(tokens[i + 1], "null");
    const bool primary_key = IsWord(t, "primary") && i + 1 < end && IsWord(tokens[i + 1], "key");
    if (not_null || primary_key) {
      column.nullable = false;
      ++i;
    } else if (IsWord(t, "null")) {
      if (!column.nullable.has_value()) column.nullable = true;
    } else if (IsWord(t, "comment") && i + 1 < end && tokens[i + 1].kind == SqlTokenKind::kString) {
      column.comment = tokens[i + 1].text;
      ++i;
    } else if (IsWord(t, "default") && i + 1 < end) {
      ++i;  // the default value may be the word NULL: it says nothing about nullability
    }
  }
  if (!column.nullable.has_value()) column.nullable = true;  // SQL's default
  return column;
}

}  // namespace

SqlLexResult LexSql(std::string_view text, const std::string& file, bool mysql) {
  SqlLexResult result;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if ((c == '-' && i + 1 < n && text[i + 1] == '-') || (mysql && c == '#')) {
      const std::size_t start = i;
      i += c == '#' ? 1 : 2;
      const std::size_t line_end = std::min(text.find('\n', i), n);
      result.comments.push_back({.offset = start,
                                 .text = std::string(Trim(text.substr(i, line_end - i))),
                                 .line_comment = true});
      i = line_end;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      const std::size_t close = text.find("*/", i + 2);
      if (close == std::string_view::npos) Fail("unterminated /* comment", text, i, file);
      result.comments.push_back(
          {.offset = i, .text = std::string(Trim(text.substr(i + 2, close - i - 2)))});
      i = close + 2;
      continue;
    }
    SqlToken token;
    token.offset = i;
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      token.kind = c == '\'' ? SqlTokenKind::kString : SqlTokenKind::kQuotedIdent;
      token.quote = c;
      std::size_t j = i + 1;
      bool closed = false;
      while (j < n) {
        if (mysql && c == '\'' && text[j] == '\\' && j + 1 < n) {
          const char e = text[j + 1];
          token.text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
          j += 2;
          continue;
        }
        if (text[j] == close) {
          if (close != ']' && j + 1 < n && text[j + 1] == close) {
            token.text.push_back(close);
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        token.text.push_back(text[j]);
        ++j;
      }
      if (!closed) {
        Fail(c == '\'' ? "unterminated string literal" : "unterminated quoted identifier", text, i,
             file);
      }
      i = j;
    } else if (c == '$' && i + 1 < n && (text[i + 1] == '$' || IsWordStart(text[i + 1]))) {
      // PostgreSQL dollar quoting: $tag$ ... $tag$
      std::size_t j = i + 1;
      while (j < n && text[j] != '$' && IsWordChar(text[j])) ++j;
      if (j < n && text[j] == '$') {
        const std::string tag(text.substr(i, j - i + 1));
        const std::size_t close = text.find(tag, j + 1);
        if (close == std::string_view::npos) Fail("unterminated dollar quote", text, i, file);
        token.kind = SqlTokenKind::kString;
        token.text = std::string(text.substr(j + 1, close - j - 1));
        i = close + tag.size();
      } else {
        token.kind = SqlTokenKind::kPunct;
        token.text = "$";
        ++i;
      }
    } else if (IsWordStart(c)) {
      std::size_t j = i;
      while (j < n && IsWordChar(text[j])) ++j;
      token.kind = SqlTokenKind::kWord;
      token.text = std::string(text.substr(i, j - i));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      std::size_t j = i;
      while (j < n && (std::isalnum(static_cast<unsigned char>(text[j])) != 0 || text[j] == '.'))
        ++j;
      token.kind = SqlTokenKind::kNumber;
      token.text = std::string(text.substr(i, j - i));
      i = j;
    } else {
      token.kind = SqlTokenKind::kPunct;
      token.text = std::string(1, c);
      ++i;
    }
    result.tokens.push_back(std::move(token));
  }
  return result;
}

std::vector<ParsedTable> ParseCreateTables(const SqlLexResult& lexed, std::string_view text,
                                           const std::string& file) {
  const std::vector<SqlToken>& tokens = lexed.tokens;
  std::vector<ParsedTable> tables;
  std::size_t i = 0;
  while (i < tokens.size()) {
    std::size_t end = i;
    while (end < tokens.size() && !IsPunct(tokens[end], ';')) ++end;
    std::size_t k = i;
    if (k < end && IsWord(tokens[k], "create")) {
      ++k;
      if (k + 1 < end && IsWord(tokens[k], "or") && IsWord(tokens[k + 1], "replace")) k += 2;
      while (k < end && (IsWord(tokens[k], "temporary") || IsWord(tokens[k], "temp") ||
                         IsWord(tokens[k], "unlogged") || IsWord(tokens[k], "global") ||
                         IsWord(tokens[k], "local")))
        ++k;
      if (k < end && IsWord(tokens[k], "table")) {
        const std::size_t create_offset = tokens[i].offset;
        ++k;
        if (k + 2 < end && IsWord(tokens[k], "if") && IsWord(tokens[k + 1], "not") &&
            IsWord(tokens[k + 2], "exists"))
          k += 3;
        ParsedTable table;
        table.offset = create_offset;  // findings about the table point at CREATE
        table.name = ReadQualifiedName(tokens, k, end);
        if (!table.name.empty() && k < end && IsPunct(tokens[k], '(')) {
          int depth = 1;
          std::size_t element = k + 1;
          std::size_t j = k + 1;
          for (; j < end && depth > 0; ++j) {
            if (IsPunct(tokens[j], '(')) ++depth;
            if (IsPunct(tokens[j], ')')) --depth;
            if ((depth == 1 && IsPunct(tokens[j], ',')) || depth == 0) {
              // A quoted name is always a column, even one called "key" or "check".
              const bool column = element < j && IsName(tokens[element]) &&
                                  (tokens[element].kind == SqlTokenKind::kQuotedIdent ||
                                   !IsConstraintStart(tokens[element]));
              if (column) table.columns.push_back(ParseColumnDef(tokens, element, j));
              element = j + 1;
            }
          }
          if (depth != 0) {
            Fail("unbalanced parentheses in the column list of CREATE TABLE " + table.name, text,
                 create_offset, file);
          }
          for (; j < end; ++j) {  // table options: COMMENT [=] 'text'
            if (IsWord(tokens[j], "comment")) {
              std::size_t v = j + 1;
              if (v < end && IsPunct(tokens[v], '=')) ++v;
              if (v < end && tokens[v].kind == SqlTokenKind::kString)
                table.comment = tokens[v].text;
            }
          }
          tables.push_back(std::move(table));
        }
      }
    } else if (k + 1 < end && IsWord(tokens[k], "alter") && IsWord(tokens[k + 1], "table")) {
      k += 2;
      if (k + 1 < end && IsWord(tokens[k], "if") && IsWord(tokens[k + 1], "exists")) k += 2;
      if (k < end && IsWord(tokens[k], "only")) ++k;
      const std::string name = ReadQualifiedName(tokens, k, end);
      auto table = std::find_if(tables.begin(), tables.end(), [&](const ParsedTable& t) {
        return EqualsIgnoreCase(t.name, name);
      });
      // ADD [COLUMN] [IF NOT EXISTS] def [, ADD ...]
      while (table != tables.end() && k < end) {
        if (!IsWord(tokens[k], "add")) {
          ++k;
          continue;
        }
        ++k;
        if (k < end && IsWord(tokens[k], "column")) ++k;
        if (k + 2 < end && IsWord(tokens[k], "if") && IsWord(tokens[k + 1], "not")) k += 3;
        if (k >= end || !IsName(tokens[k]) || IsConstraintStart(tokens[k])) continue;
        std::size_t stop = k;
        int depth = 0;
        while (stop < end && !(depth == 0 && IsPunct(tokens[stop], ','))) {
          if (IsPunct(tokens[stop], '(')) ++depth;
          if (IsPunct(tokens[stop], ')')) --depth;
          ++stop;
        }
        table->columns.push_back(ParseColumnDef(tokens, k, stop));
        k = stop;
      }
    }
    i = end + 1;
  }
  return tables;
}

bool HasMysqlSyntax(const SqlLexResult& lexed) {
  const auto& tokens = lexed.tokens;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    if (t.kind == SqlTokenKind::kQuotedIdent && t.quote == '`') return true;
    if (IsWord(t, "auto_increment") || IsWord(t, "unsigned") || IsWord(t, "zerofill")) return true;
    if (IsWord(t, "engine") && i + 1 < tokens.size() && IsPunct(tokens[i + 1], '=')) return true;
    if (IsWord(t, "comment") && i + 1 < tokens.size() &&
        tokens[i + 1].kind == SqlTokenKind::kString && i > 0 && !IsWord(tokens[i - 1], "on"))
      return true;
  }
  return false;
}

std::string TrailingLineComment(const SqlLexResult& lexed, std::string_view text,
                                std::size_t offset, std::size_t limit) {
  for (const SqlComment& comment : lexed.comments) {
    if (comment.offset <= offset || comment.offset >= limit) continue;
    if (text.substr(offset, comment.offset - offset).find('\n') != std::string_view::npos) break;
    if (comment.line_comment) return comment.text;
  }
  return {};
}

}  // namespace rampart::compliance::internal
