// Rényi-DP accountant (Mironov 2017): each event's RDP curve over a list of orders, summed over
// compositions, converted to (epsilon, delta) with the improved conversion of Balle et al. 2020
// / Canonne, Kamath & Steinke 2020 (Prop. 12), minimized over the orders.
//
//   using namespace rampart::privacy;
//   RdpAccountant rdp;   // default orders 1.1..10.9 (step 0.1), 11..63, 128, 256, 512, 1024
//   auto run = PrivacyEvent::SelfComposed(
//       PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01), 10000);
//   PrivacyGuarantee g = rdp.EpsilonFor(run, 1e-5);   // g.epsilon, g.order (the best order)
//
// Closed forms: Gaussian alpha*Delta^2/(2 sigma^2) (Mironov 2017, Prop. 7); Laplace (Mironov
// 2017, Prop. 6); pure epsilon-DP events (incl. discrete Laplace) by the tight bound of Bun &
// Steinke 2016 (Prop. 3.3 / its randomized-response form); discrete Gaussian as the Gaussian
// (Canonne, Kamath & Steinke 2020, Thm. 4); the Poisson-subsampled Gaussian by Mironov, Talwar &
// Zhang 2019 (Sec. 3.3): a finite binomial sum at integer orders and the exact two-sided signed
// series at fractional orders (not the looser absolute-value bound).
#pragma once

#include <vector>

#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {

// 1.1, 1.2, ..., 10.9, 11, 12, ..., 63, 128, 256, 512, 1024 (as dp_accounting and Opacus).
[[nodiscard]] std::vector<double> DefaultRdpOrders();

// RDP of the Gaussian mechanism at order `order` > 1: order * sensitivity^2 / (2 sigma^2).
[[nodiscard]] double GaussianRdp(double sigma, double sensitivity, double order);
// RDP of the Laplace mechanism (Mironov 2017, Prop. 6) with eps = sensitivity / scale:
// 1/(a-1) log( a/(2a-1) exp((a-1) eps) + (a-1)/(2a-1) exp(-a eps) ).
[[nodiscard]] double LaplaceRdp(double scale, double sensitivity, double order);
// The tightest RDP bound implied by pure epsilon-DP alone (the RDP of randomized response):
// 1/(a-1) log( (e^{a eps} + e^{(1-a) eps}) / (e^eps + 1) ); never above epsilon.
[[nodiscard]] double PureDpRdp(double epsilon, double order);
// RDP at `order` of the Poisson-subsampled Gaussian with sampling rate q in (0, 1] and
// noise multiplier sigma / sensitivity (Mironov, Talwar & Zhang 2019). Exact at every order.
[[nodiscard]] double SubsampledGaussianRdp(double sampling_rate, double noise_multiplier,
                                           double order);

// The RDP curve of `event` at `orders` (each > 1). Throws UnsupportedError for events without
// an RDP bound (an (epsilon, delta) release with delta > 0; Poisson subsampling of anything but
// a Gaussian).
[[nodiscard]] std::vector<double> ComputeRdp(const PrivacyEvent& event,
                                             const std::vector<double>& orders);

// The improved RDP -> (epsilon, delta) conversion: the minimum over orders of
// rdp + log1p(-1/a) - (log(delta) + log(a)) / (a - 1), with the order that attains it.
[[nodiscard]] PrivacyGuarantee RdpToEpsilon(const std::vector<double>& orders,
                                            const std::vector<double>& rdp, double delta);
// Its inverse for a fixed epsilon: the smallest delta over orders (also using the KL bound
// delta <= sqrt(1 - exp(-rdp)) that is better near order 1).
[[nodiscard]] PrivacyGuarantee RdpToDelta(const std::vector<double>& orders,
                                          const std::vector<double>& rdp, double epsilon);

class RdpAccountant final : public Accountant {
 public:
  // Orders must each be > 1 (throws InvalidArgumentError otherwise).
  explicit RdpAccountant(std::vector<double> orders = DefaultRdpOrders());

  [[nodiscard]] AccountantKind kind() const override { return AccountantKind::kRdp; }
  [[nodiscard]] PrivacyGuarantee EpsilonFor(const PrivacyEvent& event, double delta) const override;
  [[nodiscard]] PrivacyGuarantee DeltaFor(const PrivacyEvent& event, double epsilon) const override;
  [[nodiscard]] const std::vector<double>& orders() const { return orders_; }

 private:
  std::vector<double> orders_;
};

}  // namespace rampart::privacy
