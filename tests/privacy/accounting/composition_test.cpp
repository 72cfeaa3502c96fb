#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/accounting/advanced.h>
#include <rampart/privacy/accounting/basic.h>
#include <rampart/privacy/accounting/pld.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/accounting/zcdp.h>

namespace rampart::privacy {
namespace {

double Phi(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

PrivacyEvent DpSgd(double q, double sigma, std::int64_t steps) {
  return PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(sigma), q), steps);
}

TEST(BasicTest, EpsilonsAddUp) {
  const BasicAccountant basic;
  EXPECT_NEAR(
      basic.EpsilonFor(PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(10.0, 2.0), 7), 1e-6)
          .epsilon,
      7 * 0.2, 1e-12);
  // Subsampled Laplace: k log(1 + q (e^eps - 1)).
  EXPECT_NEAR(
      basic
          .EpsilonFor(PrivacyEvent::SelfComposed(
                          PrivacyEvent::PoissonSubsampled(PrivacyEvent::Laplace(1.0), 0.1), 10),
                      1e-6)
          .epsilon,
      10 * std::log1p(0.1 * std::expm1(1.0)), 1e-12);
  // One Gaussian: epsilon solves the exact curve at delta.
  const double eps = basic.EpsilonFor(PrivacyEvent::Gaussian(2.0), 1e-5).epsilon;
  EXPECT_NEAR(Phi(0.25 - eps * 2) - std::exp(eps) * Phi(-0.25 - eps * 2), 1e-5, 1e-12);
  // Fixed deltas above the target: no finite epsilon.
  EXPECT_TRUE(std::isinf(basic.EpsilonFor(PrivacyEvent::EpsilonDelta(1.0, 1e-3), 1e-5).epsilon));
  EXPECT_NEAR(
      basic.DeltaFor(PrivacyEvent::SelfComposed(PrivacyEvent::EpsilonDelta(0.5, 1e-6), 4), 2.0)
          .delta,
      4e-6, 1e-18);
  EXPECT_EQ(basic.DeltaFor(PrivacyEvent::Laplace(1.0), 0.5).delta, 1.0);
}

TEST(AdvancedTest, KovMatchesRandomizedResponseExactly) {
  // k = 1: delta(eps) = (e^eps0 - e^eps) / (1 + e^eps0) for eps < eps0.
  EXPECT_NEAR(KovDelta(1.0, 0.0, 1, 0.4), (std::exp(1.0) - std::exp(0.4)) / (1 + std::exp(1.0)),
              1e-14);
  // k = 10 by the direct sum over outcomes of 10 randomized responses.
  const double eps0 = 0.3;
  const double p = std::exp(eps0) / (1 + std::exp(eps0));
  for (const double eps : {0.0, 0.5, 1.2}) {
    double direct = 0.0;
    for (int l = 0; l <= 10; ++l) {
      const double c = std::tgamma(11.0) / (std::tgamma(l + 1.0) * std::tgamma(11.0 - l));
      direct += c * std::max(0.0, std::pow(p, 10 - l) * std::pow(1 - p, l) -
                                      std::exp(eps) * std::pow(p, l) * std::pow(1 - p, 10 - l));
    }
    EXPECT_NEAR(KovDelta(eps0, 0.0, 10, eps), direct, 1e-13) << eps;
  }
  // delta0 > 0: 1 - (1 - delta0)^k (1 - delta_RR).
  EXPECT_NEAR(KovDelta(eps0, 1e-4, 10, 0.5),
              1 - std::pow(1 - 1e-4, 10) * (1 - KovDelta(eps0, 0.0, 10, 0.5)), 1e-14);
}

TEST(AdvancedTest, WorksFarPastSevenHundredCompositionsAndBeatsDrvAndBasic) {
  for (const std::int64_t k : {700, 5000, 100000}) {
    const double eps0 = 0.01;
    const double kov = KovEpsilon(eps0, 0.0, k, 1e-6);
    ASSERT_TRUE(std::isfinite(kov)) << k;
    EXPECT_LE(kov, DrvEpsilon(eps0, k, 1e-6)) << k;
    EXPECT_LE(kov, static_cast<double>(k) * eps0) << k;
    EXPECT_NEAR(KovDelta(eps0, 0.0, k, kov), 1e-6, 1e-9) << k;
  }
  // The DRV formula itself.
  EXPECT_NEAR(DrvEpsilon(0.1, 100, 1e-6),
              std::sqrt(200 * std::log(1e6)) * 0.1 + 10 * std::expm1(0.1), 1e-12);
}

TEST(AdvancedTest, NeverWorseThanBasic) {
  const AdvancedAccountant advanced;
  const BasicAccountant basic;
  for (const PrivacyEvent& event :
       {PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(1.0), 3),
        PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(100.0), 1000),
        PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(5.0), 50), DpSgd(0.01, 1.1, 1000),
        PrivacyEvent::Composed({PrivacyEvent::Laplace(2.0), PrivacyEvent::Gaussian(3.0)})}) {
    const double a = advanced.EpsilonFor(event, 1e-5).epsilon;
    EXPECT_LE(a, basic.EpsilonFor(event, 1e-5).epsilon * (1 + 1e-12)) << event.ToJson().dump();
    const double d = advanced.DeltaFor(event, 2.0).delta;
    EXPECT_LE(d, basic.DeltaFor(event, 2.0).delta * (1 + 1e-12)) << event.ToJson().dump();
  }
  // 1000 Laplace releases of eps0 = 0.01: KOV beats DRV (1.76) and basic (10).
  const PrivacyGuarantee g =
      advanced.EpsilonFor(PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(100.0), 1000), 1e-6);
  EXPECT_LT(g.epsilon, DrvEpsilon(0.01, 1000, 1e-6));
  EXPECT_LT(g.epsilon, 1.4);
  EXPECT_EQ(g.method, "kov");
}

TEST(ZcdpTest, RhoAddsAndTheCksConversionBeatsTheClassicOne) {
  const ZcdpAccountant zcdp;
  const PrivacyEvent event = PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(10.0), 100);
  EXPECT_NEAR(EventRho(event), 0.5, 1e-12);
  EXPECT_NEAR(EventRho(PrivacyEvent::Laplace(2.0)), 0.125, 1e-15);
  const PrivacyGuarantee g = zcdp.EpsilonFor(event, 1e-5);
  ASSERT_TRUE(g.rho.has_value() && g.order.has_value());
  const double classic = 0.5 + 2 * std::sqrt(0.5 * std::log(1e5));
  EXPECT_LT(g.epsilon, classic);
  // The conversion at the reported order, by its formula.
  const double a = *g.order;
  EXPECT_NEAR(g.epsilon, a * 0.5 + std::log1p(-1 / a) - (std::log(1e-5) + std::log(a)) / (a - 1),
              1e-9);
  // A coarse scan over orders cannot beat the minimizer.
  for (double x = 1.01; x < 200; x *= 1.01) {
    EXPECT_LE(g.epsilon,
              x * 0.5 + std::log1p(-1 / x) - (std::log(1e-5) + std::log(x)) / (x - 1) + 1e-9);
  }
  EXPECT_NEAR(zcdp.DeltaFor(event, g.epsilon).delta, 1e-5, 1e-9);
  EXPECT_THROW((void)zcdp.EpsilonFor(PrivacyEvent::EpsilonDelta(1.0, 1e-7), 1e-5),
               UnsupportedError);
}

TEST(OrderingTest, PldBelowRdpBelowBasicOnTheSameEvents) {
  const auto pld = MakeAccountant(AccountantKind::kPld);
  const auto rdp = MakeAccountant(AccountantKind::kRdp);
  const auto basic = MakeAccountant(AccountantKind::kBasic);
  for (const PrivacyEvent& event : {DpSgd(0.01, 1.1, 1000), DpSgd(0.05, 0.9, 300),
                                    PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(3.0), 40),
                                    PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(20.0), 200)}) {
    const double p = pld->EpsilonFor(event, 1e-5).epsilon;
    const double r = rdp->EpsilonFor(event, 1e-5).epsilon;
    const double b = basic->EpsilonFor(event, 1e-5).epsilon;
    EXPECT_LE(p, r) << event.ToJson().dump();
    EXPECT_LE(r, b) << event.ToJson().dump();
  }
}

TEST(AccountantTest, NamesRoundTripAndUnknownNamesAreRejected) {
  for (const AccountantKind kind :
       {AccountantKind::kBasic, AccountantKind::kAdvanced, AccountantKind::kZcdp,
        AccountantKind::kRdp, AccountantKind::kPld}) {
    EXPECT_EQ(ParseAccountantKind(AccountantName(kind)), kind);
    EXPECT_EQ(MakeAccountant(kind)->kind(), kind);
  }
  EXPECT_THROW((void)ParseAccountantKind("moments"), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::privacy
