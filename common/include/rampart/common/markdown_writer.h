// GitHub-flavoured Markdown for reports that land in pull-request comments and job summaries.
// Every piece of user text is escaped, so a column named `a|b` or a message with `*` cannot
// break the table or the emphasis around it.
//
//   rampart::MarkdownWriter md;
//   md.Heading(1, "Robustness audit").Paragraph("Model: net.onnx").AddTable(table);
//   std::string text = md.str();
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rampart/common/report.h>

namespace rampart {

// Escapes Markdown's inline syntax (\ ` * _ [ ] < > | #) and turns newlines into <br> so that
// the text stays one table cell or one paragraph.
[[nodiscard]] std::string EscapeMarkdown(std::string_view text);

class MarkdownWriter {
 public:
  MarkdownWriter& Heading(int level, std::string_view text);
  // Escaped text as a paragraph.
  MarkdownWriter& Paragraph(std::string_view text);
  // Text written as given (the caller's own Markdown, e.g. "**passed**").
  MarkdownWriter& Raw(std::string_view markdown);
  MarkdownWriter& Bullets(const std::vector<std::string>& items);
  MarkdownWriter& AddTable(const Table& table);
  MarkdownWriter& CodeBlock(std::string_view code, std::string_view language = "");

  [[nodiscard]] const std::string& str() const { return out_; }

 private:
  void BlankLineBefore();
  std::string out_;
};

}  // namespace rampart
