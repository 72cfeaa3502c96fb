// Rows for the k-anonymity and l-diversity rules. The scanner keeps each column's sampled values
// apart (and without empty values), which is right for classifying a column but loses which
// values share a row; quasi-identifier combinations need whole rows, so this reads them again:
// a uniform sample of at most `sample_rows` rows of the asked columns, from a CSV file (one
// streaming pass, reservoir sampling) or a database table (read-only, ORDER BY random()).
//
//   RowSampler sampler({.sample_rows = 1000, .database_urls = {"sqlite:shop.db"}});
//   std::optional<SampledRows> rows =
//       sampler.Sample("people.csv", "people", {"birth_date", "postcode", "gender"});
//   if (rows) for (const auto& row : rows->rows) Use(row[0], row[1], row[2]);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rampart::compliance {

struct RowSamplerOptions {
  std::size_t sample_rows = 1000;
  std::uint64_t seed = 0x5eed5eedULL;
  // The scanned databases' URLs as given (with credentials): a scan result names a database by
  // its redacted URL, and the sampler reconnects through the matching entry here.
  std::vector<std::string> database_urls;
};

struct SampledRows {
  std::vector<std::vector<std::string>> rows;  // values of the asked columns, in their order
  std::int64_t rows_read = 0;  // rows the sample was drawn from (CSV: the whole file)
};

class RowSampler {
 public:
  // Throws InvalidArgumentError for sample_rows == 0.
  explicit RowSampler(RowSamplerOptions options = {});

  // A sample of rows of `columns` (matched by exact name, then case-insensitively) of `table`
  // in `source` (a CSV/TSV/PSV path or a scanned database's redacted URL). std::nullopt when the
  // source holds no rows (schema files), a column is missing, or the source cannot be read (the
  // scan has reported that already). SQL NULL and empty cells both read as "".
  [[nodiscard]] std::optional<SampledRows> Sample(const std::string& source,
                                                  const std::string& table,
                                                  const std::vector<std::string>& columns) const;

  [[nodiscard]] const RowSamplerOptions& options() const { return options_; }

 private:
  RowSamplerOptions options_;
};

}  // namespace rampart::compliance
