#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {
namespace internal {

double LogNormalCdf(double x) {
  if (x > -30.0) return std::log(0.5 * std::erfc(-x / std::numbers::sqrt2));
  // Φ(x) = φ(x)/|x| (1 - 1/x² + 3/x⁴ - 15/x⁶ + ...) for x -> -∞.
  const double x2 = x * x;
  const double series = 1.0 - 1.0 / x2 + 3.0 / (x2 * x2) - 15.0 / (x2 * x2 * x2);
  return -0.5 * x2 - std::log(-x) - 0.5 * std::log(2.0 * std::numbers::pi) + std::log(series);
}

double DiscreteGaussianNormalizer(double sigma) {
  if (sigma >= 4.0) {
    // Jacobi theta: Σ_y e^{-y²/2σ²} = σ√(2π) Σ_k e^{-2π²σ²k²}; k = ±1 already contributes below
    // e^{-315} relative for σ >= 4, so the sum is σ√(2π) to double precision.
    double correction = 0.0;
    for (int k = 1; k <= 3; ++k) {
      correction += 2.0 * std::exp(-2.0 * std::numbers::pi * std::numbers::pi * sigma * sigma *
                                   static_cast<double>(k * k));
    }
    return sigma * std::sqrt(2.0 * std::numbers::pi) * (1.0 + correction);
  }
  double sum = 1.0;
  for (int y = 1; y < 200; ++y) {
    const double term = std::exp(-static_cast<double>(y) * y / (2.0 * sigma * sigma));
    sum += 2.0 * term;
    if (term < 1e-20 * sum) break;
  }
  return sum;
}

}  // namespace internal

namespace {

double NormalCdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

// e^ε Φ(x) without overflow for large ε.
double ExpTimesNormalCdf(double epsilon, double x) {
  return std::exp(epsilon + internal::LogNormalCdf(x));
}

void CheckGaussianArguments(double epsilon, double delta, double sensitivity) {
  CheckEpsilon(epsilon);
  CheckDelta(delta, /*allow_zero=*/false);
  CheckPositive(sensitivity, "sensitivity");
}

// Smallest x in [lo, hi] with predicate(x) true, for a predicate monotone false -> true.
template <class Predicate>
double BisectFirstTrue(double lo, double hi, Predicate predicate) {
  for (int i = 0; i < 2000 && lo < hi; ++i) {
    const double mid = lo + (hi - lo) / 2.0;
    if (mid <= lo || mid >= hi) break;
    if (predicate(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace

double LaplaceScale(double epsilon, double sensitivity) {
  CheckEpsilon(epsilon);
  CheckPositive(sensitivity, "sensitivity");
  return sensitivity / epsilon;
}

double ClassicalGaussianSigma(double epsilon, double delta, double sensitivity) {
  CheckGaussianArguments(epsilon, delta, sensitivity);
  if (epsilon >= 1.0) {
    throw InvalidArgumentError(
        fmt::format("the classical Gaussian bound holds only for epsilon < 1, got {}; use the "
                    "analytic calibration",
                    epsilon),
        {.field = "epsilon"});
  }
  return sensitivity * std::sqrt(2.0 * std::log(1.25 / delta)) / epsilon;
}

double GaussianDelta(double sigma, double epsilon, double sensitivity) {
  CheckPositive(sigma, "sigma");
  CheckEpsilon(epsilon);
  CheckPositive(sensitivity, "sensitivity");
  const double a = sensitivity / (2.0 * sigma);
  const double b = epsilon * sigma / sensitivity;
  const double delta = NormalCdf(a - b) - ExpTimesNormalCdf(epsilon, -a - b);
  return delta < 0.0 ? 0.0 : delta;
}

double AnalyticGaussianSigma(double epsilon, double delta, double sensitivity) {
  CheckGaussianArguments(epsilon, delta, sensitivity);
  // Balle & Wang Algorithm 1 in the variable v (or u) of their Lemmas: with
  // B+(v) = Φ(√(εv)) - e^ε Φ(-√(ε(v+2))) and B-(u) = Φ(-√(εu)) - e^ε Φ(-√(ε(u+2))),
  // δ0 = B±(0) decides the branch, and σ = α Δ / √(2ε).
  const double delta0 = NormalCdf(0.0) - ExpTimesNormalCdf(epsilon, -std::sqrt(2.0 * epsilon));
  double alpha = 0.0;
  if (delta >= delta0) {
    const auto b_plus = [epsilon](double v) {
      return NormalCdf(std::sqrt(epsilon * v)) -
             ExpTimesNormalCdf(epsilon, -std::sqrt(epsilon * (v + 2.0)));
    };
    // B+ increases from δ0: v* = sup{v : B+(v) <= δ}.
    double hi = 1.0;
    while (b_plus(hi) <= delta && hi < 1e300) hi *= 2.0;
    const double v = BisectFirstTrue(0.0, hi, [&](double x) { return b_plus(x) > delta; });
    alpha = std::sqrt(1.0 + v / 2.0) - std::sqrt(v / 2.0);
  } else {
    const auto b_minus = [epsilon](double u) {
      return NormalCdf(-std::sqrt(epsilon * u)) -
             ExpTimesNormalCdf(epsilon, -std::sqrt(epsilon * (u + 2.0)));
    };
    // B- decreases from δ0 > δ: u* = inf{u : B-(u) <= δ}.
    double hi = 1.0;
    while (b_minus(hi) > delta && hi < 1e300) hi *= 2.0;
    const double u = BisectFirstTrue(0.0, hi, [&](double x) { return b_minus(x) <= delta; });
    alpha = std::sqrt(1.0 + u / 2.0) + std::sqrt(u / 2.0);
  }
  double sigma = alpha * sensitivity / std::sqrt(2.0 * epsilon);
  // Round up until the exact Thm 8 formula confirms the target (a few ulps at most).
  for (int i = 0; i < 64 && GaussianDelta(sigma, epsilon, sensitivity) > delta; ++i) {
    sigma = std::nextafter(sigma, INFINITY) * (1.0 + 1e-15);
  }
  return sigma;
}

double DiscreteGaussianDelta(double sigma, double epsilon, std::int64_t sensitivity) {
  CheckEpsilon(epsilon);
  if (!(sigma >= 0x1p-10 && sigma <= 0x1p24)) {
    throw InvalidArgumentError(
        fmt::format("discrete Gaussian sigma must lie in [2^-10, 2^24], got {}", sigma),
        {.field = "sigma"});
  }
  if (sensitivity < 1) {
    throw InvalidArgumentError(
        fmt::format("sensitivity must be an integer >= 1, got {}", sensitivity),
        {.field = "sensitivity"});
  }
  const double d = static_cast<double>(sensitivity);
  const double two_sigma2 = 2.0 * sigma * sigma;
  // p(y) - e^ε p(y-Δ) > 0 exactly for y < c = Δ/2 - εσ²/Δ.
  const double c = d / 2.0 - epsilon * sigma * sigma / d;
  double y = std::ceil(c) - 1.0;
  double sum = 0.0;
  for (;;) {
    // Privacy loss at y: ((y-Δ)² - y²)/(2σ²) = (Δ² - 2yΔ)/(2σ²) > ε here.
    const double loss = (d * d - 2.0 * y * d) / two_sigma2;
    const double term = std::exp(-y * y / two_sigma2) * -std::expm1(epsilon - loss);
    sum += term;
    if (y < 0.0 && (term <= 1e-22 * sum || term == 0.0)) break;
    y -= 1.0;
  }
  const double delta = sum / internal::DiscreteGaussianNormalizer(sigma);
  return delta < 0.0 ? 0.0 : delta;
}

double DiscreteGaussianSigma(double epsilon, double delta, std::int64_t sensitivity) {
  CheckGaussianArguments(epsilon, delta, static_cast<double>(sensitivity));
  if (sensitivity < 1) {
    throw InvalidArgumentError(
        fmt::format("sensitivity must be an integer >= 1, got {}", sensitivity),
        {.field = "sensitivity"});
  }
  const double start = AnalyticGaussianSigma(epsilon, delta, static_cast<double>(sensitivity));
  constexpr double kMinSigma = 0x1p-10;
  constexpr double kMaxSigma = 0x1p24;
  if (start > kMaxSigma) {
    throw InvalidArgumentError(
        fmt::format("the discrete Gaussian for epsilon={}, delta={}, sensitivity={} needs sigma "
                    "{} > 2^24, beyond this implementation's range",
                    epsilon, delta, sensitivity, start),
        {.field = "epsilon"});
  }
  const auto ok = [&](double sigma) {
    return DiscreteGaussianDelta(sigma, epsilon, sensitivity) <= delta;
  };
  // Discrete and continuous agree closely (CKS §2.1): bracket around the analytic σ.
  double step = 0x1p-16;
  double lo = std::max(kMinSigma, start * (1.0 - step));
  double hi = std::min(kMaxSigma, start * (1.0 + step));
  while (!ok(hi)) {
    if (hi >= kMaxSigma) {
      throw InvalidArgumentError(
          fmt::format("no discrete Gaussian sigma <= 2^24 reaches delta={} at epsilon={}", delta,
                      epsilon),
          {.field = "delta"});
    }
    lo = hi;
    step *= 4.0;
    hi = std::min(kMaxSigma, start * (1.0 + step));
  }
  while (lo > kMinSigma && ok(lo)) {
    hi = lo;
    step *= 4.0;
    lo = std::max(kMinSigma, start * (1.0 - std::min(step, 0.999)));
  }
  if (ok(lo)) return lo;
  while (hi - lo > 1e-10 * hi) {
    const double mid = lo + (hi - lo) / 2.0;
    if (mid <= lo || mid >= hi) break;
    if (ok(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace rampart::privacy
