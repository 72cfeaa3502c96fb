#include <cmath>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {
namespace {

// floor(sqrt(n)) exactly.
std::uint64_t IntegerSqrt(std::uint64_t n) {
  auto root = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (static_cast<UInt128>(root) * root > n) --root;
  while (static_cast<UInt128>(root + 1) * (root + 1) <= n) ++root;
  return root;
}

}  // namespace

DiscreteGaussianParameters DiscreteGaussianParameters::FromSigma(double sigma) {
  if (!(sigma >= 0x1p-10 && sigma <= 0x1p24)) {
    throw InvalidArgumentError(
        fmt::format("discrete Gaussian sigma must lie in [2^-10, 2^24], got {}", sigma),
        {.field = "sigma"});
  }
  // sigma = mantissa * 2^exponent exactly, mantissa < 2^53; sigma² = mantissa² * 2^(2 exponent).
  int exponent = 0;
  const double fraction = std::frexp(sigma, &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  exponent -= 53;
  const UInt128 square = static_cast<UInt128>(mantissa) * mantissa;
  int square_width = 0;
  for (UInt128 rest = square; rest != 0; rest >>= 1) ++square_width;
  // a = ceil(sigma² * 2^j) with j >= 0 chosen so that a has at least 21 bits: the rounding adds
  // below 2^-20 to σ², and for σ >= 1449 (b = 1) the acceptance test of Algorithm 3 runs in
  // 64-bit arithmetic.
  int j = 21 - square_width - 2 * exponent;
  if (j < 0) j = 0;
  const int shift = 2 * exponent + j;  // a = ceil(square * 2^shift)
  UInt128 a = 0;
  if (shift >= 0) {
    a = square << shift;
  } else {
    const UInt128 divisor = static_cast<UInt128>(1) << (-shift);
    a = (square + divisor - 1) >> (-shift);
  }
  DiscreteGaussianParameters p;
  p.sigma2_num = static_cast<std::uint64_t>(a);
  p.sigma2_den = std::uint64_t{1} << j;
  p.t = IntegerSqrt(p.sigma2_num >> j) + 1;
  p.tb = static_cast<UInt128>(p.t) * p.sigma2_den;
  p.gamma_den = 2 * static_cast<UInt128>(p.sigma2_num) * p.sigma2_den * p.t * p.t;
  p.max_magnitude = static_cast<std::uint64_t>((static_cast<UInt128>(1) << 62) / p.tb);
  return p;
}

}  // namespace rampart::privacy
