// k-ary randomized response (local differential privacy) and its unbiased frequency estimator.
//
//   auto rr = rampart::privacy::RandomizedResponse::Builder()
//                 .SetEpsilon(1.0).SetCategories(4).Build();
//   std::size_t reported = rr.Respond(true_category);             // on the user's device
//   std::vector<double> f = rr.EstimateFrequencies(report_counts); // at the collector
//
// Generalised randomized response (Warner 1965; Kairouz, Bonawitz & Ramage 2016; Wang et al.,
// "Locally Differentially Private Protocols for Frequency Estimation", USENIX Security 2017):
// report the true category with probability p = e^ε/(e^ε + k - 1), each other one with
// q = 1/(e^ε + k - 1); p/q = e^ε, so every report is ε-LDP. Sampled exactly: propose a category
// uniformly and accept the true one always and any other with the exact Bernoulli(exp(-ε)) of CKS
// 2020 Alg. 1, with ε a dyadic fraction rounded down. The estimator f_j = (n_j/N - q)/(p - q) is
// unbiased; its variance is π_j(1 - π_j) / (N (p - q)²) with π_j = q + f_j (p - q).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

class RandomizedResponse {
 public:
  class Builder {
   public:
    Builder& SetEpsilon(double epsilon) {
      epsilon_ = epsilon;
      return *this;
    }
    Builder& SetCategories(std::int64_t categories) {
      categories_ = categories;
      return *this;
    }
    [[nodiscard]] RandomizedResponse Build() const;

   private:
    std::optional<double> epsilon_;
    std::optional<std::int64_t> categories_;
  };

  template <Uniform64Source G>
  [[nodiscard]] std::size_t Respond(std::size_t true_category, RandomBits<G>& bits) const {
    if (true_category >= categories_) {
      throw InvalidArgumentError("category out of range", {.field = "category"});
    }
    for (;;) {
      const auto proposal = static_cast<std::size_t>(bits.UniformBelow(categories_));
      if (proposal == true_category) return proposal;
      if (SampleBernoulliExpNeg(bits, epsilon_num_, static_cast<UInt128>(1) << epsilon_shift_)) {
        return proposal;
      }
    }
  }
  [[nodiscard]] std::size_t Respond(std::size_t true_category) const {
    return Respond(true_category, DefaultSecureBits());
  }

  // Unbiased estimates of the true frequencies from the counts of each reported category (may
  // fall outside [0, 1]; clip or project afterwards if needed — that is post-processing).
  [[nodiscard]] std::vector<double> EstimateFrequencies(
      std::span<const std::uint64_t> counts) const;
  // The variance of one estimate when the true frequency is `frequency` and N reports were made.
  [[nodiscard]] double EstimatorVariance(double frequency, std::uint64_t reports) const;

  [[nodiscard]] double epsilon() const { return epsilon_; }
  // The ε actually used (the dyadic fraction, <= epsilon()).
  [[nodiscard]] double realized_epsilon() const;
  [[nodiscard]] std::size_t categories() const { return categories_; }
  [[nodiscard]] double keep_probability() const;   // p
  [[nodiscard]] double other_probability() const;  // q

 private:
  RandomizedResponse() = default;

  double epsilon_ = 0.0;
  std::size_t categories_ = 2;
  std::uint64_t epsilon_num_ = 0;  // realised ε = epsilon_num_ / 2^epsilon_shift_
  int epsilon_shift_ = 0;
};

}  // namespace rampart::privacy
