#include <rampart/privacy/calibration.h>
#include <rampart/privacy/gaussian.h>
#include <rampart/privacy/parameters.h>

#include "grid.h"

namespace rampart::privacy {

GaussianMechanism GaussianMechanism::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double delta = CheckDelta(internal::Require(delta_, "delta"), /*allow_zero=*/false);
  const double sensitivity =
      CheckPositive(internal::Require(sensitivity_, "sensitivity"), "sensitivity");
  const double nominal_sigma = AnalyticGaussianSigma(epsilon, delta, sensitivity);
  const internal::Grid grid = internal::ChooseGrid(nominal_sigma, kGridBits, sensitivity);
  GaussianMechanism mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.delta_ = delta;
  mechanism.sensitivity_ = sensitivity;
  mechanism.grid_ = grid;
  const double sigma_steps =
      DiscreteGaussianSigma(epsilon, delta, static_cast<std::int64_t>(grid.grid_sensitivity));
  mechanism.parameters_ = DiscreteGaussianParameters::FromSigma(sigma_steps);
  return mechanism;
}

NoiseInterval GaussianMechanism::NoiseConfidenceInterval(double level) const {
  const std::int64_t m = internal::DiscreteGaussianHalfWidth(parameters_.Sigma2(), level);
  const double half = static_cast<double>(m) * grid_.granularity + grid_.granularity / 2.0;
  return {.low = -half, .high = half, .level = level};
}

}  // namespace rampart::privacy
