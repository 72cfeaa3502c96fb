#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/parameters.h>

#include "accounting/numeric.h"

namespace rampart::privacy {
namespace {

using internal::kInf;
using internal::LogAdd;
using internal::LogErfc;
using internal::LogSub;

void CheckOrder(double order) {
  if (!std::isfinite(order) || order <= 1.0) {
    throw InvalidArgumentError(
        fmt::format("Rényi order must be a finite number > 1, got {}", order), {.field = "order"});
  }
}

bool IsInteger(double x) {
  return std::floor(x) == x;
}

// log A_alpha at integer alpha (MTZ19, Sec. 3.3): A = sum_k C(a,k) (1-q)^(a-k) q^k
// exp((k^2 - k) / (2 sigma^2)); every term is positive, so the log-sum is exact.
double LogAIntegerOrder(double q, double sigma, double alpha) {
  double log_a = -kInf;
  const double log_q = std::log(q);
  const double log_1mq = std::log1p(-q);
  const auto n = static_cast<int>(alpha);
  double log_binomial = 0.0;  // log C(alpha, k), updated by C(a, k) = C(a, k-1) (a - k + 1) / k
  for (int k = 0; k <= n; ++k) {
    const double kd = k;
    if (k > 0) log_binomial += std::log((alpha - kd + 1.0) / kd);
    const double log_power = (alpha - kd) * log_1mq + kd * log_q;
    if (std::isinf(log_power)) continue;  // q = 1: only k = alpha survives
    log_a = LogAdd(log_a, log_binomial + log_power + (kd * kd - kd) / (2 * sigma * sigma));
  }
  return log_a;
}

// log A_alpha at fractional alpha (MTZ19, Sec. 3.3): split the expectation at
// z0 = sigma^2 log(1/q - 1) + 1/2, where the likelihood ratio crosses 1, and expand
// (1 - q + q r)^alpha by the generalized binomial series on each side. The coefficients C(a, i)
// change sign for i > a; positive and negative terms are summed separately in log space and
// subtracted once at the end, which keeps the exact value (not a bound).
double LogAFractionalOrder(double q, double sigma, double alpha) {
  double log_pos = -kInf;
  double log_neg = -kInf;
  const double z0 = sigma * sigma * std::log(1.0 / q - 1.0) + 0.5;
  const double log_q = std::log(q);
  const double log_1mq = std::log1p(-q);
  double log_abs_coef = 0.0;  // log |C(alpha, 0)|
  double sign = 1.0;
  // Target absolute error: 1e-11 of A - 1, whose leading term is q^2 C(a, 2) (e^{1/s^2} - 1)
  // (A itself is >= 1, so for large A - 1 an absolute 1e-11 is already relative).
  const double leading =
      2 * log_q + std::log(alpha * (alpha - 1) / 2) + std::log(std::expm1(1 / (sigma * sigma)));
  const double log_tolerance = std::min(leading, 0.0) + std::log(1e-11);
  double log_previous = kInf;
  for (int i = 0;; ++i) {
    const double id = i;
    if (i > 0) {
      // C(a, i) = C(a, i-1) (a - i + 1) / i
      const double factor = (alpha - id + 1.0) / id;
      log_abs_coef += std::log(std::fabs(factor));
      if (factor < 0) sign = -sign;
    }
    const double j = alpha - id;
    const double log_t0 = log_abs_coef + id * log_q + j * log_1mq;
    const double log_t1 = log_abs_coef + j * log_q + id * log_1mq;
    const double log_e0 = std::log(0.5) + LogErfc((id - z0) / (M_SQRT2 * sigma));
    const double log_e1 = std::log(0.5) + LogErfc((z0 - j) / (M_SQRT2 * sigma));
    const double log_s0 = log_t0 + (id * id - id) / (2 * sigma * sigma) + log_e0;
    const double log_s1 = log_t1 + (j * j - j) / (2 * sigma * sigma) + log_e1;
    const double log_s = LogAdd(log_s0, log_s1);
    double& same = sign > 0 ? log_pos : log_neg;
    double& other = sign > 0 ? log_neg : log_pos;
    same = LogAdd(same, log_s);
    // Past the order the signs alternate and the magnitudes a_i decrease convexly (like
    // i^-(a+2)), so the mean of two consecutive partial sums, S_i - T_i / 2, is within
    // |a_{i-1} - a_i| / 2 of the limit. Stop there once that bound is below the tolerance (and
    // the terms themselves are small, so that a flat stretch near the peak cannot stop it).
    if (id > alpha + 1.0 && log_previous < kInf && log_s < log_tolerance + std::log(1e6) &&
        LogSub(std::max(log_previous, log_s), std::min(log_previous, log_s)) + std::log(0.5) <
            log_tolerance) {
      other = LogAdd(other, log_s + std::log(0.5));
      break;
    }
    log_previous = log_s;
    if (i > 1000000) throw InternalError("subsampled Gaussian RDP series did not converge");
  }
  if (log_neg >= log_pos) throw InternalError("subsampled Gaussian RDP series lost precision");
  return LogSub(log_pos, log_neg);
}

double AtomRdp(const PrivacyEvent& atom, double order) {
  switch (atom.kind()) {
    case EventKind::kGaussian:
    case EventKind::kDiscreteGaussian:
      // CKS20 Thm. 4: the discrete Gaussian is (Delta^2 / (2 sigma^2))-zCDP as the continuous one.
      return GaussianRdp(atom.noise(), atom.sensitivity(), order);
    case EventKind::kLaplace:
      return LaplaceRdp(atom.noise(), atom.sensitivity(), order);
    case EventKind::kDiscreteLaplace:
      // Two-sided geometric noise is (Delta / scale)-DP.
      return PureDpRdp(atom.sensitivity() / atom.noise(), order);
    case EventKind::kEpsilonDelta:
      if (atom.delta() > 0.0) {
        throw UnsupportedError(
            "the rdp accountant cannot compose (epsilon, delta) releases with delta > 0; use the "
            "basic or advanced accountant",
            {.field = "event"});
      }
      return PureDpRdp(atom.epsilon(), order);
    case EventKind::kPoissonSubsampled: {
      const PrivacyEvent& inner = atom.children().front();
      if (inner.kind() != EventKind::kGaussian) {
        throw UnsupportedError(
            fmt::format("the rdp accountant supports Poisson subsampling of Gaussian events only, "
                        "not of '{}'",
                        EventKindName(inner.kind())),
            {.field = "event"});
      }
      return SubsampledGaussianRdp(atom.sampling_rate(), inner.noise() / inner.sensitivity(),
                                   order);
    }
    case EventKind::kSelfComposed:
    case EventKind::kComposed:
      break;
  }
  throw InternalError("composite event reached the RDP of an atom");
}

}  // namespace

std::vector<double> DefaultRdpOrders() {
  std::vector<double> orders;
  for (int i = 11; i <= 109; ++i) orders.push_back(i / 10.0);
  for (int i = 11; i <= 63; ++i) orders.push_back(i);
  for (const double order : {128.0, 256.0, 512.0, 1024.0}) orders.push_back(order);
  return orders;
}

double GaussianRdp(double sigma, double sensitivity, double order) {
  CheckPositive(sigma, "sigma");
  CheckPositive(sensitivity, "sensitivity");
  CheckOrder(order);
  return order * sensitivity * sensitivity / (2.0 * sigma * sigma);
}

double LaplaceRdp(double scale, double sensitivity, double order) {
  CheckPositive(scale, "scale");
  CheckPositive(sensitivity, "sensitivity");
  CheckOrder(order);
  const double eps = sensitivity / scale;
  const double a = order;
  // In log space: the first term dominates, the second is a small correction.
  const double log_first = std::log(a / (2 * a - 1)) + (a - 1) * eps;
  const double log_second = std::log((a - 1) / (2 * a - 1)) - a * eps;
  return LogAdd(log_first, log_second) / (a - 1);
}

double PureDpRdp(double epsilon, double order) {
  CheckOrder(order);
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  if (epsilon == 0.0) return 0.0;
  const double a = order;
  const double log_num = LogAdd(a * epsilon, (1 - a) * epsilon);
  const double log_den = LogAdd(epsilon, 0.0);
  return std::min(epsilon, (log_num - log_den) / (a - 1));
}

double SubsampledGaussianRdp(double sampling_rate, double noise_multiplier, double order) {
  if (!std::isfinite(sampling_rate) || sampling_rate <= 0.0 || sampling_rate > 1.0) {
    throw InvalidArgumentError(
        fmt::format("sampling rate must lie in (0, 1], got {}", sampling_rate),
        {.field = "sampling_rate"});
  }
  CheckPositive(noise_multiplier, "noise_multiplier");
  CheckOrder(order);
  if (sampling_rate == 1.0) return GaussianRdp(noise_multiplier, 1.0, order);
  const double log_a = IsInteger(order)
                           ? LogAIntegerOrder(sampling_rate, noise_multiplier, order)
                           : LogAFractionalOrder(sampling_rate, noise_multiplier, order);
  return std::max(0.0, log_a / (order - 1.0));
}

std::vector<double> ComputeRdp(const PrivacyEvent& event, const std::vector<double>& orders) {
  for (const double order : orders) CheckOrder(order);
  std::vector<double> total(orders.size(), 0.0);
  for (const auto& [atom, count] : FlattenEvent(event)) {
    for (std::size_t i = 0; i < orders.size(); ++i) {
      total[i] += static_cast<double>(count) * AtomRdp(atom, orders[i]);
    }
  }
  return total;
}

PrivacyGuarantee RdpToEpsilon(const std::vector<double>& orders, const std::vector<double>& rdp,
                              double delta) {
  CheckDelta(delta, /*allow_zero=*/false);
  if (orders.size() != rdp.size() || orders.empty()) {
    throw InvalidArgumentError("orders and RDP values must be non-empty and of equal length");
  }
  PrivacyGuarantee best{.epsilon = kInf, .delta = delta, .method = "rdp"};
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const double a = orders[i];
    const double r = rdp[i];
    double eps = kInf;
    if (delta * delta + std::expm1(-r) > 0.0) {
      // delta >= sqrt(1 - exp(-KL)) >= total variation: epsilon = 0 already holds.
      eps = 0.0;
    } else if (a > 1.01) {
      // CKS20 Prop. 12 (also Balle et al. 2020, Thm. 21); unstable as a -> 1, hence the cut.
      eps = r + std::log1p(-1.0 / a) - (std::log(delta) + std::log(a)) / (a - 1.0);
    }
    if (eps < best.epsilon) {
      best.epsilon = eps;
      best.order = a;
    }
  }
  best.epsilon = std::max(0.0, best.epsilon);
  return best;
}

PrivacyGuarantee RdpToDelta(const std::vector<double>& orders, const std::vector<double>& rdp,
                            double epsilon) {
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  if (orders.size() != rdp.size() || orders.empty()) {
    throw InvalidArgumentError("orders and RDP values must be non-empty and of equal length");
  }
  PrivacyGuarantee best{.epsilon = epsilon, .delta = 1.0, .method = "rdp"};
  double best_log = 0.0;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const double a = orders[i];
    const double r = rdp[i];
    // KL bound (the limit a -> 1): delta <= sqrt(1 - exp(-r)).
    double log_delta = 0.5 * std::log1p(-std::exp(-r));
    if (a > 1.01) {
      log_delta =
          std::min(log_delta, (a - 1.0) * (r - epsilon + std::log1p(-1.0 / a)) - std::log(a));
    }
    if (log_delta < best_log) {
      best_log = log_delta;
      best.order = a;
    }
  }
  best.delta = std::min(1.0, std::exp(best_log));
  return best;
}

RdpAccountant::RdpAccountant(std::vector<double> orders) : orders_(std::move(orders)) {
  if (orders_.empty()) throw InvalidArgumentError("the list of Rényi orders is empty");
  for (const double order : orders_) CheckOrder(order);
}

PrivacyGuarantee RdpAccountant::EpsilonFor(const PrivacyEvent& event, double delta) const {
  CheckDelta(delta, /*allow_zero=*/false);
  return RdpToEpsilon(orders_, ComputeRdp(event, orders_), delta);
}

PrivacyGuarantee RdpAccountant::DeltaFor(const PrivacyEvent& event, double epsilon) const {
  return RdpToDelta(orders_, ComputeRdp(event, orders_), epsilon);
}

}  // namespace rampart::privacy
