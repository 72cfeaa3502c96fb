// Advanced composition of k runs of an (eps0, delta0)-DP mechanism:
//  - Dwork, Rothblum & Vadhan 2010 (Dwork & Roth 2014, Thm. 3.20):
//    (sqrt(2k ln(1/d')) eps0 + k eps0 (e^eps0 - 1), k delta0 + d');
//  - the optimal homogeneous composition of Kairouz, Oh & Viswanath 2015 (Thm. 3.3; exact form
//    of Murtagh & Vadhan 2016): delta(eps) = 1 - (1 - delta0)^k (1 - delta_RR(eps)) with
//    delta_RR(eps) = sum_l C(k,l) p^(k-l) (1-p)^l (1 - e^(eps - (k - 2l) eps0))_+,
//    p = e^eps0 / (1 + e^eps0), summed in log space over the binomial's bulk only, so it works
//    for any k (a naive sum of e^(k eps0) overflows past about 700 compositions).
//
//   rampart::privacy::AdvancedAccountant advanced;
//   auto g = advanced.EpsilonFor(PrivacyEvent::SelfComposed(PrivacyEvent::Laplace(10.0), 1000),
//                                1e-6);   // g.method: "kov", "drv" or "basic"
//
// Heterogeneous compositions: each group of identical releases is composed with the better of
// the two theorems, the groups then add up; the result is never worse than BasicAccountant's.
#pragma once

#include <cstdint>

#include <rampart/privacy/accounting/accountant.h>

namespace rampart::privacy {

// DRV: epsilon of k runs for the slack delta' (total delta k delta0 + delta').
[[nodiscard]] double DrvEpsilon(double eps0, std::int64_t k, double delta_slack);
// KOV: the exact delta of k runs of (eps0, delta0) at `epsilon`.
[[nodiscard]] double KovDelta(double eps0, double delta0, std::int64_t k, double epsilon);
// KOV: the smallest epsilon with KovDelta <= delta (+inf if none).
[[nodiscard]] double KovEpsilon(double eps0, double delta0, std::int64_t k, double delta);

class AdvancedAccountant final : public Accountant {
 public:
  [[nodiscard]] AccountantKind kind() const override { return AccountantKind::kAdvanced; }
  [[nodiscard]] PrivacyGuarantee EpsilonFor(const PrivacyEvent& event, double delta) const override;
  [[nodiscard]] PrivacyGuarantee DeltaFor(const PrivacyEvent& event, double epsilon) const override;
};

}  // namespace rampart::privacy
