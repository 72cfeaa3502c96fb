#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <rampart/common/html_writer.h>

namespace rampart {
namespace {

// The page is written as well-formed XHTML-compatible markup, so an XML parser can check its
// structure: every element closed, user text escaped.
pugi::xml_document ParseBody(const std::string& page) {
  const auto start = page.find("<html");
  pugi::xml_document doc;
  const auto result = doc.load_string(page.substr(start).c_str());
  EXPECT_TRUE(result) << result.description() << " at " << result.offset;
  return doc;
}

TEST(HtmlWriterTest, SelfContainedPageWithEscapedText) {
  HtmlDocument page("Report <1>");
  Table table{.headers = {"column", "n"}, .align = {Align::kLeft, Align::kRight}};
  table.rows = {{"<script>alert(1)</script>", "3"}};
  page.Paragraph("Tom & Jerry's \"data\"").AddTable(table).Summary({{"seed", "42"}});
  const std::string html = page.str();

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // never raw user markup
  EXPECT_EQ(html.find("http://"), std::string::npos);  // no network resources
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);

  const auto doc = ParseBody(html);
  EXPECT_STREQ(doc.select_node("/html/head/title").node().child_value(), "Report <1>");
  EXPECT_STREQ(doc.select_node("//main/p").node().child_value(), "Tom & Jerry's \"data\"");
  const auto cells = doc.select_nodes("//table/tbody/tr/td");
  ASSERT_EQ(cells.size(), 2U);
  EXPECT_STREQ(cells[0].node().child_value(), "<script>alert(1)</script>");
  EXPECT_STREQ(cells[1].node().attribute("class").value(), "num");
  EXPECT_EQ(doc.select_nodes("//table/thead/tr/th").size(), 2U);
  EXPECT_STREQ(doc.select_node("//dl/dd").node().child_value(), "42");
}

TEST(HtmlWriterTest, CellClasses) {
  HtmlDocument page("t");
  page.AddTable({"gate"}, {{{"passed", "pass"}}, {{"failed", "fail"}}});
  const auto doc = ParseBody(page.str());
  const auto cells = doc.select_nodes("//td");
  ASSERT_EQ(cells.size(), 2U);
  EXPECT_STREQ(cells[1].node().attribute("class").value(), "fail");
}

}  // namespace
}  // namespace rampart
