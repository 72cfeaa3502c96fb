#include <cmath>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/zcdp.h>
#include <rampart/privacy/parameters.h>

#include "accounting/approx_dp.h"

namespace rampart::privacy {
namespace {

double AtomRho(const PrivacyEvent& atom) {
  switch (atom.kind()) {
    case EventKind::kGaussian:
    case EventKind::kDiscreteGaussian:
      return atom.sensitivity() * atom.sensitivity() / (2 * atom.noise() * atom.noise());
    case EventKind::kLaplace:
    case EventKind::kDiscreteLaplace: {
      const double eps = atom.sensitivity() / atom.noise();
      return eps * eps / 2;
    }
    case EventKind::kEpsilonDelta:
      if (atom.delta() > 0.0) {
        throw UnsupportedError(
            "the zcdp accountant cannot compose (epsilon, delta) releases with delta > 0; use the "
            "basic or advanced accountant",
            {.field = "event"});
      }
      return atom.epsilon() * atom.epsilon() / 2;
    case EventKind::kPoissonSubsampled:
      // Subsampling never increases Rényi divergences (joint convexity), so the inner rho holds.
      return EventRho(atom.children().front());
    case EventKind::kSelfComposed:
    case EventKind::kComposed:
      break;
  }
  throw InternalError("composite event reached the rho of an atom");
}

}  // namespace

double EventRho(const PrivacyEvent& event) {
  double rho = 0.0;
  for (const auto& [atom, count] : FlattenEvent(event)) {
    rho += static_cast<double>(count) * AtomRho(atom);
  }
  return rho;
}

PrivacyGuarantee ZcdpToEpsilon(double rho, double delta) {
  CheckDelta(delta, /*allow_zero=*/false);
  double order = 0.0;
  const double eps = internal::ZcdpEpsilon(rho, delta, &order);
  // The classic rho + 2 sqrt(rho log(1/delta)) (Bun & Steinke 2016, Prop. 1.3) is never better;
  // kept as a guard so that a failed minimization cannot make the answer worse than it.
  const double classic = rho + 2 * std::sqrt(rho * std::log(1 / delta));
  PrivacyGuarantee result{.epsilon = std::min(eps, classic),
                          .delta = delta,
                          .rho = rho,
                          .method = eps <= classic ? "cks20" : "bun-steinke"};
  if (eps <= classic && rho > 0) result.order = order;
  return result;
}

PrivacyGuarantee ZcdpToDelta(double rho, double epsilon) {
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  double order = 0.0;
  PrivacyGuarantee result{.epsilon = epsilon,
                          .delta = internal::ZcdpDelta(rho, epsilon, &order),
                          .rho = rho,
                          .method = "cks20"};
  if (rho > 0) result.order = order;
  return result;
}

PrivacyGuarantee ZcdpAccountant::EpsilonFor(const PrivacyEvent& event, double delta) const {
  return ZcdpToEpsilon(EventRho(event), delta);
}

PrivacyGuarantee ZcdpAccountant::DeltaFor(const PrivacyEvent& event, double epsilon) const {
  return ZcdpToDelta(EventRho(event), epsilon);
}

}  // namespace rampart::privacy
