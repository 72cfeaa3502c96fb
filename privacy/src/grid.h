// Private helpers of the grid mechanisms: choosing the power-of-two step and the integer scale.
#pragma once

#include <cstdint>
#include <string_view>

#include <rampart/privacy/mechanism.h>

namespace rampart::privacy::internal {

// g = smallest power of two >= scale / 2^bits; throws InvalidArgumentError when the grid or the
// sensitivity in steps leaves the representable range.
[[nodiscard]] Grid ChooseGrid(double scale, int bits, double sensitivity);

// ceil(numerator / divisor), rounded up by a relative 2^-50 so that floating-point rounding of
// the quotient can never make the result smaller than the exact value; throws if >= 2^62.
[[nodiscard]] std::uint64_t CeilQuotient(std::uint64_t numerator, double divisor,
                                         std::string_view field);

}  // namespace rampart::privacy::internal
