// The neutral schema model every reader produces (SQL DDL, JSON Schema, Avro, CSV, live
// databases) and the scanner consumes: sources hold tables, tables hold columns, and every column
// remembers where it was declared so that reports can point at file:line:column.
//
//   rampart::compliance::Source source = ReadDdlFile("shop.sql");
//   for (const Table& table : source.tables)
//     for (const Column& column : table.columns)
//       std::cout << column.location.ToString() << " " << table.name << "." << column.name;
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <rampart/common/error.h>

namespace rampart::compliance {

enum class SourceFormat {
  kPostgresDdl,
  kSqliteDdl,
  kMysqlDdl,
  kJsonSchema,
  kAvro,
  kCsv,
  kDatabase,
};

// "postgresql", "sqlite", "mysql", "json_schema", "avro", "csv", "database".
[[nodiscard]] const char* SourceFormatName(SourceFormat format);

struct Column {
  std::string name;  // the declared name ("email"; for nested fields the leaf name)
  std::string path;  // dotted path inside the table ("address.street"); equals name if flat
  std::string type;  // as declared ("varchar(255)", "string", "array<string>"); inferred for CSV
  std::optional<bool> nullable;  // unknown when the format does not say
  std::string comment;           // COMMENT, description, doc, or a trailing "-- ..." in DDL
  SourceLocation location;       // where the column is declared (CSV: header line and column)
  // Sampled values (CSV rows, database rows); empty for schema-only sources. Empty strings and
  // SQL NULLs are kept out, so that the validated fraction counts real values only.
  std::vector<std::string> samples;
  std::size_t null_count = 0;  // sampled values that were empty or NULL
};

struct Table {
  std::string name;     // schema-qualified as written ("crm.customers"); CSV: file stem
  std::string comment;  // table comment, JSON Schema description, Avro doc
  SourceLocation location;
  std::vector<Column> columns;
};

struct Source {
  std::string path;  // file path or database URL (credentials removed)
  SourceFormat format = SourceFormat::kCsv;
  std::vector<Table> tables;
  std::size_t sampled_rows = 0;  // rows the samples were drawn from (CSV, databases)
};

// Converts a byte offset into `text` to a 1-based line and column (columns count bytes).
[[nodiscard]] SourceLocation LocationAt(const std::string& file, std::string_view text,
                                        std::size_t offset);

}  // namespace rampart::compliance
