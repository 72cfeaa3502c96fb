// libFuzzer target: the schema readers (SQL DDL in every dialect, JSON Schema, Avro) and the
// value detector must turn any byte string into a schema or a rampart::Error, never crash, hang
// or read out of bounds. The first byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include <rampart/common/error.h>
#include <rampart/compliance/ddl_source.h>
#include <rampart/compliance/detectors.h>
#include <rampart/compliance/json_schema_source.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace rampart::compliance;
  try {
    switch (data[0] % 6) {
      case 0:
        (void)ReadDdl(text, "fuzz.sql");
        break;
      case 1:
        (void)ReadDdl(text, "fuzz.sql", SqlDialect::kMysql);
        break;
      case 2:
        (void)ReadDdl(text, "fuzz.sql", SqlDialect::kSqlite);
        break;
      case 3:
        (void)ReadJsonSchema(text, "fuzz.json");
        break;
      case 4:
        (void)ReadAvroSchema(text, "fuzz.avsc");
        break;
      default: {
        static ValueDetector detector;
        (void)detector.Detect(text);
        break;
      }
    }
  } catch (const rampart::Error&) {
  }
  return 0;
}
