#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <exception>
#include <set>

#include <arpa/inet.h>
#include <phonenumbers/phonenumberutil.h>

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

}  // namespace

std::string DigitsOf(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (IsDigit(c)) digits.push_back(c);
  }
  return digits;
}

namespace {

// Luhn over a string already known to be digits only.
bool LuhnOfDigits(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    int d = DigitValue(digits[i]);
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  return digits.size() >= 2 && AllDigits(digits) && LuhnOfDigits(digits);
}

std::string_view CardBrandName(std::string_view text) {
  // Separators ' ' and '-' dropped, anything but a digit rejected, in one pass (the value scan
  // calls this on every long digit run).
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
  if (size < 2 || same || !LuhnOfDigits(digits)) return {};
  const std::size_t n = digits.size();
  auto length_in = [&](std::size_t lo, std::size_t hi) { return n >= lo && n <= hi; };
  if (digits[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
  if ((InRange(digits, 2, 51, 55) || InRange(digits, 4, 2221, 2720)) && n == 16)
    return "mastercard";
  if ((InRange(digits, 2, 34, 34) || InRange(digits, 2, 37, 37)) && n == 15) return "amex";
  if ((InRange(digits, 4, 6011, 6011) || InRange(digits, 3, 644, 649) ||
       InRange(digits, 2, 65, 65) || InRange(digits, 6, 622126, 622925)) &&
      length_in(16, 19))
    return "discover";
  if (InRange(digits, 4, 3528, 3589) && length_in(16, 19)) return "jcb";
  if ((InRange(digits, 3, 300, 305) || InRange(digits, 4, 3095, 3095) ||
       InRange(digits, 2, 36, 36) || InRange(digits, 2, 38, 39)) &&
      length_in(14, 19))
    return "diners";
  if (InRange(digits, 4, 2200, 2204) && length_in(16, 19)) return "mir";
  if (InRange(digits, 2, 62, 62) && length_in(16, 19)) return "unionpay";
  static constexpr std::array<int, 8> kMaestro = {5018, 5020, 5038, 5893, 6304, 6759, 6761, 6763};
  if (length_in(12, 19) && digits.size() >= 4 &&
      (std::find(kMaestro.begin(), kMaestro.end(), ToInt(digits.substr(0, 4))) != kMaestro.end() ||
       InRange(digits, 4, 6761, 6763)))
    return "maestro";
  return {};
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

bool EmailValid(std::string_view text) {
  // One pass over each part (this runs on every candidate of a scan). A second '@' needs no
  // search of its own: it is neither a local-part byte before the first one nor a domain byte.
  if (text.size() > 254) return false;
  std::size_t at = 0;
  while (at < text.size() && text[at] != '@') ++at;
  if (at == text.size() || at == 0 || at > 64) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  // Bytes allowed in the local part (RFC 5322 atext and '.'), as a table.
  static constexpr std::array<bool, 256> kLocalChar = [] {
    std::array<bool, 256> table{};
    for (const char c : std::string_view("!#$%&'*+/=?^_`{|}~-.")) {
      table[static_cast<unsigned char>(c)] = true;
    }
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = true;
    for (std::size_t c = 'A'; c <= 'Z'; ++c) table[c] = true;
    for (std::size_t c = 'a'; c <= 'z'; ++c) table[c] = true;
    return table;
  }();
  if (local.front() == '.' || local.back() == '.') return false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (!kLocalChar[static_cast<unsigned char>(c)]) return false;
    if (c == '.' && local[i - 1] == '.') return false;  // i > 0: local does not start with '.'
  }
  if (domain.empty() || domain.size() > 253) return false;
  static constexpr std::array<bool, 256> kDomainChar = [] {
    std::array<bool, 256> table{};
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = true;
    for (std::size_t c = 'A'; c <= 'Z'; ++c) table[c] = true;
    for (std::size_t c = 'a'; c <= 'z'; ++c) table[c] = true;
    table['-'] = true;
    return table;
  }();
  // Labels of letters, digits and '-' (not at either end), 1-63 bytes, separated by '.'.
  std::size_t labels = 0;
  std::size_t start = 0;
  std::string_view last;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i < domain.size() && domain[i] != '.') {
      if (!kDomainChar[static_cast<unsigned char>(domain[i])]) return false;
      continue;
    }
    const std::string_view label = domain.substr(start, i - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    ++labels;
    last = label;
    start = i + 1;
  }
  return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), IsAlpha);
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
  if (number.rfind("00", 0) == 0) number = "+" + number.substr(2);
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
  int parts = 0;
  int value = 0;
  bool saw_digit = false;
  for (const char c : text) {
    if (IsDigit(c)) {
      if (saw_digit && value == 0) return false;  // leading zero
      value = value * 10 + DigitValue(c);
      if (value > 255) return false;
      if (!saw_digit) {
        if (++parts > 4) return false;
        saw_digit = true;
      }
    } else if (c == '.' && saw_digit) {
      if (parts == 4) return false;
      value = 0;
      saw_digit = false;
    } else {
      return false;
    }
  }
  return parts == 4 && saw_digit;
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

std::optional<int> UuidVersion(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return std::nullopt;
  // The 32 hex digits of the five groups, checked with one table look-up each and no branch per
  // byte (this runs on every UUID-shaped word of a scan).
  static constexpr std::array<std::uint8_t, 256> kHex = [] {
    std::array<std::uint8_t, 256> table{};
    for (std::size_t c = '0'; c <= '9'; ++c) table[c] = 1;
    for (std::size_t c = 'a'; c <= 'f'; ++c) table[c] = 1;
    for (std::size_t c = 'A'; c <= 'F'; ++c) table[c] = 1;
    return table;
  }();
  unsigned hex = 1;
  const auto group = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i) {
      hex &= kHex[static_cast<unsigned char>(text[i])];
    }
  };
  group(0, 8);
  group(9, 4);
  group(14, 4);
  group(19, 4);
  group(24, 12);
  if (hex == 0) return std::nullopt;
  const int version = IsDigit(text[14]) ? DigitValue(text[14]) : 0;
  if (version < 1 || version > 8) return std::nullopt;
  const char variant = Upper(text[19]);
  if (variant != '8' && variant != '9' && variant != 'A' && variant != 'B') return std::nullopt;
  return version;
}

bool LatLongPairValid(std::string_view text, int min_decimals) {
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  auto parse = [&](std::string_view part, double limit) -> bool {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    bool negative = false;
    if (!part.empty() && (part[0] == '-' || part[0] == '+')) {
      negative = part[0] == '-';
      part.remove_prefix(1);
    }
    const auto dot = part.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 3) return false;
    const std::string_view whole = part.substr(0, dot);
    const std::string_view fraction = part.substr(dot + 1);
    if (!AllDigits(whole) || !AllDigits(fraction) ||
        static_cast<int>(fraction.size()) < min_decimals)
      return false;
    // The whole part decides unless it equals the limit: the fraction adds less than 1 (and its
    // rounded double sum never passes the next integer), so only then is the sum needed.
    const int whole_value = ToInt(whole);
    if (whole_value != static_cast<int>(limit)) return whole_value < static_cast<int>(limit);
    double value = whole_value;
    double scale = 0.1;
    for (const char c : fraction) {
      value += scale * DigitValue(c);
      scale /= 10;
    }
    (void)negative;
    return value <= limit;
  };
  return parse(text.substr(0, comma), 90.0) && parse(text.substr(comma + 1), 180.0);
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
