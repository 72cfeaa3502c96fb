#include <rampart/privacy/calibration.h>
#include <rampart/privacy/discrete_gaussian.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {

DiscreteGaussianMechanism DiscreteGaussianMechanism::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double delta = CheckDelta(internal::Require(delta_, "delta"), /*allow_zero=*/false);
  const std::int64_t sensitivity =
      internal::CheckIntegerSensitivity(internal::Require(sensitivity_, "sensitivity"));
  DiscreteGaussianMechanism mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.delta_ = delta;
  mechanism.sensitivity_ = sensitivity;
  mechanism.parameters_ =
      DiscreteGaussianParameters::FromSigma(DiscreteGaussianSigma(epsilon, delta, sensitivity));
  return mechanism;
}

NoiseInterval DiscreteGaussianMechanism::NoiseConfidenceInterval(double level) const {
  const auto m =
      static_cast<double>(internal::DiscreteGaussianHalfWidth(parameters_.Sigma2(), level));
  return {.low = -m, .high = m, .level = level};
}

}  // namespace rampart::privacy
