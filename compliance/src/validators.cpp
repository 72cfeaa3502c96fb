#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <exception>
#include <set>

#include <arpa/inet.h>
#include <phonenumbers/phonenumberutil.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rampart/compliance/validators.h>

namespace rampart::compliance {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
char Upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
int DigitValue(char c) {
  return c - '0';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

bool AllSame(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return c == s[0]; });
}

// Removes the separators a scheme allows (space, dash, dot), uppercasing letters; returns empty
// if another character is present.
std::string Compact(std::string_view text, std::string_view separators = " -.") {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (std::any_of(separators.begin(), separators.end(), [c](char s) { return s == c; })) continue;
    if (!IsDigit(c) && !IsAlpha(c)) return {};
    out.push_back(Upper(c));
  }
  return out;
}

// Compact() into a caller's buffer, for the validators the detector calls on every candidate
// (no allocation); empty if another character is present or the buffer is too small.
template <std::size_t N>
std::string_view CompactInto(std::string_view text, std::string_view separators,
                             std::array<char, N>& buffer) {
  std::size_t size = 0;
  for (const char c : text) {
    if (std::any_of(separators.begin(), separators.end(), [c](char s) { return s == c; })) continue;
    if ((!IsDigit(c) && !IsAlpha(c)) || size == N) return {};
    buffer[size++] = Upper(c);
  }
  return {buffer.data(), size};
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + DigitValue(c);
  return value;
}

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeap(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

bool ValidDate(int year, int month, int day) {
  return year >= 1 && day >= 1 && day <= DaysInMonth(year, month);
}

bool InRange(std::string_view digits, std::size_t prefix_length, int low, int high) {
  if (digits.size() < prefix_length) return false;
  const int prefix = ToInt(digits.substr(0, prefix_length));
  return prefix >= low && prefix <= high;
}

// Eight bytes at a time (SWAR) for the digit runs of card numbers and IBANs: byte k of a word is
// p[k] on every host (the load is byte-swapped on a big-endian one), so the first character is
// the least significant byte.
constexpr std::uint64_t kOnes = 0x0101010101010101;

std::uint64_t Load8(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  return word;
}

// All eight bytes are '0'-'9': the high nibble is 3 and adding 6 to the low one does not carry
// into it (no byte carries into the next: the high nibble is at most 4 after the addition).
bool AllDigits8(std::uint64_t word) {
  constexpr std::uint64_t kHigh = kOnes * 0xF0;
  return (word & kHigh) == kOnes * 0x30 && ((word + kOnes * 0x06) & kHigh) == kOnes * 0x30;
}

// The number spelled by eight digit values (0-9 per byte, byte 0 the most significant digit):
// neighbours are combined pairwise (10a + b, then 100ab + cd, then 10000abcd + efgh), each step
// within its lane, so three multiplications instead of eight dependent multiply-adds.
std::uint64_t NumberOf8(std::uint64_t values) {
  values = (values * 10 + (values >> 8)) & 0x00FF00FF00FF00FF;
  values = (values * 100 + (values >> 16)) & 0x0000FFFF0000FFFF;
  return (values * 10000 + (values >> 32)) & 0xFFFFFFFF;
}

// Luhn terms of eight digit values: the bytes at even k are doubled (minus 9 when the double
// passes 9), the others kept, so each byte ends 0-9. The caller aligns every word so that its
// even bytes are the digits an odd distance from the end of the number.
std::uint64_t LuhnTerms8(std::uint64_t values) {
  const std::uint64_t doubled = values & 0x00FF00FF00FF00FF;
  // Bit 7 of d + 0x7B is set exactly when d >= 5 (d <= 9: no carry into the next byte).
  const std::uint64_t over = ((doubled + kOnes * 0x7B) >> 7) & kOnes;
  return values + doubled - over * 9;
}

}  // namespace

std::string DigitsOf(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (IsDigit(c)) digits.push_back(c);
  }
  return digits;
}

namespace {

// Luhn over a string already known to be digits only, two digits per step from the end (the
// first of each pair doubled, through a table), so no branch depends on a digit.
bool LuhnOfDigits(std::string_view digits) {
  static constexpr std::array<unsigned, 10> kDoubled = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
  unsigned sum = 0;
  std::size_t i = digits.size();
  for (; i >= 2; i -= 2) {
    sum += static_cast<unsigned>(DigitValue(digits[i - 1])) +
           kDoubled[static_cast<std::size_t>(DigitValue(digits[i - 2]))];
  }
  if (i == 1) sum += static_cast<unsigned>(DigitValue(digits[0]));
  return sum % 10 == 0;
}

// The brand of a number of 12-19 digits that passed Luhn and is not one repeated digit: the
// issuer ranges and lengths, read from its first six digits parsed once.
std::string_view BrandOfCardDigits(std::string_view digits) {
  const std::size_t n = digits.size();
  const int p6 = ToInt(digits.substr(0, 6));
  const int p4 = p6 / 100;
  const int p3 = p6 / 1000;
  const int p2 = p6 / 10000;
  auto length_in = [&](std::size_t lo, std::size_t hi) { return n >= lo && n <= hi; };
  auto in = [](int value, int lo, int hi) { return value >= lo && value <= hi; };
  if (digits[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
  if ((in(p2, 51, 55) || in(p4, 2221, 2720)) && n == 16) return "mastercard";
  if ((p2 == 34 || p2 == 37) && n == 15) return "amex";
  if ((p4 == 6011 || in(p3, 644, 649) || p2 == 65 || in(p6, 622126, 622925)) && length_in(16, 19))
    return "discover";
  if (in(p4, 3528, 3589) && length_in(16, 19)) return "jcb";
  if ((in(p3, 300, 305) || p4 == 3095 || p2 == 36 || in(p2, 38, 39)) && length_in(14, 19))
    return "diners";
  if (in(p4, 2200, 2204) && length_in(16, 19)) return "mir";
  if (p2 == 62 && length_in(16, 19)) return "unionpay";
  static constexpr std::array<int, 8> kMaestro = {5018, 5020, 5038, 5893, 6304, 6759, 6761, 6763};
  if (length_in(12, 19) &&
      (std::find(kMaestro.begin(), kMaestro.end(), p4) != kMaestro.end() || in(p4, 6761, 6763)))
    return "maestro";
  return {};
}

// CardBrandName for a text of 12-19 bytes: the brand, "" when it is digits only but no card
// number, std::nullopt when a byte is not a digit (the caller then takes the general path, which
// drops separators). Two or three overlapping 8-byte words cover the text; each is checked,
// turned into Luhn terms with its doubled digits on even bytes, and the terms summed at once.
std::optional<std::string_view> CardBrandOfPlainDigits(std::string_view text) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t rest = n - 8;  // 4-11 digits before the last word
  const std::uint64_t last = Load8(p + n - 8);
  const std::uint64_t first = Load8(p);
  const std::uint64_t middle = rest >= 8 ? Load8(p + rest - 8) : first;
  if (!AllDigits8(last) || !AllDigits8(first) || !AllDigits8(middle)) return std::nullopt;
  // The three words cover every byte: one repeated digit when each is that digit eight times.
  const std::uint64_t repeated = kOnes * static_cast<unsigned char>(p[0]);
  if (last == repeated && first == repeated && middle == repeated) return std::string_view();
  const std::uint64_t zeros = kOnes * '0';
  std::uint64_t terms = LuhnTerms8(last - zeros);
  if (rest >= 8) {
    terms += LuhnTerms8(middle - zeros);
    rest -= 8;
  }
  // The remaining 1-7 leading digits: the first word shifted up so that they end at byte 7 (the
  // bytes shifted in are 0, which add nothing); then their doubled digits are on even bytes too.
  if (rest > 0) terms += LuhnTerms8((first - zeros) << (8 * (8 - rest)));
  // At most 3 * 9 per byte, 216 in all: the byte sum lands in the top byte without overflow.
  if (((terms * kOnes) >> 56) % 10 != 0) return std::string_view();
  return BrandOfCardDigits(text);
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  return digits.size() >= 2 && AllDigits(digits) && LuhnOfDigits(digits);
}

std::string_view CardBrandName(std::string_view text) {
  // The value scan calls this on every long digit run, mostly plain digits: those take the
  // word-at-a-time path. Card numbers have 12-19 digits.
  if (text.size() >= 12 && text.size() <= 19) {
    if (const auto brand = CardBrandOfPlainDigits(text)) return *brand;
  }
  // Separators ' ' and '-' dropped, anything but a digit rejected, in one pass.
  std::array<char, 40> buffer;
  std::size_t size = 0;
  bool same = true;
  for (const char c : text) {
    if (c == ' ' || c == '-') continue;
    if (!IsDigit(c) || size == buffer.size()) return {};
    same = same && (size == 0 || c == buffer[0]);
    buffer[size++] = c;
  }
  const std::string_view digits(buffer.data(), size);
  if (size < 12 || size > 19 || same || !LuhnOfDigits(digits)) return {};
  return BrandOfCardDigits(digits);
}

std::optional<std::string> CardBrand(std::string_view text) {
  const std::string_view brand = CardBrandName(text);
  if (brand.empty()) return std::nullopt;
  return std::string(brand);
}

bool ImeiValid(std::string_view text) {
  const std::string digits = Compact(text, " -/");
  if (digits.size() != 15 || !AllDigits(digits) || AllSame(digits.substr(0, 14))) return false;
  // Reporting bodies that allocate type allocation codes (first two digits of the TAC).
  static const std::set<int> kReportingBodies = {1,  10, 30, 33, 35, 44, 45, 49, 50,
                                                 51, 52, 53, 54, 86, 91, 98, 99};
  return kReportingBodies.count(ToInt(digits.substr(0, 2))) != 0 && LuhnValid(digits);
}

bool IbanValid(std::string_view text) {
  static const std::array<std::pair<std::string_view, std::size_t>, 89> kLengths = {{
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
  }};
  // One pass: spaces dropped, each other byte mapped to its MOD 97 value (digits 0-9, letters
  // of either case 10-35), anything else rejected. Table-driven: this runs on every IBAN-shaped
  // word of a value scan.
  static constexpr std::uint8_t kInvalid = 0xFF;
  static constexpr std::array<std::uint8_t, 256> kValue = [] {
    std::array<std::uint8_t, 256> table{};
    table.fill(kInvalid);
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
    for (std::size_t c = 'A'; c <= 'Z'; ++c) {
      table[c] = static_cast<std::uint8_t>(c - 'A' + 10);
      table[c - 'A' + 'a'] = static_cast<std::uint8_t>(c - 'A' + 10);
    }
    return table;
  }();
  // ISO 7064 MOD 97-10 over BBAN + country + check digits, letters as 10..35 (two decimal
  // digits), computed in the same pass in text order: the four moved characters (two letters,
  // two digits) spell six decimal digits, so the rearranged number is BBAN * 10^6 + head, and
  // 10^6 mod 97 == 27. The BBAN's value is the sum of v_i * 10^(D - q_i), with q_i the decimal
  // digits up to and including value i and D their total: since 10 * 68 == 1 (mod 97), it is
  // 10^D * sum(v_i * 68^q_i) (mod 97), a sum of independent products (no chain of multiply-adds
  // waiting for each other). 34 values below 100 times table entries below 97 fit in 32 bits.
  static constexpr auto kPowers = [] {
    std::array<std::array<std::uint32_t, 72>, 2> table{};  // [0]: 10^k, [1]: 68^k, mod 97
    table[0][0] = table[1][0] = 1;
    for (std::size_t k = 1; k < 72; ++k) {
      table[0][k] = table[0][k - 1] * 10 % 97;
      table[1][k] = table[1][k - 1] * 68 % 97;
    }
    return table;
  }();
  // Country code -> length, indexed by the two letters (built once from kLengths).
  constexpr std::size_t kLetters = 26;
  static const std::array<std::uint8_t, kLetters* kLetters> kLengthByCountry = [] {
    std::array<std::uint8_t, kLetters * kLetters> table{};
    for (const auto& [code, length] : kLengths) {
      table[static_cast<std::size_t>(code[0] - 'A') * 26 +
            static_cast<std::size_t>(code[1] - 'A')] = static_cast<std::uint8_t>(length);
    }
    return table;
  }();
  // Fast path for the common layout: no spaces and a BBAN of digits only (DE, AT, BE, PL, ...),
  // read eight digits at a time. With head = country letters (as 10-35) and check digits, the
  // rearranged number is BBAN * 10^6 + head, so MOD 97 is the sum of each 8-digit chunk times
  // 10^(digits after it + 6) mod 97, plus head: one remainder at the end (chunks below 10^8 times
  // factors below 97, four of them plus head, fit in 64 bits). Any other text takes the general
  // path below, which gives the same answer for these.
  if (text.size() >= 15 && text.size() <= 34) {
    const char* p = text.data();
    const std::size_t n = text.size();
    const std::uint32_t v0 = kValue[static_cast<unsigned char>(p[0])];
    const std::uint32_t v1 = kValue[static_cast<unsigned char>(p[1])];
    const std::uint32_t v2 = kValue[static_cast<unsigned char>(p[2])];
    const std::uint32_t v3 = kValue[static_cast<unsigned char>(p[3])];
    const bool letters = v0 >= 10 && v0 != kInvalid && v1 >= 10 && v1 != kInvalid;
    const std::size_t bban_size = n - 4;  // 11-30
    const std::size_t chunks = bban_size / 8;
    const std::size_t tail = bban_size % 8;
    // The last eight bytes lie inside the BBAN (n >= 15): their low (8 - tail) bytes belong to
    // the chunks before, so they are zeroed and the word spells the tail's digits alone.
    const std::uint64_t last = Load8(p + n - 8);
    bool digits = letters && v2 < 10 && v3 < 10 && AllDigits8(last);
    std::uint64_t total = v0 * 10000 + v1 * 100 + v2 * 10 + v3;
    for (std::size_t k = 0; k < chunks; ++k) {
      const std::uint64_t word = Load8(p + 4 + 8 * k);
      digits = digits && AllDigits8(word);
      total += NumberOf8(word - kOnes * '0') * kPowers[0][bban_size - 8 * k - 8 + 6];
    }
    if (digits) {
      if (tail > 0) {
        const std::uint64_t values = (last - kOnes * '0') & (~std::uint64_t{0} << (8 * (8 - tail)));
        total += NumberOf8(values) * kPowers[0][6];
      }
      const std::size_t country = (v0 - 10) * kLetters + (v1 - 10);
      return kLengthByCountry[country] == n && total % 97 == 1;
    }
  }
  std::array<std::uint8_t, 4> head{};
  std::size_t size = 0;
  std::uint32_t sum = 0;
  std::size_t decimals = 0;
  for (const char c : text) {
    if (c == ' ') continue;
    const std::uint8_t value = kValue[static_cast<unsigned char>(c)];
    if (value == kInvalid || size == 34) return false;
    if (size < 4) {
      head[size++] = value;
      continue;
    }
    ++size;
    decimals += value < 10 ? 1 : 2;
    sum += value * kPowers[1][decimals];
  }
  if (size < 15) return false;
  // Two letters (country), two digits (check).
  if (head[0] < 10 || head[1] < 10 || head[2] >= 10 || head[3] >= 10) return false;
  const std::size_t country =
      static_cast<std::size_t>(head[0] - 10) * kLetters + static_cast<std::size_t>(head[1] - 10);
  if (kLengthByCountry[country] != size) return false;
  const std::uint64_t head_value = static_cast<std::uint64_t>(head[0]) * 10000 +
                                   static_cast<std::uint64_t>(head[1]) * 100 +
                                   static_cast<std::uint64_t>(head[2]) * 10 + head[3];
  const std::uint64_t bban = std::uint64_t{kPowers[0][decimals]} * (sum % 97) % 97;
  return (bban * 27 + head_value) % 97 == 1;
}

bool UsSsnValid(std::string_view text) {
  std::string digits;
  if (text.size() == 11 && (text[3] == '-' || text[3] == ' ') && text[6] == text[3]) {
    digits = std::string(text.substr(0, 3)) + std::string(text.substr(4, 2)) +
             std::string(text.substr(7, 4));
  } else {
    digits = std::string(text);
  }
  if (digits.size() != 9 || !AllDigits(digits)) return false;
  const int area = ToInt(digits.substr(0, 3));
  const int group = ToInt(digits.substr(3, 2));
  const int serial = ToInt(digits.substr(5, 4));
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  // Specimens printed on sample cards and in advertising.
  static const std::set<std::string_view> kSpecimens = {"078051120", "219099999", "123456789"};
  return kSpecimens.count(digits) == 0;
}

bool UkNinoValid(std::string_view text) {
  const std::string nino = Compact(text, " ");
  if (nino.size() != 9 || !IsAlpha(nino[0]) || !IsAlpha(nino[1]) ||
      !AllDigits(std::string_view(nino).substr(2, 6)))
    return false;
  const char suffix = nino[8];
  if (suffix < 'A' || suffix > 'D') return false;
  if (std::string_view("DFIQUV").find(nino[0]) != std::string_view::npos) return false;
  if (std::string_view("DFIOQUV").find(nino[1]) != std::string_view::npos) return false;
  static const std::set<std::string_view> kUnused = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"};
  return kUnused.count(std::string_view(nino).substr(0, 2)) == 0;
}

bool UkNhsValid(std::string_view text) {
  const std::string digits = Compact(text, " -");
  if (digits.size() != 10 || !AllDigits(digits) || AllSame(digits)) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) sum += DigitValue(digits[i]) * static_cast<int>(10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == DigitValue(digits[9]);
}

bool NlBsnValid(std::string_view text) {
  std::string digits = Compact(text, " .-");
  if (digits.size() == 8) digits = "0" + digits;
  if (digits.size() != 9 || !AllDigits(digits) || AllSame(digits)) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += DigitValue(digits[i]) * static_cast<int>(9 - i);
  sum -= DigitValue(digits[8]);
  return sum % 11 == 0;
}

namespace {
constexpr std::string_view kDniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
}

bool EsDniValid(std::string_view text) {
  const std::string dni = Compact(text, " -");
  if (dni.size() != 9 || !AllDigits(std::string_view(dni).substr(0, 8)) || !IsAlpha(dni[8]))
    return false;
  const long number = std::stol(dni.substr(0, 8));
  return kDniLetters[static_cast<std::size_t>(number % 23)] == dni[8];
}

bool EsNieValid(std::string_view text) {
  const std::string nie = Compact(text, " -");
  if (nie.size() != 9) return false;
  const std::size_t prefix = std::string_view("XYZ").find(nie[0]);
  if (prefix == std::string_view::npos) return false;
  return EsDniValid(std::to_string(prefix) + nie.substr(1));
}

bool ItCodiceFiscaleValid(std::string_view text) {
  const std::string cf = Compact(text, " ");
  if (cf.size() != 16) return false;
  // Layout: 6 letters, 2 digits, letter, 2 digits, letter, 3 digits, letter; digits may be
  // replaced by the omocodia letters LMNPQRSTUV.
  constexpr std::string_view kOmocodia = "LMNPQRSTUV";
  for (std::size_t i = 0; i < 16; ++i) {
    const bool letter_slot = i < 6 || i == 8 || i == 11 || i == 15;
    const char c = cf[i];
    if (letter_slot ? !IsAlpha(c) : !(IsDigit(c) || kOmocodia.find(c) != std::string_view::npos))
      return false;
  }
  if (std::string_view("ABCDEHLMPRST").find(cf[8]) == std::string_view::npos) return false;
  static constexpr std::array<int, 26> kOddLetters = {
      1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  static constexpr std::array<int, 10> kOddDigits = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21};
  int sum = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const char c = cf[i];
    const bool odd = i % 2 == 0;  // positions are 1-based in the specification
    if (IsDigit(c)) {
      sum += odd ? kOddDigits[static_cast<std::size_t>(DigitValue(c))] : DigitValue(c);
    } else {
      const auto index = static_cast<std::size_t>(c - 'A');
      sum += odd ? kOddLetters[index] : static_cast<int>(index);
    }
  }
  return cf[15] == static_cast<char>('A' + sum % 26);
}

bool FrNirValid(std::string_view text) {
  const std::string nir = Compact(text, " ");
  if (nir.size() != 15) return false;
  if (std::string_view("123478").find(nir[0]) == std::string_view::npos) return false;
  // Corsica: departments 2A and 2B count as 19 and 18 in the key computation.
  std::string number = nir.substr(0, 13);
  if (number.compare(5, 2, "2A") == 0) {
    number.replace(5, 2, "19");
  } else if (number.compare(5, 2, "2B") == 0) {
    number.replace(5, 2, "18");
  }
  if (!AllDigits(number) || !AllDigits(std::string_view(nir).substr(13, 2))) return false;
  const int month = ToInt(number.substr(3, 2));
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  long long value = 0;
  for (const char c : number) value = value * 10 + DigitValue(c);
  const int key = 97 - static_cast<int>(value % 97);
  return key == ToInt(nir.substr(13, 2));
}

bool DeSteuerIdValid(std::string_view text) {
  const std::string digits = Compact(text, " /");
  if (digits.size() != 11 || !AllDigits(digits) || digits[0] == '0') return false;
  std::array<int, 10> counts{};
  for (std::size_t i = 0; i < 10; ++i) ++counts[static_cast<std::size_t>(DigitValue(digits[i]))];
  int doubled = 0;
  int tripled = 0;
  for (const int c : counts) {
    if (c == 2) ++doubled;
    if (c == 3) ++tripled;
    if (c > 3) return false;
  }
  if (doubled + tripled != 1) return false;
  if (tripled == 1) {  // three equal digits may not stand next to each other
    for (std::size_t i = 0; i + 2 < 10; ++i) {
      if (digits[i] == digits[i + 1] && digits[i] == digits[i + 2]) return false;
    }
  }
  int product = 10;
  for (std::size_t i = 0; i < 10; ++i) {
    int sum = (DigitValue(digits[i]) + product) % 10;
    if (sum == 0) sum = 10;
    product = (sum * 2) % 11;
  }
  int check = 11 - product;
  if (check == 10) check = 0;
  return check == DigitValue(digits[10]);
}

bool SePersonnummerValid(std::string_view text) {
  std::string compact;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      compact.push_back(c);
    } else if ((c == '-' || c == '+') && text.size() - i == 5) {
      continue;  // separator before the last four digits only
    } else {
      return false;
    }
  }
  int year = 0;
  std::string ten;
  if (compact.size() == 12) {
    year = ToInt(compact.substr(0, 4));
    ten = compact.substr(2);
  } else if (compact.size() == 10) {
    year = 2000 + ToInt(compact.substr(0, 2));  // century unknown: any leap rule is fine
    ten = compact;
  } else {
    return false;
  }
  const int month = ToInt(ten.substr(2, 2));
  int day = ToInt(ten.substr(4, 2));
  if (day > 60) day -= 60;  // samordningsnummer
  return ValidDate(year, month, day) && LuhnValid(ten);
}

bool PlPeselValid(std::string_view text) {
  if (text.size() != 11 || !AllDigits(text)) return false;
  static constexpr std::array<int, 10> kWeights = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) sum += DigitValue(text[i]) * kWeights[i];
  if ((10 - sum % 10) % 10 != DigitValue(text[10])) return false;
  int month = ToInt(text.substr(2, 2));
  int century = 1900;
  if (month > 80) {
    century = 1800;
    month -= 80;
  } else if (month > 60) {
    century = 2200;
    month -= 60;
  } else if (month > 40) {
    century = 2100;
    month -= 40;
  } else if (month > 20) {
    century = 2000;
    month -= 20;
  }
  return ValidDate(century + ToInt(text.substr(0, 2)), month, ToInt(text.substr(4, 2)));
}

namespace {

#if defined(__SSE2__)
// EmailValid for a text of 16-32 bytes whose local part holds only letters, digits and
// ". - _ +" (the addresses of nearly every data set): each byte class becomes a 32-bit mask from
// two 16-byte loads (bytes 0-15 and n-16..n-1, which overlap), and every rule is a test on the
// masks, with no branch per byte. std::nullopt when the local part has another byte, for the
// general path to decide.
std::optional<bool> ShortEmailValid(std::string_view text) {
  struct Classes {
    unsigned alnum = 0;
    unsigned alpha = 0;
    unsigned dot = 0;
    unsigned hyphen = 0;
    unsigned at = 0;
    unsigned local = 0;  // letters, digits and ". - _ +"
  };
  const auto classes = [](const char* p) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto equal = [&bytes](char c) { return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c)); };
    const auto mask = [](__m128i marks) { return static_cast<unsigned>(_mm_movemask_epi8(marks)); };
    // Unsigned range tests as signed ones: adding 0x80 - low maps [low, low + size) to the
    // bottom of the signed range, and only it.
    const __m128i digit =
        _mm_cmplt_epi8(_mm_add_epi8(bytes, _mm_set1_epi8(0x80 - '0')), _mm_set1_epi8(-128 + 10));
    const __m128i lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));  // 'A'-'Z' -> 'a'-'z'
    const __m128i alpha =
        _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(0x80 - 'a')), _mm_set1_epi8(-128 + 26));
    const __m128i dot = equal('.');
    const __m128i hyphen = equal('-');
    Classes out;
    out.alnum = mask(_mm_or_si128(digit, alpha));
    out.alpha = mask(alpha);
    out.dot = mask(dot);
    out.hyphen = mask(hyphen);
    out.at = mask(equal('@'));
    out.local = out.alnum | out.dot | out.hyphen | mask(_mm_or_si128(equal('_'), equal('+')));
    return out;
  };
  const std::size_t n = text.size();
  const Classes front = classes(text.data());
  const Classes back = classes(text.data() + n - 16);
  const auto shift = static_cast<unsigned>(n - 16);
  const auto both = [shift](unsigned first, unsigned last) { return first | (last << shift); };
  const unsigned alnum = both(front.alnum, back.alnum);
  const unsigned alpha = both(front.alpha, back.alpha);
  const unsigned dot = both(front.dot, back.dot);
  const unsigned hyphen = both(front.hyphen, back.hyphen);
  const unsigned at_marks = both(front.at, back.at);
  const unsigned local_marks = both(front.local, back.local);
  if (at_marks == 0) return false;
  const auto at = static_cast<unsigned>(std::countr_zero(at_marks));  // the first '@'
  const std::uint64_t all = (std::uint64_t{1} << n) - 1;
  const auto local = static_cast<unsigned>((std::uint64_t{1} << at) - 1);
  if ((local_marks & local) != local) return std::nullopt;
  // Local part: 1-64 bytes (at <= 31 here), no '.' at either end or next to another.
  const unsigned local_dots = dot & local;
  if (at == 0 || (local_dots & 1) != 0 || ((local_dots >> (at - 1)) & 1) != 0 ||
      (local_dots & (local_dots >> 1)) != 0)
    return false;
  // Domain: bytes at + 1 .. n - 1 (at most 31, so no label passes 63 bytes), letters, digits,
  // '-' and '.' only (a second '@' fails here), no empty label (a '.' at either end or next to
  // another), no '-' at either end of a label, two labels or more, the last one two letters or
  // more.
  const auto domain = static_cast<unsigned>(all & ~((std::uint64_t{2} << at) - 1));
  if (domain == 0 || ((alnum | hyphen | dot) & domain) != domain) return false;
  const unsigned first_byte = 1U << (at + 1);
  const unsigned last_byte = 1U << (n - 1);
  const unsigned domain_dots = dot & domain;
  if (domain_dots == 0 || (domain_dots & (first_byte | last_byte)) != 0 ||
      (domain_dots & (domain_dots >> 1)) != 0)
    return false;
  const unsigned label_starts = (domain_dots << 1) | first_byte;
  const unsigned label_ends = (domain_dots >> 1) | last_byte;
  if ((hyphen & domain & (label_starts | label_ends)) != 0) return false;
  const auto last_dot = static_cast<unsigned>(31 - std::countl_zero(domain_dots));
  const auto last_label = static_cast<unsigned>(all & ~((std::uint64_t{2} << last_dot) - 1));
  return n - 1 - last_dot >= 2 && (alpha & last_label) == last_label;
}
#endif

}  // namespace

bool EmailValid(std::string_view text) {
#if defined(__SSE2__)
  if (text.size() >= 16 && text.size() <= 32) {
    if (const auto valid = ShortEmailValid(text)) return *valid;
  }
#endif
  // One pass over the text (this runs on every candidate of a scan), with one table of byte
  // classes. The local part ends at its first byte that is not a local-part byte: that must be
  // the first '@' (which is not one), so no search for the '@' of its own. A second '@' is
  // neither a local-part nor a domain byte.
  enum : std::uint8_t { kLocal = 1, kDomain = 2, kAlpha = 4 };
  static constexpr std::array<std::uint8_t, 256> kClass = [] {
    std::array<std::uint8_t, 256> table{};
    // RFC 5322 atext and '.' in the local part; letters, digits and '-' in domain labels.
    for (const char c : std::string_view("!#$%&'*+/=?^_`{|}~.")) {
      table[static_cast<unsigned char>(c)] = kLocal;
    }
    table['-'] = kLocal | kDomain;
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = kLocal | kDomain;
    for (std::size_t c = 'A'; c <= 'Z'; ++c)
      table[c] = table[c + 'a' - 'A'] = kLocal | kDomain | kAlpha;
    return table;
  }();
  const std::size_t n = text.size();
  if (n > 254) return false;
  const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  // Local part: 1-64 bytes, no '.' at either end or next to another (`dots` collects a '.'
  // following a '.').
  std::size_t at = 0;
  bool previous_dot = false;
  bool dots = false;
  while (at < n && (kClass[byte(at)] & kLocal) != 0) {
    const bool dot = text[at] == '.';
    dots |= dot & previous_dot;
    previous_dot = dot;
    ++at;
  }
  if (at == n || text[at] != '@' || at == 0 || at > 64 || dots || text[0] == '.' ||
      text[at - 1] == '.')
    return false;
  // Domain: at most 253 bytes of labels of letters, digits and '-' (not at either end), 1-63
  // bytes each, separated by '.'; at least two labels, the last one two letters or more.
  const std::size_t domain = at + 1;
  if (domain == n || n - domain > 253) return false;
  const auto label_ok = [&](std::size_t start, std::size_t end) {
    return end > start && end - start <= 63 && text[start] != '-' && text[end - 1] != '-';
  };
  std::size_t labels = 0;
  std::size_t start = domain;
  bool letters = true;  // the current label is letters only
  for (std::size_t i = domain; i < n; ++i) {
    if (text[i] == '.') {
      if (!label_ok(start, i)) return false;
      ++labels;
      start = i + 1;
      letters = true;
      continue;
    }
    const std::uint8_t kind = kClass[byte(i)];
    if ((kind & kDomain) == 0) return false;
    letters &= (kind & kAlpha) != 0;
  }
  return label_ok(start, n) && labels >= 1 && n - start >= 2 && letters;
}

const std::vector<std::string>& DefaultPhoneRegions() {
  static const std::vector<std::string> kRegions = {"US", "GB", "DE", "FR", "ES", "IT", "NL"};
  return kRegions;
}

std::optional<std::string> PhoneRegion(std::string_view text,
                                       const std::vector<std::string>& regions) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const std::string digits = DigitsOf(text);
  if (digits.size() < 7 || digits.size() > 15) return std::nullopt;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string number(text);
  if (number.rfind("00", 0) == 0) number.replace(0, 2, "+");
  try {
    PhoneNumber parsed;
    if (!number.empty() && number[0] == '+') {
      if (util.Parse(number, "ZZ", &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
          util.IsValidNumber(parsed)) {
        std::string region;
        util.GetRegionCodeForNumber(parsed, &region);
        return region;
      }
      return std::nullopt;
    }
    for (const std::string& region : regions) {
      if (util.Parse(number, region, &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
          util.IsValidNumberForRegion(parsed, region)) {
        return region;
      }
    }
  } catch (const std::exception&) {
    return std::nullopt;  // libphonenumber reports by error codes; be safe all the same
  }
  return std::nullopt;
}

namespace {

// The dotted-quad grammar of inet_pton(AF_INET): exactly four decimal parts of 1-3 digits, each
// at most 255, no leading zeros ("01" is rejected), nothing else. Written out because the value
// scan checks every IPv4-shaped word and inet_pton needs a NUL-terminated copy.
bool Ipv4Valid(std::string_view text) {
  // Part by part rather than byte by byte: within a part the digits are read without the
  // per-byte bookkeeping of which part and whether a digit was seen.
  const char* p = text.data();
  const char* const end = p + text.size();
  const auto digit_at = [&end](const char* at) {
    return at != end ? static_cast<unsigned>(*at - '0') : 10U;
  };
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    unsigned value = digit_at(p);
    if (value > 9) return false;
    ++p;
    if (const unsigned second = digit_at(p); second <= 9) {
      if (value == 0) return false;  // leading zero
      value = value * 10 + second;
      ++p;
      if (const unsigned third = digit_at(p); third <= 9) {
        value = value * 10 + third;
        if (value > 255) return false;
        ++p;
      }
    }
  }
  return p == end;
}

}  // namespace

std::optional<int> IpVersion(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  if (Ipv4Valid(text)) return 4;  // a dotted quad has no ':'
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  // inet_pton reads a C string: stop at an embedded NUL as it would, in a stack buffer.
  char address[46];
  const std::size_t size = std::min(text.size(), text.find('\0'));
  std::copy_n(text.data(), size, address);
  address[size] = '\0';
  unsigned char buffer[16];
  if (inet_pton(AF_INET6, address, buffer) == 1) return 6;
  return std::nullopt;
}

bool MacAddressValid(std::string_view text) {
  std::string hex;
  if (text.size() == 17) {
    const char sep = text[2];
    if (sep != ':' && sep != '-') return false;
    for (std::size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (text[i] != sep) return false;
      } else {
        hex.push_back(Upper(text[i]));
      }
    }
  } else if (text.size() == 14 && text[4] == '.' && text[9] == '.') {
    for (std::size_t i = 0; i < 14; ++i) {
      if (i != 4 && i != 9) hex.push_back(Upper(text[i]));
    }
  } else {
    return false;
  }
  if (!std::all_of(hex.begin(), hex.end(),
                   [](char c) { return IsDigit(c) || (c >= 'A' && c <= 'F'); }))
    return false;
  return hex != "000000000000" && hex != "FFFFFFFFFFFF";
}

namespace {

// True when the 32 hex digits of a 36-byte UUID text (the groups around the dashes at 8, 13,
// 18 and 23) are all hex digits.
bool UuidHexDigits(const char* p) {
#if defined(__SSE2__)
  // Sixteen bytes at a time: bytes 0-15, 16-31 and 20-35 cover the text; a digit or a letter
  // a-f / A-F sets its bit of the mask, and each word must have the bits of its hex positions.
  const auto hex_mask = [](const char* at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    // Unsigned range tests as signed ones: adding 0x80 - low maps [low, low + size) to the
    // bottom of the signed range, and only it.
    const __m128i digit =
        _mm_cmplt_epi8(_mm_add_epi8(bytes, _mm_set1_epi8(0x80 - '0')), _mm_set1_epi8(-128 + 10));
    const __m128i lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));  // 'A'-'F' -> 'a'-'f'
    const __m128i letter =
        _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8(0x80 - 'a')), _mm_set1_epi8(-128 + 6));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(digit, letter)));
  };
  constexpr unsigned kFirst = 0xDEFF;   // 0-7, 9-12, 14-15
  constexpr unsigned kSecond = 0xFF7B;  // 16-17, 19-22, 24-31
  constexpr unsigned kThird = 0xF000;   // 32-35
  return (hex_mask(p) & kFirst) == kFirst && (hex_mask(p + 16) & kSecond) == kSecond &&
         (hex_mask(p + 20) & kThird) == kThird;
#else
  // One table look-up per byte and no branch per byte.
  static constexpr std::array<std::uint8_t, 256> kHex = [] {
    std::array<std::uint8_t, 256> table{};
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = 1;
    for (std::size_t c = 'a'; c <= 'f'; ++c) table[c] = 1;
    for (std::size_t c = 'A'; c <= 'F'; ++c) table[c] = 1;
    return table;
  }();
  unsigned hex = 1;
  for (std::size_t i = 0; i < 36; ++i) {
    if (i != 8 && i != 13 && i != 18 && i != 23) hex &= kHex[static_cast<unsigned char>(p[i])];
  }
  return hex != 0;
#endif
}

}  // namespace

std::optional<int> UuidVersion(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return std::nullopt;
  // This runs on every UUID-shaped word of a scan.
  if (!UuidHexDigits(text.data())) return std::nullopt;
  const int version = IsDigit(text[14]) ? DigitValue(text[14]) : 0;
  if (version < 1 || version > 8) return std::nullopt;
  const char variant = Upper(text[19]);
  if (variant != '8' && variant != '9' && variant != 'A' && variant != 'B') return std::nullopt;
  return version;
}

namespace {

// One coordinate of a lat/long pair from `*pos` on: spaces, an optional sign, 1-3 digits, '.',
// at least max(1, min_decimals) digits, spaces; within `limit` in absolute value. Leaves `*pos`
// after the trailing spaces. Together with the caller this is the grammar of splitting at the
// first ',' and trimming spaces, read in one pass without a search for the comma.
bool Coordinate(std::string_view text, std::size_t* pos, int min_decimals, int limit) {
  const std::size_t n = text.size();
  std::size_t i = *pos;
  while (i < n && text[i] == ' ') ++i;
  if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
  const std::size_t whole_start = i;
  int whole = 0;
  while (i < n && IsDigit(text[i]) && i - whole_start < 3)
    whole = whole * 10 + DigitValue(text[i++]);
  if (i == whole_start || i == n || text[i] != '.') return false;
  const std::size_t fraction_start = ++i;
  while (i < n && IsDigit(text[i])) ++i;
  const std::size_t fraction_end = i;
  if (fraction_end == fraction_start ||
      static_cast<std::ptrdiff_t>(fraction_end - fraction_start) < min_decimals)
    return false;
  while (i < n && text[i] == ' ') ++i;
  *pos = i;
  // The whole part decides unless it equals the limit: the fraction adds less than 1 (and its
  // rounded double sum never passes the next integer), so only then is the sum needed.
  if (whole != limit) return whole < limit;
  double value = whole;
  double scale = 0.1;
  for (std::size_t k = fraction_start; k < fraction_end; ++k) {
    value += scale * DigitValue(text[k]);
    scale /= 10;
  }
  return value <= limit;
}

}  // namespace

bool LatLongPairValid(std::string_view text, int min_decimals) {
  std::size_t pos = 0;
  if (!Coordinate(text, &pos, min_decimals, 90) || pos == text.size() || text[pos] != ',')
    return false;
  ++pos;
  return Coordinate(text, &pos, min_decimals, 180) && pos == text.size();
}

std::optional<Date> ParseDate(std::string_view text) {
  Date date;
  std::string_view rest;
  auto two = [&](std::string_view s, std::size_t pos) {
    return pos + 2 <= s.size() && IsDigit(s[pos]) && IsDigit(s[pos + 1]);
  };
  if (text.size() >= 10 && AllDigits(text.substr(0, 4)) && (text[4] == '-' || text[4] == '/') &&
      two(text, 5) && text[7] == text[4] && two(text, 8)) {
    date.year = ToInt(text.substr(0, 4));
    date.month = ToInt(text.substr(5, 2));
    date.day = ToInt(text.substr(8, 2));
    rest = text.substr(10);
  } else if (text.size() >= 10 && two(text, 0) && (text[2] == '.' || text[2] == '/') &&
             two(text, 3) && text[5] == text[2] && AllDigits(text.substr(6, 4))) {
    date.year = ToInt(text.substr(6, 4));
    date.day = ToInt(text.substr(0, 2));
    date.month = ToInt(text.substr(3, 2));
    if (text[2] == '/' && !ValidDate(date.year, date.month, date.day)) {
      std::swap(date.day, date.month);  // US order
    }
    rest = text.substr(10);
  } else {
    return std::nullopt;
  }
  if (!ValidDate(date.year, date.month, date.day)) return std::nullopt;
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != ' ') return std::nullopt;
    if (rest.size() < 6 || !two(rest, 1) || rest[3] != ':' || !two(rest, 4)) return std::nullopt;
    date.has_time = true;
  }
  return date;
}

int AgeInYears(const Date& birth, const Date& reference) {
  int age = reference.year - birth.year;
  if (reference.month < birth.month ||
      (reference.month == birth.month && reference.day < birth.day))
    --age;
  return age;
}

Date Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return {.year = utc.tm_year + 1900, .month = utc.tm_mon + 1, .day = utc.tm_mday};
}

bool PlausibleBirthDate(const Date& date, const Date& reference) {
  if (!ValidDate(date.year, date.month, date.day)) return false;
  const int age = AgeInYears(date, reference);
  const bool future =
      date.year > reference.year || (date.year == reference.year &&
                                     (date.month > reference.month ||
                                      (date.month == reference.month && date.day > reference.day)));
  return !future && age >= 0 && age <= 120;
}

std::vector<std::string> PostcodeCountries(std::string_view text) {
  std::vector<std::string> countries;
  const std::size_t n = text.size();
  auto digits_at = [&](std::size_t pos, std::size_t count) {
    return pos + count <= n && AllDigits(text.substr(pos, count));
  };
  if (n == 5 && digits_at(0, 5)) {
    countries = {"US", "DE", "FR", "IT"};
    if (InRange(text, 2, 1, 52)) countries.emplace_back("ES");
  } else if (n == 10 && digits_at(0, 5) && text[5] == '-' && digits_at(6, 4)) {
    countries = {"US"};
  } else if (n == 4 && digits_at(0, 4) && text[0] != '0') {
    countries = {"BE", "AT", "CH", "DK"};
  } else if ((n == 6 || n == 7) && digits_at(0, 4) && text[0] != '0' && IsAlpha(text[n - 1]) &&
             IsAlpha(text[n - 2]) && (n == 6 || text[4] == ' ')) {
    countries = {"NL"};
  } else if (n == 8 && digits_at(0, 4) && text[4] == '-' && digits_at(5, 3)) {
    countries = {"PT"};
  } else if (n == 6 && digits_at(0, 2) && text[2] == '-' && digits_at(3, 3)) {
    countries = {"PL"};
  } else if (n == 6 && digits_at(0, 3) && text[3] == ' ' && digits_at(4, 2)) {
    countries = {"SE"};
  }
  // Canada: A1A 1A1
  if ((n == 6 || n == 7) && IsAlpha(text[0]) && IsDigit(text[1]) && IsAlpha(text[2]) &&
      IsDigit(text[n - 3]) && IsAlpha(text[n - 2]) && IsDigit(text[n - 1]) &&
      (n == 6 || text[3] == ' '))
    countries.emplace_back("CA");
  // United Kingdom: outward code (area letters + district) and inward code (digit + 2 letters).
  static const std::set<std::string_view> kUkAreas = {
      "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB",
      "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL",
      "DN", "DT", "DY", "E",  "EC", "EH", "EN", "EX", "FK", "FY", "G",  "GL", "GU", "HA",
      "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IP", "IV", "KA", "KT", "KW", "KY",
      "L",  "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",  "ME", "MK", "ML", "N",  "NE",
      "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG",
      "RH", "RM", "S",  "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS",
      "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W",  "WA",
      "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"};
  std::string uk = Compact(text, " ");
  if (uk.size() >= 5 && uk.size() <= 7 && IsDigit(uk[uk.size() - 3]) &&
      IsAlpha(uk[uk.size() - 2]) && IsAlpha(uk[uk.size() - 1])) {
    const std::string outward = uk.substr(0, uk.size() - 3);
    std::size_t letters = 0;
    while (letters < outward.size() && IsAlpha(outward[letters])) ++letters;
    if ((letters == 1 || letters == 2) && letters < outward.size() && IsDigit(outward[letters]) &&
        kUkAreas.count(std::string_view(outward).substr(0, letters)) != 0 &&
        outward.size() - letters <= 2 && std::all_of(text.begin(), text.end(), [](char c) {
          return c == ' ' || IsDigit(c) || (c >= 'A' && c <= 'Z');
        }))
      countries.emplace_back("GB");
  }
  return countries;
}

bool CardExpiryValid(std::string_view text) {
  if (text.size() != 5 && text.size() != 7) return false;
  if (!IsDigit(text[0]) || !IsDigit(text[1]) || (text[2] != '/' && text[2] != '-')) return false;
  const int month = ToInt(text.substr(0, 2));
  return month >= 1 && month <= 12 && AllDigits(text.substr(3));
}

}  // namespace rampart::compliance
