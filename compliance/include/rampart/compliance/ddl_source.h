// Reads SQL DDL (CREATE TABLE, ALTER TABLE ... ADD COLUMN, COMMENT ON) into the neutral schema
// model, for three dialects:
//  - PostgreSQL through libpg_query (the server's own grammar), with COMMENT ON COLUMN/TABLE;
//  - SQLite by running the statements in an in-memory SQLite database and reading
//    PRAGMA table_xinfo (SQLite's exact view of its own DDL), then locating each column in the
//    text;
//  - MySQL/MariaDB (backticks, ENGINE=, inline COMMENT '...', AUTO_INCREMENT) with a tolerant
//    reader of its own.
// With SqlDialect::kAuto the dialect is decided per file: PostgreSQL if libpg_query accepts it,
// else MySQL if MySQL-only syntax is present, else SQLite; if none accepts the text, the
// PostgreSQL error is reported with its file:line:column.
//
//   Source s = ReadDdlFile("shop.sql");                  // format tells which dialect was used
//   Source t = ReadDdl("CREATE TABLE t (a int);", "inline.sql", SqlDialect::kPostgres);
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <rampart/compliance/schema.h>

namespace rampart::compliance {

enum class SqlDialect { kAuto, kPostgres, kSqlite, kMysql };

// Throws InputError (with file:line:column) when the text is not valid DDL in the dialect.
[[nodiscard]] Source ReadDdl(std::string_view text, const std::string& file,
                             SqlDialect dialect = SqlDialect::kAuto);
// Reads the file; throws NotFoundError / IoError when it cannot be read.
[[nodiscard]] Source ReadDdlFile(const std::filesystem::path& path,
                                 SqlDialect dialect = SqlDialect::kAuto);

}  // namespace rampart::compliance
