// The four noise mechanisms: validation in Build(), the reported parameters, the grid (no output
// carries bits finer than the grid step, whatever the input), and exact confidence intervals.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>
#include <rampart/privacy/discrete_gaussian.h>
#include <rampart/privacy/discrete_laplace.h>
#include <rampart/privacy/gaussian.h>
#include <rampart/privacy/laplace.h>

namespace rampart::privacy {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(LaplaceMechanismTest, BuildValidatesEveryParameter) {
  EXPECT_THROW((void)LaplaceMechanism::Builder().SetSensitivity(1).Build(), InvalidArgumentError);
  EXPECT_THROW((void)LaplaceMechanism::Builder().SetEpsilon(1).Build(), InvalidArgumentError);
  for (const double bad : {0.0, -1.0, kNan, kInf}) {
    EXPECT_THROW((void)LaplaceMechanism::Builder().SetEpsilon(bad).SetSensitivity(1).Build(),
                 InvalidArgumentError);
    EXPECT_THROW((void)LaplaceMechanism::Builder().SetEpsilon(1).SetSensitivity(bad).Build(),
                 InvalidArgumentError);
  }
  try {
    (void)LaplaceMechanism::Builder().SetSensitivity(1).Build();
  } catch (const Error& error) {
    EXPECT_EQ(error.location().field, "epsilon");
    EXPECT_NE(std::string(error.what()).find("epsilon is required"), std::string::npos);
  }
}

TEST(LaplaceMechanismTest, ReportsParametersAndTheGrid) {
  const auto m = LaplaceMechanism::Builder().SetEpsilon(1.0).SetSensitivity(1.0).Build();
  EXPECT_EQ(m.name(), "laplace");
  EXPECT_EQ(m.epsilon(), 1.0);
  EXPECT_EQ(m.delta(), 0.0);
  EXPECT_EQ(m.sensitivity(), 1.0);
  EXPECT_EQ(m.granularity(), std::ldexp(1.0, -40));  // smallest 2^k >= 1/2^40
  EXPECT_EQ(m.grid_sensitivity(), (std::uint64_t{1} << 40) + 1);
  EXPECT_GE(m.scale(), 1.0);          // never less noise than Δ/ε
  EXPECT_LE(m.scale(), 1.0 + 2e-12);  // ... and only the rounding step more
  EXPECT_LE(m.realized_epsilon(), 1.0);
  const auto big = LaplaceMechanism::Builder().SetEpsilon(0.1).SetSensitivity(1000).Build();
  EXPECT_EQ(big.granularity(), std::ldexp(1.0, 14 - 40));  // 10^4 <= 2^14
  EXPECT_NEAR(big.scale(), 10000.0, 1e-6);
}

TEST(GaussianMechanismTest, BuildValidatesEveryParameter) {
  const auto build = [](double e, double d, double s) {
    return GaussianMechanism::Builder().SetEpsilon(e).SetDelta(d).SetSensitivity(s).Build();
  };
  EXPECT_THROW((void)build(1, 0.0, 1), InvalidArgumentError);  // δ = 0: not a Gaussian guarantee
  EXPECT_THROW((void)build(1, 1.0, 1), InvalidArgumentError);
  EXPECT_THROW((void)build(1, kNan, 1), InvalidArgumentError);
  EXPECT_THROW((void)build(0, 1e-5, 1), InvalidArgumentError);
  EXPECT_THROW((void)build(1, 1e-5, 0), InvalidArgumentError);
  EXPECT_THROW((void)GaussianMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build(),
               InvalidArgumentError);
}

TEST(GaussianMechanismTest, SigmaIsTheAnalyticOneInflatedByOneGridStep) {
  const auto m =
      GaussianMechanism::Builder().SetEpsilon(1.0).SetDelta(1e-5).SetSensitivity(1.0).Build();
  const double analytic = AnalyticGaussianSigma(1.0, 1e-5, 1.0);
  EXPECT_EQ(m.granularity(), std::ldexp(1.0, 2 - 14));  // 3.73 <= 2^2
  EXPECT_EQ(m.grid_sensitivity(), 4097U);
  // σ_g is calibrated for Δ_g = 4097 steps of 2^-12 = Δ + g.
  EXPECT_GE(m.scale(), analytic * 4096.0 / 4096.0);
  EXPECT_NEAR(m.scale() / (analytic * 4097.0 / 4096.0), 1.0, 1e-3);
  // The exact discrete guarantee holds in grid units.
  const double sigma_steps = std::sqrt(m.parameters().Sigma2());
  EXPECT_LE(DiscreteGaussianDelta(sigma_steps, 1.0, 4097), 1e-5);
}

// Doubles with messy low bits, signed zeros, subnormals, huge and infinite values.
std::vector<double> AwkwardInputs() {
  std::vector<double> values = {0.0,
                                -0.0,
                                0.1,
                                -0.3,
                                1.0 / 3,
                                std::nextafter(1.0, 2.0),
                                1e-300,
                                5e-324,
                                -5e-324,
                                123456.789,
                                -9.87654321e12,
                                1e300,
                                -1e300,
                                kInf,
                                -kInf,
                                std::numeric_limits<double>::max()};
  SeededRandom seeded(99);
  for (int i = 0; i < 200; ++i) {
    const auto word = seeded();
    const double u = static_cast<double>(word >> 11) * 0x1p-53;
    values.push_back((u - 0.5) * std::ldexp(1.0, static_cast<int>(word % 80) - 40));
  }
  return values;
}

// |output| is a multiple of g exactly: output / g (a power-of-two scaling, exact) is an integer.
bool OnGrid(double output, double granularity) {
  if (!std::isfinite(output)) return false;
  const double steps = output / granularity;
  return std::nearbyint(steps) == steps;
}

TEST(GridTest, NoOutputCarriesBitsFinerThanTheGrid) {
  SeededRandom seeded(5);
  RandomBits bits(seeded);
  const auto laplace = LaplaceMechanism::Builder().SetEpsilon(0.7).SetSensitivity(3.0).Build();
  const auto gaussian =
      GaussianMechanism::Builder().SetEpsilon(0.7).SetDelta(1e-6).SetSensitivity(3.0).Build();
  const auto tiny = LaplaceMechanism::Builder().SetEpsilon(5.0).SetSensitivity(1e-9).Build();
  for (const double value : AwkwardInputs()) {
    for (int r = 0; r < 20; ++r) {
      const double a = laplace.AddNoise(value, bits);
      ASSERT_TRUE(OnGrid(a, laplace.granularity())) << value << " -> " << a;
      const double b = gaussian.AddNoise(value, bits);
      ASSERT_TRUE(OnGrid(b, gaussian.granularity())) << value << " -> " << b;
      const double c = tiny.AddNoise(value, bits);
      ASSERT_TRUE(OnGrid(c, tiny.granularity())) << value << " -> " << c;
    }
  }
  // The low bits of the input never show: inputs that round to the same grid point give the same
  // output for the same random bits.
  SeededRandom s1(77);
  SeededRandom s2(77);
  RandomBits b1(s1);
  RandomBits b2(s2);
  const double g = laplace.granularity();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(laplace.AddNoise(1.0 + 0.2 * g, b1), laplace.AddNoise(1.0 - 0.3 * g, b2));
  }
}

TEST(BatchTest, SpanAddNoiseEqualsOneAtATimeOnTheSameBits) {
  // The batch path is the per-value path in a loop: same bits, same outputs, for all four.
  const auto laplace = LaplaceMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build();
  const auto gaussian =
      GaussianMechanism::Builder().SetEpsilon(1).SetDelta(1e-5).SetSensitivity(1).Build();
  const auto dlap = DiscreteLaplaceMechanism::Builder().SetEpsilon(0.5).SetSensitivity(1).Build();
  const auto dgauss =
      DiscreteGaussianMechanism::Builder().SetEpsilon(1).SetDelta(1e-5).SetSensitivity(1).Build();
  std::vector<double> reals = {0.0, 1.5, -3.25, 1e6, -1e-9};
  std::vector<std::int64_t> counts = {0, 7, -42, 1000000};
  auto batch_reals = reals;
  auto batch_counts = counts;
  SeededRandom s1(5);
  SeededRandom s2(5);
  RandomBits b1(s1);
  RandomBits b2(s2);
  laplace.AddNoise(std::span<double>(batch_reals), b1);
  gaussian.AddNoise(std::span<double>(batch_reals), b1);
  dlap.AddNoise(std::span<std::int64_t>(batch_counts), b1);
  dgauss.AddNoise(std::span<std::int64_t>(batch_counts), b1);
  for (double& v : reals) v = laplace.AddNoise(v, b2);
  for (double& v : reals) v = gaussian.AddNoise(v, b2);
  for (auto& v : counts) v = dlap.AddNoise(v, b2);
  for (auto& v : counts) v = dgauss.AddNoise(v, b2);
  EXPECT_EQ(batch_reals, reals);
  EXPECT_EQ(batch_counts, counts);
  EXPECT_EQ(b1.bytes_drawn(), b2.bytes_drawn());
  std::vector<double> with_nan = {1.0, kNan};
  EXPECT_THROW(laplace.AddNoise(std::span<double>(with_nan), b1), InvalidArgumentError);
}

TEST(GridTest, NanIsRejected) {
  const auto laplace = LaplaceMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build();
  EXPECT_THROW((void)laplace.AddNoise(kNan), InvalidArgumentError);
}

TEST(GridTest, SecureDefaultSourceProducesGridOutputs) {
  const auto laplace = LaplaceMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build();
  const double a = laplace.AddNoise(10.0);
  const double b = laplace.AddNoise(10.0);
  EXPECT_TRUE(OnGrid(a, laplace.granularity()));
  EXPECT_NE(a, b);  // equal with probability about 2^-40
}

TEST(DiscreteLaplaceMechanismTest, ScaleAndValidation) {
  const auto m = DiscreteLaplaceMechanism::Builder().SetEpsilon(0.3).SetSensitivity(2).Build();
  EXPECT_EQ(m.name(), "discrete-laplace");
  EXPECT_GE(m.scale(), 2.0 / 0.3);
  EXPECT_LE(m.scale(), 2.0 / 0.3 * (1 + 1e-11));
  // The realised ε = Δ s / t never exceeds the requested one.
  EXPECT_LE(
      2.0 * static_cast<double>(m.scale_denominator()) / static_cast<double>(m.scale_numerator()),
      0.3);
  EXPECT_EQ(m.granularity(), 1.0);
  EXPECT_THROW((void)DiscreteLaplaceMechanism::Builder().SetEpsilon(1).SetSensitivity(0).Build(),
               InvalidArgumentError);
  EXPECT_THROW((void)DiscreteLaplaceMechanism::Builder().SetEpsilon(-1).SetSensitivity(1).Build(),
               InvalidArgumentError);
  EXPECT_THROW(
      (void)DiscreteLaplaceMechanism::Builder().SetEpsilon(1e-300).SetSensitivity(1).Build(),
      InvalidArgumentError);
}

TEST(DiscreteLaplaceMechanismTest, ExactConfidenceInterval) {
  const auto m = DiscreteLaplaceMechanism::Builder().SetEpsilon(0.5).SetSensitivity(1).Build();
  const double scale = m.scale();
  const double q = std::exp(-1.0 / scale);
  const auto coverage = [&](double half) {  // P(|Z| <= half)
    return 1.0 - 2.0 * std::pow(q, half + 1) / (1.0 + q);
  };
  for (const double level : {0.5, 0.9, 0.95, 0.99, 0.999999}) {
    const auto ci = m.NoiseConfidenceInterval(level);
    EXPECT_EQ(ci.low, -ci.high);
    EXPECT_EQ(ci.level, level);
    EXPECT_GE(coverage(ci.high), level);
    if (ci.high > 0) {
      EXPECT_LT(coverage(ci.high - 1), level) << level;
    }
  }
  EXPECT_THROW((void)m.NoiseConfidenceInterval(1.0), InvalidArgumentError);
  EXPECT_THROW((void)m.NoiseConfidenceInterval(0.0), InvalidArgumentError);
}

TEST(DiscreteLaplaceMechanismTest, SaturatesInsteadOfOverflowing) {
  const auto m = DiscreteLaplaceMechanism::Builder().SetEpsilon(0.01).SetSensitivity(1).Build();
  SeededRandom seeded(3);
  RandomBits bits(seeded);
  const auto max = std::numeric_limits<std::int64_t>::max();
  for (int i = 0; i < 200; ++i) {
    const auto v = m.AddNoise(max, bits);
    EXPECT_LE(v, max);
    EXPECT_GT(v, max - 100000);
  }
}

TEST(DiscreteGaussianMechanismTest, SigmaFromExactDiscreteCalibration) {
  const auto m =
      DiscreteGaussianMechanism::Builder().SetEpsilon(1.0).SetDelta(1e-5).SetSensitivity(1).Build();
  EXPECT_EQ(m.name(), "discrete-gaussian");
  EXPECT_LE(DiscreteGaussianDelta(m.scale(), 1.0, 1), 1e-5);
  EXPECT_NEAR(m.scale(), DiscreteGaussianSigma(1.0, 1e-5, 1), 1e-6);
  EXPECT_THROW((void)DiscreteGaussianMechanism::Builder()
                   .SetEpsilon(1)
                   .SetDelta(0)
                   .SetSensitivity(1)
                   .Build(),
               InvalidArgumentError);
}

TEST(DiscreteGaussianMechanismTest, ExactConfidenceInterval) {
  const auto m =
      DiscreteGaussianMechanism::Builder().SetEpsilon(0.5).SetDelta(1e-6).SetSensitivity(1).Build();
  const double sigma2 = m.parameters().Sigma2();
  double normalizer = 0;
  for (int y = -5000; y <= 5000; ++y) normalizer += std::exp(-1.0 * y * y / (2 * sigma2));
  const auto coverage = [&](double half) {
    double mass = 0;
    for (int y = -static_cast<int>(half); y <= static_cast<int>(half); ++y) {
      mass += std::exp(-1.0 * y * y / (2 * sigma2));
    }
    return mass / normalizer;
  };
  for (const double level : {0.5, 0.95, 0.999}) {
    const auto ci = m.NoiseConfidenceInterval(level);
    EXPECT_GE(coverage(ci.high), level - 1e-12);
    EXPECT_LT(coverage(ci.high - 1), level);
  }
}

TEST(RealMechanismTest, ConfidenceIntervalsIncludeTheRounding) {
  const auto m = LaplaceMechanism::Builder().SetEpsilon(1.0).SetSensitivity(1.0).Build();
  const auto ci = m.NoiseConfidenceInterval(0.95);
  // Continuous Laplace: b ln(1/0.05) = 2.9957; the discrete one on a 2^-40 grid agrees closely.
  EXPECT_NEAR(ci.high, std::log(20.0), 1e-6);
  const auto g =
      GaussianMechanism::Builder().SetEpsilon(1).SetDelta(1e-5).SetSensitivity(1).Build();
  EXPECT_NEAR(g.NoiseConfidenceInterval(0.95).high, 1.959964 * g.scale(), 1e-3 * g.scale());
}

}  // namespace
}  // namespace rampart::privacy
