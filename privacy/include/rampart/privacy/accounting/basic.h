// Basic (sequential) composition: the epsilons and the deltas of the releases add up (Dwork,
// McSherry, Nissim & Smith 2006; Dwork & Roth 2014, Thm. 3.16). The loosest accountant, and the
// only one that needs nothing but an (epsilon, delta) per release.
//
//   rampart::privacy::BasicAccountant basic;
//   auto g = basic.EpsilonFor(PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(10.0), 5), 1e-6);
//   // g.epsilon == 0.5
//
// Events whose epsilon depends on delta (the Gaussian family) get an equal share of what is left
// of delta after the fixed-delta releases, and their epsilon from the exact Gaussian curve
// (Balle & Wang 2018; the discrete Gaussian through its zCDP, Canonne, Kamath & Steinke 2020).
// Poisson subsampling amplifies as (log(1 + q(e^eps - 1)), q delta) (Balle, Barthe & Gaboardi
// 2018, Thm. 9). When the releases' own deltas already exceed delta, epsilon is +inf.
#pragma once

#include <rampart/privacy/accounting/accountant.h>

namespace rampart::privacy {

class BasicAccountant final : public Accountant {
 public:
  [[nodiscard]] AccountantKind kind() const override { return AccountantKind::kBasic; }
  [[nodiscard]] PrivacyGuarantee EpsilonFor(const PrivacyEvent& event, double delta) const override;
  [[nodiscard]] PrivacyGuarantee DeltaFor(const PrivacyEvent& event, double epsilon) const override;
};

}  // namespace rampart::privacy
