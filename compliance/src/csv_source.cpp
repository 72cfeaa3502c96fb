#include <algorithm>
#include <charconv>
#include <fstream>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>
#include <rampart/compliance/csv_source.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

bool IsInteger(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return !v.empty() && v.size() <= 18 &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsDecimal(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  const auto sep = v.find_first_of(".,");
  if (sep == std::string_view::npos || sep == 0 || sep + 1 == v.size()) return false;
  return IsInteger(v.substr(0, sep)) && IsInteger(v.substr(sep + 1)) &&
         v.find_first_of(".,", sep + 1) == std::string_view::npos;
}

bool IsDateText(std::string_view v) {
  // YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, MM/DD/YYYY
  auto digits = [&](std::size_t pos, std::size_t count) {
    if (pos + count > v.size()) return false;
    return std::all_of(v.begin() + static_cast<std::ptrdiff_t>(pos),
                       v.begin() + static_cast<std::ptrdiff_t>(pos + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (v.size() >= 10 && digits(0, 4) && v[4] == '-' && digits(5, 2) && v[7] == '-' && digits(8, 2))
    return true;
  return v.size() >= 10 && digits(0, 2) && (v[2] == '.' || v[2] == '/') && digits(3, 2) &&
         v[5] == v[2] && digits(6, 4);
}

}  // namespace

std::string InferValueType(const std::vector<std::string>& values) {
  if (values.empty()) return "empty";
  bool all_int = true;
  bool all_num = true;
  bool all_bool = true;
  bool all_date = true;
  bool all_timestamp = true;
  for (const std::string& raw : values) {
    const std::string value = internal::AsciiLower(internal::Trim(raw));
    const bool integer = IsInteger(value);
    all_int = all_int && integer;
    all_num = all_num && (integer || IsDecimal(value));
    all_bool = all_bool && (value == "true" || value == "false" || value == "yes" ||
                            value == "no" || value == "t" || value == "f" || value == "0" ||
                            value == "1" || value == "y" || value == "n");
    const bool date = IsDateText(value);
    all_date = all_date && date && value.size() == 10;
    all_timestamp = all_timestamp && date && value.size() > 10;
  }
  if (all_bool && !all_int) return "boolean";
  if (all_bool) {
    const bool binary = std::all_of(values.begin(), values.end(),
                                    [](const std::string& v) { return v == "0" || v == "1"; });
    if (binary) return "boolean";
  }
  if (all_int) return "integer";
  if (all_num) return "decimal";
  if (all_date) return "date";
  if (all_timestamp) return "timestamp";
  return "text";
}

Source ReadCsv(std::istream& in, const std::string& file, const CsvSampleOptions& options) {
  if (options.sample_rows == 0) {
    throw InvalidArgumentError("sample_rows must be at least 1", {.field = "--sample-rows"});
  }
  // Sniff the delimiter from the first 64 KiB, then read the whole stream from the start.
  std::string head(std::size_t{64} * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  if (!in) throw IoError("cannot rewind the input to read it after sniffing", {.file = file});
  if (head.empty()) throw InputError("empty CSV file: a header row is required", {.file = file});

  CsvOptions csv_options{.delimiter = SniffCsvDelimiter(head), .source_name = file};
  CsvReader reader(in, csv_options);
  CsvRow header;
  if (!reader.ReadRow(header)) {
    throw InputError("empty CSV file: a header row is required", {.file = file});
  }
  // Header column positions for locations: split the first physical line ourselves.
  std::size_t bom = head.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  std::vector<std::int64_t> columns;
  {
    bool quoted = false;
    std::int64_t column = 1;
    columns.push_back(1);
    for (std::size_t i = bom; i < head.size() && (quoted || head[i] != '\n'); ++i, ++column) {
      if (head[i] == '"') quoted = !quoted;
      if (!quoted && head[i] == csv_options.delimiter) columns.push_back(column + 1);
    }
  }

  Table table;
  table.name = std::filesystem::path(file).stem().string();
  table.location = {.file = file, .line = 1, .column = 1};
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    Column c;
    c.name = std::string(internal::Trim(header.fields[i]));
    c.path = c.name;
    c.location = {.file = file, .line = header.line, .column = i < columns.size() ? columns[i] : 1};
    table.columns.push_back(std::move(c));
  }

  // Algorithm R: the first k rows fill the reservoir; row t > k replaces a random slot with
  // probability k/t. Each kept row is the field vector, so memory is k rows.
  boost::random::mt19937_64 engine(options.seed);
  std::vector<std::vector<std::string>> reservoir;
  reservoir.reserve(std::min<std::size_t>(options.sample_rows, 4096));
  std::uint64_t seen = 0;
  CsvRow row;
  while (reader.ReadRow(row)) {
    ++seen;
    if (reservoir.size() < options.sample_rows) {
      reservoir.push_back(row.fields);
      continue;
    }
    boost::random::uniform_int_distribution<std::uint64_t> pick(0, seen - 1);
    const std::uint64_t slot = pick(engine);
    if (slot < options.sample_rows) reservoir[static_cast<std::size_t>(slot)] = row.fields;
  }
  for (const auto& fields : reservoir) {
    for (std::size_t i = 0; i < table.columns.size() && i < fields.size(); ++i) {
      const std::string_view value = internal::Trim(fields[i]);
      const std::string lower = internal::AsciiLower(value);
      if (value.empty() || lower == "null" || lower == "\\n" || lower == "na" || lower == "n/a") {
        ++table.columns[i].null_count;
      } else {
        table.columns[i].samples.emplace_back(value);
      }
    }
  }
  for (Column& c : table.columns) {
    c.type = InferValueType(c.samples);
    c.nullable = c.null_count > 0;
  }
  Source source{.path = file, .format = SourceFormat::kCsv};
  source.sampled_rows = static_cast<std::size_t>(seen);
  source.tables.push_back(std::move(table));
  return source;
}

Source ReadCsvFile(const std::filesystem::path& path, const CsvSampleOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw NotFoundError("no such file", {.file = path.string()});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open for reading", {.file = path.string()});
  return ReadCsv(in, path.string(), options);
}

}  // namespace rampart::compliance
