// Pieces shared by the attack implementations: per-sample random streams, the steepest-ascent
// direction of a norm, projection onto the ball and clipping, and the success test.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <boost/random/mersenne_twister.hpp>

#include <rampart/robustness/attack.h>

namespace rampart::robustness::internal {

// The generator of one sample in one restart: independent of the batch the sample is in.
[[nodiscard]] boost::random::mt19937_64 SampleRng(std::uint64_t seed, std::int64_t sample,
                                                  int restart);

// Replaces `row` by the steepest-ascent direction of unit norm for `norm`: sign(g) for L-inf,
// g / ||g||_2 for L2 (zero stays zero). Non-finite entries count as zero.
void AscentDirection(Norm norm, Eigen::Ref<Eigen::RowVectorXf> row);

// Projects x onto {x0 + d : ||d|| <= epsilon} and then clips it to [lo, hi].
void ProjectAndClip(Norm norm, double epsilon, float lo, float hi,
                    const Eigen::Ref<const Eigen::RowVectorXf>& x0,
                    Eigen::Ref<Eigen::RowVectorXf> x);

// One projected ascent step in place: x += step * AscentDirection(g), then ProjectAndClip onto
// the ball of radius epsilon around x0 and the input range. For L-inf it is one pass over the row
// with the same arithmetic as the three separate calls (the result is identical); `g` is left
// unchanged for L-inf and replaced by the direction for L2.
void AscentStep(Norm norm, double step, double epsilon, float lo, float hi,
                const Eigen::Ref<const Eigen::RowVectorXf>& x0, Eigen::Ref<Eigen::RowVectorXf> g,
                Eigen::Ref<Eigen::RowVectorXf> x);

// A point drawn uniformly from the ball around x0 (L-inf: a uniform cube; L2: Gaussian direction,
// radius epsilon * U^(1/d)), clipped to [lo, hi].
void RandomStart(Norm norm, double epsilon, float lo, float hi, boost::random::mt19937_64& rng,
                 Eigen::Ref<Eigen::RowVectorXf> x);

[[nodiscard]] std::int64_t ArgMax(const Eigen::Ref<const Eigen::RowVectorXf>& scores);

// Counts zero and non-finite gradient rows into `result`.
void CountGradientHealth(const Batch& gradient, AttackResult& result);

}  // namespace rampart::robustness::internal
