// Numerical helpers shared by the accountants (private): log-space sums, normal tails and
// binomial coefficients, written so that tiny probabilities keep their relative precision.
#pragma once

#include <cmath>
#include <limits>

namespace rampart::privacy::internal {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)) without overflow.
[[nodiscard]] inline double LogAdd(double a, double b) {
  if (a == -kInf) return b;
  if (b == -kInf) return a;
  const double hi = a > b ? a : b;
  const double lo = a > b ? b : a;
  return hi + std::log1p(std::exp(lo - hi));
}

// log(exp(a) - exp(b)) for a >= b; -inf when equal.
[[nodiscard]] inline double LogSub(double a, double b) {
  if (b == -kInf) return a;
  if (a <= b) return -kInf;
  return a + std::log1p(-std::exp(b - a));
}

// log(erfc(x)), accurate far into the upper tail where erfc underflows.
[[nodiscard]] inline double LogErfc(double x) {
  if (x < 20.0) return std::log(std::erfc(x));
  // Asymptotic expansion: erfc(x) = exp(-x^2)/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6)).
  const double r = 1.0 / (x * x);
  return -x * x - std::log(x) - 0.5 * std::log(M_PI) +
         std::log1p(r * (-0.5 + r * (0.75 - r * 1.875)));
}

// Standard normal upper tail P(Z > x) and lower tail P(Z <= x), each with full relative
// precision in its own tail.
[[nodiscard]] inline double NormalSf(double x) {
  return 0.5 * std::erfc(x / M_SQRT2);
}
[[nodiscard]] inline double NormalCdf(double x) {
  return 0.5 * std::erfc(-x / M_SQRT2);
}
[[nodiscard]] inline double LogNormalSf(double x) {
  return std::log(0.5) + LogErfc(x / M_SQRT2);
}

// log of the binomial coefficient C(n, k) for real n >= k >= 0 integer-valued k <= n.
[[nodiscard]] inline double LogBinomial(double n, double k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

}  // namespace rampart::privacy::internal
