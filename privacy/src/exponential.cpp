#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <rampart/privacy/exponential.h>
#include <rampart/privacy/parameters.h>

#include "grid.h"

namespace rampart::privacy {
namespace internal {

GridUtilities ToGrid(std::span<const double> utilities, double inverse_granularity, double limit) {
  if (utilities.empty()) {
    throw InvalidArgumentError("at least one candidate is needed", {.field = "utilities"});
  }
  GridUtilities grid;
  grid.steps.reserve(utilities.size());
  for (std::size_t i = 0; i < utilities.size(); ++i) {
    if (std::isnan(utilities[i])) {
      throw InvalidArgumentError(fmt::format("utility {} is NaN", i), {.field = "utilities"});
    }
    const double steps =
        std::nearbyint(std::clamp(utilities[i], -limit, limit) * inverse_granularity);
    grid.steps.push_back(static_cast<std::int64_t>(steps));
  }
  grid.max = *std::max_element(grid.steps.begin(), grid.steps.end());
  return grid;
}

}  // namespace internal

ExponentialMechanism ExponentialMechanism::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double sensitivity =
      CheckPositive(internal::Require(sensitivity_, "sensitivity"), "sensitivity");
  if (monotonic_ && method_ == SelectionMethod::kPermuteAndFlip) {
    throw InvalidArgumentError("the monotonic variant is supported for the exponential method only",
                               {.field = "monotonic"});
  }
  // Grid of 2^20 steps per sensitivity; clamping to ±2^61 steps keeps differences in 63 bits.
  const internal::Grid grid = internal::ChooseGrid(sensitivity, kGridBits, sensitivity);
  ExponentialMechanism mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.sensitivity_ = sensitivity;
  mechanism.method_ = method_;
  mechanism.granularity_ = grid.granularity;
  mechanism.inverse_granularity_ = grid.inverse_granularity;
  mechanism.limit_ = grid.limit / 2;
  // η_g = ε / (c Δ_g) as num / 2^shift with num in [2^51, 2^53), rounded down (minus one unit
  // to absorb the rounding of the floating-point quotient).
  const double divisor = (monotonic_ ? 1.0 : 2.0) * static_cast<double>(grid.grid_sensitivity);
  const double eta = epsilon / divisor;
  const int shift = 52 - internal::CeilLog2(eta);
  if (shift < 0 || shift > 120) {
    throw InvalidArgumentError(
        fmt::format("epsilon {} is outside the supported range for selection", epsilon),
        {.field = "epsilon"});
  }
  const double scaled = std::floor(std::ldexp(eta, shift));
  mechanism.eta_num_ = static_cast<std::uint64_t>(scaled) - 1;
  mechanism.eta_shift_ = shift;
  return mechanism;
}

internal::GridUtilities ExponentialMechanism::Prepare(std::span<const double> utilities) const {
  return internal::ToGrid(utilities, inverse_granularity_, limit_);
}

double ExponentialMechanism::eta() const {
  return std::ldexp(static_cast<double>(eta_num_), -eta_shift_) * inverse_granularity_;
}

std::vector<double> ExponentialMechanism::SelectionProbabilities(
    std::span<const double> utilities) const {
  const internal::GridUtilities grid = Prepare(utilities);
  const std::size_t n = grid.steps.size();
  std::vector<double> accept(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double gamma = static_cast<double>(grid.max - grid.steps[i]) *
                         std::ldexp(static_cast<double>(eta_num_), -eta_shift_);
    accept[i] = std::exp(-gamma);
  }
  std::vector<double> probability(n, 0.0);
  if (method_ == SelectionMethod::kExponential) {
    double total = 0.0;
    for (const double a : accept) total += a;
    for (std::size_t i = 0; i < n; ++i) probability[i] = accept[i] / total;
    return probability;
  }
  // Permute-and-flip: P(i) = p_i E[Π_{j before i} (1 - p_j)] over uniform orders, which is
  // p_i times the average over subsets S of the others of Π_{j∈S}(1-p_j) weighted by
  // |S|! (n-1-|S|)! / n!. Computed by dynamic programming over subset sizes.
  for (std::size_t i = 0; i < n; ++i) {
    // e[k] = elementary symmetric polynomial of degree k in (1 - p_j), j != i.
    std::vector<double> e(n, 0.0);
    e[0] = 1.0;
    std::size_t count = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      ++count;
      for (std::size_t k = count; k > 0; --k) e[k] += e[k - 1] * (1.0 - accept[j]);
    }
    // Weight of a set of size k before i: k! (n-1-k)! / n! = 1 / (n * C(n-1, k)).
    double sum = 0.0;
    double binomial = 1.0;  // C(n-1, k)
    for (std::size_t k = 0; k < n; ++k) {
      sum += e[k] / (static_cast<double>(n) * binomial);
      binomial = binomial * static_cast<double>(n - 1 - k) / static_cast<double>(k + 1);
    }
    probability[i] = accept[i] * sum;
  }
  return probability;
}

ReportNoisyMax ReportNoisyMax::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double sensitivity =
      CheckPositive(internal::Require(sensitivity_, "sensitivity"), "sensitivity");
  const internal::Grid grid =
      internal::ChooseGrid(sensitivity, ExponentialMechanism::kGridBits, sensitivity);
  ReportNoisyMax mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.sensitivity_ = sensitivity;
  mechanism.granularity_ = grid.granularity;
  mechanism.inverse_granularity_ = grid.inverse_granularity;
  mechanism.limit_ = grid.limit / 2;
  const std::uint64_t shift = (monotonic_ ? 1U : 2U) * grid.grid_sensitivity;
  mechanism.t_ = internal::CeilQuotient(shift, epsilon, "epsilon");
  return mechanism;
}

}  // namespace rampart::privacy
