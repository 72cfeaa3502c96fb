// The sparse vector technique: AboveThreshold with up to c positive answers, exactly as
// Algorithm 1 of Lyu, Su & Li, "Understanding the Sparse Vector Technique for Differential
// Privacy" (VLDB 2017), which they prove ε-DP (several earlier variants are not).
//
//   auto svt = rampart::privacy::SparseVector::Builder()
//                  .SetEpsilon(1.0).SetSensitivity(1.0).SetThreshold(100).SetMaxPositives(1)
//                  .Build();
//   auto session = svt.Begin();                    // draws the threshold noise once
//   for (double q : query_answers) {
//     std::optional<bool> above = session.Query(q);  // nullopt once c positives were given
//     if (!above) break;
//   }
//
// Algorithm 1: ε1 = ε/2, ε2 = ε - ε1; ρ ~ Lap(Δ/ε1) once; for each query ν_i ~ Lap(2cΔ/ε2)
// (cΔ/ε2 for monotonic queries); answer ⊤ iff q_i + ν_i >= T + ρ; stop after c ⊤. Here the
// queries and T are rounded to a grid g = 2^k (the smallest power of two >= Δ/2^20), Δ becomes
// Δ_g = floor(Δ/g) + 1 steps, and ρ, ν_i are exact discrete Laplace variables with scales rounded
// up; the proof's shifts (ρ by Δ_g, ν_i by 2Δ_g) are integer, so it carries over to Z verbatim.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>

#include <rampart/common/error.h>
#include <rampart/privacy/builder.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

class SparseVector {
 public:
  class Builder : public internal::MechanismBuilder<Builder> {
   public:
    Builder& SetThreshold(double threshold) {
      threshold_ = threshold;
      return *this;
    }
    // c >= 1: the session stops after c answers above the threshold.
    Builder& SetMaxPositives(std::int64_t max_positives) {
      max_positives_ = max_positives;
      return *this;
    }
    Builder& SetMonotonic(bool monotonic) {
      monotonic_ = monotonic;
      return *this;
    }
    [[nodiscard]] SparseVector Build() const;

   private:
    std::optional<double> threshold_;
    std::int64_t max_positives_ = 1;
    bool monotonic_ = false;
  };

  // One run of the algorithm over a stream of queries; holds the noisy threshold.
  template <Uniform64Source G>
  class Session {
   public:
    // ⊤ (true) or ⊥ (false); std::nullopt once max_positives answers were ⊤ (the algorithm has
    // halted and answers nothing more). Throws InvalidArgumentError for NaN.
    [[nodiscard]] std::optional<bool> Query(double answer) {
      if (positives_ >= svt_->max_positives_) return std::nullopt;
      if (std::isnan(answer)) throw InvalidArgumentError("query answer is NaN");
      const double steps = std::nearbyint(std::clamp(answer, -svt_->limit_, svt_->limit_) *
                                          svt_->inverse_granularity_);
      const Int128 noisy =
          static_cast<Int128>(steps) + SampleDiscreteLaplace(*bits_, 1, svt_->query_scale_);
      const bool above = noisy >= noisy_threshold_;
      if (above) ++positives_;
      return above;
    }
    [[nodiscard]] bool halted() const { return positives_ >= svt_->max_positives_; }

   private:
    friend class SparseVector;
    Session(const SparseVector& svt, RandomBits<G>& bits) : svt_(&svt), bits_(&bits) {
      noisy_threshold_ = static_cast<Int128>(svt.threshold_steps_) +
                         SampleDiscreteLaplace(bits, 1, svt.threshold_scale_);
    }
    const SparseVector* svt_;
    RandomBits<G>* bits_;
    Int128 noisy_threshold_ = 0;
    std::int64_t positives_ = 0;
  };

  // The session keeps references to this object and to `bits`: both must outlive it.
  template <Uniform64Source G>
  [[nodiscard]] Session<G> Begin(RandomBits<G>& bits) const {
    return Session<G>(*this, bits);
  }
  [[nodiscard]] Session<SecureRandom> Begin() const { return Begin(DefaultSecureBits()); }

  [[nodiscard]] double epsilon() const { return epsilon_; }
  [[nodiscard]] double sensitivity() const { return sensitivity_; }
  [[nodiscard]] double granularity() const { return granularity_; }
  [[nodiscard]] std::int64_t max_positives() const { return max_positives_; }
  // Scales of ρ and ν in query units.
  [[nodiscard]] double threshold_noise_scale() const {
    return static_cast<double>(threshold_scale_) * granularity_;
  }
  [[nodiscard]] double query_noise_scale() const {
    return static_cast<double>(query_scale_) * granularity_;
  }

 private:
  SparseVector() = default;

  double epsilon_ = 0.0;
  double sensitivity_ = 0.0;
  double granularity_ = 0.0;
  double inverse_granularity_ = 0.0;
  double limit_ = 0.0;
  std::int64_t threshold_steps_ = 0;
  std::int64_t max_positives_ = 1;
  std::uint64_t threshold_scale_ = 1;
  std::uint64_t query_scale_ = 1;
};

}  // namespace rampart::privacy
