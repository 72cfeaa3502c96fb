#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/advanced.h>
#include <rampart/privacy/accounting/basic.h>
#include <rampart/privacy/parameters.h>

#include "accounting/approx_dp.h"
#include "accounting/numeric.h"

namespace rampart::privacy {
namespace {

using internal::AtomDelta;
using internal::AtomEpsilon;
using internal::kInf;
using internal::LogAdd;
using internal::LogBinomial;
using internal::TradesDelta;

struct GroupResult {
  double value = kInf;  // epsilon (EpsilonFor) or delta (DeltaFor)
  std::string method;
};

// Best of KOV and DRV for k runs of a fixed (eps0, delta0) within `delta`.
GroupResult FixedGroupEpsilon(double eps0, double delta0, std::int64_t k, double delta) {
  GroupResult best{.value = KovEpsilon(eps0, delta0, k, delta), .method = "kov"};
  const double slack = delta - static_cast<double>(k) * delta0;
  if (slack > 0) {
    const double drv = DrvEpsilon(eps0, k, std::min(slack, 1.0 - 1e-16));
    if (drv < best.value) best = {drv, "drv"};
  }
  return best;
}

GroupResult GroupEpsilon(const PrivacyEvent& atom, std::int64_t k, double delta) {
  if (!TradesDelta(atom)) {
    const internal::EpsDelta one = AtomEpsilon(atom, 0.0);
    return FixedGroupEpsilon(one.epsilon, one.delta, k, delta);
  }
  // Split delta between the runs (k delta0) and the composition: scan the fraction spent on the
  // runs; the best split depends on the mechanism, and epsilon is flat near the optimum.
  GroupResult best;
  for (int step = 0; step < 17; ++step) {  // fractions 0.02, 0.08, ..., 0.98
    const double fraction = 0.02 + 0.06 * step;
    const double delta0 = fraction * delta / static_cast<double>(k);
    const internal::EpsDelta one = AtomEpsilon(atom, delta0);
    const GroupResult candidate = FixedGroupEpsilon(one.epsilon, one.delta, k, delta);
    if (candidate.value < best.value) best = candidate;
  }
  return best;
}

GroupResult GroupDelta(const PrivacyEvent& atom, std::int64_t k, double epsilon) {
  if (!TradesDelta(atom)) {
    const internal::EpsDelta one = AtomEpsilon(atom, 0.0);
    return {KovDelta(one.epsilon, one.delta, k, epsilon), "kov"};
  }
  // Scan the per-run epsilon0 (log-spaced between epsilon/k and epsilon).
  GroupResult best{.value = 1.0, .method = "kov"};
  const double lo = std::log(epsilon / static_cast<double>(k));
  const double hi = std::log(epsilon);
  for (int i = 0; i <= 40; ++i) {
    const double eps0 = std::exp(lo + (hi - lo) * i / 40.0);
    const double delta0 = AtomDelta(atom, eps0);
    best.value = std::min(best.value, KovDelta(eps0, delta0, k, epsilon));
  }
  return best;
}

}  // namespace

double DrvEpsilon(double eps0, std::int64_t k, double delta_slack) {
  const auto kd = static_cast<double>(k);
  return std::sqrt(2 * kd * std::log(1 / delta_slack)) * eps0 + kd * eps0 * std::expm1(eps0);
}

double KovDelta(double eps0, double delta0, std::int64_t k, double epsilon) {
  const auto kd = static_cast<double>(k);
  // Terms with (k - 2l) eps0 > epsilon only: l < (k eps0 - epsilon) / (2 eps0).
  double log_rr = -kInf;
  if (eps0 > 0) {
    const double l_end = std::min(kd, std::ceil((kd * eps0 - epsilon) / (2 * eps0)) - 1);
    const double log_p = -std::log1p(std::exp(-eps0));  // log(e^eps0 / (1 + e^eps0))
    const double log_1mp = -std::log1p(std::exp(eps0));
    // l ~ Binomial(k, 1 - p): only its bulk (40 standard deviations) carries mass above 1e-300.
    const double p_l = std::exp(log_1mp);
    const double mean = kd * p_l;
    const double sd = std::sqrt(kd * p_l * (1 - p_l));
    const double l_lo = std::max(0.0, std::floor(mean - 40 * sd - 1));
    const double l_hi = std::min(l_end, std::ceil(mean + 40 * sd + 1));
    // l takes the integer values from l_lo to l_hi (both integral doubles, far below 2^53).
    for (auto l_index = static_cast<std::int64_t>(l_lo); l_index <= static_cast<std::int64_t>(l_hi);
         ++l_index) {
      const auto l = static_cast<double>(l_index);
      const double gap = epsilon - (kd - 2 * l) * eps0;  // < 0 in range
      log_rr = LogAdd(
          log_rr, LogBinomial(kd, l) + (kd - l) * log_p + l * log_1mp + std::log(-std::expm1(gap)));
    }
  }
  const double rr = std::exp(log_rr);
  // 1 - (1 - delta0)^k (1 - rr)
  const double log_keep = kd * std::log1p(-delta0);
  return std::clamp(-std::expm1(log_keep) + std::exp(log_keep) * rr, 0.0, 1.0);
}

double KovEpsilon(double eps0, double delta0, std::int64_t k, double delta) {
  const double hi_eps = static_cast<double>(k) * eps0;
  if (KovDelta(eps0, delta0, k, hi_eps) > delta) return kInf;
  if (KovDelta(eps0, delta0, k, 0.0) <= delta) return 0.0;
  double lo = 0.0;
  double hi = hi_eps;
  for (int i = 0; i < 80 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    if (KovDelta(eps0, delta0, k, mid) > delta) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

PrivacyGuarantee AdvancedAccountant::EpsilonFor(const PrivacyEvent& event, double delta) const {
  CheckDelta(delta, /*allow_zero=*/false);
  const auto groups = FlattenEvent(event);
  PrivacyGuarantee result{.epsilon = 0.0, .delta = delta};
  const double share = delta / static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  for (const auto& [atom, count] : groups) {
    const GroupResult group = GroupEpsilon(atom, count, share);
    result.epsilon += group.value;
    if (result.method.find(group.method) == std::string::npos) {
      result.method += (result.method.empty() ? "" : "+") + group.method;
    }
  }
  PrivacyGuarantee basic = BasicAccountant().EpsilonFor(event, delta);
  if (basic.epsilon <= result.epsilon) return basic;
  return result;
}

PrivacyGuarantee AdvancedAccountant::DeltaFor(const PrivacyEvent& event, double epsilon) const {
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  const auto groups = FlattenEvent(event);
  PrivacyGuarantee result{.epsilon = epsilon, .delta = 0.0, .method = "kov"};
  const double share = epsilon / static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  for (const auto& [atom, count] : groups) result.delta += GroupDelta(atom, count, share).value;
  result.delta = std::min(1.0, result.delta);
  PrivacyGuarantee basic = BasicAccountant().DeltaFor(event, epsilon);
  if (basic.delta <= result.delta) return basic;
  return result;
}

}  // namespace rampart::privacy
