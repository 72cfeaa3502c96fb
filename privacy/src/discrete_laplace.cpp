#include <cmath>

#include <rampart/common/error.h>
#include <rampart/privacy/calibration.h>
#include <rampart/privacy/discrete_laplace.h>
#include <rampart/privacy/parameters.h>

#include "grid.h"

namespace rampart::privacy {

DiscreteLaplaceMechanism DiscreteLaplaceMechanism::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const std::int64_t sensitivity =
      internal::CheckIntegerSensitivity(internal::Require(sensitivity_, "sensitivity"));
  DiscreteLaplaceMechanism mechanism;
  mechanism.epsilon_ = epsilon;
  mechanism.sensitivity_ = sensitivity;
  // scale = Δ/ε as t/s with s = 2^m and t about 2^40 (m = 0 for scales above 2^40).
  const double scale = static_cast<double>(sensitivity) / epsilon;
  int m = 40 - internal::CeilLog2(scale);
  if (m < 0) m = 0;
  if (m > 62) m = 62;
  mechanism.s_ = std::uint64_t{1} << m;
  // t = ceil(Δ 2^m / ε): the numerator Δ 2^m is exact in 128 bits, the quotient rounded up.
  const double numerator = std::ldexp(static_cast<double>(sensitivity), m);
  if (!(numerator < 0x1p63)) {
    throw InvalidArgumentError("epsilon is too small: the noise scale overflows",
                               {.field = "epsilon"});
  }
  mechanism.t_ = internal::CeilQuotient(static_cast<std::uint64_t>(numerator), epsilon, "epsilon");
  mechanism.sampler_ = DiscreteLaplaceSampler(mechanism.s_, mechanism.t_);
  return mechanism;
}

NoiseInterval DiscreteLaplaceMechanism::NoiseConfidenceInterval(double level) const {
  const auto m = static_cast<double>(internal::DiscreteLaplaceHalfWidth(scale(), level));
  return {.low = -m, .high = m, .level = level};
}

}  // namespace rampart::privacy
