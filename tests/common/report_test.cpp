#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>

namespace rampart {
namespace {

TEST(ReportTest, SeverityRoundTrip) {
  for (const Severity s :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_EQ(ParseSeverity("HIGH"), Severity::kHigh);
  EXPECT_FALSE(ParseSeverity("severe").has_value());
}

TEST(ReportTest, TextTableAlignsColumns) {
  Table table{.headers = {"name", "value"}, .align = {Align::kLeft, Align::kRight}};
  table.rows = {{"epsilon", "1"}, {"δ", "0.00001"}};
  EXPECT_EQ(FormatTextTable(table),
            "name       value\n"
            "-------  -------\n"
            "epsilon        1\n"
            "δ        0.00001\n");
}

TEST(ReportTest, NumbersRoundTrip) {
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(3.0), "3");
  EXPECT_EQ(std::stod(FormatNumber(1.0 / 3.0)), 1.0 / 3.0);
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(FormatSignificant(0.41234, 3), "0.412");
  EXPECT_EQ(Utf8Width("δε"), 2U);
}

TEST(JsonWriterTest, NumbersAtFullPrecisionAndSchemaVersion) {
  nlohmann::json doc = NewJsonDocument();
  doc["x"] = 0.1 + 0.2;
  doc["nan"] = std::nan("");
  const std::string text = ToJsonText(doc, -1);
  EXPECT_EQ(text, "{\"nan\":null,\"schema_version\":1,\"x\":0.30000000000000004}\n");
  EXPECT_EQ(nlohmann::json::parse(text)["x"].get<double>(), 0.1 + 0.2);
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedNotFatal) {
  nlohmann::json doc = {{"column", std::string("caf\xE9")}};
  EXPECT_NO_THROW({ EXPECT_NE(ToJsonText(doc).find("caf\xEF\xBF\xBD"), std::string::npos); });
}

}  // namespace
}  // namespace rampart
