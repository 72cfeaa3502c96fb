#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/any_mechanism.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {
namespace {

std::int64_t IntegerSensitivity(double sensitivity, MechanismKind kind) {
  CheckPositive(sensitivity, "sensitivity");
  if (sensitivity != std::floor(sensitivity) || sensitivity > 0x1p40) {
    throw InvalidArgumentError(
        fmt::format("sensitivity must be an integer in [1, 2^40] for {}, got {}",
                    MechanismKindName(kind), sensitivity),
        {.field = "sensitivity"});
  }
  return static_cast<std::int64_t>(sensitivity);
}

}  // namespace

MechanismKind ParseMechanismKind(std::string_view name) {
  for (const MechanismKind kind :
       {MechanismKind::kLaplace, MechanismKind::kGaussian, MechanismKind::kDiscreteLaplace,
        MechanismKind::kDiscreteGaussian}) {
    if (name == MechanismKindName(kind)) return kind;
  }
  throw InvalidArgumentError(
      fmt::format("unknown mechanism '{}' (expected laplace, gaussian, discrete-laplace or "
                  "discrete-gaussian)",
                  name),
      {.field = "mechanism"});
}

std::string_view MechanismKindName(MechanismKind kind) {
  switch (kind) {
    case MechanismKind::kLaplace:
      return "laplace";
    case MechanismKind::kGaussian:
      return "gaussian";
    case MechanismKind::kDiscreteLaplace:
      return "discrete-laplace";
    case MechanismKind::kDiscreteGaussian:
      return "discrete-gaussian";
  }
  return "unknown";
}

bool IsGaussianFamily(MechanismKind kind) {
  return kind == MechanismKind::kGaussian || kind == MechanismKind::kDiscreteGaussian;
}

bool IsIntegerMechanism(MechanismKind kind) {
  return kind == MechanismKind::kDiscreteLaplace || kind == MechanismKind::kDiscreteGaussian;
}

AnyNoiseMechanism BuildMechanism(const MechanismSpec& spec) {
  CheckEpsilon(spec.epsilon);
  if (IsGaussianFamily(spec.kind)) {
    if (!spec.delta) {
      throw InvalidArgumentError(
          fmt::format("{} needs delta in (0, 1)", MechanismKindName(spec.kind)),
          {.field = "delta"});
    }
    CheckDelta(*spec.delta, /*allow_zero=*/false);
  } else if (spec.delta && *spec.delta != 0.0) {
    throw InvalidArgumentError(
        fmt::format("{} is pure epsilon-DP: delta must be 0 or absent, got {}",
                    MechanismKindName(spec.kind), *spec.delta),
        {.field = "delta"});
  }
  switch (spec.kind) {
    case MechanismKind::kLaplace:
      return LaplaceMechanism::Builder()
          .SetEpsilon(spec.epsilon)
          .SetSensitivity(spec.sensitivity)
          .Build();
    case MechanismKind::kGaussian:
      return GaussianMechanism::Builder()
          .SetEpsilon(spec.epsilon)
          .SetDelta(*spec.delta)
          .SetSensitivity(spec.sensitivity)
          .Build();
    case MechanismKind::kDiscreteLaplace:
      return DiscreteLaplaceMechanism::Builder()
          .SetEpsilon(spec.epsilon)
          .SetSensitivity(IntegerSensitivity(spec.sensitivity, spec.kind))
          .Build();
    case MechanismKind::kDiscreteGaussian:
      return DiscreteGaussianMechanism::Builder()
          .SetEpsilon(spec.epsilon)
          .SetDelta(*spec.delta)
          .SetSensitivity(IntegerSensitivity(spec.sensitivity, spec.kind))
          .Build();
  }
  throw InternalError("unhandled mechanism kind");
}

const NoiseMechanism& AsNoiseMechanism(const AnyNoiseMechanism& mechanism) {
  return std::visit([](const auto& concrete) -> const NoiseMechanism& { return concrete; },
                    mechanism);
}

}  // namespace rampart::privacy
