// Validation of the privacy parameters every mechanism and accountant takes, in one place, so
// that each rejects bad values with the same clear message.
//
//   double epsilon = rampart::privacy::CheckEpsilon(flag_value);          // throws if <= 0 or NaN
//   double delta = rampart::privacy::CheckDelta(flag_value, /*allow_zero=*/true);
#pragma once

#include <string_view>

namespace rampart::privacy {

// epsilon must be finite and > 0. Returns it; throws InvalidArgumentError naming `name`.
double CheckEpsilon(double epsilon, std::string_view name = "epsilon");
// delta must lie in [0, 1) (or (0, 1) when !allow_zero).
double CheckDelta(double delta, bool allow_zero, std::string_view name = "delta");
// A sensitivity (or scale, sigma) must be finite and > 0.
double CheckPositive(double value, std::string_view name);

}  // namespace rampart::privacy
