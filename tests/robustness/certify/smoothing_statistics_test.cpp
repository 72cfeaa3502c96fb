// The statistics of randomized smoothing against closed forms and independent computations: the
// Clopper-Pearson lower bound (vs bisection on a binomial tail summed in long double), the
// certified radius (vs Φ⁻¹ by bisection on erfc) and the two-sided binomial test.
#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/smoothing.h>

namespace rampart::robustness {
namespace {

// P(X >= k) for X ~ Bin(n, p), summed term by term from log-pmfs (independent of Boost).
long double BinomialUpperTail(std::int64_t k, std::int64_t n, long double p) {
  long double sum = 0.0L;
  for (std::int64_t i = k; i <= n; ++i) {
    const long double log_pmf = std::lgamma(static_cast<long double>(n) + 1) -
                                std::lgamma(static_cast<long double>(i) + 1) -
                                std::lgamma(static_cast<long double>(n - i) + 1) +
                                static_cast<long double>(i) * std::log(p) +
                                static_cast<long double>(n - i) * std::log1p(-p);
    sum += std::exp(log_pmf);
  }
  return sum;
}

// The exact one-sided lower bound: the p with P(X >= k | p) = alpha (the tail rises with p).
double LowerBoundByBisection(std::int64_t k, std::int64_t n, double alpha) {
  long double lo = 0.0L;
  long double hi = 1.0L;
  for (int i = 0; i < 200; ++i) {
    const long double mid = (lo + hi) / 2;
    (BinomialUpperTail(k, n, mid) < alpha ? lo : hi) = mid;
  }
  return static_cast<double>((lo + hi) / 2);
}

// Φ⁻¹ by bisection on Φ(z) = erfc(-z/√2)/2.
double InverseNormalCdf(double p) {
  double lo = -40.0;
  double hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

TEST(ClopperPearson, AllSuccessesHasTheClosedFormAlphaToTheOneOverN) {
  // nA = n: the bound solves p^n = alpha.
  const double p = ClopperPearsonLower(100, 100, 0.001);
  EXPECT_NEAR(p, std::pow(0.001, 1.0 / 100), 1e-12);
  EXPECT_NEAR(p, 0.93325, 5e-6);
  // The worked example: radius 0.25·Φ⁻¹(0.93325...) ≈ 0.37512.
  EXPECT_NEAR(CertifiedRadius(0.25, p), 0.37512, 5e-6);
  EXPECT_NEAR(CertifiedRadius(0.25, p), 0.25 * InverseNormalCdf(p), 1e-9);
  for (const std::int64_t n : {1, 10, 1000, 100000}) {
    EXPECT_NEAR(ClopperPearsonLower(n, n, 0.01), std::pow(0.01, 1.0 / static_cast<double>(n)),
                1e-12)
        << n;
  }
}

TEST(ClopperPearson, MatchesBisectionOnTheBinomialTail) {
  struct Case {
    std::int64_t k;
    std::int64_t n;
    double alpha;
  };
  for (const Case c :
       {Case{1, 10, 0.05}, Case{5, 10, 0.001}, Case{50, 100, 0.001}, Case{73, 100, 0.01},
        Case{990, 1000, 0.001}, Case{9500, 10000, 0.001}, Case{1, 1, 0.3}}) {
    EXPECT_NEAR(ClopperPearsonLower(c.k, c.n, c.alpha), LowerBoundByBisection(c.k, c.n, c.alpha),
                1e-9)
        << c.k << "/" << c.n << " at " << c.alpha;
  }
}

TEST(ClopperPearson, ZeroSuccessesGiveZeroAndBadArgumentsThrow) {
  EXPECT_EQ(ClopperPearsonLower(0, 100, 0.001), 0.0);
  EXPECT_THROW((void)ClopperPearsonLower(5, 4, 0.001), InvalidArgumentError);
  EXPECT_THROW((void)ClopperPearsonLower(-1, 4, 0.001), InvalidArgumentError);
  EXPECT_THROW((void)ClopperPearsonLower(0, 0, 0.001), InvalidArgumentError);
  EXPECT_THROW((void)ClopperPearsonLower(1, 4, 0.0), InvalidArgumentError);
  EXPECT_THROW((void)ClopperPearsonLower(1, 4, 1.0), InvalidArgumentError);
}

TEST(CertifiedRadius, IsSigmaTimesTheNormalQuantileAboveOneHalf) {
  EXPECT_EQ(CertifiedRadius(0.5, 0.5), 0.0);
  EXPECT_EQ(CertifiedRadius(0.5, 0.3), 0.0);
  for (const double p : {0.5001, 0.6, 0.8413447460685429, 0.975, 0.999}) {
    EXPECT_NEAR(CertifiedRadius(0.5, p), 0.5 * InverseNormalCdf(p), 1e-9) << p;
  }
  EXPECT_NEAR(CertifiedRadius(1.0, 0.975), 1.959963984540054, 1e-9);
  EXPECT_TRUE(std::isinf(CertifiedRadius(1.0, 1.0)));
}

TEST(BinomialTest, TwoSidedPValueMatchesSummation) {
  EXPECT_EQ(BinomialTestPValue(50, 100), 1.0);
  EXPECT_EQ(BinomialTestPValue(0, 1), 1.0);
  EXPECT_NEAR(BinomialTestPValue(10, 10), 2.0 / 1024, 1e-15);
  EXPECT_NEAR(BinomialTestPValue(0, 10), 2.0 / 1024, 1e-15);
  for (const auto& [k, n] : {std::pair<std::int64_t, std::int64_t>{60, 100},
                             {40, 100},
                             {7, 9},
                             {530, 1000},
                             {5200, 10000}}) {
    const std::int64_t extreme = std::max(k, n - k);
    const auto expected = static_cast<double>(2 * BinomialUpperTail(extreme, n, 0.5L));
    EXPECT_NEAR(BinomialTestPValue(k, n), std::min(1.0, expected), 1e-10) << k << "/" << n;
  }
  // 2·Σ_{i>=60} C(100, i) / 2^100 in exact integer arithmetic (Python) = 0.05688793364098079.
  EXPECT_NEAR(BinomialTestPValue(60, 100), 0.05688793364098079, 1e-12);
  EXPECT_THROW((void)BinomialTestPValue(3, 2), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::robustness
