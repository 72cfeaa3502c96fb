// Test data shared by the compliance benchmarks.
#pragma once

#include <cstddef>
#include <string>

namespace rampart::compliance::bench {

// `digits` followed by its Luhn check digit: a valid card number when the prefix is an issuer's.
inline std::string LuhnComplete(std::string digits) {
  int total = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  digits.push_back(static_cast<char>('0' + (10 - total % 10) % 10));
  return digits;
}

}  // namespace rampart::compliance::bench
