// A streaming RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes ("") and
// newlines, CRLF or LF line ends, an optional UTF-8 byte-order mark, and errors that say where.
//
//   std::ifstream in("data.csv", std::ios::binary);
//   rampart::CsvReader reader(in, {.source_name = "data.csv"});
//   rampart::CsvRow row;
//   while (reader.ReadRow(row)) Use(row.fields, row.line);
//
// Memory is bounded by the longest record, whatever the file size. A ragged row (a different
// field count than the first row) is an InputError naming its line, unless `allow_ragged` is set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace rampart {

struct CsvOptions {
  char delimiter = ',';
  std::string source_name = "<input>";  // used in error locations
  bool allow_ragged = false;
  bool skip_empty_lines = true;
};

struct CsvRow {
  std::vector<std::string> fields;
  std::int64_t line = 0;  // 1-based line where the record starts
};

class CsvReader {
 public:
  CsvReader(std::istream& in, CsvOptions options = {});

  // Reads the next record into `row` (reusing its storage). Returns false at end of input.
  // Throws InputError on an unterminated quote, text after a closing quote, or a ragged row.
  bool ReadRow(CsvRow& row);

  // Field count of the first record, 0 before it was read.
  [[nodiscard]] std::size_t width() const { return width_; }
  [[nodiscard]] const CsvOptions& options() const { return options_; }

 private:
  int Get();
  int Peek();

  std::streambuf* buffer_;  // read directly: istream::get() costs a sentry per character
  std::string pending_;     // bytes read while checking for a byte-order mark
  std::size_t pending_pos_ = 0;
  CsvOptions options_;
  std::int64_t line_ = 1;
  std::int64_t column_ = 1;
  std::size_t width_ = 0;
  bool started_ = false;
};

// Picks the most plausible delimiter among `candidates` from a sample of the file's first lines:
// the one that splits the most lines into the same number (> 1) of fields, outside quotes.
// Decimal commas ("3,5" in a ';'-separated file) do not fool it because ';' gives a consistent
// count where ',' does not. Returns candidates[0] when nothing splits.
[[nodiscard]] char SniffCsvDelimiter(const std::string& sample,
                                     const std::string& candidates = ",;\t|");

}  // namespace rampart
