// Choosing one of the four noise mechanisms by name at run time (the CLI's --mechanism, and any
// caller configured by text), validated in one place.
//
//   rampart::privacy::MechanismSpec spec{.kind = ParseMechanismKind("gaussian"),
//                                        .epsilon = 1.0, .delta = 1e-5, .sensitivity = 1.0};
//   rampart::privacy::AnyNoiseMechanism any = BuildMechanism(spec);     // throws if invalid
//   const NoiseMechanism& m = AsNoiseMechanism(any);                     // ε, δ, scale, CI
//   std::visit([](const auto& concrete) { /* concrete.AddNoise(...) */ }, any);
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include <rampart/privacy/discrete_gaussian.h>
#include <rampart/privacy/discrete_laplace.h>
#include <rampart/privacy/gaussian.h>
#include <rampart/privacy/laplace.h>
#include <rampart/privacy/mechanism.h>

namespace rampart::privacy {

enum class MechanismKind { kLaplace, kGaussian, kDiscreteLaplace, kDiscreteGaussian };

// "laplace", "gaussian", "discrete-laplace", "discrete-gaussian"; InvalidArgumentError otherwise.
[[nodiscard]] MechanismKind ParseMechanismKind(std::string_view name);
[[nodiscard]] std::string_view MechanismKindName(MechanismKind kind);
// True for the Gaussian family (which needs δ > 0 and reports σ).
[[nodiscard]] bool IsGaussianFamily(MechanismKind kind);
[[nodiscard]] bool IsIntegerMechanism(MechanismKind kind);

struct MechanismSpec {
  MechanismKind kind = MechanismKind::kLaplace;
  double epsilon = 0.0;
  // Required in (0, 1) for the Gaussian family; must be absent or 0 for the Laplace family.
  std::optional<double> delta;
  // A positive integer for the discrete mechanisms.
  double sensitivity = 0.0;
};

using AnyNoiseMechanism = std::variant<LaplaceMechanism, GaussianMechanism,
                                       DiscreteLaplaceMechanism, DiscreteGaussianMechanism>;

// Validates the spec (InvalidArgumentError naming the field) and builds the mechanism.
[[nodiscard]] AnyNoiseMechanism BuildMechanism(const MechanismSpec& spec);

[[nodiscard]] const NoiseMechanism& AsNoiseMechanism(const AnyNoiseMechanism& mechanism);

}  // namespace rampart::privacy
