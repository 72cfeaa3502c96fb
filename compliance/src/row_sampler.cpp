#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>

#include <rampart/common/csv_reader.h>
#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/compliance/db_source.h>
#include <rampart/compliance/rules/row_sampler.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

// Positions of `wanted` in `names`: exact match first, then case-insensitive; nullopt if one is
// missing.
std::optional<std::vector<std::size_t>> Positions(const std::vector<std::string>& names,
                                                  const std::vector<std::string>& wanted) {
  std::vector<std::size_t> positions;
  for (const std::string& w : wanted) {
    auto it = std::find(names.begin(), names.end(), w);
    if (it == names.end()) {
      it = std::find_if(names.begin(), names.end(), [&](const std::string& n) {
        return internal::AsciiLower(n) == internal::AsciiLower(w);
      });
    }
    if (it == names.end()) return std::nullopt;
    positions.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  return positions;
}

bool IsDelimitedFile(const std::string& path) {
  const std::string ext = internal::AsciiLower(std::filesystem::path(path).extension().string());
  return ext == ".csv" || ext == ".tsv" || ext == ".psv";
}

std::optional<SampledRows> SampleCsv(const std::string& path,
                                     const std::vector<std::string>& columns,
                                     const RowSamplerOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string head(std::size_t{64} * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const std::string ext = internal::AsciiLower(std::filesystem::path(path).extension().string());
  const char delimiter = ext == ".tsv" ? '\t' : ext == ".psv" ? '|' : SniffCsvDelimiter(head);
  in.clear();
  in.seekg(0);
  try {
    CsvReader reader(in, {.delimiter = delimiter, .source_name = path});
    CsvRow row;
    if (!reader.ReadRow(row)) return std::nullopt;
    const auto positions = Positions(row.fields, columns);
    if (!positions) return std::nullopt;
    SampledRows sample;
    std::mt19937_64 engine(options.seed);
    std::vector<std::string> projected(columns.size());
    // Algorithm R: row i (0-based) replaces a random reservoir slot with probability n/(i+1).
    while (reader.ReadRow(row)) {
      for (std::size_t i = 0; i < positions->size(); ++i)
        projected[i] = row.fields[(*positions)[i]];
      const auto seen = static_cast<std::uint64_t>(sample.rows_read);
      ++sample.rows_read;
      if (sample.rows.size() < options.sample_rows) {
        sample.rows.push_back(projected);
        continue;
      }
      const std::uint64_t slot = std::uniform_int_distribution<std::uint64_t>(0, seen)(engine);
      if (slot < options.sample_rows) sample.rows[static_cast<std::size_t>(slot)] = projected;
    }
    return sample;
  } catch (const Error&) {
    return std::nullopt;  // malformed: the scan has recorded it with its location
  }
}

std::optional<SampledRows> SampleDatabase(const std::string& url, const std::string& table,
                                          const std::vector<std::string>& columns,
                                          const RowSamplerOptions& options) {
  try {
    auto db = Database::Open(url, {.read_only = true, .create = false});
    std::string sql = "SELECT * FROM " + Database::QuoteIdentifier(table) + " LIMIT 0";
    std::vector<std::string> names;
    db->Stream(
        sql, {}, [&](const std::vector<std::string>& n) { names = n; },
        [](const DbRow&) { return false; });
    const auto positions = Positions(names, columns);
    if (!positions) return std::nullopt;
    std::string select;
    for (std::size_t p : *positions) {
      select += (select.empty() ? "" : ", ") + Database::QuoteIdentifier(names[p]);
    }
    sql = "SELECT " + select + " FROM " + Database::QuoteIdentifier(table) +
          " ORDER BY random() LIMIT " + std::to_string(options.sample_rows);
    SampledRows sample;
    db->Stream(
        sql, {}, [](const std::vector<std::string>&) {},
        [&](const DbRow& row) {
          std::vector<std::string> values;
          values.reserve(row.size());
          for (const DbValue& v : row) values.push_back(IsNull(v) ? "" : DbValueToString(v));
          sample.rows.push_back(std::move(values));
          ++sample.rows_read;
          return true;
        });
    return sample;
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

RowSampler::RowSampler(RowSamplerOptions options) : options_(std::move(options)) {
  if (options_.sample_rows == 0) {
    throw InvalidArgumentError("sample rows must be at least 1", {.field = "sample_rows"});
  }
}

std::optional<SampledRows> RowSampler::Sample(const std::string& source, const std::string& table,
                                              const std::vector<std::string>& columns) const {
  for (const std::string& url : options_.database_urls) {
    if (RedactUrl(url) == source) return SampleDatabase(url, table, columns, options_);
  }
  if (IsDelimitedFile(source)) return SampleCsv(source, columns, options_);
  return std::nullopt;
}

}  // namespace rampart::compliance
