#include <cmath>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/pld.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {
namespace {

double Phi(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Exact delta(epsilon) of the Gaussian mechanism (Balle & Wang 2018, Thm. 8).
double GaussianDelta(double sigma, double sensitivity, double eps) {
  const double a = sensitivity / (2 * sigma);
  const double b = eps * sigma / sensitivity;
  return Phi(a - b) - std::exp(eps) * Phi(-a - b);
}

PrivacyEvent DpSgd(double q, double sigma, std::int64_t steps) {
  return PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(sigma), q), steps);
}

TEST(PldTest, ComposedGaussiansMatchTheExactCurveOfOneGaussian) {
  // 100 Gaussians of sigma 10 = one Gaussian of sigma 1 (sensitivity 1).
  const auto pld = PrivacyLossDistribution::FromEvent(
      PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(10.0), 100));
  for (const double eps : {0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0}) {
    const double exact = GaussianDelta(1.0, 1.0, eps);
    const double delta = pld.DeltaForEpsilon(eps);
    EXPECT_GE(delta, exact * (1 - 1e-12)) << eps;  // never below the truth
    EXPECT_NEAR(delta, exact, 1e-4 * exact) << eps;
  }
  // And epsilon(delta) inverts it.
  const double eps = pld.EpsilonForDelta(1e-5);
  EXPECT_NEAR(GaussianDelta(1.0, 1.0, eps), 1e-5, 1e-4 * 1e-5);
}

TEST(PldTest, LaplaceMatchesItsClosedFormCurve) {
  // Lap(b) with eps0 = Delta / b: delta(eps) = 1 - exp((eps - eps0) / 2) for 0 <= eps < eps0.
  const double scale = 2.0;
  const double sensitivity = 3.0;
  const double eps0 = sensitivity / scale;
  const auto pld = PrivacyLossDistribution::FromEvent(PrivacyEvent::Laplace(scale, sensitivity));
  for (const double eps : {0.0, 0.3, 0.7, 1.0, 1.4}) {
    const double exact = -std::expm1((eps - eps0) / 2);
    EXPECT_GE(pld.DeltaForEpsilon(eps), exact * (1 - 1e-12));
    EXPECT_NEAR(pld.DeltaForEpsilon(eps), exact, 1e-4 * exact) << eps;
  }
  EXPECT_NEAR(pld.DeltaForEpsilon(eps0), 0.0, 1e-12);
  EXPECT_NEAR(pld.EpsilonForDelta(1e-9), eps0, 1e-3);
}

TEST(PldTest, SamplingRateOneReducesToTheGaussian) {
  // q just below 1 takes the two-direction subsampled path.
  const auto sub = PrivacyLossDistribution::FromEvent(PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(3.0), 1 - 1e-9), 9));
  for (const double eps : {0.1, 0.5, 1.0, 2.0}) {
    const double exact = GaussianDelta(1.0, 1.0, eps);
    EXPECT_NEAR(sub.DeltaForEpsilon(eps), exact, 1e-4 * exact) << eps;
  }
}

TEST(PldTest, SubsampledGaussianStepMatchesQuadratureOfItsHockeyStick) {
  // delta(eps) = max over both orders of  integral (p(x) - e^eps q(x))_+ dx,
  // with mixture = (1-q) N(0, s) + q N(1, s) against N(0, s).
  const double q = 0.05;
  const double s = 0.8;
  const auto normal = [&](double x, double mean) {
    return std::exp(-(x - mean) * (x - mean) / (2 * s * s)) / (s * std::sqrt(2 * M_PI));
  };
  const auto hockey = [&](double eps, bool remove) {
    double sum = 0.0;
    for (double a = -12.0; a < 13.0; a += 0.25) {
      sum += boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
          [&](double x) {
            const double mix = (1 - q) * normal(x, 0) + q * normal(x, 1);
            const double base = normal(x, 0);
            return remove ? std::max(0.0, mix - std::exp(eps) * base)
                          : std::max(0.0, base - std::exp(eps) * mix);
          },
          a, a + 0.25, 10, 1e-13);
    }
    return sum;
  };
  const auto pld = PrivacyLossDistribution::FromEvent(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(s), q));
  for (const double eps : {0.0, 0.01, 0.05, 0.2, 0.5}) {
    const double exact = std::max(hockey(eps, true), hockey(eps, false));
    EXPECT_GE(pld.DeltaForEpsilon(eps), exact * (1 - 1e-9)) << eps;
    EXPECT_NEAR(pld.DeltaForEpsilon(eps), exact, 1e-3 * exact) << eps;
  }
}

TEST(PldTest, ConvergesOverTheDiscretizationForDpSgd) {
  // 10 000 steps at q = 0.01, sigma = 1.1: the default grid is within 0.5 % of a 2x finer one
  // (the reference value with h = 1e-4 is 5.1926; see docs/adr/0101).
  const PrivacyEvent run = DpSgd(0.01, 1.1, 10000);
  const double coarse = PrivacyLossDistribution::FromEvent(run).EpsilonForDelta(1e-5);
  const double fine =
      PrivacyLossDistribution::FromEvent(run, {.discretization = 2.5e-4}).EpsilonForDelta(1e-5);
  EXPECT_GE(coarse, fine * (1 - 1e-9));
  EXPECT_LT(coarse, fine * 1.005);
  EXPECT_NEAR(fine, 5.1926, 0.002);
  // The pessimistic rounding is also an upper bound, but biased by about steps * h / 2.
  const double pessimistic =
      PrivacyLossDistribution::FromEvent(run, {.method = PldDiscretization::kPessimistic})
          .EpsilonForDelta(1e-5);
  EXPECT_GT(pessimistic, fine);
}

TEST(PldTest, NeverAboveRdpOnTheSameEvents) {
  const RdpAccountant rdp;
  const PldAccountant pld;
  const std::vector<PrivacyEvent> events = {
      DpSgd(0.01, 1.1, 1000), DpSgd(0.1, 2.0, 100),
      PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(4.0), 20),
      PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(10.0), 30),
      PrivacyEvent::Composed({PrivacyEvent::Gaussian(2.0), PrivacyEvent::Laplace(3.0),
                              PrivacyEvent::DiscreteGaussian(5.0),
                              PrivacyEvent::DiscreteLaplace(4.0)})};
  for (const PrivacyEvent& event : events) {
    const double p = pld.EpsilonFor(event, 1e-5).epsilon;
    const double r = rdp.EpsilonFor(event, 1e-5).epsilon;
    EXPECT_LE(p, r) << event.ToJson().dump();
    EXPECT_GT(p, 0.5 * r) << event.ToJson().dump();
  }
}

TEST(PldTest, DiscreteGaussianApproachesTheContinuousOneForLargeSigma) {
  const auto discrete = PrivacyLossDistribution::FromEvent(PrivacyEvent::DiscreteGaussian(20.0));
  const auto continuous = PrivacyLossDistribution::FromEvent(PrivacyEvent::Gaussian(20.0));
  EXPECT_NEAR(discrete.DeltaForEpsilon(0.02), continuous.DeltaForEpsilon(0.02), 1e-4);
}

TEST(PldTest, EpsilonDeltaEventComposesLikeRandomizedResponse) {
  // One (1, 1e-6) release: delta(1) = 1e-6 exactly, delta(0) = 1e-6 + (1 - 1e-6) tanh(1/2).
  const auto pld = PrivacyLossDistribution::FromEvent(PrivacyEvent::EpsilonDelta(1.0, 1e-6));
  EXPECT_NEAR(pld.DeltaForEpsilon(1.0), 1e-6, 1e-12);
  EXPECT_NEAR(pld.DeltaForEpsilon(0.0), 1e-6 + (1 - 1e-6) * std::tanh(0.5), 1e-9);
  EXPECT_TRUE(std::isinf(pld.EpsilonForDelta(1e-7)));
}

TEST(PldTest, RejectsUnsupportedEventsAndBadOptions) {
  EXPECT_THROW((void)PrivacyLossDistribution::FromEvent(
                   PrivacyEvent::PoissonSubsampled(PrivacyEvent::Laplace(1.0), 0.5)),
               UnsupportedError);
  EXPECT_THROW(PldAccountant({.discretization = 0.0}), InvalidArgumentError);
  EXPECT_THROW(PldAccountant({.tail_mass = 0.5}), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::privacy
