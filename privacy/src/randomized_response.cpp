#include <cmath>

#include <fmt/format.h>

#include <rampart/privacy/parameters.h>
#include <rampart/privacy/randomized_response.h>

namespace rampart::privacy {

RandomizedResponse RandomizedResponse::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const std::int64_t categories = internal::Require(categories_, "categories");
  if (categories < 2 || categories > (std::int64_t{1} << 32)) {
    throw InvalidArgumentError(fmt::format("categories must lie in [2, 2^32], got {}", categories),
                               {.field = "categories"});
  }
  // ε = num / 2^shift, num in [2^51, 2^53) (one unit below the rounded value, so never above ε).
  const int shift = 52 - internal::CeilLog2(epsilon);
  if (shift < 0 || shift > 120) {
    throw InvalidArgumentError(
        fmt::format("epsilon {} is outside the supported range [2^-68, 2^52]", epsilon),
        {.field = "epsilon"});
  }
  RandomizedResponse rr;
  rr.epsilon_ = epsilon;
  rr.categories_ = static_cast<std::size_t>(categories);
  const double scaled = std::ldexp(epsilon, shift);  // exact: a power-of-two scaling
  // Exact when ε has at most 53 significant bits (always); no rounding is needed.
  rr.epsilon_num_ = static_cast<std::uint64_t>(scaled);
  rr.epsilon_shift_ = shift;
  return rr;
}

double RandomizedResponse::realized_epsilon() const {
  return std::ldexp(static_cast<double>(epsilon_num_), -epsilon_shift_);
}

double RandomizedResponse::keep_probability() const {
  const double e = std::exp(realized_epsilon());
  return e / (e + static_cast<double>(categories_) - 1.0);
}

double RandomizedResponse::other_probability() const {
  const double e = std::exp(realized_epsilon());
  return 1.0 / (e + static_cast<double>(categories_) - 1.0);
}

std::vector<double> RandomizedResponse::EstimateFrequencies(
    std::span<const std::uint64_t> counts) const {
  if (counts.size() != categories_) {
    throw InvalidArgumentError(
        fmt::format("expected {} counts, got {}", categories_, counts.size()), {.field = "counts"});
  }
  double total = 0.0;
  for (const std::uint64_t c : counts) total += static_cast<double>(c);
  if (total == 0.0) throw InvalidArgumentError("no reports to estimate from", {.field = "counts"});
  const double p = keep_probability();
  const double q = other_probability();
  std::vector<double> estimates;
  estimates.reserve(counts.size());
  for (const std::uint64_t c : counts) {
    estimates.push_back((static_cast<double>(c) / total - q) / (p - q));
  }
  return estimates;
}

double RandomizedResponse::EstimatorVariance(double frequency, std::uint64_t reports) const {
  const double p = keep_probability();
  const double q = other_probability();
  const double pi = q + frequency * (p - q);
  return pi * (1.0 - pi) / (static_cast<double>(reports) * (p - q) * (p - q));
}

}  // namespace rampart::privacy
