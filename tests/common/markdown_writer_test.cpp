#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/markdown_writer.h>

namespace rampart {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Counts the cell separators of a GFM table row that are not escaped.
int UnescapedPipes(const std::string& line) {
  int pipes = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
      continue;
    }
    pipes += line[i] == '|' ? 1 : 0;
  }
  return pipes;
}

TEST(MarkdownWriterTest, TableHasHeaderAlignmentRowAndEscapedCells) {
  Table table{.headers = {"column", "score"}, .align = {Align::kLeft, Align::kRight}};
  table.rows = {{"a|b", "0.5"}, {"multi\nline", "*1*"}};
  MarkdownWriter md;
  md.Heading(2, "Results").AddTable(table);
  const auto lines = Lines(md.str());
  ASSERT_EQ(lines.size(), 6U);
  EXPECT_EQ(lines[0], "## Results");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "| column | score |");
  EXPECT_EQ(lines[3], "| :--- | ---: |");
  EXPECT_EQ(lines[4], "| a\\|b | 0.5 |");
  EXPECT_EQ(lines[5], "| multi<br>line | \\*1\\* |");
  for (std::size_t i = 2; i < lines.size(); ++i) EXPECT_EQ(UnescapedPipes(lines[i]), 3) << lines[i];
}

TEST(MarkdownWriterTest, ParagraphsAreSeparatedAndEscaped) {
  MarkdownWriter md;
  md.Heading(1, "Audit #1").Paragraph("model_v2 passed").Bullets({"a_b", "c"});
  EXPECT_EQ(md.str(), "# Audit \\#1\n\nmodel\\_v2 passed\n\n- a\\_b\n- c\n");
}

TEST(MarkdownWriterTest, CodeFenceIsLongerThanAnyBacktickRun) {
  MarkdownWriter md;
  md.CodeBlock("a ``` b", "sql");
  EXPECT_EQ(md.str(), "````sql\na ``` b\n````\n");
}

}  // namespace
}  // namespace rampart
