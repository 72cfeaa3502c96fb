// Exactness of the selection mechanisms and randomized response (chi-square against the exact
// selection probabilities), DP audits on neighbouring utility vectors and query streams, and the
// unbiasedness of the randomized-response frequency estimator. Fixed seeds.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/privacy/exponential.h>
#include <rampart/privacy/randomized_response.h>
#include <rampart/privacy/sparse_vector.h>

#include "stats.h"

namespace rampart::privacy {
namespace {

using testing::ChiSquareTest;
using testing::DpAudit;
using testing::kSampleDivisor;

const int kN = 100000 / kSampleDivisor;

template <class F>
std::vector<std::int64_t> Repeat(int n, std::uint64_t seed, F draw) {
  SeededRandom seeded(seed);
  RandomBits bits(seeded);
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::int64_t>(draw(bits)));
  return out;
}

std::vector<double> AsDouble(const std::vector<std::int64_t>& v) {
  return {v.begin(), v.end()};
}

TEST(ExponentialStatisticalTest, ExactSelectionProbabilities) {
  const std::vector<double> utility = {0.0, 1.0, 2.5, 3.0, 1.7};
  for (const auto method : {SelectionMethod::kExponential, SelectionMethod::kPermuteAndFlip}) {
    const auto em =
        ExponentialMechanism::Builder().SetEpsilon(1.2).SetSensitivity(1).SetMethod(method).Build();
    const auto p = em.SelectionProbabilities(utility);
    const auto samples = Repeat(kN, 5, [&](auto& bits) { return em.Select(utility, bits); });
    const auto chi = ChiSquareTest(samples, 0, 4,
                                   [&p](std::int64_t i) { return p[static_cast<std::size_t>(i)]; });
    EXPECT_GT(chi.p_value, 1e-4) << static_cast<int>(method) << " chi=" << chi.statistic;
  }
}

TEST(ExponentialStatisticalTest, PermuteAndFlipMatchesBruteForceOverPermutations) {
  // Independent check of SelectionProbabilities for permute-and-flip: enumerate all 24 orders.
  const std::vector<double> utility = {0.0, 2.0, 1.0, 3.0};
  const auto em = ExponentialMechanism::Builder()
                      .SetEpsilon(1.0)
                      .SetSensitivity(1)
                      .SetMethod(SelectionMethod::kPermuteAndFlip)
                      .Build();
  std::vector<double> accept;
  for (const double u : utility) accept.push_back(std::exp(-em.eta() * (3.0 - u)));
  std::vector<std::size_t> order = {0, 1, 2, 3};
  std::vector<double> brute(4, 0.0);
  do {
    double reach = 1.0 / 24;
    for (const std::size_t i : order) {
      brute[i] += reach * accept[i];
      reach *= 1.0 - accept[i];
    }
  } while (std::next_permutation(order.begin(), order.end()));
  const auto p = em.SelectionProbabilities(utility);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(p[i], brute[i], 1e-12) << i;
}

TEST(SelectionDpAuditTest, ExponentialAndPermuteAndFlipAndNoisyMax) {
  // Neighbouring utility vectors: every utility moves by at most Δ = 1, in opposite directions.
  const std::vector<double> a = {0.0, 1.0, 2.0, 1.0};
  const std::vector<double> b = {1.0, 0.0, 1.0, 2.0};
  const double epsilon = 1.0;
  const auto check = [&](auto& mechanism, std::uint64_t seed) {
    const auto ra =
        AsDouble(Repeat(kN, seed, [&](auto& bits) { return mechanism.Select(a, bits); }));
    const auto rb =
        AsDouble(Repeat(kN, seed + 1, [&](auto& bits) { return mechanism.Select(b, bits); }));
    const auto audit = DpAudit(ra, rb, 1.0, epsilon, 500.0);
    EXPECT_GE(audit.bins_compared, 3);
    EXPECT_TRUE(audit.PureDpHolds()) << audit.max_log_ratio;
    return audit.max_log_ratio;
  };
  auto em = ExponentialMechanism::Builder().SetEpsilon(epsilon).SetSensitivity(1).Build();
  auto pf = ExponentialMechanism::Builder()
                .SetEpsilon(epsilon)
                .SetSensitivity(1)
                .SetMethod(SelectionMethod::kPermuteAndFlip)
                .Build();
  auto rnm = ReportNoisyMax::Builder().SetEpsilon(epsilon).SetSensitivity(1).Build();
  check(em, 10);
  check(pf, 20);
  check(rnm, 30);
  // Power: an exponential mechanism built for ε = 3 but claimed at ε = 1 fails.
  auto broken = ExponentialMechanism::Builder().SetEpsilon(3.0).SetSensitivity(1).Build();
  const auto ra = AsDouble(Repeat(kN, 40, [&](auto& bits) { return broken.Select(a, bits); }));
  const auto rb = AsDouble(Repeat(kN, 41, [&](auto& bits) { return broken.Select(b, bits); }));
  EXPECT_FALSE(DpAudit(ra, rb, 1.0, epsilon, 500.0).PureDpHolds());
}

TEST(SparseVectorStatisticalTest, DpAuditOnQueryStreams) {
  // Outcome = index of the first ⊤ (or 4 for none) over four queries; neighbours shift every
  // answer by Δ = 1 in the direction that helps the attacker most (down, then up at the end).
  const auto svt = SparseVector::Builder()
                       .SetEpsilon(1.0)
                       .SetSensitivity(1.0)
                       .SetThreshold(0.0)
                       .SetMaxPositives(1)
                       .Build();
  const std::vector<double> qa = {0.0, 0.0, 0.0, 0.0};
  const std::vector<double> qb = {-1.0, -1.0, -1.0, 1.0};
  const auto run = [&](const std::vector<double>& q, std::uint64_t seed) {
    return AsDouble(Repeat(kN, seed, [&](auto& bits) {
      auto session = svt.Begin(bits);
      for (std::size_t i = 0; i < q.size(); ++i) {
        if (session.Query(q[i]) == true) return i;
      }
      return q.size();
    }));
  };
  const auto audit = DpAudit(run(qa, 50), run(qb, 51), 1.0, 1.0, 500.0);
  EXPECT_GE(audit.bins_compared, 4);
  EXPECT_TRUE(audit.PureDpHolds()) << audit.max_log_ratio;
}

TEST(RandomizedResponseStatisticalTest, ResponsesFollowPAndQ) {
  const auto rr = RandomizedResponse::Builder().SetEpsilon(0.7).SetCategories(5).Build();
  const double p = rr.keep_probability();
  const double q = rr.other_probability();
  const auto samples = Repeat(kN, 60, [&](auto& bits) { return rr.Respond(2, bits); });
  const auto chi = ChiSquareTest(samples, 0, 4, [&](std::int64_t j) { return j == 2 ? p : q; });
  EXPECT_GT(chi.p_value, 1e-4) << chi.statistic;
}

TEST(RandomizedResponseStatisticalTest, EstimatorIsUnbiased) {
  const auto rr = RandomizedResponse::Builder().SetEpsilon(1.0).SetCategories(4).Build();
  const std::vector<double> truth = {0.5, 0.3, 0.2, 0.0};
  SeededRandom seeded(70);
  RandomBits bits(seeded);
  const int users = 20000 / kSampleDivisor;
  constexpr int kRounds = 20;
  std::vector<double> mean(4, 0.0);
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::uint64_t> counts(4, 0);
    for (int u = 0; u < users; ++u) {
      // Users' true categories in the exact proportions of `truth`.
      const double position = (u + 0.5) / users;
      const std::size_t category = position < 0.5 ? 0 : (position < 0.8 ? 1 : 2);
      ++counts[rr.Respond(category, bits)];
    }
    const auto estimate = rr.EstimateFrequencies(counts);
    for (std::size_t j = 0; j < 4; ++j) mean[j] += estimate[j] / kRounds;
  }
  for (std::size_t j = 0; j < 4; ++j) {
    const double sd =
        std::sqrt(rr.EstimatorVariance(truth[j], static_cast<std::uint64_t>(users)) / kRounds);
    EXPECT_NEAR(mean[j], truth[j], 5 * sd) << j;
  }
}

}  // namespace
}  // namespace rampart::privacy
