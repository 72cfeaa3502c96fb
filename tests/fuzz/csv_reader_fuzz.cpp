// libFuzzer target: the CSV reader must turn any byte string into rows or an InputError, never
// crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  rampart::CsvReader reader(in, {.delimiter = size > 0 && data[0] % 2 == 0 ? ',' : ';'});
  rampart::CsvRow row;
  try {
    while (reader.ReadRow(row)) {
    }
  } catch (const rampart::InputError&) {
  }
  (void)rampart::SniffCsvDelimiter(text);
  return 0;
}
