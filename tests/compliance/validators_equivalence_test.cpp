// The word-at-a-time validators (card numbers, IBANs, UUIDs, lat/long pairs) against plain
// references written from the specifications, on random and adversarial inputs: random digit
// strings of random lengths, issuer prefixes, separators, lower case, leading zeros, limits,
// empty and over-long texts, bytes >= 0x80 and NUL bytes. The fast paths must give the same
// answer as the textbook computation for every input, not only for well-formed ones.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/compliance/validators.h>

namespace rampart::compliance {
namespace {

bool Digit(char c) {
  return c >= '0' && c <= '9';
}
bool Letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool AllDigitsText(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), Digit);
}

// A random byte, any of the 256 (NUL and bytes >= 0x80 included).
char AnyByte(std::mt19937_64& rng) {
  return static_cast<char>(static_cast<unsigned char>(rng() % 256));
}

std::string RandomDigits(std::mt19937_64& rng, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng() % 10));
  return out;
}

// Textbook Luhn: from the rightmost digit, every second digit doubled, 9 taken off a double
// above 9, the sum a multiple of 10.
bool TextbookLuhn(std::string_view digits) {
  int sum = 0;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    int d = digits[digits.size() - 1 - k] - '0';
    if (k % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

// The digit the Luhn check needs at the end of `digits`.
char LuhnCheckDigit(const std::string& digits) {
  std::string candidate = digits;
  candidate.push_back('0');
  for (char c = '0'; c <= '9'; ++c) {
    candidate.back() = c;
    if (TextbookLuhn(candidate)) return c;
  }
  return '?';
}

// Card brand from the published issuer ranges, compared as strings of prefixes.
std::string ReferenceCardBrand(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c == ' ' || c == '-') continue;
    if (!Digit(c)) return "";
    digits.push_back(c);
  }
  if (digits.size() < 2 || digits.size() > 40 || !TextbookLuhn(digits) ||
      digits.find_first_not_of(digits[0]) == std::string::npos)
    return "";
  const std::size_t n = digits.size();
  // The number formed by the first `length` digits lies in [lo, hi].
  const auto prefix = [&](std::size_t length, int lo, int hi) {
    if (n < length) return false;
    const int value = std::stoi(digits.substr(0, length));
    return value >= lo && value <= hi;
  };
  const auto length_in = [&](std::size_t lo, std::size_t hi) { return n >= lo && n <= hi; };
  if (digits[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
  if ((prefix(2, 51, 55) || prefix(4, 2221, 2720)) && n == 16) return "mastercard";
  if ((prefix(2, 34, 34) || prefix(2, 37, 37)) && n == 15) return "amex";
  if ((prefix(4, 6011, 6011) || prefix(3, 644, 649) || prefix(2, 65, 65) ||
       prefix(6, 622126, 622925)) &&
      length_in(16, 19))
    return "discover";
  if (prefix(4, 3528, 3589) && length_in(16, 19)) return "jcb";
  if ((prefix(3, 300, 305) || prefix(4, 3095, 3095) || prefix(2, 36, 36) || prefix(2, 38, 39)) &&
      length_in(14, 19))
    return "diners";
  if (prefix(4, 2200, 2204) && length_in(16, 19)) return "mir";
  if (prefix(2, 62, 62) && length_in(16, 19)) return "unionpay";
  for (const int maestro : {5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763}) {
    if (prefix(4, maestro, maestro) && length_in(12, 19)) return "maestro";
  }
  return "";
}

TEST(ValidatorsEquivalenceTest, LuhnMatchesTextbook) {
  std::mt19937_64 rng(7812);
  for (int i = 0; i < 20000; ++i) {
    std::string s = RandomDigits(rng, rng() % 24);
    if (rng() % 2 == 0 && !s.empty()) s.back() = LuhnCheckDigit(s.substr(0, s.size() - 1));
    if (rng() % 8 == 0 && !s.empty()) s[rng() % s.size()] = AnyByte(rng);
    const bool expected = s.size() >= 2 && AllDigitsText(s) && TextbookLuhn(s);
    ASSERT_EQ(LuhnValid(s), expected) << s;
  }
}

TEST(ValidatorsEquivalenceTest, CardBrandMatchesIssuerRanges) {
  const std::vector<std::string> prefixes = {
      "4",    "51",   "53",   "55",  "56",   "2221", "2720",   "2721",   "34",     "37",
      "35",   "6011", "644",  "649", "643",  "65",   "622126", "622925", "622125", "622926",
      "3528", "3589", "3527", "300", "305",  "306",  "3095",   "36",     "38",     "39",
      "2200", "2204", "2205", "62",  "5018", "5020", "5038",   "5893",   "6304",   "6759",
      "6761", "6763", "0",    "00",  "9",    "1",    "7"};
  std::mt19937_64 rng(7813);
  int cards = 0;
  std::vector<std::string> inputs = {"",
                                     "4",
                                     "41",
                                     std::string(16, '4'),
                                     std::string(19, '0'),
                                     std::string(12, '5'),
                                     "4111111111111111",
                                     "4111 1111 1111 1111",
                                     "4111-1111-1111-1111"};
  for (char d = '0'; d <= '9'; ++d) {
    for (std::size_t n = 10; n <= 21; ++n) inputs.emplace_back(n, d);  // one repeated digit
  }
  for (int i = 0; i < 30000; ++i) {
    std::string s = prefixes[rng() % prefixes.size()];
    const std::size_t length = rng() % 4 == 0 ? rng() % 45 : 11 + rng() % 10;
    if (s.size() < length) s += RandomDigits(rng, length - s.size());
    if (rng() % 2 == 0 && s.size() >= 2) s.back() = LuhnCheckDigit(s.substr(0, s.size() - 1));
    switch (rng() % 10) {
      case 0:  // separators, including ones the brand check refuses
        for (int k = 1 + static_cast<int>(rng() % 4); k-- > 0;) {
          s.insert(rng() % (s.size() + 1), 1, " -_./"[rng() % 5]);
        }
        break;
      case 1:
        if (!s.empty()) s[rng() % s.size()] = AnyByte(rng);
        break;
      case 2:
        if (!s.empty()) s[rng() % s.size()] = static_cast<char>('0' + 10 + rng() % 6);  // ':'-'?'
        break;
      case 3:
        if (!s.empty()) s[rng() % s.size()] = static_cast<char>('0' - 1 - rng() % 3);  // '/'...
        break;
      default:
        break;
    }
    inputs.push_back(s);
  }
  for (const std::string& s : inputs) {
    const std::string expected = ReferenceCardBrand(s);
    cards += expected.empty() ? 0 : 1;
    ASSERT_EQ(std::string(CardBrandName(s)), expected) << s;
    ASSERT_EQ(CardBrand(s).value_or(""), expected) << s;
  }
  EXPECT_GT(cards, 2000);  // the comparison covered valid card numbers of many brands
}

// Every registered IBAN country with its length (SWIFT IBAN registry), for the reference.
const std::vector<std::pair<std::string, std::size_t>>& IbanCountries() {
  static const std::vector<std::pair<std::string, std::size_t>> kCountries = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
      {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
      {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
      {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
      {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
      {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
      {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
      {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
      {"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
      {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
  };
  return kCountries;
}

// MOD 97 of a string of digits and upper-case letters, letters spelled as 10-35, digit by digit.
int TextbookMod97(std::string_view text) {
  int remainder = 0;
  for (const char c : text) {
    const std::string spelled = Digit(c) ? std::string(1, c) : std::to_string(c - 'A' + 10);
    for (const char d : spelled) remainder = (remainder * 10 + (d - '0')) % 97;
  }
  return remainder;
}

bool TextbookIban(std::string_view text) {
  std::string compact;
  for (const char c : text) {
    if (c == ' ') continue;
    if (!Digit(c) && !Letter(c)) return false;
    compact.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  if (compact.size() < 15 || compact.size() > 34 || !Letter(compact[0]) || !Letter(compact[1]) ||
      !Digit(compact[2]) || !Digit(compact[3]))
    return false;
  const auto& countries = IbanCountries();
  const auto country = std::find_if(countries.begin(), countries.end(), [&](const auto& entry) {
    return entry.first == compact.substr(0, 2);
  });
  if (country == countries.end() || country->second != compact.size()) return false;
  std::string moved = compact.substr(4);
  moved += compact.substr(0, 4);
  return TextbookMod97(moved) == 1;
}

// Every country with a BBAN of digits only (the fast path) and with letters, valid check digits
// in half of them, then lower case, spaces, wrong lengths, stray bytes of any value.
TEST(ValidatorsEquivalenceTest, IbanMatchesTextbookForEveryCountry) {
  std::mt19937_64 rng(9710);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int valid = 0;
  std::vector<std::string> inputs = {"",
                                     "DE",
                                     "DE89",
                                     std::string(34, '0'),
                                     std::string(35, '1'),
                                     "DE89370400440532013000",
                                     "de89370400440532013000",
                                     "DE89 3704 0044 0532 0130 00"};
  for (int i = 0; i < 20000; ++i) {
    const auto& [code, listed_length] = IbanCountries()[rng() % IbanCountries().size()];
    std::size_t length = listed_length;
    if (rng() % 8 == 0) length = rng() % 2 == 0 ? length + 1 : length - 1;
    if (rng() % 32 == 0) length = rng() % 40;
    std::string body;
    const bool letters = rng() % 4 == 0;
    for (std::size_t k = 4; k < length; ++k) {
      body.push_back(letters && rng() % 4 == 0 ? alphabet[rng() % alphabet.size()]
                                               : static_cast<char>('0' + rng() % 10));
    }
    std::string iban = code;
    iban += "00";
    iban += body;
    if (rng() % 2 == 0) {
      std::string moved = body;
      moved += code;
      moved += "00";
      const int check = 98 - TextbookMod97(moved);
      iban[2] = static_cast<char>('0' + check / 10);
      iban[3] = static_cast<char>('0' + check % 10);
    }
    iban.resize(std::min(iban.size(), length));
    switch (rng() % 8) {
      case 0:
        if (!iban.empty()) iban[rng() % iban.size()] = AnyByte(rng);
        break;
      case 1:
        iban.insert(rng() % (iban.size() + 1), 1, ' ');
        break;
      case 2:
        for (char& c : iban) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        break;
      case 3:  // the bytes next to '0'-'9', 'A'-'Z' and 'a'-'z'
        if (!iban.empty()) iban[rng() % iban.size()] = "/:@[`{\x7f\x80\xb0"[rng() % 9];
        break;
      case 4:
        if (!iban.empty()) iban[rng() % iban.size()] = '\0';
        break;
      default:
        break;
    }
    inputs.push_back(iban);
  }
  for (const std::string& s : inputs) {
    const bool expected = TextbookIban(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(IbanValid(s), expected) << s;
  }
  EXPECT_GT(valid, 4000);  // the comparison covered valid IBANs of many countries
}

// RFC 4122 layout read character by character.
std::optional<int> ReferenceUuidVersion(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  for (std::size_t i = 0; i < 36; ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
    } else if (!Digit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
      return std::nullopt;
    }
  }
  if (text[14] < '1' || text[14] > '8') return std::nullopt;
  if (std::string_view("89abAB").find(text[19]) == std::string_view::npos) return std::nullopt;
  return text[14] - '0';
}

TEST(ValidatorsEquivalenceTest, UuidMatchesCharacterByCharacter) {
  std::mt19937_64 rng(4122);
  const std::string hex = "0123456789abcdefABCDEF";
  int valid = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string s;
    for (std::size_t k = 0; k < 36; ++k) {
      s.push_back(k == 8 || k == 13 || k == 18 || k == 23 ? '-' : hex[rng() % hex.size()]);
    }
    if (rng() % 2 == 0) s[14] = static_cast<char>('0' + rng() % 10);
    if (rng() % 2 == 0) s[19] = "789abcAB"[rng() % 8];
    switch (rng() % 6) {
      case 0:
        s[rng() % s.size()] = AnyByte(rng);
        break;
      case 1:  // the bytes next to the hex ranges
        s[rng() % s.size()] = "/:@G`g-\0\x80\xc0\xe6"[rng() % 11];
        break;
      case 2:
        if (rng() % 2 == 0) {
          s.pop_back();
        } else {
          s.push_back('0');
        }
        break;
      default:
        break;
    }
    const auto expected = ReferenceUuidVersion(s);
    valid += expected ? 1 : 0;
    ASSERT_EQ(UuidVersion(s), expected) << s;
  }
  EXPECT_GT(valid, 3000);
}

// The lat/long grammar written as split, trim and check: the text up to the first ',' and the
// rest, each trimmed of spaces, an optional sign, 1-3 digits, '.', at least max(1, min_decimals)
// digits. At the limit itself the fraction is summed as a double digit by digit (the validator's
// documented rounding for very long fractions).
bool ReferenceCoordinate(std::string_view part, int min_decimals, int limit) {
  while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
  while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
  if (!part.empty() && (part.front() == '-' || part.front() == '+')) part.remove_prefix(1);
  const std::size_t dot = part.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 3) return false;
  const std::string_view whole = part.substr(0, dot);
  const std::string_view fraction = part.substr(dot + 1);
  if (!AllDigitsText(whole) || !AllDigitsText(fraction) ||
      static_cast<int>(fraction.size()) < min_decimals)
    return false;
  const int whole_value = std::stoi(std::string(whole));
  if (whole_value < limit) return true;
  if (whole_value > limit) return false;
  double value = whole_value;
  double scale = 0.1;
  for (const char c : fraction) {
    value += scale * (c - '0');
    scale /= 10;
  }
  return value <= limit;
}

bool ReferenceLatLong(std::string_view text, int min_decimals) {
  const std::size_t comma = text.find(',');
  return comma != std::string_view::npos &&
         ReferenceCoordinate(text.substr(0, comma), min_decimals, 90) &&
         ReferenceCoordinate(text.substr(comma + 1), min_decimals, 180);
}

TEST(ValidatorsEquivalenceTest, LatLongMatchesSplitAndTrim) {
  std::mt19937_64 rng(5281);
  int valid = 0;
  const auto number = [&](int limit) {
    std::string s;
    for (int k = static_cast<int>(rng() % 3); k-- > 0;) s.push_back(' ');
    if (rng() % 3 == 0) s.push_back("+-"[rng() % 2]);
    const std::uint64_t kind = rng() % 6;
    if (kind == 0) {
      s += std::to_string(limit);  // the limit itself: a zero or nonzero fraction decides
    } else if (kind == 1) {
      s += std::to_string(limit + 1 - static_cast<int>(rng() % 3));
    } else {
      s += RandomDigits(rng, 1 + rng() % 4);  // leading zeros and 4-digit wholes included
    }
    s.push_back('.');
    const std::size_t decimals = rng() % 9;
    s += rng() % 3 == 0 ? std::string(decimals, '0') : RandomDigits(rng, decimals);
    for (int k = static_cast<int>(rng() % 3); k-- > 0;) s.push_back(' ');
    return s;
  };
  const std::string alphabet = "0123456789.,- +";
  for (int i = 0; i < 30000; ++i) {
    std::string s;
    if (rng() % 4 == 0) {
      for (std::size_t k = rng() % 24; k-- > 0;) s.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      s = number(90);
      s.push_back(',');
      s += number(180);
    }
    switch (rng() % 8) {
      case 0:
        if (!s.empty()) s[rng() % s.size()] = AnyByte(rng);
        break;
      case 1:
        s.insert(rng() % (s.size() + 1), 1, "., -+\0"[rng() % 6]);
        break;
      case 2:
        if (!s.empty()) s.erase(rng() % s.size(), 1);
        break;
      default:
        break;
    }
    const int min_decimals = static_cast<int>(rng() % 8) - 1;
    const bool expected = ReferenceLatLong(s, min_decimals);
    valid += expected ? 1 : 0;
    ASSERT_EQ(LatLongPairValid(s, min_decimals), expected) << s << " min " << min_decimals;
  }
  EXPECT_GT(valid, 1500);
  for (const std::string s : {"", ",", "1.0,", ",1.0", "1.0,1.0", "1.0 , 1.0", "1.0,1.0,",
                              "90.0,180.0", "90.00000000000000000001,1.0", "90.1,1.0",
                              "-90.0000,-180.0000", "-90.0001,-180.0000", "  1.5,  2.5  "}) {
    EXPECT_EQ(LatLongPairValid(s, 1), ReferenceLatLong(s, 1)) << s;
  }
}

}  // namespace
}  // namespace rampart::compliance
