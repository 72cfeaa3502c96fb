// DiscreteGaussianMechanism: (ε, δ)-differential privacy for integer values, with the exact
// privacy curve of the discrete Gaussian.
//
//   auto mechanism = rampart::privacy::DiscreteGaussianMechanism::Builder()
//                        .SetEpsilon(1.0).SetDelta(1e-6).SetSensitivity(1).Build();
//   std::int64_t released = mechanism.AddNoise(std::int64_t{1234});
//
// Noise Z ~ N_Z(0, σ²), P(Z = z) ∝ exp(-z²/(2σ²)), drawn exactly (CKS 2020 Algorithm 3). σ is
// the smallest value whose exact (ε, δ) for integer sensitivity Δ (CKS Thm 7, by summation) meets
// the target, and σ² is then rounded up to the fraction the sampler uses. σ must end up in
// [2^-10, 2^24]. The sum value + Z is saturated to the int64 range (post-processing).
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include <rampart/privacy/builder.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

class DiscreteGaussianMechanism final : public NoiseMechanism {
 public:
  class Builder : public internal::ApproximateMechanismBuilder<Builder, std::int64_t> {
   public:
    [[nodiscard]] DiscreteGaussianMechanism Build() const;
  };

  template <Uniform64Source G>
  [[nodiscard]] std::int64_t AddNoise(std::int64_t value, RandomBits<G>& bits) const {
    return internal::SaturatingAdd(value, SampleDiscreteGaussian(bits, parameters_));
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

  [[nodiscard]] std::string_view name() const override { return "discrete-gaussian"; }
  [[nodiscard]] double epsilon() const override { return epsilon_; }
  [[nodiscard]] double delta() const override { return delta_; }
  [[nodiscard]] double sensitivity() const override { return static_cast<double>(sensitivity_); }
  [[nodiscard]] double granularity() const override { return 1.0; }
  [[nodiscard]] double scale() const override { return std::sqrt(parameters_.Sigma2()); }
  [[nodiscard]] NoiseInterval NoiseConfidenceInterval(double level) const override;

  [[nodiscard]] const DiscreteGaussianParameters& parameters() const { return parameters_; }

 private:
  DiscreteGaussianMechanism() = default;

  double epsilon_ = 0.0;
  double delta_ = 0.0;
  std::int64_t sensitivity_ = 1;
  DiscreteGaussianParameters parameters_;
};

}  // namespace rampart::privacy
