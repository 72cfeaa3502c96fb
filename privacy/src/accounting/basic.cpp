#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/basic.h>
#include <rampart/privacy/parameters.h>

#include "accounting/approx_dp.h"
#include "accounting/numeric.h"

namespace rampart::privacy {

using internal::AtomDelta;
using internal::AtomEpsilon;
using internal::kInf;
using internal::TradesDelta;

PrivacyGuarantee BasicAccountant::EpsilonFor(const PrivacyEvent& event, double delta) const {
  CheckDelta(delta, /*allow_zero=*/false);
  const auto atoms = FlattenEvent(event);
  double fixed_delta = 0.0;
  double units = 0.0;
  for (const auto& [atom, count] : atoms) {
    if (TradesDelta(atom)) {
      units += static_cast<double>(count);
    } else {
      fixed_delta += static_cast<double>(count) * AtomEpsilon(atom, 0.0).delta;
    }
  }
  PrivacyGuarantee result{.epsilon = kInf, .delta = delta, .method = "basic"};
  const double share = units > 0 ? (delta - fixed_delta) / units : 0.0;
  if (fixed_delta > delta || (units > 0 && share <= 0.0)) return result;
  result.epsilon = 0.0;
  for (const auto& [atom, count] : atoms) {
    result.epsilon += static_cast<double>(count) * AtomEpsilon(atom, share).epsilon;
  }
  return result;
}

PrivacyGuarantee BasicAccountant::DeltaFor(const PrivacyEvent& event, double epsilon) const {
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  const auto atoms = FlattenEvent(event);
  double fixed_epsilon = 0.0;
  double fixed_delta = 0.0;
  double units = 0.0;
  for (const auto& [atom, count] : atoms) {
    if (TradesDelta(atom)) {
      units += static_cast<double>(count);
    } else {
      const internal::EpsDelta one = AtomEpsilon(atom, 0.0);
      fixed_epsilon += static_cast<double>(count) * one.epsilon;
      fixed_delta += static_cast<double>(count) * one.delta;
    }
  }
  PrivacyGuarantee result{.epsilon = epsilon, .delta = 1.0, .method = "basic"};
  if (fixed_epsilon > epsilon) return result;
  const double share = units > 0 ? (epsilon - fixed_epsilon) / units : 0.0;
  double delta = fixed_delta;
  for (const auto& [atom, count] : atoms) {
    if (TradesDelta(atom)) delta += static_cast<double>(count) * AtomDelta(atom, share);
  }
  result.delta = std::min(1.0, delta);
  return result;
}

}  // namespace rampart::privacy
