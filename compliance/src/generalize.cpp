#include "rampart/compliance/generalize.h"

#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <rampart/common/error.h>

namespace rampart::compliance {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Byte offsets where each UTF-8 code point starts.
std::vector<std::size_t> CodePointStarts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) starts.push_back(i);
  }
  return starts;
}

struct DateParts {
  std::string_view year;
  std::string_view month;  // empty when the value is a year alone
};

DateParts ReadDate(std::string_view value) {
  const auto fail = [&]() -> DateParts {
    throw InputError(fmt::format("'{}' is not an ISO 8601 date (YYYY-MM-DD)", value));
  };
  if (value.size() < 4 || !AllDigits(value.substr(0, 4))) fail();
  DateParts parts{value.substr(0, 4), {}};
  if (value.size() == 4) return parts;
  if (value[4] != '-' || value.size() < 7 || !AllDigits(value.substr(5, 2))) fail();
  const int month = ToInt(value.substr(5, 2));
  if (month < 1 || month > 12) fail();
  parts.month = value.substr(5, 2);
  if (value.size() == 7) return parts;
  // The day must exist in that month (a 30 February is bad data, not a date).
  if (value.size() < 10 || !ParseCalendarDate(value.substr(0, 10))) fail();
  if (value.size() > 10 && value[10] != 'T' && value[10] != ' ') fail();
  return parts;
}

// "lo-hi" as written by band:w, e.g. "30-39" or "-10--1".
bool IsBand(std::string_view value, std::int64_t width) {
  const std::size_t dash = value.find('-', 1);
  if (dash == std::string_view::npos) return false;
  std::int64_t low = 0;
  std::int64_t high = 0;
  const std::string_view low_text = value.substr(0, dash);
  const std::string_view high_text = value.substr(dash + 1);
  auto parse = [](std::string_view text, std::int64_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
  };
  if (!parse(low_text, low) || !parse(high_text, high)) return false;
  return low % width == 0 && high == low + width - 1;
}

std::string Band(std::string_view value, std::int64_t width) {
  if (IsBand(value, width)) return std::string(value);
  double number = 0.0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || !std::isfinite(number) ||
      std::fabs(number) > 1e15) {
    throw InputError(fmt::format("'{}' is not a number (band:{})", value, width));
  }
  const auto integer = static_cast<std::int64_t>(std::floor(number));
  // Floor division, so that -1 lands in -10..-1 and not in 0..9.
  std::int64_t low = integer / width * width;
  if (integer % width != 0 && integer < 0) low -= width;
  return fmt::format("{}-{}", low, low + width - 1);
}

// Rounds a plain decimal ("-12.345") half away from zero to `decimals` places on its text.
std::string RoundDecimal(std::string_view value, std::int64_t decimals) {
  std::string_view text = value;
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::size_t point = text.find('.');
  std::string integer(text.substr(0, point));
  std::string fraction(point == std::string_view::npos ? std::string_view()
                                                       : text.substr(point + 1));
  const bool plain = (!integer.empty() || !fraction.empty()) &&
                     (integer.empty() || AllDigits(integer)) &&
                     (fraction.empty() || AllDigits(fraction)) &&
                     !(point != std::string_view::npos && fraction.empty() && integer.empty());
  if (!plain) {
    // Exponent forms and the like: read as a double and write as a plain decimal first.
    double number = 0.0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
        !std::isfinite(number)) {
      throw InputError(fmt::format("'{}' is not a number (round:{})", value, decimals));
    }
    return RoundDecimal(fmt::format("{:.17f}", number), decimals);
  }
  if (integer.empty()) integer = "0";
  const auto places = static_cast<std::size_t>(decimals);
  bool carry = false;
  if (fraction.size() > places) {
    carry = fraction[places] >= '5';
    fraction.resize(places);
  } else {
    fraction.append(places - fraction.size(), '0');
  }
  std::string digits = integer + fraction;
  for (std::size_t i = digits.size(); carry && i-- > 0;) {
    if (digits[i] == '9') {
      digits[i] = '0';
    } else {
      ++digits[i];
      carry = false;
    }
  }
  if (carry) digits.insert(digits.begin(), '1');
  std::string result = digits.substr(0, digits.size() - places);
  // Leading zeros of the integer part ("007.5") would make equal numbers different values.
  const std::size_t first = result.find_first_not_of('0');
  result = first == std::string::npos ? "0" : result.substr(first);
  if (places > 0) result += "." + digits.substr(digits.size() - places);
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  return (negative && !zero ? "-" : "") + result;
}

}  // namespace

std::string Generalize(std::string_view value, const Generalization& generalization) {
  if (value.empty()) return {};
  switch (generalization.kind) {
    case Generalization::Kind::kYear:
      return std::string(ReadDate(value).year);
    case Generalization::Kind::kMonth: {
      const DateParts parts = ReadDate(value);
      if (parts.month.empty()) {
        throw InputError(fmt::format("'{}' has no month to keep (generalize to month)", value));
      }
      return fmt::format("{}-{}", parts.year, parts.month);
    }
    case Generalization::Kind::kBand:
      return Band(value, generalization.parameter);
    case Generalization::Kind::kPrefix: {
      const auto starts = CodePointStarts(value);
      const auto keep = static_cast<std::size_t>(generalization.parameter);
      if (starts.size() <= keep) return std::string(value);
      return std::string(value.substr(0, starts[keep]));
    }
    case Generalization::Kind::kRound:
      return RoundDecimal(value, generalization.parameter);
  }
  throw InternalError("unknown generalization");
}

std::string MaskValue(std::string_view value, std::int64_t keep_last, char mask) {
  const auto starts = CodePointStarts(value);
  const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(keep_last, 0));
  if (starts.size() <= keep) return std::string(value);
  const std::size_t masked = starts.size() - keep;
  std::string result(masked, mask);
  if (keep > 0) result += value.substr(starts[masked]);  // starts[masked] exists only if keep > 0
  return result;
}

}  // namespace rampart::compliance
