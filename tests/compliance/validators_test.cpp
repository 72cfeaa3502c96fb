// Every validator with published or independently computed valid values and with the same
// values after one check character was changed.
#include <gtest/gtest.h>

#include <rampart/compliance/validators.h>

namespace rampart::compliance {
namespace {

TEST(ValidatorsTest, LuhnAndCards) {
  EXPECT_TRUE(LuhnValid("79927398713"));  // the textbook example
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_EQ(CardBrand("4111 1111 1111 1111"), "visa");
  EXPECT_EQ(CardBrand("5555555555554444"), "mastercard");
  EXPECT_EQ(CardBrand("2223003122003222"), "mastercard");
  EXPECT_EQ(CardBrand("378282246310005"), "amex");
  EXPECT_EQ(CardBrand("6011111111111117"), "discover");
  EXPECT_EQ(CardBrand("3530111333300000"), "jcb");
  EXPECT_EQ(CardBrand("30569309025904"), "diners");
  EXPECT_FALSE(CardBrand("4111111111111112"));   // Luhn fails
  EXPECT_FALSE(CardBrand("0000000000000000"));   // passes Luhn, no issuer
  EXPECT_FALSE(CardBrand("9111111111111111"));   // no issuer range
  EXPECT_FALSE(CardBrand("41111111111111113"));  // Visa has no 17-digit numbers
}

TEST(ValidatorsTest, Imei) {
  EXPECT_TRUE(ImeiValid("490154203237518"));
  EXPECT_TRUE(ImeiValid("49-015420-323751-8"));
  EXPECT_FALSE(ImeiValid("490154203237517"));
  EXPECT_FALSE(ImeiValid("000000000000000"));
}

TEST(ValidatorsTest, Iban) {
  EXPECT_TRUE(IbanValid("DE89370400440532013000"));
  EXPECT_TRUE(IbanValid("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(IbanValid("GB82WEST12345698765432"));
  EXPECT_TRUE(IbanValid("NL91ABNA0417164300"));
  EXPECT_TRUE(IbanValid("FR1420041010050500013M02606"));
  EXPECT_TRUE(IbanValid("ES9121000418450200051332"));
  EXPECT_TRUE(IbanValid("IT60X0542811101000000123456"));
  EXPECT_FALSE(IbanValid("DE89370400440532013001"));  // mod 97 fails
  EXPECT_FALSE(IbanValid("DE8937040044053201300"));   // wrong length for DE
  EXPECT_FALSE(IbanValid("XX89370400440532013000"));  // no such country
}

TEST(ValidatorsTest, UsSsn) {
  EXPECT_TRUE(UsSsnValid("536-22-1234"));
  EXPECT_TRUE(UsSsnValid("536221234"));
  EXPECT_FALSE(UsSsnValid("666-22-1234"));
  EXPECT_FALSE(UsSsnValid("000-22-1234"));
  EXPECT_FALSE(UsSsnValid("912-22-1234"));
  EXPECT_FALSE(UsSsnValid("536-00-1234"));
  EXPECT_FALSE(UsSsnValid("536-22-0000"));
  EXPECT_FALSE(UsSsnValid("078-05-1120"));
  EXPECT_FALSE(UsSsnValid("536-22 1234"));  // mixed separators
}

TEST(ValidatorsTest, UkNinoAndNhs) {
  EXPECT_TRUE(UkNinoValid("AB123456C"));
  EXPECT_TRUE(UkNinoValid("AB 12 34 56 C"));
  EXPECT_FALSE(UkNinoValid("BG123456A"));
  EXPECT_FALSE(UkNinoValid("DA123456A"));
  EXPECT_FALSE(UkNinoValid("AB123456E"));
  EXPECT_TRUE(UkNhsValid("943 476 5919"));
  EXPECT_FALSE(UkNhsValid("943 476 5918"));
  EXPECT_FALSE(UkNhsValid("1111111111"));
}

TEST(ValidatorsTest, DutchBsn) {
  EXPECT_TRUE(NlBsnValid("111222333"));
  EXPECT_TRUE(NlBsnValid("123456782"));
  EXPECT_FALSE(NlBsnValid("123456789"));
  EXPECT_FALSE(NlBsnValid("000000000"));
}

TEST(ValidatorsTest, SpanishDniNie) {
  EXPECT_TRUE(EsDniValid("12345678Z"));
  EXPECT_TRUE(EsDniValid("12345678-z"));
  EXPECT_FALSE(EsDniValid("12345678A"));
  EXPECT_TRUE(EsNieValid("X1234567L"));
  EXPECT_FALSE(EsNieValid("X1234567M"));
  EXPECT_FALSE(EsNieValid("A1234567L"));
}

TEST(ValidatorsTest, ItalianCodiceFiscale) {
  EXPECT_TRUE(ItCodiceFiscaleValid("RSSMRA85T10A562S"));
  EXPECT_FALSE(ItCodiceFiscaleValid("RSSMRA85T10A562T"));
  EXPECT_FALSE(ItCodiceFiscaleValid("RSSMRA85Z10A562S"));  // Z is not a month letter
}

TEST(ValidatorsTest, FrenchNir) {
  EXPECT_TRUE(FrNirValid("1 84 12 76 451 089 46"));
  EXPECT_FALSE(FrNirValid("1 84 12 76 451 089 47"));
  EXPECT_FALSE(FrNirValid("5 84 12 76 451 089 46"));  // first digit is the sex: 1-4, 7, 8
}

TEST(ValidatorsTest, GermanSteuerId) {
  EXPECT_TRUE(DeSteuerIdValid("86095742719"));
  EXPECT_TRUE(DeSteuerIdValid("47036892816"));
  EXPECT_TRUE(DeSteuerIdValid("65929970489"));  // one digit three times, not in a row
  EXPECT_FALSE(DeSteuerIdValid("86095742718"));
  EXPECT_FALSE(DeSteuerIdValid("12345678903"));  // right check digit, all digits distinct
  EXPECT_FALSE(DeSteuerIdValid("06095742719"));
}

TEST(ValidatorsTest, SwedishPersonnummer) {
  EXPECT_TRUE(SePersonnummerValid("811218-9876"));
  EXPECT_TRUE(SePersonnummerValid("198112189876"));
  EXPECT_FALSE(SePersonnummerValid("811218-9875"));
  EXPECT_FALSE(SePersonnummerValid("811318-9876"));  // month 13
}

TEST(ValidatorsTest, PolishPesel) {
  EXPECT_TRUE(PlPeselValid("44051401359"));
  EXPECT_FALSE(PlPeselValid("44051401358"));
  EXPECT_FALSE(PlPeselValid("44053401359"));  // 34 -> 2000s month 14
}

TEST(ValidatorsTest, EmailIpMacUuid) {
  EXPECT_TRUE(EmailValid("anna.schmidt+news@example.co.uk"));
  EXPECT_FALSE(EmailValid("anna..schmidt@example.com"));
  EXPECT_FALSE(EmailValid("anna@localhost"));
  EXPECT_FALSE(EmailValid("anna@example.c0m"));
  EXPECT_EQ(IpVersion("192.168.1.20"), 4);
  EXPECT_EQ(IpVersion("2001:db8::8a2e:370:7334"), 6);
  EXPECT_FALSE(IpVersion("256.1.1.1"));
  EXPECT_FALSE(IpVersion("12:30:45"));
  EXPECT_TRUE(MacAddressValid("00:1A:2B:3C:4D:5E"));
  EXPECT_TRUE(MacAddressValid("001a.2b3c.4d5e"));
  EXPECT_FALSE(MacAddressValid("00:1A-2B:3C:4D:5E"));
  EXPECT_FALSE(MacAddressValid("ff:ff:ff:ff:ff:ff"));
  EXPECT_EQ(UuidVersion("6fa459ea-ee8a-3ca4-894e-db77e160355e"), 3);
  EXPECT_EQ(UuidVersion("EA7583CD-A667-48BC-B806-42ECB2B48606"), 4);
  EXPECT_FALSE(UuidVersion("ea7583cd-a667-48bc-c806-42ecb2b48606"));  // variant nibble
}

TEST(ValidatorsTest, Phones) {
  EXPECT_EQ(PhoneRegion("+49 30 901820"), "DE");
  EXPECT_EQ(PhoneRegion("+44 20 7946 0958"), "GB");
  EXPECT_EQ(PhoneRegion("(202) 456-1111"), "US");
  EXPECT_EQ(PhoneRegion("0049 30 901820"), "DE");
  EXPECT_FALSE(PhoneRegion("+49 12"));
  EXPECT_FALSE(PhoneRegion("+999 1234 5678"));
}

TEST(ValidatorsTest, DatesAndAges) {
  const auto d = ParseDate("1985-03-14");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->year, 1985);
  EXPECT_EQ(ParseDate("14.03.1985"), d);
  EXPECT_EQ(ParseDate("03/14/1985"), d);  // day 14 cannot be a month: US order
  EXPECT_FALSE(ParseDate("1985-02-30"));
  EXPECT_TRUE(ParseDate("2024-01-02T10:11:12Z")->has_time);
  const Date reference{.year = 2026, .month = 11, .day = 29};
  EXPECT_EQ(AgeInYears(*d, reference), 41);
  EXPECT_TRUE(PlausibleBirthDate(*d, reference));
  EXPECT_FALSE(PlausibleBirthDate({.year = 1890, .month = 1, .day = 1}, reference));
  EXPECT_FALSE(PlausibleBirthDate({.year = 2027, .month = 1, .day = 1}, reference));
  EXPECT_TRUE(CardExpiryValid("09/27"));
  EXPECT_FALSE(CardExpiryValid("13/27"));
}

TEST(ValidatorsTest, Postcodes) {
  const auto has = [](std::string_view text, const std::string& country) {
    const auto c = PostcodeCountries(text);
    return std::find(c.begin(), c.end(), country) != c.end();
  };
  EXPECT_TRUE(has("SW1A 1AA", "GB"));
  EXPECT_TRUE(has("EC1A1BB", "GB"));
  EXPECT_FALSE(has("QQ1A 1AA", "GB"));  // no such postcode area
  EXPECT_TRUE(has("1012 AB", "NL"));
  EXPECT_TRUE(has("10115", "DE"));
  EXPECT_TRUE(has("28013", "ES"));
  EXPECT_FALSE(has("99013", "ES"));  // provinces end at 52
  EXPECT_TRUE(has("1000-001", "PT"));
  EXPECT_TRUE(has("K1A 0B1", "CA"));
  EXPECT_TRUE(PostcodeCountries("hello").empty());
}

}  // namespace
}  // namespace rampart::compliance
