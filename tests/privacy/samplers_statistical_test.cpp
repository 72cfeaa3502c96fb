// Goodness of fit of every exact integer sampler against its exact pmf (chi-square, fixed seeds),
// and the measured random bits per sample quoted in docs/privacy.md.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>
#include <rampart/privacy/samplers.h>

#include "stats.h"

namespace rampart::privacy {
namespace {

using testing::ChiSquareTest;
using testing::kSampleDivisor;

constexpr double kMinP = 1e-4;  // fixed seeds: a true sampler passes; a wrong pmf fails by far

template <class F>
std::vector<std::int64_t> Draw(int n, std::uint64_t seed, F sample) {
  SeededRandom seeded(seed);
  RandomBits bits(seeded);
  std::vector<std::int64_t> samples;
  samples.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) samples.push_back(sample(bits));
  return samples;
}

double DiscreteLaplacePmf(std::int64_t z, double scale) {
  const double q = std::exp(-1.0 / scale);
  return (1.0 - q) / (1.0 + q) * std::exp(-static_cast<double>(std::llabs(z)) / scale);
}

double DiscreteGaussianPmf(std::int64_t z, double sigma2) {
  double normalizer = 0.0;
  for (int y = -2000; y <= 2000; ++y) normalizer += std::exp(-1.0 * y * y / (2.0 * sigma2));
  return std::exp(-static_cast<double>(z) * static_cast<double>(z) / (2.0 * sigma2)) / normalizer;
}

TEST(BernoulliTest, RationalProbabilities) {
  const int n = 200000 / kSampleDivisor;
  struct Case {
    UInt128 num, den;
  };
  const UInt128 big = (static_cast<UInt128>(1) << 100) + 12345;
  for (const Case c : {Case{1, 3}, Case{2, 7}, Case{0, 5}, Case{5, 5}, Case{big / 3, big}}) {
    const double p = static_cast<double>(c.num) / static_cast<double>(c.den);
    const auto samples = Draw(n, 11, [&](auto& bits) -> std::int64_t {
      return SampleBernoulli(bits, c.num, c.den) ? 1 : 0;
    });
    const auto chi = ChiSquareTest(samples, 0, 1, [p](std::int64_t v) { return v ? p : 1 - p; });
    EXPECT_GT(chi.p_value, kMinP) << p;
    if (p == 0.0 || p == 1.0) {
      for (const auto s : samples) ASSERT_EQ(s, p == 1.0 ? 1 : 0);
    }
  }
}

TEST(BernoulliTest, UsesOneChunkOfBitsAndRarelyMore) {
  // 8 bits decide the trial unless they equal floor(256 p) (probability 1/256); then about 2
  // more bits on average.
  SeededRandom seeded(3);
  RandomBits bits(seeded);
  constexpr int kN = 100000;
  for (int i = 0; i < kN; ++i) (void)SampleBernoulli(bits, 1, 3);
  const double per_trial = static_cast<double>(bits.bits_used()) / kN;
  EXPECT_GE(per_trial, 8.0);
  EXPECT_LT(per_trial, 8.0 + 4.0 / 256);
}

TEST(BernoulliExpNegTest, MatchesExpOfMinusGamma) {
  const int n = 200000 / kSampleDivisor;
  struct Case {
    std::uint64_t num, den;
  };
  for (const Case c : {Case{0, 1}, Case{3, 10}, Case{1, 1}, Case{5, 2}, Case{7, 3}, Case{40, 7}}) {
    const double p = std::exp(-static_cast<double>(c.num) / static_cast<double>(c.den));
    const auto samples = Draw(n, 12 + c.num, [&](auto& bits) -> std::int64_t {
      return SampleBernoulliExpNeg(bits, c.num, c.den) ? 1 : 0;
    });
    const auto chi = ChiSquareTest(samples, 0, 1, [p](std::int64_t v) { return v ? p : 1 - p; });
    EXPECT_GT(chi.p_value, kMinP) << c.num << "/" << c.den;
  }
}

TEST(GeometricTest, RatioExpMinusSOverT) {
  const int n = 200000 / kSampleDivisor;
  struct Case {
    std::uint64_t s, t;
  };
  for (const Case c : {Case{1, 1}, Case{1, 7}, Case{3, 10}, Case{4, 1}, Case{1, 1000}}) {
    const double q = std::exp(-static_cast<double>(c.s) / static_cast<double>(c.t));
    const auto samples = Draw(n, 21 + c.t, [&](auto& bits) -> std::int64_t {
      return static_cast<std::int64_t>(SampleGeometricExp(bits, c.s, c.t));
    });
    const auto hi = static_cast<std::int64_t>(30.0 / (1.0 - q));
    const auto chi = ChiSquareTest(samples, 0, hi, [q](std::int64_t k) {
      return (1.0 - q) * std::pow(q, static_cast<double>(k));
    });
    EXPECT_GT(chi.p_value, kMinP) << c.s << "/" << c.t << " chi=" << chi.statistic;
  }
}

TEST(DiscreteLaplaceTest, MatchesPmf) {
  const int n = 200000 / kSampleDivisor;
  struct Case {
    std::uint64_t s, t;
  };
  for (const Case c : {Case{1, 1}, Case{1, 5}, Case{2, 7}, Case{5, 1}, Case{1, 300}}) {
    const double scale = static_cast<double>(c.t) / static_cast<double>(c.s);
    const auto samples = Draw(n, 31 + c.t, [&](auto& bits) -> std::int64_t {
      return SampleDiscreteLaplace(bits, c.s, c.t);
    });
    const auto half = static_cast<std::int64_t>(std::ceil(15.0 * scale)) + 2;
    const auto chi = ChiSquareTest(
        samples, -half, half, [scale](std::int64_t z) { return DiscreteLaplacePmf(z, scale); });
    EXPECT_GT(chi.p_value, kMinP) << scale << " chi=" << chi.statistic;
  }
}

TEST(DiscreteLaplaceTest, AWrongScaleIsRejected) {
  // The test has power: samples of scale 5 against the pmf of scale 5.5 fail clearly.
  const auto samples = Draw(200000 / kSampleDivisor, 41, [](auto& bits) -> std::int64_t {
    return SampleDiscreteLaplace(bits, 1, 5);
  });
  const auto chi =
      ChiSquareTest(samples, -80, 80, [](std::int64_t z) { return DiscreteLaplacePmf(z, 5.5); });
  EXPECT_LT(chi.p_value, 1e-6);
}

TEST(DiscreteGaussianTest, MatchesPmf) {
  const int n = 200000 / kSampleDivisor;
  for (const double sigma : {0.3, 1.0, 3.7, 20.0, 123.4}) {
    const auto p = DiscreteGaussianParameters::FromSigma(sigma);
    const double sigma2 = p.Sigma2();
    EXPECT_GE(sigma2, sigma * sigma);
    EXPECT_LE(sigma2, sigma * sigma * (1 + 0x1p-20));
    const auto samples = Draw(n, 51, [&](auto& bits) { return SampleDiscreteGaussian(bits, p); });
    const auto half = static_cast<std::int64_t>(std::ceil(8.0 * sigma)) + 1;
    const auto chi = ChiSquareTest(
        samples, -half, half, [sigma2](std::int64_t z) { return DiscreteGaussianPmf(z, sigma2); });
    EXPECT_GT(chi.p_value, kMinP) << sigma << " chi=" << chi.statistic;
  }
}

TEST(DiscreteGaussianTest, AWrongSigmaIsRejected) {
  const auto p = DiscreteGaussianParameters::FromSigma(3.7);
  const auto samples = Draw(200000 / kSampleDivisor, 52,
                            [&](auto& bits) { return SampleDiscreteGaussian(bits, p); });
  const auto chi = ChiSquareTest(samples, -40, 40,
                                 [](std::int64_t z) { return DiscreteGaussianPmf(z, 3.9 * 3.9); });
  EXPECT_LT(chi.p_value, 1e-6);
}

TEST(DiscreteGaussianParametersTest, ExactFractionsAndGuards) {
  const auto p = DiscreteGaussianParameters::FromSigma(2.0);
  EXPECT_EQ(p.sigma2_num, 4 * p.sigma2_den);  // exact for a representable square
  EXPECT_EQ(p.t, 3U);
  EXPECT_GE(p.max_magnitude, 1000U * p.t);
  const auto small = DiscreteGaussianParameters::FromSigma(0x1p-10);
  EXPECT_EQ(small.t, 1U);
  EXPECT_GE(small.max_magnitude, 2000U);
  const auto large = DiscreteGaussianParameters::FromSigma(0x1p24);
  EXPECT_EQ(large.sigma2_den, 1U);
  EXPECT_GE(large.max_magnitude, 1000U * large.t);
  EXPECT_THROW((void)DiscreteGaussianParameters::FromSigma(0.0), InvalidArgumentError);
  EXPECT_THROW((void)DiscreteGaussianParameters::FromSigma(0x1p25), InvalidArgumentError);
  EXPECT_THROW((void)DiscreteGaussianParameters::FromSigma(std::nan("")), InvalidArgumentError);
}

TEST(BitsPerSampleTest, MeasuredFiguresForTheDocs) {
  // Recorded in docs/privacy.md; the bounds are the analytic expectations with slack.
  SeededRandom seeded(61);
  RandomBits bits(seeded);
  constexpr int kN = 20000;
  auto before = bits.bits_used();
  for (int i = 0; i < kN; ++i) (void)SampleBernoulliExpNeg(bits, 1, 1);
  const double exp1 = static_cast<double>(bits.bits_used() - before) / kN;
  before = bits.bits_used();
  for (int i = 0; i < kN; ++i) (void)SampleDiscreteLaplace(bits, 1, std::uint64_t{1} << 40);
  const double laplace = static_cast<double>(bits.bits_used() - before) / kN;
  const auto p = DiscreteGaussianParameters::FromSigma(10000.0);
  before = bits.bits_used();
  for (int i = 0; i < kN; ++i) (void)SampleDiscreteGaussian(bits, p);
  const double gaussian = static_cast<double>(bits.bits_used() - before) / kN;
  RecordProperty("bits_bernoulli_exp1", std::to_string(exp1));
  RecordProperty("bits_discrete_laplace_t2p40", std::to_string(laplace));
  RecordProperty("bits_discrete_gaussian_sigma1e4", std::to_string(gaussian));
  // Bernoulli(exp(-1)): one 8-bit chunk against the bits of 1/e, a second with probability
  // 1/256: 8 + 8/255 expected.
  EXPECT_NEAR(exp1, 8.0 + 8.0 / 255.0, 0.05);
  EXPECT_LT(laplace, 160);
  // The table-driven proposal and acceptance take whole words: 4 per proposal, 1/0.76 proposals.
  EXPECT_GT(gaussian, 256 * 1.2);
  EXPECT_LT(gaussian, 256 * 1.45);
  std::printf("bits/sample: Bernoulli(e^-1) %.2f, DLap(t=2^40) %.1f, DGauss(sigma=1e4) %.1f\n",
              exp1, laplace, gaussian);
}

}  // namespace
}  // namespace rampart::privacy
