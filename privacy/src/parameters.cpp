#include <cmath>
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {

double CheckEpsilon(double epsilon, std::string_view name) {
  if (!std::isfinite(epsilon) || epsilon <= 0.0) {
    throw InvalidArgumentError(fmt::format("{} must be a finite number > 0, got {}", name, epsilon),
                               {.field = std::string(name)});
  }
  return epsilon;
}

double CheckDelta(double delta, bool allow_zero, std::string_view name) {
  const bool ok = std::isfinite(delta) && delta < 1.0 && (allow_zero ? delta >= 0.0 : delta > 0.0);
  if (!ok) {
    throw InvalidArgumentError(
        fmt::format("{} must lie in {}0, 1), got {}", name, allow_zero ? "[" : "(", delta),
        {.field = std::string(name)});
  }
  return delta;
}

double CheckPositive(double value, std::string_view name) {
  if (!std::isfinite(value) || value <= 0.0) {
    throw InvalidArgumentError(fmt::format("{} must be a finite number > 0, got {}", name, value),
                               {.field = std::string(name)});
  }
  return value;
}

}  // namespace rampart::privacy
