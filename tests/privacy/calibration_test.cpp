// Calibration against closed forms, published values and independent computations.
#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>

namespace rampart::privacy {
namespace {

// An independent δ(σ) (Balle & Wang Thm 8) with Boost's normal cdf, solved by plain bisection on σ.
double IndependentDelta(double sigma, double epsilon, double sensitivity) {
  const boost::math::normal standard;
  const double a = sensitivity / (2 * sigma);
  const double b = epsilon * sigma / sensitivity;
  return boost::math::cdf(standard, a - b) - std::exp(epsilon) * boost::math::cdf(standard, -a - b);
}

double IndependentSigma(double epsilon, double delta, double sensitivity) {
  double lo = 1e-6 * sensitivity;
  double hi = 1e4 * sensitivity;
  for (int i = 0; i < 300; ++i) {
    const double mid = (lo + hi) / 2;
    (IndependentDelta(mid, epsilon, sensitivity) > delta ? lo : hi) = mid;
  }
  return hi;
}

TEST(AnalyticGaussianTest, PublishedValueForEpsilonOneDeltaOneEMinusFive) {
  const double sigma = AnalyticGaussianSigma(1.0, 1e-5, 1.0);
  EXPECT_NEAR(sigma, 3.73, 0.01);
  EXPECT_NEAR(sigma, IndependentSigma(1.0, 1e-5, 1.0), 1e-9);
  std::printf("analytic sigma(eps=1, delta=1e-5, Delta=1) = %.10f\n", sigma);
}

TEST(AnalyticGaussianTest, AgreesWithIndependentBisectionOnAGrid) {
  for (const double epsilon : {0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0}) {
    for (const double delta : {1e-10, 1e-6, 1e-3, 0.1}) {
      for (const double sensitivity : {1.0, 3.5}) {
        const double sigma = AnalyticGaussianSigma(epsilon, delta, sensitivity);
        const double reference = IndependentSigma(epsilon, delta, sensitivity);
        EXPECT_NEAR(sigma / reference, 1.0, 1e-8) << epsilon << " " << delta;
        // Never below the target: δ(σ) <= δ, and a hair smaller σ misses it.
        EXPECT_LE(GaussianDelta(sigma, epsilon, sensitivity), delta);
        EXPECT_GT(GaussianDelta(sigma * (1 - 1e-7), epsilon, sensitivity), delta);
      }
    }
  }
}

TEST(AnalyticGaussianTest, BeatsTheClassicalBound) {
  for (const double epsilon : {0.1, 0.5, 0.9}) {
    const double classical = ClassicalGaussianSigma(epsilon, 1e-5, 1.0);
    EXPECT_DOUBLE_EQ(classical, std::sqrt(2 * std::log(1.25 / 1e-5)) / epsilon);
    EXPECT_LT(AnalyticGaussianSigma(epsilon, 1e-5, 1.0), classical);
    // The classical σ is private: its exact δ is below the target.
    EXPECT_LT(GaussianDelta(classical, epsilon, 1.0), 1e-5);
  }
  EXPECT_THROW((void)ClassicalGaussianSigma(1.0, 1e-5, 1.0), InvalidArgumentError);
}

TEST(AnalyticGaussianTest, ScalesLinearlyInSensitivity) {
  EXPECT_NEAR(AnalyticGaussianSigma(0.7, 1e-6, 4.0), 4 * AnalyticGaussianSigma(0.7, 1e-6, 1.0),
              1e-9);
}

TEST(CalibrationTest, RejectsInvalidParameters) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW((void)AnalyticGaussianSigma(0.0, 1e-5, 1.0), InvalidArgumentError);
  EXPECT_THROW((void)AnalyticGaussianSigma(1.0, 0.0, 1.0), InvalidArgumentError);
  EXPECT_THROW((void)AnalyticGaussianSigma(1.0, 1.0, 1.0), InvalidArgumentError);
  EXPECT_THROW((void)AnalyticGaussianSigma(nan, 1e-5, 1.0), InvalidArgumentError);
  EXPECT_THROW((void)AnalyticGaussianSigma(1.0, 1e-5, -1.0), InvalidArgumentError);
  EXPECT_THROW((void)LaplaceScale(1.0, 0.0), InvalidArgumentError);
  EXPECT_THROW((void)DiscreteGaussianDelta(1.0, 1.0, 0), InvalidArgumentError);
  EXPECT_DOUBLE_EQ(LaplaceScale(0.5, 2.0), 4.0);
}

// CKS Thm 7 written as tails, with the pmf normalised by direct summation: independent of the
// hockey-stick sum and the theta-function normaliser of the implementation.
double CksDelta(double sigma, double epsilon, std::int64_t sensitivity) {
  const double d = static_cast<double>(sensitivity);
  const auto limit = static_cast<std::int64_t>(60 * sigma) + 60;
  double normalizer = 0.0;
  for (std::int64_t y = -limit; y <= limit; ++y) {
    normalizer += std::exp(-static_cast<double>(y * y) / (2 * sigma * sigma));
  }
  const auto tail = [&](double x) {  // P(X > x)
    double sum = 0.0;
    for (std::int64_t y = static_cast<std::int64_t>(std::floor(x)) + 1; y <= limit; ++y) {
      sum += std::exp(-static_cast<double>(y * y) / (2 * sigma * sigma));
    }
    return sum / normalizer;
  };
  const double c = epsilon * sigma * sigma / d;
  return tail(c - d / 2) - std::exp(epsilon) * tail(c + d / 2);
}

TEST(DiscreteGaussianDeltaTest, MatchesCksTheorem7Tails) {
  for (const double sigma : {0.5, 1.0, 2.0, 3.7, 5.3, 11.0}) {
    for (const double epsilon : {0.1, 0.5, 1.0, 3.0}) {
      for (const std::int64_t sensitivity : {1, 2, 5}) {
        const double got = DiscreteGaussianDelta(sigma, epsilon, sensitivity);
        const double want = CksDelta(sigma, epsilon, sensitivity);
        EXPECT_NEAR(got, want, 1e-12 + 1e-9 * want)
            << sigma << " " << epsilon << " " << sensitivity;
      }
    }
  }
}

TEST(DiscreteGaussianDeltaTest, CloseToTheContinuousForLargeSigma) {
  const double sigma = 200.0;
  const double discrete = DiscreteGaussianDelta(sigma, 0.02, 1);
  const double continuous = GaussianDelta(sigma, 0.02, 1.0);
  EXPECT_NEAR(discrete / continuous, 1.0, 1e-3);
}

TEST(DiscreteGaussianSigmaTest, SmallestSigmaMeetingTheTarget) {
  for (const double epsilon : {0.2, 1.0, 4.0}) {
    for (const double delta : {1e-8, 1e-5, 1e-2}) {
      for (const std::int64_t sensitivity : {1, 3}) {
        const double sigma = DiscreteGaussianSigma(epsilon, delta, sensitivity);
        EXPECT_LE(DiscreteGaussianDelta(sigma, epsilon, sensitivity), delta);
        EXPECT_GT(DiscreteGaussianDelta(sigma * (1 - 1e-8), epsilon, sensitivity), delta)
            << epsilon << " " << delta << " " << sensitivity;
      }
    }
  }
}

}  // namespace
}  // namespace rampart::privacy
