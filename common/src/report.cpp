#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include <rampart/common/report.h>

namespace rampart {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const Severity severity :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (lower == SeverityName(severity)) return severity;
  }
  return std::nullopt;
}

std::size_t Utf8Width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string FormatTextTable(const Table& table) {
  const std::size_t columns = std::max(
      table.headers.size(),
      table.rows.empty()
          ? std::size_t{0}
          : std::max_element(table.rows.begin(), table.rows.end(),
                             [](const auto& a, const auto& b) { return a.size() < b.size(); })
                ->size());
  std::vector<std::size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      widths[i] = std::max(widths[i], Utf8Width(cells[i]));
  };
  measure(table.headers);
  for (const auto& row : table.rows) measure(row);

  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < columns; ++i) {
      const std::string empty;
      const std::string& cell = i < cells.size() ? cells[i] : empty;
      const std::size_t pad = widths[i] - Utf8Width(cell);
      if (i > 0) line += "  ";
      switch (table.AlignmentOf(i)) {
        case Align::kRight:
          line += std::string(pad, ' ') + cell;
          break;
        case Align::kCenter:
          line += std::string(pad / 2, ' ') + cell + std::string(pad - pad / 2, ' ');
          break;
        case Align::kLeft:
          line += cell + std::string(pad, ' ');
          break;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  };
  if (!table.headers.empty()) {
    emit(table.headers);
    std::vector<std::string> rule;
    rule.reserve(columns);
    for (const std::size_t width : widths) rule.emplace_back(width, '-');
    emit(rule);
  }
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);  // fmt prints the shortest round-trip representation
}

std::string FormatSignificant(double value, int digits) {
  if (!std::isfinite(value)) return FormatNumber(value);
  std::string text = fmt::format("{:.{}g}", value, std::max(digits, 1));
  return text;
}

}  // namespace rampart
