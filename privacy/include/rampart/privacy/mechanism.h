// What every noise mechanism reports, the per-thread secure random source, and the power-of-two
// grid that makes real-valued mechanisms safe against floating-point attacks.
//
//   const rampart::privacy::NoiseMechanism& m = laplace;        // any mechanism
//   double eps = m.epsilon();
//   rampart::privacy::NoiseInterval ci = m.NoiseConfidenceInterval(0.95);
//   // the released value minus the true value lies in [ci.low, ci.high] with probability >= 0.95
//
// Why a grid (Mironov, "On Significance of the Least Significant Bits for Differential Privacy",
// CCS 2012): x + Laplace noise computed in double precision leaves x in the low bits of the
// result, because the set of doubles reachable from x differs from the set reachable from x'.
// rampart never adds floating-point noise: the input is rounded to a multiple of g = 2^k, integer
// noise Z is drawn exactly, and the output is (round(x/g) + Z) * g — a multiple of g, computed with
// one correctly rounded addition of integers and an exact power-of-two scaling. Rounding moves
// neighbouring inputs at most one grid step further apart, so the mechanisms calibrate their noise
// to the sensitivity in grid units Δ_g = floor(Δ/g) + 1 (Δ inflated by one step).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif
#include <optional>
#include <string_view>

#include <rampart/privacy/random.h>

namespace rampart::privacy {

// An interval [low, high] of the difference released - true value.
struct NoiseInterval {
  double low = 0.0;
  double high = 0.0;
  double level = 0.0;  // the probability it holds at least
};

class NoiseMechanism {
 public:
  virtual ~NoiseMechanism() = default;
  NoiseMechanism() = default;
  NoiseMechanism(const NoiseMechanism&) = default;
  NoiseMechanism& operator=(const NoiseMechanism&) = default;

  // "laplace", "gaussian", "discrete-laplace", "discrete-gaussian" (the CLI's names).
  [[nodiscard]] virtual std::string_view name() const = 0;
  // The guarantee (ε, δ) for inputs that differ by at most sensitivity(): what was asked for. The
  // realised privacy loss is never larger (scales are rounded up, never down).
  [[nodiscard]] virtual double epsilon() const = 0;
  [[nodiscard]] virtual double delta() const = 0;
  [[nodiscard]] virtual double sensitivity() const = 0;
  // The grid step g of the output (1 for the integer mechanisms).
  [[nodiscard]] virtual double granularity() const = 0;
  // Laplace family: the scale b of the noise; Gaussian family: σ. In output units.
  [[nodiscard]] virtual double scale() const = 0;
  // The smallest symmetric interval holding released - true value with probability >= level,
  // computed from the exact distribution of the integer noise (plus the ±g/2 input rounding for
  // real values). level in (0, 1).
  [[nodiscard]] virtual NoiseInterval NoiseConfidenceInterval(double level) const = 0;
};

// The calling thread's secure source (SecureRandom with the default backend), created on first
// use. Mechanisms' AddNoise(value) overloads draw from it.
[[nodiscard]] RandomBits<SecureRandom>& DefaultSecureBits();

namespace internal {

// The value of a Builder parameter, or InvalidArgumentError "<name> is required".
double Require(const std::optional<double>& value, std::string_view name);
std::int64_t Require(const std::optional<std::int64_t>& value, std::string_view name);
// An integer sensitivity >= 1 (the integer mechanisms).
std::int64_t CheckIntegerSensitivity(std::int64_t sensitivity);
// value + noise computed exactly and saturated to the int64 range (a post-processing of the
// exact sum, so it costs no privacy).
[[nodiscard]] inline std::int64_t SaturatingAdd(std::int64_t value, std::int64_t noise) {
  __extension__ using Int128 = __int128;
  const Int128 sum = static_cast<Int128>(value) + noise;
  constexpr Int128 kMax = std::numeric_limits<std::int64_t>::max();
  constexpr Int128 kMin = std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(sum > kMax ? kMax : (sum < kMin ? kMin : sum));
}
// x rounded to the nearest integer, ties to even (the default rounding mode), for |x| <= 2^62:
// one conversion instruction (cvtsd2si) on x86-64 instead of a libm call, with no branch on x.
[[nodiscard]] inline double RoundToGrid(double x) {
#if defined(__SSE2__) && defined(__x86_64__)
  return static_cast<double>(_mm_cvtsd_si64(_mm_set_sd(x)));
#else
  return std::nearbyint(x);
#endif
}
// The grid of a real-valued mechanism: released values are multiples of g = 2^k.
struct Grid {
  double granularity = 0.0;            // g = 2^k
  double inverse_granularity = 0.0;    // 2^-k
  double limit = 0.0;                  // inputs are clamped to ±limit = 2^62 g
  std::uint64_t grid_sensitivity = 0;  // floor(Δ/g) + 1

  // value clamped to ±limit and rounded to the nearest multiple of g, in steps of g (value not
  // NaN). Clamping is 1-Lipschitz, so it leaves the sensitivity unchanged.
  [[nodiscard]] double Steps(double value) const {
    return RoundToGrid(std::clamp(value, -limit, limit) * inverse_granularity);
  }
  // (steps + noise) * g: exact, since both are integers below 2^63 and g is a power of two.
  [[nodiscard]] double Release(double steps, std::int64_t noise) const {
    return (steps + static_cast<double>(noise)) * granularity;
  }
};
// The exponent k of the smallest power of two 2^k >= x (x > 0, finite).
[[nodiscard]] int CeilLog2(double x);
// Validates level in (0, 1).
double CheckLevel(double level);
// Smallest m >= 0 with P(|Z| <= m) >= level for the discrete Laplace P(z) ∝ exp(-|z|/scale).
[[nodiscard]] std::int64_t DiscreteLaplaceHalfWidth(double scale, double level);
// Smallest m >= 0 with P(|Z| <= m) >= level for the discrete Gaussian with variance parameter σ².
[[nodiscard]] std::int64_t DiscreteGaussianHalfWidth(double sigma2, double level);
// The exact rational num / 2^40 <= ε closest to ε (rounding down loses privacy never).
struct DyadicEpsilon {
  std::uint64_t num = 0;
  int log2_den = 40;
};
[[nodiscard]] DyadicEpsilon EpsilonAsDyadic(double epsilon);

}  // namespace internal

}  // namespace rampart::privacy
