// DiscreteLaplaceMechanism: ε-differential privacy for integer values (counts, integer sums).
//
//   auto mechanism = rampart::privacy::DiscreteLaplaceMechanism::Builder()
//                        .SetEpsilon(0.5).SetSensitivity(1).Build();
//   std::int64_t released = mechanism.AddNoise(std::int64_t{1234});
//
// Noise Z with P(Z = z) ∝ exp(-|z| s/t) (the two-sided geometric), drawn exactly by CKS 2020
// Algorithm 2. The scale t/s >= Δ/ε is a fraction with s a power of two and t about 2^40,
// rounded up, so the realised privacy loss Δ s/t never exceeds ε (Ghosh, Roughgarden &
// Sundararajan 2009 for the geometric mechanism; CKS 2020 §2 for the discrete Laplace).
// The sum value + Z is computed in 128 bits and saturated to the int64 range (post-processing).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <rampart/privacy/builder.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

class DiscreteLaplaceMechanism final : public NoiseMechanism {
 public:
  class Builder : public internal::MechanismBuilder<Builder, std::int64_t> {
   public:
    [[nodiscard]] DiscreteLaplaceMechanism Build() const;
  };

  template <Uniform64Source G>
  [[nodiscard]] std::int64_t AddNoise(std::int64_t value, RandomBits<G>& bits) const {
    const std::int64_t noise = sampler_.Sample(bits);
    return internal::SaturatingAdd(value, noise);
  }
  [[nodiscard]] std::int64_t AddNoise(std::int64_t value) const {
    return AddNoise(value, DefaultSecureBits());
  }
  // value + noise for every element of `values`, in place (the batch path).
  template <Uniform64Source G>
  void AddNoise(std::span<std::int64_t> values, RandomBits<G>& bits) const {
    for (std::int64_t& value : values) value = AddNoise(value, bits);
  }
  void AddNoise(std::span<std::int64_t> values) const { AddNoise(values, DefaultSecureBits()); }

  [[nodiscard]] std::string_view name() const override { return "discrete-laplace"; }
  [[nodiscard]] double epsilon() const override { return epsilon_; }
  [[nodiscard]] double delta() const override { return 0.0; }
  [[nodiscard]] double sensitivity() const override { return static_cast<double>(sensitivity_); }
  [[nodiscard]] double granularity() const override { return 1.0; }
  [[nodiscard]] double scale() const override {
    return static_cast<double>(t_) / static_cast<double>(s_);
  }
  [[nodiscard]] NoiseInterval NoiseConfidenceInterval(double level) const override;

  // The scale as the exact fraction t/s the sampler uses.
  [[nodiscard]] std::uint64_t scale_numerator() const { return t_; }
  [[nodiscard]] std::uint64_t scale_denominator() const { return s_; }

 private:
  DiscreteLaplaceMechanism() = default;

  double epsilon_ = 0.0;
  std::int64_t sensitivity_ = 1;
  std::uint64_t s_ = 1;
  std::uint64_t t_ = 1;
  DiscreteLaplaceSampler sampler_;  // exp(-|z| s_/t_), precomputed
};

}  // namespace rampart::privacy
