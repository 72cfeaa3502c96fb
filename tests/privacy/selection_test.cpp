// Validation and deterministic behaviour of the selection mechanisms, the sparse vector technique
// and randomized response.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/exponential.h>
#include <rampart/privacy/randomized_response.h>
#include <rampart/privacy/sparse_vector.h>

namespace rampart::privacy {
namespace {

TEST(ExponentialMechanismTest, Validation) {
  EXPECT_THROW((void)ExponentialMechanism::Builder().SetSensitivity(1).Build(),
               InvalidArgumentError);
  EXPECT_THROW((void)ExponentialMechanism::Builder().SetEpsilon(1).SetSensitivity(-1).Build(),
               InvalidArgumentError);
  EXPECT_THROW((void)ExponentialMechanism::Builder()
                   .SetEpsilon(1)
                   .SetSensitivity(1)
                   .SetMonotonic(true)
                   .SetMethod(SelectionMethod::kPermuteAndFlip)
                   .Build(),
               InvalidArgumentError);
  const auto em = ExponentialMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build();
  EXPECT_THROW((void)em.Select(std::vector<double>{}), InvalidArgumentError);
  EXPECT_THROW((void)em.Select(std::vector<double>{1.0, std::nan("")}), InvalidArgumentError);
  // η = ε/(2Δ), rounded down by at most a relative 2^-20 (one grid step of Δ).
  EXPECT_LE(em.eta(), 0.5);
  EXPECT_NEAR(em.eta(), 0.5, 0.5 * 2e-6);
}

TEST(ExponentialMechanismTest, LargeEpsilonPicksTheMaximum) {
  SeededRandom seeded(1);
  RandomBits bits(seeded);
  const std::vector<double> utility = {3, 9, 4, -2, 8.5};
  for (const auto method : {SelectionMethod::kExponential, SelectionMethod::kPermuteAndFlip}) {
    const auto em =
        ExponentialMechanism::Builder().SetEpsilon(200).SetSensitivity(1).SetMethod(method).Build();
    for (int i = 0; i < 200; ++i) EXPECT_EQ(em.Select(utility, bits), 1U);
  }
  const auto rnm = ReportNoisyMax::Builder().SetEpsilon(200).SetSensitivity(1).Build();
  for (int i = 0; i < 200; ++i) EXPECT_EQ(rnm.Select(utility, bits), 1U);
}

TEST(ExponentialMechanismTest, ProbabilitiesSumToOneAndFavourHighUtility) {
  const std::vector<double> utility = {0, 1, 2, 3};
  for (const auto method : {SelectionMethod::kExponential, SelectionMethod::kPermuteAndFlip}) {
    const auto em =
        ExponentialMechanism::Builder().SetEpsilon(1).SetSensitivity(1).SetMethod(method).Build();
    const auto p = em.SelectionProbabilities(utility);
    double total = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      total += p[i];
      if (i > 0) {
        EXPECT_GT(p[i], p[i - 1]);
      }
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
  }
  // Exponential: P(3)/P(0) = exp(η * 3) with η = 1/2.
  const auto em = ExponentialMechanism::Builder().SetEpsilon(1).SetSensitivity(1).Build();
  const auto p = em.SelectionProbabilities(utility);
  EXPECT_NEAR(p[3] / p[0], std::exp(1.5), 1e-5);
}

TEST(ReportNoisyMaxTest, ScaleIsTwoSensitivityOverEpsilonOrOneWhenMonotonic) {
  const auto general = ReportNoisyMax::Builder().SetEpsilon(0.5).SetSensitivity(1).Build();
  EXPECT_GE(general.scale(), 4.0);
  EXPECT_NEAR(general.scale(), 4.0, 4.0 * 3e-6);
  const auto monotonic =
      ReportNoisyMax::Builder().SetEpsilon(0.5).SetSensitivity(1).SetMonotonic(true).Build();
  EXPECT_NEAR(monotonic.scale(), 2.0, 2.0 * 3e-6);
}

TEST(SparseVectorTest, ValidationAndScales) {
  EXPECT_THROW((void)SparseVector::Builder().SetEpsilon(1).SetSensitivity(1).Build(),
               InvalidArgumentError);  // no threshold
  EXPECT_THROW((void)SparseVector::Builder()
                   .SetEpsilon(1)
                   .SetSensitivity(1)
                   .SetThreshold(0)
                   .SetMaxPositives(0)
                   .Build(),
               InvalidArgumentError);
  const auto svt = SparseVector::Builder()
                       .SetEpsilon(1)
                       .SetSensitivity(1)
                       .SetThreshold(10)
                       .SetMaxPositives(3)
                       .Build();
  // Lyu et al. Alg. 1: ρ ~ Lap(Δ/(ε/2)) = Lap(2), ν ~ Lap(2cΔ/(ε/2)) = Lap(12).
  EXPECT_NEAR(svt.threshold_noise_scale(), 2.0, 1e-5);
  EXPECT_NEAR(svt.query_noise_scale(), 12.0, 1e-4);
}

TEST(SparseVectorTest, HaltsAfterMaxPositivesAndAnswersExactlyWithLargeEpsilon) {
  SeededRandom seeded(4);
  RandomBits bits(seeded);
  const auto svt = SparseVector::Builder()
                       .SetEpsilon(1e6)
                       .SetSensitivity(1)
                       .SetThreshold(10)
                       .SetMaxPositives(2)
                       .Build();
  auto session = svt.Begin(bits);
  EXPECT_EQ(session.Query(3), false);
  EXPECT_EQ(session.Query(20), true);
  EXPECT_EQ(session.Query(9), false);
  EXPECT_FALSE(session.halted());
  EXPECT_EQ(session.Query(11), true);
  EXPECT_TRUE(session.halted());
  EXPECT_EQ(session.Query(100), std::nullopt);
}

TEST(RandomizedResponseTest, ValidationAndProbabilities) {
  EXPECT_THROW((void)RandomizedResponse::Builder().SetEpsilon(1).SetCategories(1).Build(),
               InvalidArgumentError);
  EXPECT_THROW((void)RandomizedResponse::Builder().SetEpsilon(0).SetCategories(3).Build(),
               InvalidArgumentError);
  const auto rr = RandomizedResponse::Builder().SetEpsilon(0.1).SetCategories(3).Build();
  EXPECT_EQ(rr.realized_epsilon(), 0.1);  // a double is a dyadic rational: exact
  EXPECT_NEAR(rr.keep_probability() / rr.other_probability(), std::exp(0.1), 1e-12);
  EXPECT_NEAR(rr.keep_probability() + 2 * rr.other_probability(), 1.0, 1e-12);
  EXPECT_THROW((void)rr.Respond(3), InvalidArgumentError);
  EXPECT_THROW((void)rr.EstimateFrequencies(std::vector<std::uint64_t>{1, 2}),
               InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::privacy
