// A self-contained HTML page for people: inline CSS, no scripts, no network requests, so that
// the report opens the same from a CI artifact, an e-mail or a file share.
//
//   rampart::HtmlDocument page("Compliance report");
//   page.Heading(2, "Findings").Paragraph("3 findings").AddTable(table);
//   rampart::WriteFileAtomically("report.html", page.str());
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rampart/common/report.h>

namespace rampart {

// Escapes & < > " ' for text and attribute values.
[[nodiscard]] std::string EscapeHtml(std::string_view text);

// A table cell with an optional CSS class: the page styles "pass", "fail", "warn", "muted",
// "sev-critical", "sev-high", "sev-medium", "sev-low" and "sev-info".
struct HtmlCell {
  std::string text;
  std::string css_class;
};

class HtmlDocument {
 public:
  explicit HtmlDocument(std::string title);

  HtmlDocument& Heading(int level, std::string_view text);
  HtmlDocument& Paragraph(std::string_view text);
  HtmlDocument& Bullets(const std::vector<std::string>& items);
  HtmlDocument& AddTable(const Table& table);
  // A table whose cells carry CSS classes; `headers` as in Table.
  HtmlDocument& AddTable(const std::vector<std::string>& headers,
                         const std::vector<std::vector<HtmlCell>>& rows);
  // Key/value summary list (<dl>), e.g. model, samples, seed.
  HtmlDocument& Summary(const std::vector<std::pair<std::string, std::string>>& items);
  // Markup written as given, for trusted content built by rampart itself (an inline SVG chart).
  HtmlDocument& RawHtml(std::string_view html);

  // The complete page, <!DOCTYPE html> to </html>.
  [[nodiscard]] std::string str() const;

 private:
  std::string title_;
  std::string body_;
};

}  // namespace rampart
