// The fast exact samplers: the multiprecision exp(-x) bounds against an independent decimal
// expansion (Python's decimal module, 120 digits), the slow path of the lazy comparison on
// constructed inputs, and chi-square goodness of fit of DiscreteLaplaceSampler (table, tail,
// low-part rejection) and of the discrete Gaussian's acceptance blocks against exact pmfs.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/samplers.h>

#include "stats.h"

namespace rampart::privacy {
namespace {

using testing::ChiSquareTest;
using testing::kSampleDivisor;

constexpr double kMinP = 1e-4;

TEST(ExactExpTest, Floor64MatchesIndependentDecimalExpansion) {
  // floor(2^64 exp(-n/d)) from Python: int((Decimal(-n)/d).exp() * 2**64), 120 digits.
  struct Case {
    UInt128 num, den;
    std::uint64_t expected;
  };
  const UInt128 two40 = static_cast<UInt128>(1) << 40;
  for (const Case c :
       {Case{1, 1, 0x5e2d58d8b3bcdf1aULL}, Case{1, 16, 0xf07d5fde38151e72ULL},
        Case{3, two40, 0xfffffffffd000000ULL}, Case{two40 + 5, two40, 0x5e2d58d8b1e5fc5eULL},
        Case{10, 1, 0x2f9af36ac8f93ULL}, Case{7, 3, 0x18d327a69b3be5a8ULL}, Case{40, 1, 0x4eULL},
        Case{50, 1, 0}}) {
    EXPECT_EQ(internal::ExpNegFloor64(c.num, c.den), c.expected)
        << static_cast<std::uint64_t>(c.num) << "/" << static_cast<std::uint64_t>(c.den);
  }
  EXPECT_EQ(internal::ExpNegFloor64(1, 1), internal::kExpMinusOneFloor64);
}

TEST(ExactExpTest, PowersAgreeWithDirectComputation) {
  const auto powers = internal::ExpNegPowersFloor64(3, 70, 300);
  ASSERT_EQ(powers.size(), 300U);
  for (int j = 1; j <= 300; j += 7) {
    EXPECT_EQ(powers[static_cast<std::size_t>(j - 1)],
              internal::ExpNegFloor64(static_cast<UInt128>(3 * j), 70))
        << j;
  }
  for (std::size_t j = 1; j < powers.size(); ++j) EXPECT_LE(powers[j], powers[j - 1]);
}

// Hands out a fixed sequence of words (the slow path's further bits of V).
struct FixedWords {
  std::vector<std::uint64_t> words;
  std::size_t next = 0;
  static std::uint64_t Draw(void* state) {
    auto* self = static_cast<FixedWords*>(state);
    return self->words.at(self->next++);
  }
};

TEST(ExactExpTest, LazyComparisonDecidesOnLaterBits) {
  // exp(-1) = 0x0.5e2d58d8b3bcdf1a badec7829054f90d da9805aab56c7733 3024b9d0a507daed...
  // V agrees with exp(-1) on 128 bits, then is below or above it in the third word: the
  // comparison must read past the first precision (192 bits) and refine.
  for (const bool below : {true, false}) {
    FixedWords more{
        {0xbadec7829054f90dULL, below ? 0xda9805aab56c7732ULL : 0xda9805aab56c7734ULL, 0, 0, 0, 0}};
    internal::LazyUniform v{internal::kExpMinusOneFloor64, {}, {&FixedWords::Draw, &more}};
    EXPECT_EQ(internal::LazyUniformBelowExpNeg(v, 1, 1), below);
    EXPECT_GE(more.next, 2U);
  }
  // Equal on 256 bits: decided by the fifth word.
  for (const bool below : {true, false}) {
    FixedWords more{{0xbadec7829054f90dULL, 0xda9805aab56c7733ULL, 0x3024b9d0a507daedULL,
                     below ? 0ULL : ~0ULL, 0, 0, 0, 0}};
    internal::LazyUniform v{internal::kExpMinusOneFloor64, {}, {&FixedWords::Draw, &more}};
    EXPECT_EQ(internal::LazyUniformBelowExpNeg(v, 1, 1), below);
  }
  // A head that differs from the threshold decides at once.
  FixedWords none{{}};
  internal::LazyUniform low{internal::kExpMinusOneFloor64 - 1, {}, {&FixedWords::Draw, &none}};
  EXPECT_TRUE(internal::LazyUniformBelowExpNeg(low, 1, 1));
  internal::LazyUniform high{internal::kExpMinusOneFloor64 + 1, {}, {&FixedWords::Draw, &none}};
  EXPECT_FALSE(internal::LazyUniformBelowExpNeg(high, 1, 1));
}

TEST(ExactExpTest, SlowCountMatchesThresholds) {
  // V = 2^-64 * head exactly at a threshold: the count continues past it only if V is below.
  const auto powers = internal::ExpNegPowersFloor64(1, 20, 10);
  FixedWords zeros{{0, 0, 0, 0, 0, 0}};
  // V = powers[4] + 0: below exp(-5/20), whose expansion continues past floor(2^64 r^5).
  EXPECT_EQ(internal::SlowExpNegCount(powers[4], 4, 1, 20, {&FixedWords::Draw, &zeros}), 5U);
  FixedWords ones{{~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL}};
  EXPECT_EQ(internal::SlowExpNegCount(powers[4], 4, 1, 20, {&FixedWords::Draw, &ones}), 4U);
}

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

TEST(DiscreteLaplaceSamplerTest, MatchesPmf) {
  const int n = 200000 / kSampleDivisor;
  struct Case {
    std::uint64_t s, t;
    int table_size;
  };
  // k = 0 (scale < 32), k > 0 with s = 1 and s > 1, and tiny tables (the memoryless tail).
  for (const Case c :
       {Case{1, 1, 256}, Case{1, 5, 256}, Case{2, 7, 256}, Case{5, 1, 256}, Case{1, 300, 256},
        Case{1, 1000, 256}, Case{3, 10000, 256}, Case{1, 300, 1}, Case{1, 1000, 3}}) {
    const DiscreteLaplaceSampler sampler(c.s, c.t, c.table_size);
    const double scale = static_cast<double>(c.t) / static_cast<double>(c.s);
    const auto samples = Draw(n, 71 + c.t + static_cast<std::uint64_t>(c.table_size),
                              [&](auto& bits) { return sampler.Sample(bits); });
    const auto half = static_cast<std::int64_t>(std::ceil(15.0 * scale)) + 2;
    const auto chi = ChiSquareTest(
        samples, -half, half, [scale](std::int64_t z) { return DiscreteLaplacePmf(z, scale); });
    EXPECT_GT(chi.p_value, kMinP) << c.s << "/" << c.t << " table " << c.table_size
                                  << " chi=" << chi.statistic;
  }
}

TEST(DiscreteLaplaceSamplerTest, MagnitudeIsGeometric) {
  const int n = 200000 / kSampleDivisor;
  const DiscreteLaplaceSampler sampler(1, 700);
  EXPECT_EQ(sampler.block_shift(), 5);  // 2^5 * 16 <= 700 < 2^6 * 16
  const double q = std::exp(-1.0 / 700);
  const auto samples = Draw(
      n, 81, [&](auto& bits) { return static_cast<std::int64_t>(sampler.SampleMagnitude(bits)); });
  const auto chi = ChiSquareTest(samples, 0, 15000, [q](std::int64_t k) {
    return (1.0 - q) * std::pow(q, static_cast<double>(k));
  });
  EXPECT_GT(chi.p_value, kMinP) << chi.statistic;
}

TEST(DiscreteLaplaceSamplerTest, LargeScaleHighAndLowParts) {
  // Scale 2^40 (the Laplace mechanism's): the magnitude in 16 bins of width 2^38 (the table's
  // high part) and its low 8 bits (the rejection-sampled low part) against the exact
  // geometric probabilities.
  const int n = 200000 / kSampleDivisor;
  const std::uint64_t t = std::uint64_t{1} << 40;
  const DiscreteLaplaceSampler sampler(1, t);
  EXPECT_EQ(sampler.block_shift(), 36);
  std::vector<std::int64_t> high;
  std::vector<std::int64_t> low;
  SeededRandom seeded(91);
  RandomBits bits(seeded);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t g = sampler.SampleMagnitude(bits);
    high.push_back(static_cast<std::int64_t>(g >> 38));
    low.push_back(static_cast<std::int64_t>(g & 0xFFU));
  }
  const double bin = 0x1p38 / 0x1p40;  // bin width / scale
  const auto chi_high = ChiSquareTest(high, 0, 60, [bin](std::int64_t j) {
    return std::exp(-bin * static_cast<double>(j)) * -std::expm1(-bin);
  });
  EXPECT_GT(chi_high.p_value, kMinP) << chi_high.statistic;
  const double q = std::exp(-0x1p-40);
  const auto chi_low = ChiSquareTest(low, 0, 255, [q](std::int64_t r) {
    return std::pow(q, static_cast<double>(r)) * (1.0 - q) / (1.0 - std::pow(q, 256.0));
  });
  EXPECT_GT(chi_low.p_value, kMinP) << chi_low.statistic;
}

TEST(DiscreteLaplaceSamplerTest, AWrongScaleIsRejected) {
  // The test has power: scale 100 (block shift 2) against the pmf of scale 110 fails clearly.
  const DiscreteLaplaceSampler sampler(1, 100);
  const auto samples =
      Draw(200000 / kSampleDivisor, 95, [&](auto& bits) { return sampler.Sample(bits); });
  const auto chi = ChiSquareTest(samples, -1500, 1500,
                                 [](std::int64_t z) { return DiscreteLaplacePmf(z, 110.0); });
  EXPECT_LT(chi.p_value, 1e-6);
}

TEST(DiscreteLaplaceSamplerTest, InvalidParametersThrow) {
  EXPECT_THROW(DiscreteLaplaceSampler(0, 1), InvalidArgumentError);
  EXPECT_THROW(DiscreteLaplaceSampler(1, 0), InvalidArgumentError);
  EXPECT_THROW(DiscreteLaplaceSampler(1, std::uint64_t{1} << 63), InvalidArgumentError);
  EXPECT_THROW(DiscreteLaplaceSampler(1, 1, 0), InvalidArgumentError);
  EXPECT_THROW(DiscreteLaplaceSampler(1, 1, 70000), InvalidArgumentError);
}

TEST(DiscreteLaplaceSamplerTest, TwoWordsPerSampleAtTheMechanismScale) {
  SeededRandom seeded(97);
  RandomBits bits(seeded);
  const DiscreteLaplaceSampler sampler(1, std::uint64_t{1} << 40);
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) (void)sampler.Sample(bits);
  const double bytes = static_cast<double>(bits.bytes_drawn()) / kN;
  RecordProperty("bytes_discrete_laplace_table_t2p40", std::to_string(bytes));
  // One word for the high part, 1/(1 - rejection of the low part) words for the rest.
  EXPECT_GT(bytes, 16.0);
  EXPECT_LT(bytes, 17.0);
}

double GaussianWeight(std::int64_t z, double sigma2) {
  return std::exp(-static_cast<double>(z) * static_cast<double>(z) / (2.0 * sigma2));
}

TEST(DiscreteGaussianBlocksTest, LargeSigmaMatchesPmf) {
  // σ = 1000 and 9000: proposal blocks of 2^5 and 2^8, every acceptance test through the blocks.
  const int n = 200000 / kSampleDivisor;
  for (const double sigma : {1000.0, 9000.0}) {
    const auto p = DiscreteGaussianParameters::FromSigma(sigma);
    ASSERT_NE(p.accept_blocks, nullptr);
    EXPECT_GT(p.proposal.block_shift(), 0);
    // The blocks reach past 8 σ.
    EXPECT_GT(static_cast<double>(p.accept_blocks->size() << p.proposal.block_shift()),
              8.0 * sigma);
    const double sigma2 = p.Sigma2();
    const auto samples = Draw(n, 101, [&](auto& bits) { return SampleDiscreteGaussian(bits, p); });
    const auto half = static_cast<std::int64_t>(6.0 * sigma);
    const auto range = static_cast<std::int64_t>(12.0 * sigma);
    double normalizer = 0.0;
    for (std::int64_t y = -range; y <= range; ++y) normalizer += GaussianWeight(y, sigma2);
    // Cells of about σ/50 steps (the pmf summed over each cell).
    const std::int64_t width = static_cast<std::int64_t>(sigma / 50.0);
    std::vector<std::int64_t> cells;
    cells.reserve(samples.size());
    for (const auto z : samples) cells.push_back(z >= 0 ? z / width : -((-z - 1) / width) - 1);
    const auto chi = ChiSquareTest(cells, -half / width - 1, half / width, [&](std::int64_t cell) {
      double mass = 0.0;
      for (std::int64_t z = cell * width; z < (cell + 1) * width; ++z) {
        mass += GaussianWeight(z, sigma2) / normalizer;
      }
      return mass;
    });
    EXPECT_GT(chi.p_value, kMinP) << sigma << " chi=" << chi.statistic;
  }
}

}  // namespace
}  // namespace rampart::privacy
