// (epsilon, delta) views of single events, shared by the basic and advanced accountants
// (private): each atom of an event (see FlattenEvent) either has a fixed (epsilon, delta) (the
// Laplace family, opaque releases) or trades epsilon against delta (the Gaussian family).
#pragma once

#include <rampart/privacy/events.h>

namespace rampart::privacy::internal {

struct EpsDelta {
  double epsilon = 0.0;
  double delta = 0.0;
};

// Exact delta(epsilon) of the Gaussian mechanism (Balle & Wang 2018, Thm. 8).
[[nodiscard]] double GaussianDelta(double sigma, double sensitivity, double epsilon);
// Its inverse by bisection: the smallest epsilon >= 0 with GaussianDelta <= delta.
[[nodiscard]] double GaussianEpsilon(double sigma, double sensitivity, double delta);
// delta(epsilon) of rho-zCDP (Canonne, Kamath & Steinke 2020, Cor. 13) and its inverse,
// minimized over the Rényi order; `order` receives the minimizing order when not null.
[[nodiscard]] double ZcdpDelta(double rho, double epsilon, double* order = nullptr);
[[nodiscard]] double ZcdpEpsilon(double rho, double delta, double* order = nullptr);

// True when the atom's epsilon depends on the delta it is given (Gaussian family, or a Poisson
// subsample of one).
[[nodiscard]] bool TradesDelta(const PrivacyEvent& atom);
// (epsilon, delta) of one run of `atom` that spends at most `delta_budget` (used only when
// TradesDelta). Subsampling amplifies by Balle, Barthe & Gaboardi 2018, Thm. 9:
// (log(1 + q (e^eps - 1)), q delta).
[[nodiscard]] EpsDelta AtomEpsilon(const PrivacyEvent& atom, double delta_budget);
// delta of one run of `atom` at `epsilon` (1 when a fixed-epsilon atom exceeds it).
[[nodiscard]] double AtomDelta(const PrivacyEvent& atom, double epsilon);

}  // namespace rampart::privacy::internal
