// Near-optimal partition selection (Desfontaines, Voss, Gipson, Mandayam, PoPETs 2022): the closed
// form against the recursive definition of Theorem 1 and against hand-computed values, the two DP
// inequalities at every group size (tight at one of them: optimal), dominance over Laplace
// thresholding at the same (epsilon, delta), and the production sampler's release frequency.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_noise.h>
#include <rampart/privacy/sql_plan.h>

namespace rampart::privacy {
namespace {

struct Budget {
  double epsilon;
  double delta;
};

const std::vector<Budget> kBudgets = {
    {1.0, 1e-5}, {std::log(3.0), 1e-5}, {0.1, 1e-8}, {2.0, 0.05}, {0.01, 1e-10}};

// Theorem 1 as a recursion.
std::vector<double> Recursive(double epsilon, double delta, std::int64_t n_max) {
  std::vector<double> pi = {0.0};
  for (std::int64_t n = 1; n <= n_max; ++n) {
    const double previous = pi.back();
    pi.push_back(std::min({std::exp(epsilon) * previous + delta,
                           1.0 - std::exp(-epsilon) * (1.0 - previous - delta), 1.0}));
  }
  return pi;
}

TEST(PartitionSelectionTest, ClosedFormEqualsTheRecursionOfTheorem1) {
  for (const Budget& b : kBudgets) {
    const auto pi = Recursive(b.epsilon, b.delta, 6000);
    for (std::int64_t n = 0; n <= 6000; ++n) {
      EXPECT_NEAR(PartitionKeepProbability(n, b.epsilon, b.delta), pi[static_cast<std::size_t>(n)],
                  1e-12 + 1e-9 * pi[static_cast<std::size_t>(n)])
          << "epsilon " << b.epsilon << " delta " << b.delta << " n " << n;
    }
  }
}

TEST(PartitionSelectionTest, HandComputedValues) {
  // epsilon = ln 3, delta = 1e-5: pi(n) = delta (3^n - 1) / 2 in the first phase.
  const double eps = std::log(3.0);
  EXPECT_DOUBLE_EQ(PartitionKeepProbability(0, eps, 1e-5), 0.0);
  EXPECT_NEAR(PartitionKeepProbability(1, eps, 1e-5), 1e-5, 1e-18);
  EXPECT_NEAR(PartitionKeepProbability(2, eps, 1e-5), 4e-5, 1e-17);
  EXPECT_NEAR(PartitionKeepProbability(3, eps, 1e-5), 13e-5, 1e-16);
  // n1 = 1 + floor(ln((3 + 2e-5 - 1) / (4e-5)) / ln 3) = 1 + floor(9.8497) = 10: pi(10) =
  // 1e-5 (3^10 - 1) / 2 = 0.29524; then 1 - pi(n) = (1 - pi(n - 1) - delta) / 3.
  EXPECT_NEAR(PartitionKeepProbability(10, eps, 1e-5), 1e-5 * (59049.0 - 1.0) / 2.0, 1e-12);
  const double p11 = 1.0 - (1.0 - 1e-5 * 59048.0 / 2.0 - 1e-5) / 3.0;
  EXPECT_NEAR(PartitionKeepProbability(11, eps, 1e-5), p11, 1e-12);
  EXPECT_DOUBLE_EQ(PartitionKeepProbability(100, eps, 1e-5), 1.0);
  // A huge epsilon (e^eps overflows a double): one unit still only with probability delta.
  EXPECT_NEAR(PartitionKeepProbability(1, 1e7, 1e-6), 1e-6, 1e-18);
  EXPECT_DOUBLE_EQ(PartitionKeepProbability(2, 1e7, 1e-6), 1.0);
  EXPECT_NEAR(PartitionKeepProbability(1, 800.0, 1e-6), 1e-6, 1e-18);
  EXPECT_THROW((void)PartitionKeepProbability(1, 0.0, 1e-5), InvalidArgumentError);
  EXPECT_THROW((void)PartitionKeepProbability(1, 1.0, 0.0), InvalidArgumentError);
}

TEST(PartitionSelectionTest, SatisfiesBothDpInequalitiesTightly) {
  for (const Budget& b : kBudgets) {
    const double e = std::exp(b.epsilon);
    for (std::int64_t n = 1; n <= 4000; ++n) {
      const double now = PartitionKeepProbability(n, b.epsilon, b.delta);
      const double before = PartitionKeepProbability(n - 1, b.epsilon, b.delta);
      const double slack = 1e-12;
      EXPECT_LE(now, e * before + b.delta + slack) << n;
      EXPECT_LE(1.0 - before, e * (1.0 - now) + b.delta + slack) << n;
      // Optimal: one of the constraints (or pi = 1) is tight.
      const double gap = std::min(
          {e * before + b.delta - now, e * (1.0 - now) + b.delta - (1.0 - before), 1.0 - now});
      EXPECT_NEAR(gap, 0.0, 1e-9) << "epsilon " << b.epsilon << " n " << n;
    }
  }
}

TEST(PartitionSelectionTest, DominatesLaplaceThresholding) {
  for (const Budget& b : kBudgets) {
    // Laplace thresholding with b = 1 / epsilon and threshold 1 + b ln(1 / (2 delta)).
    const double scale = 1.0 / b.epsilon;
    const double threshold = 1.0 + scale * std::log(1.0 / (2.0 * b.delta));
    for (std::int64_t n = 1; n <= 4000; ++n) {
      const double x = (static_cast<double>(n) - threshold) / scale;
      const double laplace = x >= 0.0 ? 1.0 - 0.5 * std::exp(-x) : 0.5 * std::exp(x);
      EXPECT_GE(PartitionKeepProbability(n, b.epsilon, b.delta), laplace - 1e-12) << n;
    }
  }
}

TEST(PartitionSelectionTest, PlanSplitsOverTheGroupsOfAUnit) {
  SqlQueryOptions options;
  options.privacy_unit = "person_id";
  options.max_groups_per_unit = 4;
  const auto query = RewriteQuery("SELECT category, COUNT(*) FROM purchases GROUP BY 1", options);
  const auto plan = MakePrivacyPlan(query, {.epsilon = 2.0, .delta = 1e-6});
  const auto& ps = plan.partition_selection;
  EXPECT_EQ(ps.strategy, PartitionSelectionStrategy::kNearOptimal);
  EXPECT_DOUBLE_EQ(ps.epsilon, 1.0);  // rows + selection
  EXPECT_DOUBLE_EQ(ps.group_epsilon, 0.25);
  EXPECT_NEAR(1.0 - std::pow(1.0 - ps.group_delta, 4.0), 1e-6, 1e-15);
  EXPECT_NE(ExplainText(query, plan).find("Near-optimal partition selection"), std::string::npos);
}

// The production sampler keeps a one-unit group with probability pi(1) = delta.
TEST(PartitionSelectionStatisticalTest, ReleaseFrequencyMatchesPi) {
  MechanismNoiseSource noise(5);
  constexpr int kTrials = 40000;
  for (const std::int64_t units : {1, 2, 3}) {
    const double p = PartitionKeepProbability(units, 1.0, 0.05);
    int kept = 0;
    for (int t = 0; t < kTrials; ++t) kept += noise.Bernoulli(p) ? 1 : 0;
    const double se = std::sqrt(p * (1.0 - p) / kTrials);
    EXPECT_NEAR(kept / static_cast<double>(kTrials), p, 4.0 * se) << units;
  }
  EXPECT_FALSE(noise.Bernoulli(0.0));
  EXPECT_TRUE(noise.Bernoulli(1.0));
}

}  // namespace
}  // namespace rampart::privacy
