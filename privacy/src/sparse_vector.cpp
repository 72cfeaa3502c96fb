#include <fmt/format.h>

#include <rampart/privacy/parameters.h>
#include <rampart/privacy/sparse_vector.h>

#include "grid.h"

namespace rampart::privacy {

SparseVector SparseVector::Builder::Build() const {
  const double epsilon = CheckEpsilon(internal::Require(epsilon_, "epsilon"));
  const double sensitivity =
      CheckPositive(internal::Require(sensitivity_, "sensitivity"), "sensitivity");
  const double threshold = internal::Require(threshold_, "threshold");
  if (!std::isfinite(threshold)) {
    throw InvalidArgumentError(fmt::format("threshold must be finite, got {}", threshold),
                               {.field = "threshold"});
  }
  if (max_positives_ < 1 || max_positives_ > (std::int64_t{1} << 20)) {
    throw InvalidArgumentError(
        fmt::format("max positives must lie in [1, 2^20], got {}", max_positives_),
        {.field = "max_positives"});
  }
  const internal::Grid grid = internal::ChooseGrid(sensitivity, 20, sensitivity);
  SparseVector svt;
  svt.epsilon_ = epsilon;
  svt.sensitivity_ = sensitivity;
  svt.max_positives_ = max_positives_;
  svt.granularity_ = grid.granularity;
  svt.inverse_granularity_ = grid.inverse_granularity;
  svt.limit_ = grid.limit / 4;
  const double clamped = std::clamp(threshold, -svt.limit_, svt.limit_);
  svt.threshold_steps_ =
      static_cast<std::int64_t>(std::nearbyint(clamped * grid.inverse_granularity));
  const double epsilon1 = epsilon / 2.0;
  const double epsilon2 = epsilon - epsilon1;
  svt.threshold_scale_ = internal::CeilQuotient(grid.grid_sensitivity, epsilon1, "epsilon");
  const std::uint64_t query_shift =
      (monotonic_ ? 1U : 2U) * static_cast<std::uint64_t>(max_positives_) * grid.grid_sensitivity;
  svt.query_scale_ = internal::CeilQuotient(query_shift, epsilon2, "epsilon");
  return svt;
}

}  // namespace rampart::privacy
