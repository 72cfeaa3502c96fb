// Shared pieces of every report: severities, a plain table model rendered by the Markdown, HTML
// and text writers, and number formatting.
//
//   rampart::Table table{.headers = {"attack", "epsilon", "robust accuracy"},
//                        .align = {rampart::Align::kLeft, rampart::Align::kRight,
//                        rampart::Align::kRight}};
//   table.rows.push_back({"pgd", "0.03", "0.412"});
//   std::cout << rampart::FormatTextTable(table);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };

// "info", "low", "medium", "high", "critical".
[[nodiscard]] std::string_view SeverityName(Severity severity);
// Parses a name as above (case-insensitive); std::nullopt when unknown.
[[nodiscard]] std::optional<Severity> ParseSeverity(std::string_view name);

enum class Align { kLeft, kRight, kCenter };

struct Table {
  std::vector<std::string> headers;
  std::vector<Align> align;  // per column; missing entries are kLeft
  std::vector<std::vector<std::string>> rows;

  [[nodiscard]] Align AlignmentOf(std::size_t column) const {
    return column < align.size() ? align[column] : Align::kLeft;
  }
};

// An aligned plain-text table for terminals (`--format table`): columns padded to the widest cell
// (measured in UTF-8 code points), a dashed rule under the header, two spaces between columns.
[[nodiscard]] std::string FormatTextTable(const Table& table);

// Shortest decimal text that reads back as the same double ("0.1", "3.7291", "1e-05"); "nan",
// "inf", "-inf" for non-finite values. For tables; JSON documents carry numbers as numbers.
[[nodiscard]] std::string FormatNumber(double value);
// Fixed `digits` significant digits for people ("0.412", "12.3"), trailing zeros removed.
[[nodiscard]] std::string FormatSignificant(double value, int digits);

// Number of UTF-8 code points in `text` (continuation bytes are not counted).
[[nodiscard]] std::size_t Utf8Width(std::string_view text);

}  // namespace rampart
