// Privacy-loss-distribution (PLD) accountant (Meiser & Mohammadi 2018; Koskela, Jälkö & Honkela
// 2020; Doroshenko, Ghazi, Kamath, Kumar & Manurangsi 2022, "Connect the Dots").
//
//   using namespace rampart::privacy;
//   PldAccountant pld;   // connect-the-dots on a 5e-4 grid of losses (see PldOptions)
//   auto run = PrivacyEvent::SelfComposed(
//       PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01), 10000);
//   PrivacyGuarantee g = pld.EpsilonFor(run, 1e-5);
//
// A mechanism's privacy loss L = log(P(o) / Q(o)), o ~ P, for a pair (P, Q) of output
// distributions on neighbouring datasets, is put on a grid {i * h}; composition is the
// convolution of these distributions (by FFT), self-composition is repeated squaring, and
// delta(epsilon) = E[(1 - exp(epsilon - L))_+] + P(L = inf). Every step rounds towards more
// privacy loss, so the answer is an upper bound on the true delta (and epsilon):
//  - kConnectTheDots (default): the chord of delta(e^epsilon) between grid points, a valid
//    dominating pair whose error is second order in h (Doroshenko et al. 2022, Thm. 3.3);
//  - kPessimistic: each loss rounded up to the next grid point (Meiser & Mohammadi 2018);
//    its bias grows linearly with the number of compositions, so it needs a finer grid;
//  - mass beyond the upper truncation point (after discretization and after each convolution)
//    goes to L = inf, i.e. straight into delta; mass below the lower one is rounded up.
// Adjacency is add/remove: both orders of the pair ((P, Q) = (M(D u {x}), M(D)) and the
// reverse) are composed separately and the larger delta is reported, as in dp_accounting. For
// the symmetric mechanisms (Laplace, Gaussian and their discrete forms) the two coincide.
#pragma once

#include <cstdint>
#include <vector>

#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {

enum class PldDiscretization { kConnectTheDots, kPessimistic };

struct PldOptions {
  // Grid step h of the privacy-loss values. 5e-4 keeps epsilon of 10 000 DP-SGD steps within
  // 0.02 % of its converged value (docs/adr/0101-privacy-pld-discretization.md).
  double discretization = 5e-4;
  // Probability mass cut from each tail, at discretization and after every convolution.
  double tail_mass = 1e-15;
  PldDiscretization method = PldDiscretization::kConnectTheDots;
};

class PrivacyLossDistribution {
 public:
  // The PLD of an event (compositions are convolved). Throws UnsupportedError for Poisson
  // subsampling of anything but a Gaussian, InvalidArgumentError for bad options.
  [[nodiscard]] static PrivacyLossDistribution FromEvent(const PrivacyEvent& event,
                                                         const PldOptions& options = {});

  // Composition with another PLD built with the same options.
  [[nodiscard]] PrivacyLossDistribution Compose(const PrivacyLossDistribution& other) const;
  // `count`-fold self-composition by repeated squaring.
  [[nodiscard]] PrivacyLossDistribution SelfCompose(std::int64_t count) const;

  // delta for epsilon >= 0 (the larger of the two adjacency orders).
  [[nodiscard]] double DeltaForEpsilon(double epsilon) const;
  // The smallest epsilon >= 0 with DeltaForEpsilon(epsilon) <= delta; +inf if even an infinite
  // epsilon does not reach delta (the mass at L = inf exceeds it).
  [[nodiscard]] double EpsilonForDelta(double delta) const;

  // Grid size of the larger direction (for benchmarks and the convergence study).
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] const PldOptions& options() const { return options_; }

  // One order of the pair: P(L = (offset + i) h) = masses[i], P(L = inf) = infinity_mass.
  struct Direction {
    std::int64_t offset = 0;
    std::vector<double> masses;
    double infinity_mass = 0.0;
  };

 private:
  PrivacyLossDistribution(PldOptions options, Direction remove, Direction add, bool symmetric)
      : options_(options),
        remove_(std::move(remove)),
        add_(std::move(add)),
        symmetric_(symmetric) {}

  PldOptions options_;
  Direction remove_;  // (P, Q) = (M(D u {x}), M(D))
  Direction add_;     // the reverse order; unused when symmetric_
  bool symmetric_;
};

class PldAccountant final : public Accountant {
 public:
  explicit PldAccountant(PldOptions options = {});

  [[nodiscard]] AccountantKind kind() const override { return AccountantKind::kPld; }
  [[nodiscard]] PrivacyGuarantee EpsilonFor(const PrivacyEvent& event, double delta) const override;
  [[nodiscard]] PrivacyGuarantee DeltaFor(const PrivacyEvent& event, double epsilon) const override;

 private:
  PldOptions options_;
};

}  // namespace rampart::privacy
