// LaplaceMechanism: ε-differential privacy for real values, safe against floating-point attacks.
//
//   auto mechanism = rampart::privacy::LaplaceMechanism::Builder()
//                        .SetEpsilon(1.0).SetSensitivity(1.0).Build();   // throws if invalid
//   double released = mechanism.AddNoise(42.0);                          // secure randomness
//
// Construction (Google's secure-noise design, "Secure Noise Generation", and OpenDP's Z2k
// Laplace): the grid step is g = 2^k, the smallest power of two >= (Δ/ε) / 2^40, so the noise
// has about 40 bits of resolution below its scale. The input is clamped to ±2^62 g (clamping is
// 1-Lipschitz, so sensitivity is unchanged) and rounded to the nearest multiple of g; the noise
// is Z * g with Z ~ discrete Laplace, P(Z = z) ∝ exp(-|z|/t), drawn exactly (CKS 2020 Alg. 2).
// Rounding moves neighbours at most one step further apart, so the sensitivity in steps is
// Δ_g = floor(Δ/g) + 1 and t = ceil(Δ_g/ε) (rounded up): the realised privacy loss is
// Δ_g / t <= ε. The released value (round(x/g) + Z) * g is a multiple of g whatever x is.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include <rampart/common/error.h>
#include <rampart/privacy/builder.h>
#include <rampart/privacy/mechanism.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {

class LaplaceMechanism final : public NoiseMechanism {
 public:
  static constexpr int kGridBits = 40;

  class Builder : public internal::MechanismBuilder<Builder> {
   public:
    // Throws InvalidArgumentError for a missing or out-of-domain parameter.
    [[nodiscard]] LaplaceMechanism Build() const;
  };

  // value + noise. Throws InvalidArgumentError for NaN; ±inf and huge values are clamped.
  template <Uniform64Source G>
  [[nodiscard]] double AddNoise(double value, RandomBits<G>& bits) const {
    if (std::isnan(value)) throw InvalidArgumentError("cannot add noise to NaN");
    const double steps = grid_.Steps(value);
    return grid_.Release(steps, sampler_.Sample(bits));
  }
  [[nodiscard]] double AddNoise(double value) const { return AddNoise(value, DefaultSecureBits()); }
  // value + noise for every element of `values`, in place (the batch path: one call, no
  // per-value dispatch). Throws InvalidArgumentError at the first NaN, leaving later values as
  // they were.
  template <Uniform64Source G>
  void AddNoise(std::span<double> values, RandomBits<G>& bits) const {
    for (double& value : values) value = AddNoise(value, bits);
  }
  void AddNoise(std::span<double> values) const { AddNoise(values, DefaultSecureBits()); }

  [[nodiscard]] std::string_view name() const override { return "laplace"; }
  [[nodiscard]] double epsilon() const override { return epsilon_; }
  [[nodiscard]] double delta() const override { return 0.0; }
  [[nodiscard]] double sensitivity() const override { return sensitivity_; }
  [[nodiscard]] double granularity() const override { return grid_.granularity; }
  [[nodiscard]] double scale() const override {
    return static_cast<double>(t_) * grid_.granularity;
  }
  [[nodiscard]] NoiseInterval NoiseConfidenceInterval(double level) const override;

  // Δ_g = floor(Δ/g) + 1 and t, both in grid steps; realised ε = Δ_g / t.
  [[nodiscard]] std::uint64_t grid_sensitivity() const { return grid_.grid_sensitivity; }
  [[nodiscard]] std::uint64_t scale_in_steps() const { return t_; }
  [[nodiscard]] double realized_epsilon() const {
    return static_cast<double>(grid_.grid_sensitivity) / static_cast<double>(t_);
  }

 private:
  LaplaceMechanism() = default;

  double epsilon_ = 0.0;
  double sensitivity_ = 0.0;
  internal::Grid grid_;
  std::uint64_t t_ = 1;
  DiscreteLaplaceSampler sampler_;  // exp(-|z|/t_), precomputed
};

}  // namespace rampart::privacy
