#include <algorithm>
#include <string>

#include <rampart/common/markdown_writer.h>

namespace rampart {

std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '#':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "<br>";
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void MarkdownWriter::BlankLineBefore() {
  if (!out_.empty()) out_ += '\n';
}

MarkdownWriter& MarkdownWriter::Heading(int level, std::string_view text) {
  BlankLineBefore();
  out_ += std::string(static_cast<std::size_t>(std::clamp(level, 1, 6)), '#') + ' ' +
          EscapeMarkdown(text) + '\n';
  return *this;
}

MarkdownWriter& MarkdownWriter::Paragraph(std::string_view text) {
  BlankLineBefore();
  out_ += EscapeMarkdown(text) + '\n';
  return *this;
}

MarkdownWriter& MarkdownWriter::Raw(std::string_view markdown) {
  BlankLineBefore();
  out_ += markdown;
  if (out_.empty() || out_.back() != '\n') out_ += '\n';
  return *this;
}

MarkdownWriter& MarkdownWriter::Bullets(const std::vector<std::string>& items) {
  BlankLineBefore();
  for (const auto& item : items) out_ += "- " + EscapeMarkdown(item) + '\n';
  return *this;
}

MarkdownWriter& MarkdownWriter::AddTable(const Table& table) {
  BlankLineBefore();
  std::size_t columns = table.headers.size();
  for (const auto& row : table.rows) columns = std::max(columns, row.size());
  if (columns == 0) return *this;
  auto emit = [&](const std::vector<std::string>& cells) {
    out_ += '|';
    for (std::size_t i = 0; i < columns; ++i) {
      out_ += ' ';
      if (i < cells.size()) out_ += EscapeMarkdown(cells[i]);
      out_ += " |";
    }
    out_ += '\n';
  };
  emit(table.headers);
  out_ += '|';
  for (std::size_t i = 0; i < columns; ++i) {
    switch (table.AlignmentOf(i)) {
      case Align::kLeft:
        out_ += " :--- |";
        break;
      case Align::kRight:
        out_ += " ---: |";
        break;
      case Align::kCenter:
        out_ += " :---: |";
        break;
    }
  }
  out_ += '\n';
  for (const auto& row : table.rows) emit(row);
  return *this;
}

MarkdownWriter& MarkdownWriter::CodeBlock(std::string_view code, std::string_view language) {
  BlankLineBefore();
  // A fence longer than any run of backticks inside the code cannot be closed by it.
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  out_ += fence + std::string(language) + '\n' + std::string(code);
  if (code.empty() || code.back() != '\n') out_ += '\n';
  out_ += fence + '\n';
  return *this;
}

}  // namespace rampart
