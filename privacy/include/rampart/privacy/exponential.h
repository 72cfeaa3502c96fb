// Private selection: the exponential mechanism (sampled exactly, or by permute-and-flip) and
// report-noisy-max with exact discrete Laplace noise.
//
//   auto em = rampart::privacy::ExponentialMechanism::Builder()
//                 .SetEpsilon(1.0).SetSensitivity(1.0).Build();
//   std::vector<double> utility = {12, 40, 39, 7};           // e.g. counts per candidate
//   std::size_t chosen = em.Select(utility);                   // secure randomness
//   auto rnm = rampart::privacy::ReportNoisyMax::Builder()
//                  .SetEpsilon(1.0).SetSensitivity(1.0).SetMonotonic(true).Build();
//   std::size_t best = rnm.Select(utility);
//
// Exactness. Utilities are rounded to a grid g = 2^k (the smallest power of two >= Δ/2^20) and
// the sensitivity becomes Δ_g = floor(Δ/g) + 1 steps, as for the real-valued mechanisms.
// - kExponential (McSherry & Talwar 2007): P(i) ∝ exp(-η (u* - u_i)), η = ε/(2Δ_g), or ε/Δ_g
//   for monotonic utilities. η is a dyadic fraction rounded down (never more privacy loss), and
//   the distribution is sampled exactly by proposing i uniformly and accepting with the exact
//   Bernoulli(exp(-η (u* - u_i))) of CKS 2020 Alg. 1 — no floating-point weights anywhere (the
//   floating-point exponential mechanism leaks like floating-point Laplace, Ilvento 2019). Expected
//   proposals n / Σ_i exp(-η (u* - u_i)) <= n.
// - kPermuteAndFlip (McKenna & Sheldon, NeurIPS 2020, Thm 1): candidates in a uniformly random
//   order, each accepted with probability exp(-η (u* - u_i)), η = ε/(2Δ_g); ε-DP and never worse
//   in expected utility than the exponential mechanism. At most n trials.
// - ReportNoisyMax (Dwork & Roth 2014, Claim 3.9): argmax_i u_i + Z_i, Z_i discrete Laplace with
//   scale 2Δ_g/ε (Δ_g/ε for monotonic utilities), ties to the lowest index. The proof's threshold
//   argument holds verbatim for integer noise with a deterministic tie rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/privacy/builder.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

namespace internal {
// Utilities on the selection grid (clamped to ±2^61 steps), and the index of the maximum.
struct GridUtilities {
  std::vector<std::int64_t> steps;
  std::int64_t max = 0;
};
[[nodiscard]] GridUtilities ToGrid(std::span<const double> utilities, double inverse_granularity,
                                   double limit);
}  // namespace internal

enum class SelectionMethod { kExponential, kPermuteAndFlip };

class ExponentialMechanism {
 public:
  static constexpr int kGridBits = 20;

  class Builder : public internal::MechanismBuilder<Builder> {
   public:
    // Monotonic utilities (all move in the same direction between neighbours) halve the
    // exponent's divisor. Supported for kExponential only.
    Builder& SetMonotonic(bool monotonic) {
      monotonic_ = monotonic;
      return *this;
    }
    Builder& SetMethod(SelectionMethod method) {
      method_ = method;
      return *this;
    }
    [[nodiscard]] ExponentialMechanism Build() const;

   private:
    bool monotonic_ = false;
    SelectionMethod method_ = SelectionMethod::kExponential;
  };

  // The index of the selected candidate. Throws InvalidArgumentError for an empty list or NaN.
  template <Uniform64Source G>
  [[nodiscard]] std::size_t Select(std::span<const double> utilities, RandomBits<G>& bits) const {
    const internal::GridUtilities grid = Prepare(utilities);
    const std::size_t n = grid.steps.size();
    if (method_ == SelectionMethod::kExponential) {
      for (;;) {
        const auto i = static_cast<std::size_t>(bits.UniformBelow(n));
        if (SampleBernoulliExpNeg(bits, GammaNumerator(grid, i), GammaDenominator())) return i;
      }
    }
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t j = r + static_cast<std::size_t>(bits.UniformBelow(n - r));
      std::swap(order[r], order[j]);
      const std::size_t candidate = order[r];
      if (SampleBernoulliExpNeg(bits, GammaNumerator(grid, candidate), GammaDenominator())) {
        return candidate;
      }
    }
    throw InternalError("permute-and-flip accepted no candidate");  // the maximum always accepts
  }
  [[nodiscard]] std::size_t Select(std::span<const double> utilities) const {
    return Select(utilities, DefaultSecureBits());
  }

  // The exact selection probabilities of this mechanism for these utilities (doubles computed
  // from the same rationals the sampler uses), for tests and for explaining a choice.
  [[nodiscard]] std::vector<double> SelectionProbabilities(std::span<const double> utilities) const;

  [[nodiscard]] double epsilon() const { return epsilon_; }
  [[nodiscard]] double sensitivity() const { return sensitivity_; }
  [[nodiscard]] double granularity() const { return granularity_; }
  [[nodiscard]] SelectionMethod method() const { return method_; }
  // η in utility units per unit of utility (= realised η_g / g).
  [[nodiscard]] double eta() const;

 private:
  ExponentialMechanism() = default;
  [[nodiscard]] internal::GridUtilities Prepare(std::span<const double> utilities) const;
  [[nodiscard]] UInt128 GammaNumerator(const internal::GridUtilities& grid, std::size_t i) const {
    return static_cast<UInt128>(static_cast<std::uint64_t>(grid.max - grid.steps[i])) * eta_num_;
  }
  [[nodiscard]] UInt128 GammaDenominator() const { return static_cast<UInt128>(1) << eta_shift_; }

  double epsilon_ = 0.0;
  double sensitivity_ = 0.0;
  double granularity_ = 0.0;
  double inverse_granularity_ = 0.0;
  double limit_ = 0.0;
  SelectionMethod method_ = SelectionMethod::kExponential;
  std::uint64_t eta_num_ = 0;  // η_g = eta_num_ / 2^eta_shift_ per grid step
  int eta_shift_ = 0;
};

class ReportNoisyMax {
 public:
  class Builder : public internal::MechanismBuilder<Builder> {
   public:
    Builder& SetMonotonic(bool monotonic) {
      monotonic_ = monotonic;
      return *this;
    }
    [[nodiscard]] ReportNoisyMax Build() const;

   private:
    bool monotonic_ = false;
  };

  template <Uniform64Source G>
  [[nodiscard]] std::size_t Select(std::span<const double> utilities, RandomBits<G>& bits) const {
    const internal::GridUtilities grid = internal::ToGrid(utilities, inverse_granularity_, limit_);
    std::size_t best = 0;
    Int128 best_value = 0;
    for (std::size_t i = 0; i < grid.steps.size(); ++i) {
      const Int128 noisy = static_cast<Int128>(grid.steps[i]) + SampleDiscreteLaplace(bits, 1, t_);
      if (i == 0 || noisy > best_value) {
        best = i;
        best_value = noisy;
      }
    }
    return best;
  }
  [[nodiscard]] std::size_t Select(std::span<const double> utilities) const {
    return Select(utilities, DefaultSecureBits());
  }

  [[nodiscard]] double epsilon() const { return epsilon_; }
  [[nodiscard]] double sensitivity() const { return sensitivity_; }
  [[nodiscard]] double granularity() const { return granularity_; }
  // The noise scale in utility units.
  [[nodiscard]] double scale() const { return static_cast<double>(t_) * granularity_; }

 private:
  ReportNoisyMax() = default;

  double epsilon_ = 0.0;
  double sensitivity_ = 0.0;
  double granularity_ = 0.0;
  double inverse_granularity_ = 0.0;
  double limit_ = 0.0;
  std::uint64_t t_ = 1;
};

}  // namespace rampart::privacy
