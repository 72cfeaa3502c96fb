#include <rampart/compliance/schema.h>

namespace rampart::compliance {

const char* SourceFormatName(SourceFormat format) {
  switch (format) {
    case SourceFormat::kPostgresDdl:
      return "postgresql";
    case SourceFormat::kSqliteDdl:
      return "sqlite";
    case SourceFormat::kMysqlDdl:
      return "mysql";
    case SourceFormat::kJsonSchema:
      return "json_schema";
    case SourceFormat::kAvro:
      return "avro";
    case SourceFormat::kCsv:
      return "csv";
    case SourceFormat::kDatabase:
      return "database";
  }
  return "unknown";
}

SourceLocation LocationAt(const std::string& file, std::string_view text, std::size_t offset) {
  SourceLocation location{.file = file, .line = 1, .column = 1};
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++location.line;
      location.column = 1;
    } else {
      ++location.column;
    }
  }
  return location;
}

}  // namespace rampart::compliance
