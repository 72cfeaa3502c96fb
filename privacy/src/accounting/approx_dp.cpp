#include "accounting/approx_dp.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <rampart/common/error.h>

#include "accounting/numeric.h"

namespace rampart::privacy::internal {
namespace {

// zCDP of the discrete Gaussian equals the continuous one's (CKS20, Thm. 4).
double DiscreteGaussianRho(const PrivacyEvent& atom) {
  return atom.sensitivity() * atom.sensitivity() / (2 * atom.noise() * atom.noise());
}

// log delta(epsilon) at order a for rho-zCDP (CKS20, Prop. 12 with eps_a = a rho).
double ZcdpLogDeltaAt(double rho, double epsilon, double a) {
  return (a - 1) * (a * rho - epsilon + std::log1p(-1 / a)) - std::log(a);
}

double ZcdpEpsilonAt(double rho, double delta, double a) {
  return a * rho + std::log1p(-1 / a) - (std::log(delta) + std::log(a)) / (a - 1);
}

// Minimizes f over orders a = 1 + e^t: a log-spaced scan, then golden-section refinement.
template <typename F>
double MinimizeOverOrder(F f, double* order) {
  double best_t = -12.0;
  double best = f(1 + std::exp(best_t));
  for (int step = 0; step <= 260; ++step) {  // t = -12.0, -11.9, ..., 14.0
    const double t = -12.0 + 0.1 * step;
    const double v = f(1 + std::exp(t));
    if (v < best) {
      best = v;
      best_t = t;
    }
  }
  double lo = best_t - 0.1;
  double hi = best_t + 0.1;
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 60; ++i) {
    const double m1 = hi - g * (hi - lo);
    const double m2 = lo + g * (hi - lo);
    if (f(1 + std::exp(m1)) < f(1 + std::exp(m2))) {
      hi = m2;
    } else {
      lo = m1;
    }
  }
  const double t = (lo + hi) / 2;
  const double v = f(1 + std::exp(t));
  const double a = v < best ? 1 + std::exp(t) : 1 + std::exp(best_t);
  if (order != nullptr) *order = a;
  return std::min(v, best);
}

}  // namespace

double GaussianDelta(double sigma, double sensitivity, double epsilon) {
  const double a = sensitivity / (2 * sigma);
  const double b = epsilon * sigma / sensitivity;
  // Phi(a - b) - e^eps Phi(-a - b), both as upper tails for precision.
  const double value = NormalSf(b - a) - std::exp(epsilon) * NormalSf(a + b);
  return std::clamp(value, 0.0, 1.0);
}

double GaussianEpsilon(double sigma, double sensitivity, double delta) {
  if (GaussianDelta(sigma, sensitivity, 0.0) <= delta) return 0.0;
  double hi = 1.0;
  while (GaussianDelta(sigma, sensitivity, hi) > delta) hi *= 2;
  double lo = 0.0;
  for (int i = 0; i < 100 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    if (GaussianDelta(sigma, sensitivity, mid) > delta) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;  // the upper end: never below the truth
}

double ZcdpDelta(double rho, double epsilon, double* order) {
  if (rho == 0.0) return 0.0;
  const double log_delta =
      MinimizeOverOrder([&](double a) { return ZcdpLogDeltaAt(rho, epsilon, a); }, order);
  return std::min(1.0, std::exp(log_delta));
}

double ZcdpEpsilon(double rho, double delta, double* order) {
  if (rho == 0.0) return 0.0;
  return std::max(0.0,
                  MinimizeOverOrder([&](double a) { return ZcdpEpsilonAt(rho, delta, a); }, order));
}

bool TradesDelta(const PrivacyEvent& atom) {
  switch (atom.kind()) {
    case EventKind::kGaussian:
    case EventKind::kDiscreteGaussian:
      return true;
    case EventKind::kPoissonSubsampled:
      return TradesDelta(atom.children().front());
    default:
      return false;
  }
}

EpsDelta AtomEpsilon(const PrivacyEvent& atom, double delta_budget) {
  switch (atom.kind()) {
    case EventKind::kLaplace:
    case EventKind::kDiscreteLaplace:
      return {atom.sensitivity() / atom.noise(), 0.0};
    case EventKind::kEpsilonDelta:
      return {atom.epsilon(), atom.delta()};
    case EventKind::kGaussian:
      return {GaussianEpsilon(atom.noise(), atom.sensitivity(), delta_budget), delta_budget};
    case EventKind::kDiscreteGaussian:
      return {ZcdpEpsilon(DiscreteGaussianRho(atom), delta_budget), delta_budget};
    case EventKind::kPoissonSubsampled: {
      const double q = atom.sampling_rate();
      const EpsDelta inner = AtomEpsilon(atom.children().front(), std::min(delta_budget / q, 0.5));
      return {std::log1p(q * std::expm1(inner.epsilon)), q * inner.delta};
    }
    case EventKind::kSelfComposed:
    case EventKind::kComposed: {
      // A composite inside a subsample: its (epsilon, delta) by basic composition.
      double eps = 0.0;
      double delta = 0.0;
      const auto atoms = FlattenEvent(atom);
      double units = 0.0;
      for (const auto& [inner, count] : atoms)
        units += TradesDelta(inner) ? static_cast<double>(count) : 0.0;
      for (const auto& [inner, count] : atoms) {
        const EpsDelta one = AtomEpsilon(inner, units > 0 ? delta_budget / units : 0.0);
        eps += static_cast<double>(count) * one.epsilon;
        delta += static_cast<double>(count) * one.delta;
      }
      return {eps, std::min(1.0, delta)};
    }
  }
  throw InternalError("unknown event kind");
}

double AtomDelta(const PrivacyEvent& atom, double epsilon) {
  switch (atom.kind()) {
    case EventKind::kLaplace:
    case EventKind::kDiscreteLaplace:
      return epsilon >= atom.sensitivity() / atom.noise() ? 0.0 : 1.0;
    case EventKind::kEpsilonDelta:
      return epsilon >= atom.epsilon() ? atom.delta() : 1.0;
    case EventKind::kGaussian:
      return GaussianDelta(atom.noise(), atom.sensitivity(), epsilon);
    case EventKind::kDiscreteGaussian:
      return ZcdpDelta(DiscreteGaussianRho(atom), epsilon);
    case EventKind::kPoissonSubsampled: {
      // Amplification inverted: the inner mechanism may use log(1 + (e^eps - 1) / q).
      const double q = atom.sampling_rate();
      const double inner_eps = std::log1p(std::expm1(epsilon) / q);
      return q * AtomDelta(atom.children().front(), inner_eps);
    }
    case EventKind::kSelfComposed:
    case EventKind::kComposed: {
      // Basic composition with epsilon split evenly over the runs.
      const auto atoms = FlattenEvent(atom);
      double runs = 0.0;
      for (const auto& entry : atoms) runs += static_cast<double>(entry.second);
      double delta = 0.0;
      for (const auto& [inner, count] : atoms) {
        delta += static_cast<double>(count) * AtomDelta(inner, epsilon / runs);
      }
      return std::min(1.0, delta);
    }
  }
  throw InternalError("unknown event kind");
}

}  // namespace rampart::privacy::internal
