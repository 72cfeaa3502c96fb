#include <cmath>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {
namespace {

// log A_alpha = log E_{z ~ N(0, s^2)} [((1-q) + q exp((2z - 1) / (2 s^2)))^alpha], the defining
// expectation of the subsampled Gaussian's RDP (MTZ19, Sec. 3.3), by adaptive Gauss-Kronrod
// quadrature, independent of the series in rdp.cpp. Two forms: for small log A the integrand
// expm1(...) avoids cancelling against 1; for large log A everything is shifted by its maximum.
double LogAByQuadrature(double q, double s, double alpha) {
  const auto log_ratio = [&](double z) {
    const double t = (2 * z - 1) / (2 * s * s);
    // log(1 - q + q e^t)
    return t > 0 ? t + std::log(q + (1 - q) * std::exp(-t)) : std::log1p(q * std::expm1(t));
  };
  const auto log_phi = [&](double z) {
    return -z * z / (2 * s * s) - std::log(s * std::sqrt(2 * M_PI));
  };
  const double lo = -40.0 * s;
  const double hi = alpha + 40.0 * s;
  const double width = s;
  using Quadrature = boost::math::quadrature::gauss_kronrod<double, 31>;
  double shift = -1e300;
  for (double z = lo; z <= hi; z += width / 16)
    shift = std::max(shift, log_phi(z) + alpha * log_ratio(z));
  if (shift < 0.5) {
    double sum = 0.0;
    for (double a = lo; a < hi; a += width) {
      sum += Quadrature::integrate(
          [&](double z) { return std::exp(log_phi(z)) * std::expm1(alpha * log_ratio(z)); }, a,
          a + width, 8, 1e-13);
    }
    return std::log1p(sum);
  }
  double sum = 0.0;
  for (double a = lo; a < hi; a += width) {
    sum += Quadrature::integrate(
        [&](double z) { return std::exp(log_phi(z) + alpha * log_ratio(z) - shift); }, a, a + width,
        8, 1e-13);
  }
  return shift + std::log(sum);
}

TEST(RdpTest, DefaultOrdersMatchTheEstablishedAccountants) {
  const std::vector<double> orders = DefaultRdpOrders();
  ASSERT_EQ(orders.size(), 99U + 53U + 4U);
  EXPECT_DOUBLE_EQ(orders.front(), 1.1);
  EXPECT_DOUBLE_EQ(orders[98], 10.9);
  EXPECT_EQ(orders[99], 11.0);
  EXPECT_EQ(orders[151], 63.0);
  EXPECT_EQ(orders.back(), 1024.0);
}

TEST(RdpTest, GaussianIsAlphaDeltaSquaredOverTwoSigmaSquared) {
  const PrivacyEvent event = PrivacyEvent::Gaussian(2.0, 3.0);
  const std::vector<double> orders = DefaultRdpOrders();
  const std::vector<double> rdp = ComputeRdp(event, orders);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    EXPECT_NEAR(rdp[i], orders[i] * 9.0 / 8.0, 1e-12 * orders[i]);
  }
  // Composition adds: 7 runs of it.
  const std::vector<double> seven = ComputeRdp(PrivacyEvent::SelfComposed(event, 7), orders);
  EXPECT_NEAR(seven[10], 7 * rdp[10], 1e-12);
}

TEST(RdpTest, LaplaceClosedFormMatchesQuadratureAndLimits) {
  // D_alpha(Lap(0, b) || Lap(1, b)) by quadrature of p^a q^(1-a).
  const double b = 0.8;
  for (const double a : {1.5, 2.0, 7.3, 40.0}) {
    const auto log_p = [&](double x) { return -std::fabs(x) / b - std::log(2 * b); };
    const auto log_q = [&](double x) { return -std::fabs(x - 1) / b - std::log(2 * b); };
    double sum = 0.0;
    for (double lo = -60.0; lo < 60.0; lo += 0.5) {
      sum += boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
          [&](double x) { return std::exp(a * log_p(x) + (1 - a) * log_q(x) - (a - 1) / b); }, lo,
          lo + 0.5, 8, 1e-13);
    }
    const double expected = (std::log(sum) + (a - 1) / b) / (a - 1);
    EXPECT_NEAR(LaplaceRdp(b, 1.0, a), expected, 1e-10 * expected) << a;
    EXPECT_LE(LaplaceRdp(b, 1.0, a), 1.0 / b);
  }
  EXPECT_NEAR(LaplaceRdp(1.0, 1.0, 1e6), 1.0, 1e-5);
}

TEST(RdpTest, PureDpBoundIsRandomizedResponse) {
  // Randomized response with p = e^eps / (1 + e^eps) computed directly.
  const double eps = 0.7;
  const double p = std::exp(eps) / (1 + std::exp(eps));
  for (const double a : {1.5, 3.0, 20.0}) {
    const double direct = std::log(std::pow(p, a) * std::pow(1 - p, 1 - a) +
                                   std::pow(1 - p, a) * std::pow(p, 1 - a)) /
                          (a - 1);
    EXPECT_NEAR(PureDpRdp(eps, a), direct, 1e-12);
    EXPECT_LE(PureDpRdp(eps, a), eps);
  }
}

TEST(RdpTest, SubsampledGaussianMatchesQuadratureAtFractionalAndIntegerOrders) {
  struct Case {
    double q;
    double sigma;
  };
  for (const Case c : {Case{0.01, 1.1}, Case{0.1, 2.0}, Case{0.05, 0.7}, Case{0.5, 1.0}}) {
    for (const double alpha : {1.1, 1.5, 2.0, 2.5, 3.3, 7.7, 10.9, 12.0, 25.5, 60.5}) {
      const double expected = LogAByQuadrature(c.q, c.sigma, alpha) / (alpha - 1);
      const double actual = SubsampledGaussianRdp(c.q, c.sigma, alpha);
      EXPECT_NEAR(actual, expected, 1e-7 * expected + 1e-15)
          << "q=" << c.q << " sigma=" << c.sigma << " alpha=" << alpha;
    }
  }
}

TEST(RdpTest, SubsampledGaussianIsContinuousAcrossIntegerOrders) {
  for (const double alpha : {2.0, 5.0, 30.0}) {
    const double at = SubsampledGaussianRdp(0.02, 0.9, alpha);           // finite binomial sum
    const double near = SubsampledGaussianRdp(0.02, 0.9, alpha + 1e-9);  // fractional series
    EXPECT_NEAR(near, at, 1e-7 * at);
  }
}

TEST(RdpTest, SamplingRateOneReducesToTheGaussian) {
  const double q = 1.0 - 1e-12;  // stays on the series code paths
  for (const double alpha : {1.5, 2.0, 3.0, 4.5, 10.0}) {
    EXPECT_NEAR(SubsampledGaussianRdp(q, 1.3, alpha), GaussianRdp(1.3, 1.0, alpha), 1e-6 * alpha);
    EXPECT_DOUBLE_EQ(SubsampledGaussianRdp(1.0, 1.3, alpha), GaussianRdp(1.3, 1.0, alpha));
  }
}

TEST(RdpTest, PublishedValuesFromTheTfPrivacyTests) {
  // tensorflow/privacy rdp_accountant_test.py: compute_rdp(q=0.1, sigma=2, steps=10, order=5).
  const auto step = [](double q, double sigma) {
    return PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(sigma), q);
  };
  EXPECT_NEAR(ComputeRdp(PrivacyEvent::SelfComposed(step(0.1, 2.0), 10), {5.0})[0], 0.07737, 5e-6);
  // compute_rdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100]).
  const std::vector<double> rdp =
      ComputeRdp(PrivacyEvent::SelfComposed(step(0.01, 2.5), 50), {1.5, 2.5, 5.0, 50.0, 100.0});
  EXPECT_NEAR(rdp[0], 0.00065, 5e-6);
  EXPECT_NEAR(rdp[1], 0.001085, 5e-7);
  EXPECT_NEAR(rdp[2], 0.00218075, 1e-8);  // published to 8 decimals
  EXPECT_NEAR(rdp[3], 0.023846, 5e-7);
  EXPECT_NEAR(rdp[4], 167.416307, 1e-6 * 167.416307);
}

TEST(RdpTest, ReproducesTheMomentsAccountantOfAbadiEtAl2016) {
  // Abadi et al. 2016, Sec. 5: q = 0.01, sigma = 4, T = 10 000, delta = 1e-5 gives epsilon about
  // 1.26 with the moments accountant (integer moments up to 32, classic tail bound).
  const PrivacyEvent run = PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(4.0), 0.01), 10000);
  std::vector<double> orders;
  for (int a = 2; a <= 32; ++a) orders.push_back(a);
  const std::vector<double> rdp = ComputeRdp(run, orders);
  double classic = 1e300;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    classic = std::min(classic, rdp[i] + std::log(1e5) / (orders[i] - 1));
  }
  EXPECT_NEAR(classic, 1.26, 0.005);
  // Fractional orders and the improved conversion are tighter.
  EXPECT_LT(RdpAccountant().EpsilonFor(run, 1e-5).epsilon, classic - 0.1);
}

TEST(RdpTest, ConversionUsesTheImprovedBoundAndReportsTheOrder) {
  const std::vector<double> orders = {2.0, 8.0, 32.0};
  const std::vector<double> rdp = {0.1, 0.5, 3.0};
  const PrivacyGuarantee g = RdpToEpsilon(orders, rdp, 1e-5);
  double best = 1e300;
  double best_order = 0;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const double a = orders[i];
    const double eps = rdp[i] + std::log((a - 1) / a) - (std::log(1e-5) + std::log(a)) / (a - 1);
    if (eps < best) {
      best = eps;
      best_order = a;
    }
  }
  EXPECT_NEAR(g.epsilon, best, 1e-12);
  ASSERT_TRUE(g.order.has_value());
  EXPECT_EQ(*g.order, best_order);
  // Never worse than the classic conversion rdp + log(1/delta)/(a-1).
  for (std::size_t i = 0; i < orders.size(); ++i) {
    EXPECT_LE(g.epsilon, rdp[i] + std::log(1e5) / (orders[i] - 1));
  }
  // delta(epsilon) inverts epsilon(delta) at the same order.
  const PrivacyGuarantee d = RdpToDelta(orders, rdp, g.epsilon);
  EXPECT_NEAR(d.delta, 1e-5, 1e-12);
}

TEST(RdpTest, AccountantRejectsWhatItCannotBound) {
  const RdpAccountant rdp;
  EXPECT_THROW((void)rdp.EpsilonFor(PrivacyEvent::EpsilonDelta(1.0, 1e-6), 1e-5), UnsupportedError);
  EXPECT_THROW(
      (void)rdp.EpsilonFor(PrivacyEvent::PoissonSubsampled(PrivacyEvent::Laplace(1.0), 0.1), 1e-5),
      UnsupportedError);
  EXPECT_THROW((void)rdp.EpsilonFor(PrivacyEvent::Gaussian(1.0), 0.0), InvalidArgumentError);
  EXPECT_THROW(RdpAccountant({1.0}), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::privacy
