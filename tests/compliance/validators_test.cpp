// Every validator with published or independently computed valid values and with the same
// values after one check character was changed.
#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
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

// IbanValid reads the characters through a table and reduces MOD 97 every 13 digits: checked
// against the textbook computation (move the first four characters to the end, spell letters
// as two digits, take the remainder digit by digit) on random strings over the IBAN alphabet,
// spaces, lower case and stray bytes, with valid check digits put in half of them.
TEST(ValidatorsTest, IbanAgainstTextbookMod97) {
  const auto textbook = [](std::string_view text) {
    std::string compact;
    for (const char c : text) {
      if (c == ' ') continue;
      if (!std::isalnum(static_cast<unsigned char>(c))) return false;
      compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    if (compact.size() < 15 || compact.size() > 34) return false;
    if (!std::isalpha(static_cast<unsigned char>(compact[0])) ||
        !std::isalpha(static_cast<unsigned char>(compact[1])) ||
        !std::isdigit(static_cast<unsigned char>(compact[2])) ||
        !std::isdigit(static_cast<unsigned char>(compact[3])))
      return false;
    static const std::vector<std::pair<std::string, std::size_t>> kLengths = {
        {"DE", 22}, {"GB", 22}, {"FR", 27}, {"NL", 18}, {"NO", 15}, {"LC", 32}, {"RU", 33}};
    const auto country = std::find_if(kLengths.begin(), kLengths.end(), [&](const auto& entry) {
      return entry.first == compact.substr(0, 2);
    });
    if (country == kLengths.end() || country->second != compact.size()) return false;
    const std::string moved = compact.substr(4) + compact.substr(0, 4);
    int remainder = 0;
    for (const char c : moved) {
      const std::string spelled = std::isdigit(static_cast<unsigned char>(c))
                                      ? std::string(1, c)
                                      : std::to_string(c - 'A' + 10);
      for (const char d : spelled) remainder = (remainder * 10 + (d - '0')) % 97;
    }
    return remainder == 1;
  };
  const std::vector<std::pair<std::string, std::size_t>> countries = {
      {"DE", 22}, {"GB", 22}, {"FR", 27}, {"NL", 18}, {"NO", 15}, {"LC", 32}, {"RU", 33}};
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::mt19937_64 rng(97);
  int valid = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto& [code, length] = countries[rng() % countries.size()];
    std::string body;
    for (std::size_t k = 4; k < length; ++k) {
      body.push_back(rng() % 3 == 0 ? alphabet[rng() % alphabet.size()] : "0123456789"[rng() % 10]);
    }
    std::string iban = code;
    iban += "00";
    iban += body;
    if (rng() % 2 == 0) {  // set the check digits: 98 - (BBAN + country + "00") mod 97
      int remainder = 0;
      std::string moved = body;
      moved += code;
      moved += "00";
      for (const char c : moved) {
        const std::string spelled = c <= '9' ? std::string(1, c) : std::to_string(c - 'A' + 10);
        for (const char d : spelled) remainder = (remainder * 10 + (d - '0')) % 97;
      }
      const int check = 98 - remainder;
      iban[2] = static_cast<char>('0' + check / 10);
      iban[3] = static_cast<char>('0' + check % 10);
    }
    switch (rng() % 6) {
      case 0:
        iban[rng() % iban.size()] = "aZz _-.9"[rng() % 8];
        break;
      case 1:
        iban.insert(rng() % iban.size(), 1, ' ');
        break;
      case 2:
        std::transform(iban.begin(), iban.end(), iban.begin(),
                       [](char c) { return static_cast<char>(std::tolower(c)); });
        break;
      case 3:
        iban.push_back("05A"[rng() % 3]);
        break;
      default:
        break;
    }
    ASSERT_EQ(IbanValid(iban), textbook(iban)) << iban;
    valid += IbanValid(iban) ? 1 : 0;
  }
  EXPECT_GT(valid, 3000);  // the comparison covered valid numbers too
}

TEST(ValidatorsTest, CardBrandNameMatchesCardBrand) {
  for (const char* number :
       {"4111 1111 1111 1111", "5555555555554444", "378282246310005", "6011111111111117",
        "3530111333300000", "30569309025904", "4111111111111112", "0000000000000000",
        "41111111111111113", "", "4111-1111-1111-1111", "4111 1111 1111 111a",
        "4111_1111_1111_1111", "5555 5555 5555 5555", "4",
        "4111 1111 1111 1111 1111 1111 1111 1111 1111 1"}) {
    const auto brand = CardBrand(number);
    EXPECT_EQ(std::string(CardBrandName(number)), brand.value_or("")) << number;
    // Independently: Luhn over the digits once separators are dropped, not one repeated digit.
    std::string digits;
    bool other = false;
    for (const char c : std::string_view(number)) {
      if (c == ' ' || c == '-') continue;
      if (c < '0' || c > '9') other = true;
      digits.push_back(c);
    }
    const bool plausible = !other && digits.size() >= 2 && digits.size() <= 40 &&
                           digits.find_first_not_of(digits[0]) != std::string::npos &&
                           LuhnValid(digits);
    if (!plausible) {
      EXPECT_FALSE(brand) << number;
    }
  }
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

// IpVersion parses dotted quads itself (the scan checks every IPv4-shaped word); glibc's
// inet_pton is the independent reference, on edge cases and on random strings over its alphabet.
TEST(ValidatorsTest, Ipv4AgreesWithInetPton) {
  const auto pton4 = [](const std::string& s) {
    unsigned char buffer[4];
    return inet_pton(AF_INET, s.c_str(), buffer) == 1;
  };
  for (const std::string s :
       {"0.0.0.0", "255.255.255.255", "256.0.0.0", "01.2.3.4", "1.2.3.04", "1.2.3.0", "1.2.3",
        "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "1.2.3.4a", "1.2.3.1000", "10.0.0.255",
        "1.2.3.256", "00.1.1.1", "0.1.1.1", " 1.2.3.4", "1.2.3.4 "}) {
    EXPECT_EQ(IpVersion(s) == 4, pton4(s)) << s;
  }
  std::mt19937 rng(20261129);
  const std::string alphabet = "0123455.........9";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 17);
  int valid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const int size = length(rng);
    for (int k = 0; k < size; ++k) s.push_back(alphabet[pick(rng)]);
    const bool expected = pton4(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(IpVersion(s) == 4, expected) << s;
  }
  // Dotted quads of numbers around the limits, with leading zeros, empty and extra parts.
  std::uniform_int_distribution<int> number(0, 300);
  std::uniform_int_distribution<int> coin(0, 9);
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const int parts = 3 + coin(rng) / 4;  // 3-5
    for (int k = 0; k < parts; ++k) {
      if (k > 0) s.push_back('.');
      if (coin(rng) == 0) s.push_back('0');
      if (coin(rng) != 0) s += std::to_string(number(rng));
    }
    const bool expected = pton4(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(IpVersion(s) == 4, expected) << s;
  }
  EXPECT_GT(valid, 2000);  // the sample does reach valid addresses
}

// The whole of IpVersion against glibc: a dotted quad is 4 when inet_pton(AF_INET) accepts it
// and it has no NUL byte (inet_pton would stop there); otherwise a text of 1-45 bytes with a
// ':' is 6 when inet_pton(AF_INET6) accepts it up to its first NUL. Random addresses of both
// kinds with any byte (NUL and >= 0x80 included) put in, cut or added.
TEST(ValidatorsTest, IpVersionAgreesWithInetPtonOnAnyBytes) {
  const auto reference = [](const std::string& s) -> std::optional<int> {
    if (s.empty() || s.size() > 45) return std::nullopt;
    unsigned char buffer[16];
    if (s.find('\0') == std::string::npos && inet_pton(AF_INET, s.c_str(), buffer) == 1) return 4;
    if (s.find(':') == std::string::npos) return std::nullopt;
    if (inet_pton(AF_INET6, s.c_str(), buffer) == 1) return 6;
    return std::nullopt;
  };
  std::mt19937_64 rng(46);
  const auto any_byte = [&rng] {
    return static_cast<char>(static_cast<unsigned char>(rng() % 256));
  };
  int fours = 0;
  int sixes = 0;
  for (int n = 0; n < 30000; ++n) {
    std::string s;
    if (rng() % 3 == 0) {
      for (int k = 0; k < 8; ++k) {
        if (k > 0) s.push_back(':');
        if (rng() % 6 != 0) s += "0123456789abcdef"[rng() % 16];
        if (rng() % 2 == 0) s += "0a9F"[rng() % 4];
      }
      if (rng() % 4 == 0) s = s.substr(0, rng() % (s.size() + 1));
    } else {
      for (int k = 0; k < 4; ++k) {
        if (k > 0) s.push_back('.');
        s += std::to_string(rng() % (rng() % 4 == 0 ? 1000 : 256));
      }
    }
    switch (s.empty() ? 5 : rng() % 6) {
      case 0:
        s[rng() % s.size()] = any_byte();
        break;
      case 1:
        s.insert(rng() % (s.size() + 1), 1, "0.:\0 1\x80"[rng() % 7]);
        break;
      case 2:
        s.erase(rng() % s.size(), 1);
        break;
      case 3:
        if (rng() % 2 == 0) s += s;  // over-long, repeated parts
        break;
      default:
        break;
    }
    const auto expected = reference(s);
    fours += expected == 4 ? 1 : 0;
    sixes += expected == 6 ? 1 : 0;
    ASSERT_EQ(IpVersion(s), expected) << s;
  }
  EXPECT_GT(fours, 5000);
  EXPECT_GT(sixes, 1000);
}

// The rules of EmailValid written plainly (split at '@' and '.'), against the one-pass validator
// on random strings dense with the bytes those rules are about.
bool EmailRulesHold(std::string_view text) {
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto at = text.find('@');
  if (text.size() > 254 || at == std::string_view::npos || at == 0 || at > 64 ||
      text.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return false;
  for (const char c : local) {
    if (!alpha(c) && !digit(c) &&
        std::string_view("!#$%&'*+/=?^_`{|}~-.").find(c) == std::string_view::npos)
      return false;
  }
  if (domain.empty() || domain.size() > 253) return false;
  std::vector<std::string_view> labels;
  for (std::size_t start = 0;;) {
    const auto dot = domain.find('.', start);
    labels.push_back(domain.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (const auto label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (const char c : label) {
      if (!alpha(c) && !digit(c) && c != '-') return false;
    }
  }
  const auto last = labels.back();
  return labels.size() >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), alpha);
}

TEST(ValidatorsTest, EmailAgreesWithPlainRules) {
  std::mt19937 rng(8);
  const std::string alphabet = "ab1-..@@_+'%Z";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 14);
  int valid = 0;
  for (int n = 0; n < 40000; ++n) {
    std::string s;
    const int size = length(rng);
    for (int k = 0; k < size; ++k) s.push_back(alphabet[pick(rng)]);
    const bool expected = EmailRulesHold(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(EmailValid(s), expected) << s;
  }
  // Addresses built from parts (local '@' labels) with one byte replaced now and then.
  std::uniform_int_distribution<int> small(0, 4);
  const std::string local_bytes = "ab1.-_+'";
  const std::string label_bytes = "ab1-";
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    for (int k = small(rng); k-- > 0;) s.push_back(local_bytes[pick(rng) % local_bytes.size()]);
    s.push_back('@');
    for (int label = 0, labels = 1 + small(rng) / 2; label < labels; ++label) {
      if (label > 0) s.push_back('.');
      for (int k = small(rng); k-- > 0;) s.push_back(label_bytes[pick(rng) % label_bytes.size()]);
    }
    if (small(rng) == 0 && !s.empty()) s[pick(rng) % s.size()] = alphabet[pick(rng)];
    const bool expected = EmailRulesHold(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(EmailValid(s), expected) << s;
  }
  EXPECT_GT(valid, 150);  // the sample does reach valid addresses
  const std::vector<std::string> edges = {std::string(65, 'a') + "@example.com",
                                          std::string(64, 'a') + "@example.com",
                                          "a@" + std::string(64, 'b') + ".com",
                                          "a@b.c",
                                          "a@b.co",
                                          "a@-b.co",
                                          "a@b-.co",
                                          "a@b..co",
                                          "a@b.co.",
                                          "@b.co"};
  for (const std::string& s : edges) {
    EXPECT_EQ(EmailValid(s), EmailRulesHold(s)) << s;
  }
}

// Addresses of the scan's shape and near the size limits (local part 64/65 bytes, labels 63/64,
// whole address 254/255), with any byte (NUL and >= 0x80 included) put in or replaced.
TEST(ValidatorsTest, EmailAgreesWithPlainRulesOnAnyBytes) {
  std::mt19937_64 rng(5321);
  const auto any_byte = [&rng] {
    return static_cast<char>(static_cast<unsigned char>(rng() % 256));
  };
  const auto word = [&rng](std::size_t size) {
    std::string out;
    for (std::size_t k = 0; k < size; ++k) out.push_back("abcxyz019-._+AZ"[rng() % 15]);
    return out;
  };
  int valid = 0;
  for (int n = 0; n < 30000; ++n) {
    std::string s;
    switch (rng() % 4) {
      case 0:  // sizes at the limits
        s = std::string(63 + rng() % 3, 'a');
        s += '@';
        s += std::string(62 + rng() % 3, 'b');
        s += '.';
        s += std::string(rng() % 2 == 0 ? 2 : 180 + rng() % 10, 'c');
        break;
      default:
        s = word(1 + rng() % 12);
        s += '@';
        for (std::size_t labels = 1 + rng() % 3, k = 0; k < labels; ++k) {
          if (k > 0) s.push_back('.');
          s += word(rng() % 8);
        }
        s += rng() % 2 == 0 ? ".org" : ".c0";
        break;
    }
    switch (rng() % 4) {
      case 0:
        s[rng() % s.size()] = any_byte();
        break;
      case 1:
        s.insert(rng() % (s.size() + 1), 1, "@.\0-\xe9"[rng() % 5]);
        break;
      default:
        break;
    }
    const bool expected = EmailRulesHold(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(EmailValid(s), expected) << s;
  }
  // 16-32 bytes (the mask-based path) dense with the bytes the rules are about, and addresses
  // of that size with one byte of the atext beyond ". - _ +" in the local part.
  const std::string alphabet = "ab1-..@@_+'%Z\xe1";
  for (int n = 0; n < 30000; ++n) {
    std::string s;
    if (rng() % 2 == 0) {
      for (std::size_t k = 16 + rng() % 17; k-- > 0;)
        s.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      s = word(4 + rng() % 8);
      s += '@';
      s += word(3 + rng() % 6);
      s += rng() % 4 == 0 ? ".c-m" : ".com";
      if (rng() % 3 == 0) s[rng() % s.size()] = "!#$%&'*/=?^`{|}~"[rng() % 16];
    }
    const bool expected = EmailRulesHold(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(EmailValid(s), expected) << s;
  }
  EXPECT_GT(valid, 1500);
}

// LatLongPairValid decides by the whole part unless it equals the limit; at the limit the
// fraction must be zero (up to double rounding of very long fractions).
TEST(ValidatorsTest, LatLongLimits) {
  EXPECT_TRUE(LatLongPairValid("52.781453, 13.835392"));
  EXPECT_TRUE(LatLongPairValid("-89.999999, -179.999999"));
  EXPECT_TRUE(LatLongPairValid("89.99999999999999999999, 179.9999"));
  EXPECT_TRUE(LatLongPairValid("90.0000, 180.0000"));
  EXPECT_FALSE(LatLongPairValid("90.0001, 10.0000"));
  EXPECT_FALSE(LatLongPairValid("10.0000, 180.0001"));
  EXPECT_FALSE(LatLongPairValid("91.0000, 10.0000"));
  EXPECT_FALSE(LatLongPairValid("10.0000, 181.0000"));
  EXPECT_FALSE(LatLongPairValid("10.000, 10.0000"));  // three decimals
  EXPECT_FALSE(LatLongPairValid("1000.0000, 10.0000"));
  EXPECT_FALSE(LatLongPairValid("10.00a0, 10.0000"));
}

TEST(ValidatorsTest, UuidCharacters) {
  EXPECT_EQ(UuidVersion("6FA459EA-EE8A-1CA4-A94E-DB77E160355E"), 1);
  EXPECT_EQ(UuidVersion("6fa459ea-ee8a-8ca4-b94e-db77e160355e"), 8);
  EXPECT_FALSE(UuidVersion("6fa459ea-ee8a-9ca4-894e-db77e160355e"));  // version 9
  EXPECT_FALSE(UuidVersion("6fa459ga-ee8a-4ca4-894e-db77e160355e"));  // 'g'
  EXPECT_FALSE(UuidVersion("6fa459@a-ee8a-4ca4-894e-db77e160355e"));  // '@' = 'A' - 1
  EXPECT_FALSE(UuidVersion("6fa459`a-ee8a-4ca4-894e-db77e160355e"));  // '`' = 'a' - 1
  EXPECT_FALSE(UuidVersion("6fa459ea-ee8a-4ca4-794e-db77e160355e"));  // variant 7
  EXPECT_FALSE(UuidVersion("6fa459ea-ee8a-4ca4-894e_db77e160355e"));
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
