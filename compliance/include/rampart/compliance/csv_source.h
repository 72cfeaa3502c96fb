// Reads a CSV file with a header row into the neutral schema model: one table (the file stem),
// one column per header field, and as each column's sample the values of up to `sample_rows`
// rows drawn uniformly from the whole file by reservoir sampling (Vitter's Algorithm R) with a
// seeded engine: one streaming pass, memory bounded by sample_rows rows whatever the file size.
// The delimiter is sniffed among , ; tab | (European decimal commas stay inside values); a UTF-8
// byte-order mark is skipped. Column types are inferred from the sample.
//
//   Source s = ReadCsvFile("patients.csv", {.sample_rows = 500, .seed = 7});
//   const Column& c = s.tables[0].columns[0];   // c.samples: up to 500 values
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>

#include <rampart/compliance/schema.h>

namespace rampart::compliance {

struct CsvSampleOptions {
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;
};

// Throws InvalidArgumentError for sample_rows == 0, InputError (file:line:col) on malformed CSV.
[[nodiscard]] Source ReadCsv(std::istream& in, const std::string& file,
                             const CsvSampleOptions& options = {});
[[nodiscard]] Source ReadCsvFile(const std::filesystem::path& path,
                                 const CsvSampleOptions& options = {});

// Type of a set of values as people would declare it: "integer", "decimal" (also with a
// decimal comma), "boolean", "date", "timestamp", "text", or "empty".
[[nodiscard]] std::string InferValueType(const std::vector<std::string>& values);

}  // namespace rampart::compliance
