#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>

namespace rampart {
namespace {

std::vector<CsvRow> ReadAll(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(in, std::move(options));
  std::vector<CsvRow> rows;
  CsvRow row;
  while (reader.ReadRow(row)) rows.push_back(row);
  return rows;
}

using Fields = std::vector<std::string>;

TEST(CsvReaderTest, PlainRowsWithLineNumbers) {
  const auto rows = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReaderTest, QuotesEmbeddedDelimitersQuotesAndNewlines) {
  const auto rows = ReadAll("name,note\n\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\nx,y\n");
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].fields, (Fields{"Doe, Jane", "said \"hi\"\nthen left"}));
  EXPECT_EQ(rows[2].line, 4);  // the quoted newline counts as a line
}

TEST(CsvReaderTest, CrlfAndMissingFinalNewline) {
  const auto rows = ReadAll("a,b\r\n1,2\r\n3,4");
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[2].fields, (Fields{"3", "4"}));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped) {
  const auto rows = ReadAll("\xEF\xBB\xBFid,email\n1,a@b.example\n");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].fields[0], "id");
}

TEST(CsvReaderTest, NonBomLeadingBytesAreKept) {
  const auto rows = ReadAll("\xEF\xBBx,y\n");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].fields[0], "\xEF\xBBx");
}

TEST(CsvReaderTest, EmptyFieldsAndEmptyLines) {
  const auto rows = ReadAll("a,,c\n\n,,\n");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"", "", ""}));
  EXPECT_EQ(rows[1].line, 3);
}

TEST(CsvReaderTest, OtherDelimiter) {
  const auto rows = ReadAll("a;b\n1,5;2\n", {.delimiter = ';'});
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].fields, (Fields{"1,5", "2"}));
}

TEST(CsvReaderTest, RaggedRowIsAnErrorWithItsLine) {
  try {
    ReadAll("a,b\n1,2\n3\n", {.source_name = "data.csv"});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.location().file, "data.csv");
    EXPECT_EQ(error.location().line, 3);
    EXPECT_NE(std::string(error.what()).find("1 fields, expected 2"), std::string::npos);
  }
  EXPECT_EQ(ReadAll("a,b\n3\n", {.allow_ragged = true}).size(), 2U);
}

TEST(CsvReaderTest, UnterminatedQuoteReportsWhereItStarted) {
  try {
    ReadAll("a,b\n1,\"open\n2,3\n", {.source_name = "x.csv"});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_EQ(error.location().line, 2);
    EXPECT_EQ(error.location().column, 3);
  }
}

TEST(CsvReaderTest, TextAfterClosingQuoteAndBareQuotesAreErrors) {
  EXPECT_THROW(ReadAll("\"a\"b,c\n"), InputError);
  EXPECT_THROW(ReadAll("ab\"c,d\n"), InputError);
}

TEST(CsvReaderTest, SniffsDelimiters) {
  EXPECT_EQ(SniffCsvDelimiter("a,b,c\n1,2,3\n"), ',');
  // European decimals: ';' splits every line the same way, ',' does not.
  EXPECT_EQ(SniffCsvDelimiter("name;price;qty\napple;1,50;3\npear;2,25;10\nfig;3;1\n"), ';');
  EXPECT_EQ(SniffCsvDelimiter("a\tb\n1\t2\n"), '\t');
  EXPECT_EQ(SniffCsvDelimiter("a|b|c\n\"x|y\"|2|3\n"), '|');
  EXPECT_EQ(SniffCsvDelimiter("single\ncolumn\n"), ',');
}

}  // namespace
}  // namespace rampart
