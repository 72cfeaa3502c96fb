// Zero-concentrated DP (Bun & Steinke 2016): rho adds up under composition; converted to
// (epsilon, delta) by the tighter conversion of Canonne, Kamath & Steinke 2020 (Prop. 12 /
// Cor. 13) minimized over the Rényi order, instead of rho + 2 sqrt(rho log(1/delta)).
//
//   rampart::privacy::ZcdpAccountant zcdp;
//   auto g = zcdp.EpsilonFor(PrivacyEvent::SelfComposed(PrivacyEvent::Gaussian(10.0), 100), 1e-5);
//   // g.rho == 0.5, g.order: the order of the conversion
//
// rho per release: Gaussian and discrete Gaussian Delta^2 / (2 sigma^2) (Bun & Steinke 2016,
// Prop. 1.6; CKS20, Thm. 4); pure epsilon-DP (Laplace family, (epsilon, 0) releases)
// epsilon^2 / 2 (Bun & Steinke 2016, Prop. 1.4). Poisson subsampling is not amplified (zCDP has
// no tight amplification; the inner rho remains a valid bound): use rdp or pld for DP-SGD.
#pragma once

#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {

// The total rho of an event; UnsupportedError for (epsilon, delta) releases with delta > 0.
[[nodiscard]] double EventRho(const PrivacyEvent& event);
// CKS20 conversions of rho-zCDP.
[[nodiscard]] PrivacyGuarantee ZcdpToEpsilon(double rho, double delta);
[[nodiscard]] PrivacyGuarantee ZcdpToDelta(double rho, double epsilon);

class ZcdpAccountant final : public Accountant {
 public:
  [[nodiscard]] AccountantKind kind() const override { return AccountantKind::kZcdp; }
  [[nodiscard]] PrivacyGuarantee EpsilonFor(const PrivacyEvent& event, double delta) const override;
  [[nodiscard]] PrivacyGuarantee DeltaFor(const PrivacyEvent& event, double epsilon) const override;
};

}  // namespace rampart::privacy
