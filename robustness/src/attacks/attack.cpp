// Shared attack settings and geometry (see attack.h and attack_internal.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/attack.h>

#include "attack_internal.h"

namespace rampart::robustness {

std::string_view NormName(Norm norm) {
  return norm == Norm::kLinf ? "linf" : "l2";
}

Norm ParseNorm(std::string_view text) {
  if (text == "linf" || text == "inf") {
    return Norm::kLinf;
  }
  if (text == "l2") {
    return Norm::kL2;
  }
  throw InvalidArgumentError(fmt::format("unknown norm '{}' (expected linf or l2)", text),
                             {.field = "norm"});
}

void ValidateAttackConfig(const AttackConfig& config, std::int64_t rows) {
  if (!std::isfinite(config.epsilon) || config.epsilon < 0.0) {
    throw InvalidArgumentError(
        fmt::format("epsilon must be finite and >= 0, got {}", config.epsilon), {.field = "eps"});
  }
  if (config.steps < 1) {
    throw InvalidArgumentError(fmt::format("steps must be >= 1, got {}", config.steps),
                               {.field = "steps"});
  }
  if (config.restarts < 1) {
    throw InvalidArgumentError(fmt::format("restarts must be >= 1, got {}", config.restarts),
                               {.field = "restarts"});
  }
  if (config.step_size && config.step_fraction) {
    throw InvalidArgumentError("give either a step size or a step fraction, not both",
                               {.field = "step-size"});
  }
  if (config.step_size && !(std::isfinite(*config.step_size) && *config.step_size > 0.0)) {
    throw InvalidArgumentError(fmt::format("step size must be > 0, got {}", *config.step_size),
                               {.field = "step-size"});
  }
  if (config.step_fraction &&
      !(std::isfinite(*config.step_fraction) && *config.step_fraction > 0.0)) {
    throw InvalidArgumentError(
        fmt::format("step fraction must be > 0, got {}", *config.step_fraction),
        {.field = "step-fraction"});
  }
  if (!(std::isfinite(config.clip_min) && std::isfinite(config.clip_max) &&
        config.clip_min < config.clip_max)) {
    throw InvalidArgumentError(
        fmt::format("clip range must be LO < HI, got {}:{}", config.clip_min, config.clip_max),
        {.field = "clip"});
  }
  if (!config.targets.empty() && std::cmp_not_equal(config.targets.size(), rows)) {
    throw InvalidArgumentError(
        fmt::format("{} targets for {} samples", config.targets.size(), rows),
        {.field = "targets"});
  }
  if (!config.epsilons.empty() && std::cmp_not_equal(config.epsilons.size(), rows)) {
    throw InvalidArgumentError(
        fmt::format("{} per-sample epsilons for {} samples", config.epsilons.size(), rows),
        {.field = "eps"});
  }
  for (const double eps : config.epsilons) {
    if (!std::isfinite(eps) || eps < 0.0) {
      throw InvalidArgumentError(fmt::format("epsilon must be finite and >= 0, got {}", eps),
                                 {.field = "eps"});
    }
  }
  if (!config.sample_ids.empty() && std::cmp_not_equal(config.sample_ids.size(), rows)) {
    throw InvalidArgumentError(
        fmt::format("{} sample ids for {} samples", config.sample_ids.size(), rows),
        {.field = "sample_ids"});
  }
}

double EffectiveStepSize(const AttackConfig& config) {
  if (config.step_size) {
    return *config.step_size;
  }
  const double fraction =
      config.step_fraction ? *config.step_fraction : 2.5 / static_cast<double>(config.steps);
  return fraction * config.epsilon;
}

double RowEpsilon(const AttackConfig& config, std::int64_t row) {
  return config.epsilons.empty() ? config.epsilon : config.epsilons[static_cast<std::size_t>(row)];
}

double RowStepSize(const AttackConfig& config, std::int64_t row) {
  if (config.step_size) {
    return *config.step_size;
  }
  const double fraction =
      config.step_fraction ? *config.step_fraction : 2.5 / static_cast<double>(config.steps);
  return fraction * RowEpsilon(config, row);
}

double PerturbationNorm(Norm norm, const Eigen::Ref<const Eigen::RowVectorXf>& delta) {
  const Eigen::RowVectorXd d = delta.cast<double>();
  if (d.size() == 0) {
    return 0.0;
  }
  return norm == Norm::kLinf ? d.cwiseAbs().maxCoeff() : d.norm();
}

namespace internal {

namespace {
std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}
}  // namespace

boost::random::mt19937_64 SampleRng(std::uint64_t seed, std::int64_t sample, int restart) {
  std::uint64_t state = SplitMix64(seed);
  state = SplitMix64(state ^ static_cast<std::uint64_t>(sample));
  state = SplitMix64(state ^ static_cast<std::uint64_t>(restart));
  return boost::random::mt19937_64(state);
}

void AscentDirection(Norm norm, Eigen::Ref<Eigen::RowVectorXf> row) {
  for (Eigen::Index j = 0; j < row.size(); ++j) {
    if (!std::isfinite(row[j])) {
      row[j] = 0.0F;
    }
  }
  if (norm == Norm::kLinf) {
    for (Eigen::Index j = 0; j < row.size(); ++j) {
      row[j] = row[j] > 0.0F ? 1.0F : (row[j] < 0.0F ? -1.0F : 0.0F);
    }
    return;
  }
  const double length = row.cast<double>().norm();
  if (length > 0.0 && std::isfinite(length)) {
    row = (row.cast<double>() / length).cast<float>();
  } else {
    row.setZero();
  }
}

void ProjectAndClip(Norm norm, double epsilon, float lo, float hi,
                    const Eigen::Ref<const Eigen::RowVectorXf>& x0,
                    Eigen::Ref<Eigen::RowVectorXf> x) {
  if (norm == Norm::kLinf) {
    const auto eps = static_cast<float>(epsilon);
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      // Bounds of the box intersected with the input range; min/max keep NaN out.
      const float low = std::max(lo, x0[j] - eps);
      const float high = std::min(hi, x0[j] + eps);
      x[j] = std::min(std::max(x[j], low), std::max(low, high));
    }
    return;
  }
  Eigen::RowVectorXd delta = x.cast<double>() - x0.cast<double>();
  const double length = delta.norm();
  if (length > epsilon) {
    // A hair inside the ball so that the float rounding of x0 + delta stays within epsilon.
    delta *= epsilon / length * (1.0 - 1e-6);
  }
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    const auto value = static_cast<float>(static_cast<double>(x0[j]) + delta[j]);
    x[j] = std::min(std::max(value, lo), hi);
  }
}

void AscentStep(Norm norm, double step, double epsilon, float lo, float hi,
                const Eigen::Ref<const Eigen::RowVectorXf>& x0, Eigen::Ref<Eigen::RowVectorXf> g,
                Eigen::Ref<Eigen::RowVectorXf> x) {
  if (norm != Norm::kLinf) {
    AscentDirection(norm, g);
    x = (x.cast<double>() + step * g.cast<double>()).cast<float>();
    ProjectAndClip(norm, epsilon, lo, hi, x0, x);
    return;
  }
  const auto eps = static_cast<float>(epsilon);
  const Eigen::Index d = x.size();
  const float* gp = g.data();
  const float* x0p = x0.data();
  float* xp = x.data();
  Eigen::Index j = 0;
#if defined(__SSE2__)
  // Four entries at a time with the same operations as the scalar loop below: the sign as
  // +-1/0 masked to finite entries, the step in double (two halves of two), one rounding to float;
  // every std::max / std::min maps to the _mm_max_ps / _mm_min_ps whose operand order gives the
  // same result when an operand is NaN (std::max(a, b) = a < b ? b : a = _mm_max_ps(b, a)).
  const __m128 one = _mm_set1_ps(1.0F);
  const __m128 minus_one = _mm_set1_ps(-1.0F);
  const __m128 zero = _mm_setzero_ps();
  const __m128 largest = _mm_set1_ps(std::numeric_limits<float>::max());
  const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF));
  const __m128d step_d = _mm_set1_pd(step);
  const __m128 eps_v = _mm_set1_ps(eps);
  const __m128 lo_v = _mm_set1_ps(lo);
  const __m128 hi_v = _mm_set1_ps(hi);
  for (; j + 4 <= d; j += 4) {
    const __m128 gv = _mm_loadu_ps(gp + j);
    const __m128 finite = _mm_cmple_ps(_mm_and_ps(gv, abs_mask), largest);  // false for NaN
    const __m128 direction =
        _mm_and_ps(finite, _mm_or_ps(_mm_and_ps(_mm_cmpgt_ps(gv, zero), one),
                                     _mm_and_ps(_mm_cmplt_ps(gv, zero), minus_one)));
    const __m128 xv = _mm_loadu_ps(xp + j);
    const __m128d low_half =
        _mm_add_pd(_mm_cvtps_pd(xv), _mm_mul_pd(step_d, _mm_cvtps_pd(direction)));
    const __m128d high_half =
        _mm_add_pd(_mm_cvtps_pd(_mm_movehl_ps(xv, xv)),
                   _mm_mul_pd(step_d, _mm_cvtps_pd(_mm_movehl_ps(direction, direction))));
    const __m128 value = _mm_movelh_ps(_mm_cvtpd_ps(low_half), _mm_cvtpd_ps(high_half));
    const __m128 x0v = _mm_loadu_ps(x0p + j);
    const __m128 low = _mm_max_ps(_mm_sub_ps(x0v, eps_v), lo_v);   // std::max(lo, x0 - eps)
    const __m128 high = _mm_min_ps(_mm_add_ps(x0v, eps_v), hi_v);  // std::min(hi, x0 + eps)
    const __m128 upper = _mm_max_ps(high, low);                    // std::max(low, high)
    _mm_storeu_ps(xp + j,
                  _mm_min_ps(upper, _mm_max_ps(low, value)));  // std::min(max(v, low), upper)
  }
#endif
  for (; j < d; ++j) {
    // AscentDirection: sign(g), zero for a zero or non-finite entry. Branch-free: the signs of a
    // gradient are random, a branch on them mispredicts.
    const float gj = gp[j];
    const int sign = static_cast<int>(gj > 0.0F) - static_cast<int>(gj < 0.0F);
    const double direction = std::isfinite(gj) ? static_cast<double>(sign) : 0.0;
    // The step in double, rounded once, as x.cast<double>() + step * direction.
    const auto value = static_cast<float>(static_cast<double>(xp[j]) + step * direction);
    // ProjectAndClip for L-inf.
    const float low = std::max(lo, x0p[j] - eps);
    const float high = std::min(hi, x0p[j] + eps);
    xp[j] = std::min(std::max(value, low), std::max(low, high));
  }
}

void RandomStart(Norm norm, double epsilon, float lo, float hi, boost::random::mt19937_64& rng,
                 Eigen::Ref<Eigen::RowVectorXf> x) {
  const Eigen::RowVectorXf x0 = x;
  if (norm == Norm::kLinf) {
    boost::random::uniform_real_distribution<double> uniform(-epsilon, epsilon);
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      x[j] = static_cast<float>(static_cast<double>(x[j]) + uniform(rng));
    }
  } else {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    Eigen::RowVectorXd direction(x.size());
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      direction[j] = normal(rng);
    }
    boost::random::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double radius =
        epsilon *
        std::pow(uniform(rng), 1.0 / static_cast<double>(std::max<Eigen::Index>(x.size(), 1)));
    const double length = direction.norm();
    if (length > 0.0) {
      direction *= radius / length;
    }
    x = (x0.cast<double>() + direction).cast<float>();
  }
  ProjectAndClip(norm, epsilon, lo, hi, x0, x);
}

std::int64_t ArgMax(const Eigen::Ref<const Eigen::RowVectorXf>& scores) {
  Eigen::Index best = 0;
  for (Eigen::Index j = 1; j < scores.size(); ++j) {
    // NaN never wins, so a broken output cannot pass as a class.
    if (scores[j] > scores[best] || std::isnan(scores[best])) {
      best = j;
    }
  }
  return static_cast<std::int64_t>(best);
}

void CountGradientHealth(const Batch& gradient, AttackResult& result) {
  for (Eigen::Index i = 0; i < gradient.rows(); ++i) {
    if (!gradient.row(i).allFinite()) {
      ++result.nonfinite_gradient_samples;
    } else if ((gradient.row(i).array() == 0.0F).all()) {
      ++result.zero_gradient_samples;
    }
  }
}

}  // namespace internal
}  // namespace rampart::robustness
