#include "grid.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/mechanism.h>

namespace rampart::privacy::internal {

Grid ChooseGrid(double scale, int bits, double sensitivity) {
  const int k = CeilLog2(scale) - bits;
  // The grid step must be a normal double, and 2^62 steps must stay finite.
  if (k < -1000 || k > 900) {
    throw InvalidArgumentError(
        fmt::format("noise scale {} is outside the supported range [2^-960, 2^940]", scale),
        {.field = "epsilon"});
  }
  Grid grid;
  grid.granularity = std::ldexp(1.0, k);
  grid.inverse_granularity = std::ldexp(1.0, -k);
  grid.limit = std::ldexp(1.0, k + 62);
  const double steps = std::floor(std::ldexp(sensitivity, -k));
  if (!(steps < 0x1p61)) {
    throw InvalidArgumentError(
        fmt::format("sensitivity {} is too large relative to the noise scale {} (epsilon too "
                    "large)",
                    sensitivity, scale),
        {.field = "epsilon"});
  }
  grid.grid_sensitivity = static_cast<std::uint64_t>(steps) + 1;
  return grid;
}

std::uint64_t CeilQuotient(std::uint64_t numerator, double divisor, std::string_view field) {
  const double quotient = static_cast<double>(numerator) / divisor * (1.0 + 0x1p-50);
  const double rounded = std::ceil(quotient);
  if (!(rounded < 0x1p62)) {
    throw InvalidArgumentError(fmt::format("{} is too small: the noise scale overflows", field),
                               {.field = std::string(field)});
  }
  return rounded < 1.0 ? 1U : static_cast<std::uint64_t>(rounded);
}

}  // namespace rampart::privacy::internal
