#include <cmath>
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>
#include <rampart/privacy/mechanism.h>

namespace rampart::privacy {

RandomBits<SecureRandom>& DefaultSecureBits() {
  thread_local SecureRandom source;
  thread_local RandomBits<SecureRandom> bits(source);
  return bits;
}

namespace internal {

double Require(const std::optional<double>& value, std::string_view name) {
  if (!value) {
    throw InvalidArgumentError(fmt::format("{} is required", name), {.field = std::string(name)});
  }
  return *value;
}

std::int64_t Require(const std::optional<std::int64_t>& value, std::string_view name) {
  if (!value) {
    throw InvalidArgumentError(fmt::format("{} is required", name), {.field = std::string(name)});
  }
  return *value;
}

std::int64_t CheckIntegerSensitivity(std::int64_t sensitivity) {
  if (sensitivity < 1 || sensitivity > (std::int64_t{1} << 40)) {
    throw InvalidArgumentError(
        fmt::format("sensitivity must be an integer in [1, 2^40], got {}", sensitivity),
        {.field = "sensitivity"});
  }
  return sensitivity;
}

int CeilLog2(double x) {
  int exponent = 0;
  const double fraction = std::frexp(x, &exponent);  // x = fraction * 2^exponent, [0.5, 1)
  return fraction == 0.5 ? exponent - 1 : exponent;
}

double CheckLevel(double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw InvalidArgumentError(fmt::format("confidence level must lie in (0, 1), got {}", level),
                               {.field = "level"});
  }
  return level;
}

std::int64_t DiscreteLaplaceHalfWidth(double scale, double level) {
  CheckLevel(level);
  // P(|Z| > m) = 2 q^{m+1} / (1 + q), q = e^{-1/scale}.
  const double q = std::exp(-1.0 / scale);
  const auto tail = [&](double m) { return 2.0 * std::exp(-(m + 1.0) / scale) / (1.0 + q); };
  double m = std::ceil(-scale * std::log((1.0 - level) * (1.0 + q) / 2.0) - 1.0);
  if (m < 0.0) m = 0.0;
  // Correct the closed-form guess by whole steps against the exact tail.
  while (m > 0.0 && tail(m - 1.0) <= 1.0 - level) m -= 1.0;
  while (tail(m) > 1.0 - level) m += 1.0;
  return static_cast<std::int64_t>(m);
}

std::int64_t DiscreteGaussianHalfWidth(double sigma2, double level) {
  CheckLevel(level);
  const double sigma = std::sqrt(sigma2);
  const double normalizer = DiscreteGaussianNormalizer(sigma);
  // Accumulate P(|Z| <= m) outward from 0 by summing the pmf.
  double mass = 1.0 / normalizer;
  std::int64_t m = 0;
  while (mass < level) {
    ++m;
    const auto y = static_cast<double>(m);
    mass += 2.0 * std::exp(-y * y / (2.0 * sigma2)) / normalizer;
    if (m > 1'000'000'000) break;
  }
  return m;
}

DyadicEpsilon EpsilonAsDyadic(double epsilon) {
  DyadicEpsilon result;
  result.num = static_cast<std::uint64_t>(std::floor(std::ldexp(epsilon, result.log2_den)));
  return result;
}

}  // namespace internal
}  // namespace rampart::privacy
