#include <algorithm>
#include <cctype>
#include <memory>

#include <nlohmann/json.hpp>
#include <pg_query.h>
#include <sqlite3.h>

#include <rampart/common/error.h>
#include <rampart/compliance/ddl_source.h>

#include "sql_lexer.h"
#include "text_util.h"

namespace rampart::compliance {
namespace {

using internal::EqualsIgnoreCase;
using nlohmann::json;

// ---------------------------------------------------------------- PostgreSQL (libpg_query)

struct PgResult {
  bool ok = false;
  json tree;
  std::string error;
  std::size_t error_offset = 0;
};

// libpg_query's cursorpos counts characters (1-based); locations in the tree count bytes.
std::size_t CharPositionToByte(std::string_view text, int cursorpos) {
  std::size_t byte = 0;
  for (int chars = 1; chars < cursorpos && byte < text.size(); ++chars) {
    ++byte;
    while (byte < text.size() && (static_cast<unsigned char>(text[byte]) & 0xC0U) == 0x80U) ++byte;
  }
  return byte;
}

// libpg_query copies identifier bytes into its JSON parse tree unchecked, and the JSON parser
// rejects invalid UTF-8: replace each invalid byte by '?' (same length, so every byte offset
// in the tree still points at the right place in the original text).
std::string SameLengthValidUtf8(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i < out.size()) {
    const auto c = static_cast<unsigned char>(out[i]);
    std::size_t length = 0;
    if (c < 0x80) {
      length = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
    }
    bool valid = length > 0 && i + length <= out.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(out[i + k]) & 0xC0U) == 0x80U;
    }
    if (valid && length == 3) {  // no overlong forms or surrogates
      const auto second = static_cast<unsigned char>(out[i + 1]);
      valid = !(c == 0xE0 && second < 0xA0) && !(c == 0xED && second >= 0xA0);
    }
    if (valid && length == 4) {
      const auto second = static_cast<unsigned char>(out[i + 1]);
      valid = !(c == 0xF0 && second < 0x90) && !(c == 0xF4 && second >= 0x90);
    }
    if (!valid) {
      out[i] = '?';
      ++i;
    } else {
      i += length;
    }
  }
  return out;
}

PgResult ParsePostgres(std::string_view text) {
  const std::string query = SameLengthValidUtf8(text);  // also NUL-terminated for libpg_query
  PgQueryParseResult raw = pg_query_parse(query.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> guard(
      &raw, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  PgResult result;
  if (raw.error != nullptr) {
    result.error = raw.error->message != nullptr ? raw.error->message : "syntax error";
    result.error_offset = CharPositionToByte(text, raw.error->cursorpos);
    return result;
  }
  try {
    result.tree = json::parse(raw.parse_tree != nullptr ? raw.parse_tree : "{}");
  } catch (const json::exception& e) {
    result.error = std::string("unreadable parse tree: ") + e.what();
    return result;
  }
  result.ok = true;
  return result;
}

std::string StringValue(const json& node) {
  if (node.contains("String")) return node["String"].value("sval", "");
  return {};
}

std::string PgTypeName(const json& type_name) {
  std::string name;
  for (const json& part : type_name.value("names", json::array())) {
    const std::string s = StringValue(part);
    if (s == "pg_catalog") continue;
    if (!name.empty()) name += '.';
    name += s;
  }
  static const std::pair<std::string_view, std::string_view> kAliases[] = {
      {"int4", "integer"},  {"int8", "bigint"},
      {"int2", "smallint"}, {"float8", "double precision"},
      {"float4", "real"},   {"bool", "boolean"},
      {"bpchar", "char"}};
  for (const auto& [internal_name, sql_name] : kAliases) {
    if (name == internal_name) name = std::string(sql_name);
  }
  if (type_name.contains("typmods")) {
    std::string mods;
    for (const json& mod : type_name["typmods"]) {
      if (!mods.empty()) mods += ',';
      if (mod.contains("A_Const") && mod["A_Const"].contains("ival")) {
        mods += std::to_string(mod["A_Const"]["ival"].value("ival", 0));
      } else if (mod.contains("A_Const") && mod["A_Const"].contains("sval")) {
        mods += mod["A_Const"]["sval"].value("sval", "");
      }
    }
    name += "(" + mods + ")";
  }
  if (type_name.contains("arrayBounds")) name += "[]";
  return name;
}

std::string RelationName(const json& relation) {
  std::string name = relation.value("relname", "");
  if (relation.contains("schemaname")) name = relation.value("schemaname", "") + "." + name;
  return name;
}

Column PgColumn(const json& def, std::string_view text, const std::string& file) {
  Column column;
  column.name = def.value("colname", "");
  column.path = column.name;
  column.type = PgTypeName(def.value("typeName", json::object()));
  column.nullable = true;  // PostgreSQL columns are nullable unless constrained
  for (const json& c : def.value("constraints", json::array())) {
    const std::string type = c.value("Constraint", json::object()).value("contype", "");
    if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") column.nullable = false;
  }
  column.location = LocationAt(file, text, def.value("location", std::size_t{0}));
  return column;
}

Table* FindTable(Source& source, const std::string& name) {
  for (Table& t : source.tables) {
    if (EqualsIgnoreCase(t.name, name)) return &t;
  }
  // COMMENT ON may qualify a table the CREATE did not (or the reverse): match the last part.
  const auto last = [](const std::string& s) {
    const auto dot = s.rfind('.');
    return dot == std::string::npos ? s : s.substr(dot + 1);
  };
  for (Table& t : source.tables) {
    if (EqualsIgnoreCase(last(t.name), last(name))) return &t;
  }
  return nullptr;
}

// Where a statement's first keyword is: libpg_query's stmt_location is where the previous
// statement ended (just after its ';'), so blanks and comments are skipped.
std::size_t StatementStart(std::string_view text, std::size_t offset) {
  while (offset < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[offset])) != 0) {
      ++offset;
    } else if (text.compare(offset, 2, "--") == 0) {
      const std::size_t newline = text.find('\n', offset);
      offset = newline == std::string_view::npos ? text.size() : newline + 1;
    } else if (text.compare(offset, 2, "/*") == 0) {
      int depth = 0;  // PostgreSQL block comments nest
      do {
        if (text.compare(offset, 2, "/*") == 0) {
          ++depth;
          offset += 2;
        } else if (text.compare(offset, 2, "*/") == 0) {
          --depth;
          offset += 2;
        } else {
          ++offset;
        }
      } while (depth > 0 && offset < text.size());
    } else {
      break;
    }
  }
  return offset;
}

// Findings about a table point at its CREATE keyword (the relation name when that fails).
SourceLocation CreateLocation(const json& entry, const json& create, std::string_view text,
                              const std::string& file) {
  const std::size_t start = StatementStart(text, entry.value("stmt_location", std::size_t{0}));
  if (start + 6 <= text.size() && EqualsIgnoreCase(text.substr(start, 6), "create")) {
    return LocationAt(file, text, start);
  }
  return LocationAt(file, text, create["relation"].value("location", std::size_t{0}));
}

Source PostgresSource(const json& tree, std::string_view text, const std::string& file) {
  Source source{.path = file, .format = SourceFormat::kPostgresDdl};
  for (const json& entry : tree.value("stmts", json::array())) {
    const json& stmt = entry.value("stmt", json::object());
    if (stmt.contains("CreateStmt")) {
      const json& create = stmt["CreateStmt"];
      Table table;
      table.name = RelationName(create.value("relation", json::object()));
      table.location = CreateLocation(entry, create, text, file);
      std::vector<std::string> primary_key;
      for (const json& element : create.value("tableElts", json::array())) {
        if (element.contains("ColumnDef")) {
          table.columns.push_back(PgColumn(element["ColumnDef"], text, file));
        } else if (element.contains("Constraint") &&
                   element["Constraint"].value("contype", "") == "CONSTR_PRIMARY") {
          for (const json& key : element["Constraint"].value("keys", json::array()))
            primary_key.push_back(StringValue(key));
        }
      }
      for (Column& c : table.columns) {
        if (std::find(primary_key.begin(), primary_key.end(), c.name) != primary_key.end())
          c.nullable = false;
      }
      source.tables.push_back(std::move(table));
    } else if (stmt.contains("AlterTableStmt")) {
      const json& alter = stmt["AlterTableStmt"];
      Table* table = FindTable(source, RelationName(alter.value("relation", json::object())));
      if (table == nullptr) continue;
      for (const json& cmd : alter.value("cmds", json::array())) {
        const json& c = cmd.value("AlterTableCmd", json::object());
        if (c.value("subtype", "") == "AT_AddColumn" && c.contains("def") &&
            c["def"].contains("ColumnDef")) {
          table->columns.push_back(PgColumn(c["def"]["ColumnDef"], text, file));
        }
      }
    } else if (stmt.contains("CommentStmt")) {
      const json& comment = stmt["CommentStmt"];
      const std::string kind = comment.value("objtype", "");
      std::vector<std::string> parts;
      const json& object = comment.value("object", json::object());
      if (object.contains("List")) {
        for (const json& item : object["List"].value("items", json::array()))
          parts.push_back(StringValue(item));
      }
      const std::string value = comment.value("comment", "");
      if (kind == "OBJECT_COLUMN" && parts.size() >= 2) {
        std::string table_name;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i)
          table_name += (i > 0 ? "." : "") + parts[i];
        if (Table* table = FindTable(source, table_name)) {
          for (Column& c : table->columns) {
            if (c.name == parts.back()) c.comment = value;
          }
        }
      } else if (kind == "OBJECT_TABLE" && !parts.empty()) {
        std::string table_name;
        for (std::size_t i = 0; i < parts.size(); ++i) table_name += (i > 0 ? "." : "") + parts[i];
        if (Table* table = FindTable(source, table_name)) table->comment = value;
      }
    }
  }
  return source;
}

// Trailing "-- comment" on a column's line documents it in every dialect (when no COMMENT).
void AddTrailingComments(Source& source, const internal::SqlLexResult& lexed,
                         std::string_view text) {
  std::vector<std::size_t> starts;
  for (const Table& t : source.tables)
    for (const Column& c : t.columns) {
      // Recover byte offsets from line/column.
      std::size_t offset = 0;
      for (std::int64_t line = 1; line < c.location.line && offset < text.size(); ++offset) {
        if (text[offset] == '\n') ++line;
      }
      starts.push_back(offset + static_cast<std::size_t>(c.location.column - 1));
    }
  std::vector<std::size_t> sorted = starts;
  std::sort(sorted.begin(), sorted.end());
  std::size_t index = 0;
  for (Table& t : source.tables)
    for (Column& c : t.columns) {
      const std::size_t start = starts[index++];
      if (!c.comment.empty()) continue;
      const auto next = std::upper_bound(sorted.begin(), sorted.end(), start);
      const std::size_t limit = next == sorted.end() ? text.size() : *next;
      c.comment = internal::TrailingLineComment(lexed, text, start, limit);
    }
}

Source FromParsed(const std::vector<internal::ParsedTable>& parsed, SourceFormat format,
                  std::string_view text, const std::string& file) {
  Source source{.path = file, .format = format};
  for (const auto& p : parsed) {
    Table table{.name = p.name, .comment = p.comment, .location = LocationAt(file, text, p.offset)};
    for (const auto& pc : p.columns) {
      Column c{.name = pc.name,
               .path = pc.name,
               .type = pc.type,
               .nullable = pc.nullable,
               .comment = pc.comment,
               .location = LocationAt(file, text, pc.offset)};
      table.columns.push_back(std::move(c));
    }
    source.tables.push_back(std::move(table));
  }
  return source;
}

// ---------------------------------------------------------------- SQLite (in-memory database)

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// The DDL comes from files we scan, not from people we trust: no ATTACH (it would create files),
// and a bound on virtual-machine steps so a recursive CTE cannot hang the scan.
int DenyAttach(void* /*unused*/, int action, const char* /*a*/, const char* /*b*/,
               const char* /*c*/, const char* /*d*/) {
  return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}
int StepBudget(void* counter) {
  auto* remaining = static_cast<long*>(counter);
  return --*remaining < 0 ? 1 : 0;
}

struct SqliteColumn {
  std::string name;
  std::string type;
  bool not_null = false;
};

StatementHandle Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    throw InternalError(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
  return StatementHandle(raw);
}

std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

struct SqliteOutcome {
  bool ok = false;
  std::string error;
  std::size_t error_offset = 0;
  std::vector<std::pair<std::string, std::vector<SqliteColumn>>> tables;
};

SqliteOutcome RunSqlite(std::string_view text) {
  SqliteOutcome outcome;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close_v2(raw);
    throw IoError("cannot open an in-memory SQLite database");
  }
  SqliteHandle db(raw);
  sqlite3_set_authorizer(db.get(), DenyAttach, nullptr);
  long budget = 50'000'000;
  sqlite3_progress_handler(db.get(), 1000, StepBudget, &budget);
  const std::string script(text);
  char* message = nullptr;
  if (sqlite3_exec(db.get(), script.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    outcome.error = message != nullptr ? message : sqlite3_errmsg(db.get());
    sqlite3_free(message);
    const int offset = sqlite3_error_offset(db.get());
    outcome.error_offset = offset >= 0 ? static_cast<std::size_t>(offset) : 0;
    return outcome;
  }
  StatementHandle list =
      Prepare(db.get(),
              "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
              "ORDER BY rowid");
  while (sqlite3_step(list.get()) == SQLITE_ROW) {
    const std::string table = ColumnText(list.get(), 0);
    std::string quoted = "\"";
    for (const char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    StatementHandle info = Prepare(db.get(), "PRAGMA table_xinfo(" + quoted + ")");
    std::vector<SqliteColumn> columns;
    while (sqlite3_step(info.get()) == SQLITE_ROW) {
      // cid, name, type, notnull, dflt_value, pk, hidden
      columns.push_back({.name = ColumnText(info.get(), 1),
                         .type = ColumnText(info.get(), 2),
                         .not_null = sqlite3_column_int(info.get(), 3) != 0 ||
                                     sqlite3_column_int(info.get(), 5) != 0});
    }
    outcome.tables.emplace_back(table, std::move(columns));
  }
  outcome.ok = true;
  return outcome;
}

Source SqliteSource(const SqliteOutcome& outcome, const internal::SqlLexResult& lexed,
                    std::string_view text, const std::string& file) {
  const auto parsed = internal::ParseCreateTables(lexed, text, file);
  Source source{.path = file, .format = SourceFormat::kSqliteDdl};
  for (const auto& entry : outcome.tables) {
    const std::string& name = entry.first;  // a plain reference: lambdas cannot capture bindings
    const std::vector<SqliteColumn>& columns = entry.second;
    const auto p = std::find_if(parsed.begin(), parsed.end(), [&](const auto& t) {
      const auto dot = t.name.rfind('.');
      return EqualsIgnoreCase(t.name, name) ||
             (dot != std::string::npos && EqualsIgnoreCase(t.name.substr(dot + 1), name));
    });
    Table table{.name = name};
    if (p != parsed.end()) {
      table.location = LocationAt(file, text, p->offset);
      table.comment = p->comment;
    }
    for (const SqliteColumn& sc : columns) {
      Column c{.name = sc.name, .path = sc.name, .type = sc.type, .nullable = !sc.not_null};
      if (p != parsed.end()) {
        const auto pc = std::find_if(p->columns.begin(), p->columns.end(), [&](const auto& x) {
          return EqualsIgnoreCase(x.name, sc.name);
        });
        if (pc != p->columns.end()) c.location = LocationAt(file, text, pc->offset);
      }
      if (c.location.line == 0) c.location = table.location;
      table.columns.push_back(std::move(c));
    }
    source.tables.push_back(std::move(table));
  }
  return source;
}

}  // namespace

Source ReadDdl(std::string_view text, const std::string& file, SqlDialect dialect) {
  if (dialect == SqlDialect::kPostgres || dialect == SqlDialect::kAuto) {
    PgResult pg = ParsePostgres(text);
    if (pg.ok) {
      Source source = PostgresSource(pg.tree, text, file);
      try {
        AddTrailingComments(source, internal::LexSql(text, file, false), text);
      } catch (const InputError&) {
        // libpg_query accepted text our small lexer does not follow: keep the columns.
      }
      return source;
    }
    if (dialect == SqlDialect::kPostgres) {
      throw InputError(pg.error, LocationAt(file, text, pg.error_offset));
    }
    internal::SqlLexResult mysql_lexed;
    bool mysql = false;
    try {
      mysql_lexed = internal::LexSql(text, file, true);
      mysql = internal::HasMysqlSyntax(mysql_lexed);
    } catch (const InputError&) {
      mysql = false;  // not even MySQL's quoting holds: let SQLite and PostgreSQL say why
    }
    if (mysql) {
      Source source = FromParsed(internal::ParseCreateTables(mysql_lexed, text, file),
                                 SourceFormat::kMysqlDdl, text, file);
      AddTrailingComments(source, mysql_lexed, text);
      return source;
    }
    const SqliteOutcome sqlite = RunSqlite(text);
    if (sqlite.ok) {
      const internal::SqlLexResult lexed = internal::LexSql(text, file, false);
      Source source = SqliteSource(sqlite, lexed, text, file);
      AddTrailingComments(source, lexed, text);
      return source;
    }
    throw InputError(pg.error + " (PostgreSQL; SQLite: " + sqlite.error + ")",
                     LocationAt(file, text, pg.error_offset));
  }
  if (dialect == SqlDialect::kMysql) {
    const internal::SqlLexResult lexed = internal::LexSql(text, file, true);
    Source source = FromParsed(internal::ParseCreateTables(lexed, text, file),
                               SourceFormat::kMysqlDdl, text, file);
    AddTrailingComments(source, lexed, text);
    return source;
  }
  const SqliteOutcome sqlite = RunSqlite(text);
  if (!sqlite.ok) throw InputError(sqlite.error, LocationAt(file, text, sqlite.error_offset));
  const internal::SqlLexResult lexed = internal::LexSql(text, file, false);
  Source source = SqliteSource(sqlite, lexed, text, file);
  AddTrailingComments(source, lexed, text);
  return source;
}

Source ReadDdlFile(const std::filesystem::path& path, SqlDialect dialect) {
  return ReadDdl(internal::ReadTextFile(path), path.string(), dialect);
}

}  // namespace rampart::compliance
