#include <string>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/compliance/generalize.h>

namespace rampart::compliance {
namespace {

std::string G(const std::string& value, const std::string& to) {
  return Generalize(value, *ParseGeneralization(to));
}

TEST(GeneralizeTest, DatesToYearAndMonth) {
  EXPECT_EQ(G("1985-03-12", "year"), "1985");
  EXPECT_EQ(G("1985-03-12T10:15:00Z", "year"), "1985");
  EXPECT_EQ(G("1985-03-12 10:15:00", "month"), "1985-03");
  EXPECT_EQ(G("1985-03", "month"), "1985-03");
  EXPECT_EQ(G("1985", "year"), "1985");
  EXPECT_THROW((void)G("12/03/1985", "year"), InputError);
  EXPECT_THROW((void)G("1985-13-01", "year"), InputError);
  EXPECT_THROW((void)G("1985", "month"), InputError);
  EXPECT_THROW((void)G("1985-03-12x", "year"), InputError);
  EXPECT_THROW((void)G("1990-02-30", "year"), InputError);  // no such day
  EXPECT_EQ(G("1992-02-29", "month"), "1992-02");
}

TEST(GeneralizeTest, Bands) {
  EXPECT_EQ(G("37", "band:10"), "30-39");
  EXPECT_EQ(G("30", "band:10"), "30-39");
  EXPECT_EQ(G("39.9", "band:10"), "30-39");
  EXPECT_EQ(G("0", "band:10"), "0-9");
  EXPECT_EQ(G("-1", "band:10"), "-10--1");
  EXPECT_EQ(G("-10", "band:10"), "-10--1");
  EXPECT_EQ(G("51038", "band:10000"), "50000-59999");
  EXPECT_EQ(G("7", "band:1"), "7-7");
  EXPECT_THROW((void)G("thirty", "band:10"), InputError);
  EXPECT_THROW((void)G("1e300", "band:10"), InputError);
}

TEST(GeneralizeTest, RoundsOnTheDecimalText) {
  EXPECT_EQ(G("48.85661", "round:2"), "48.86");
  EXPECT_EQ(G("2.675", "round:2"), "2.68");  // binary floating point would give 2.67
  EXPECT_EQ(G("-2.675", "round:2"), "-2.68");
  EXPECT_EQ(G("9.995", "round:2"), "10.00");
  EXPECT_EQ(G("99.5", "round:0"), "100");
  EXPECT_EQ(G("-0.001", "round:2"), "0.00");  // no "-0.00" class of its own
  EXPECT_EQ(G("5", "round:2"), "5.00");
  EXPECT_EQ(G(".5", "round:0"), "1");
  EXPECT_EQ(G("+007.25", "round:1"), "7.3");
  EXPECT_EQ(G("1.5e2", "round:1"), "150.0");
  EXPECT_THROW((void)G("north", "round:2"), InputError);
  EXPECT_THROW((void)G("1.2.3", "round:2"), InputError);
}

TEST(GeneralizeTest, PrefixCountsCodePoints) {
  EXPECT_EQ(G("75013", "prefix:2"), "75");
  EXPECT_EQ(G("7", "prefix:2"), "7");
  EXPECT_EQ(G("Zürich", "prefix:2"), "Zü");
  EXPECT_EQ(G("abc", "prefix:0"), "");
}

TEST(GeneralizeTest, EmptyStaysEmpty) {
  for (const char* to : {"year", "month", "band:10", "prefix:2", "round:2"}) {
    EXPECT_EQ(G("", to), "") << to;
  }
}

TEST(GeneralizeTest, Idempotent) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1985-03-12", "year"},  {"1985-03-12", "month"}, {"37", "band:10"},    {"-3", "band:5"},
      {"51038", "band:10000"}, {"48.85661", "round:2"}, {"9.995", "round:2"}, {"-0.001", "round:3"},
      {"75013", "prefix:3"},   {"Zürich", "prefix:3"},  {"12.5", "round:0"},  {"1.5e2", "round:1"}};
  for (const auto& [value, to] : cases) {
    const std::string once = G(value, to);
    EXPECT_EQ(G(once, to), once) << value << " " << to;
  }
}

TEST(MaskTest, KeepsTheLastCharacters) {
  EXPECT_EQ(MaskValue("+33 6 12 34 56 78", 4), "*************6 78");
  EXPECT_EQ(MaskValue("4111111111111111", 4), "************1111");
  EXPECT_EQ(MaskValue("123", 4), "123");
  EXPECT_EQ(MaskValue("secret", 0), "******");
  EXPECT_EQ(MaskValue("Grüße", 2), "***ße");
  EXPECT_EQ(MaskValue("", 2), "");
  const std::string once = MaskValue("DE89370400440532013000", 4);
  EXPECT_EQ(MaskValue(once, 4), once);
}

}  // namespace
}  // namespace rampart::compliance
