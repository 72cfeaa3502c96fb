#include <fmt/format.h>

#include <rampart/privacy/calibration.h>
#include <rampart/privacy/laplace.h>
#include <rampart/privacy/parameters.h>

#include "grid.h"

namespace rampart::privacy {

LaplaceMechanism LaplaceMechanism::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double sensitivity =
      CheckPositive(internal::Require(sensitivity_, "sensitivity"), "sensitivity");
  const double nominal_scale = LaplaceScale(epsilon, sensitivity);
  const internal::Grid grid = internal::ChooseGrid(nominal_scale, kGridBits, sensitivity);
  LaplaceMechanism mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.sensitivity_ = sensitivity;
  mechanism.grid_ = grid;
  mechanism.t_ = internal::CeilQuotient(grid.grid_sensitivity, epsilon, "epsilon");
  mechanism.sampler_ = DiscreteLaplaceSampler(1, mechanism.t_);
  return mechanism;
}

NoiseInterval LaplaceMechanism::NoiseConfidenceInterval(double level) const {
  const std::int64_t m = internal::DiscreteLaplaceHalfWidth(static_cast<double>(t_), level);
  const double half = static_cast<double>(m) * grid_.granularity + grid_.granularity / 2.0;
  return {.low = -half, .high = half, .level = level};
}

}  // namespace rampart::privacy
