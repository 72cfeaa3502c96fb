#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>

namespace rampart {

CsvReader::CsvReader(std::istream& in, CsvOptions options)
    : buffer_(in.rdbuf()), options_(std::move(options)) {
  // A UTF-8 byte-order mark is not data: skip it if the stream starts with one. Anything else
  // read while looking for it is kept and returned first.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  while (pending_.size() < kBom.size() && buffer_ != nullptr &&
         buffer_->sgetc() == static_cast<unsigned char>(kBom[pending_.size()])) {
    pending_.push_back(static_cast<char>(buffer_->sbumpc()));
  }
  if (pending_ == kBom) pending_.clear();
}

int CsvReader::Peek() {
  if (pending_pos_ < pending_.size()) return static_cast<unsigned char>(pending_[pending_pos_]);
  return buffer_ != nullptr ? buffer_->sgetc() : std::char_traits<char>::eof();
}

int CsvReader::Get() {
  int c = std::char_traits<char>::eof();
  if (pending_pos_ < pending_.size()) {
    c = static_cast<unsigned char>(pending_[pending_pos_++]);
  } else if (buffer_ != nullptr) {
    c = buffer_->sbumpc();
  }
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else if (c != std::char_traits<char>::eof()) {
    ++column_;
  }
  return c;
}

bool CsvReader::ReadRow(CsvRow& row) {
  constexpr int kEof = std::char_traits<char>::eof();
  const char delimiter = options_.delimiter;
  while (true) {
    row.fields.clear();
    row.line = line_;
    if (Peek() == kEof) return false;

    std::string field;
    bool record_done = false;
    bool line_is_empty = true;
    while (!record_done) {
      field.clear();
      int c = Peek();
      if (c == '"') {
        // Quoted field: runs to the matching quote; "" is a literal quote; newlines are data.
        const std::int64_t quote_line = line_;
        const std::int64_t quote_column = column_;
        Get();
        line_is_empty = false;
        while (true) {
          c = Get();
          if (c == kEof) {
            throw InputError(
                "unterminated quoted field",
                {.file = options_.source_name, .line = quote_line, .column = quote_column});
          }
          if (c == '"') {
            if (Peek() == '"') {
              Get();
              field.push_back('"');
              continue;
            }
            break;
          }
          field.push_back(static_cast<char>(c));
        }
        c = Peek();
        if (c != delimiter && c != '\n' && c != '\r' && c != kEof) {
          throw InputError("unexpected character after closing quote",
                           {.file = options_.source_name, .line = line_, .column = column_});
        }
      } else {
        while (c != delimiter && c != '\n' && c != '\r' && c != kEof) {
          if (c == '"') {
            throw InputError(
                "quote inside an unquoted field (quote the whole field and double the quote)",
                {.file = options_.source_name, .line = line_, .column = column_});
          }
          field.push_back(static_cast<char>(Get()));
          line_is_empty = false;
          c = Peek();
        }
      }
      row.fields.push_back(std::move(field));
      field = std::string();
      c = Peek();
      if (c == delimiter) {
        Get();
        line_is_empty = false;
      } else {
        if (c == '\r') {
          Get();
          if (Peek() == '\n')
            Get();
          else {  // a lone CR ends the record as well (old Mac files)
            ++line_;
            column_ = 1;
          }
        } else if (c == '\n') {
          Get();
        }
        record_done = true;
      }
    }

    if (line_is_empty && options_.skip_empty_lines) continue;
    if (!started_) {
      started_ = true;
      width_ = row.fields.size();
    } else if (!options_.allow_ragged && row.fields.size() != width_) {
      std::ostringstream message;
      message << "row has " << row.fields.size() << " fields, expected " << width_
              << " (as in the first row)";
      throw InputError(message.str(), {.file = options_.source_name, .line = row.line});
    }
    return true;
  }
}

char SniffCsvDelimiter(const std::string& sample, const std::string& candidates) {
  if (candidates.empty()) return ',';
  char best = candidates.front();
  std::size_t best_score = 0;
  for (const char delimiter : candidates) {
    // Count fields per line outside quotes, then score by how many lines share the most common
    // count (> 1 field).
    std::map<std::size_t, std::size_t> lines_per_count;
    std::size_t fields = 1;
    bool in_quotes = false;
    bool line_has_text = false;
    for (const char c : sample) {
      if (c == '"') in_quotes = !in_quotes;
      if (in_quotes) continue;
      if (c == '\n') {
        if (line_has_text) ++lines_per_count[fields];
        fields = 1;
        line_has_text = false;
      } else if (c != '\r') {
        line_has_text = true;
        if (c == delimiter) ++fields;
      }
    }
    if (line_has_text) ++lines_per_count[fields];
    std::size_t score = 0;
    for (const auto& [count, lines] : lines_per_count) {
      if (count > 1) score = std::max(score, lines * 1000 + count);
    }
    if (score > best_score) {
      best_score = score;
      best = delimiter;
    }
  }
  return best;
}

}  // namespace rampart
