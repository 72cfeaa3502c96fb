// Projected gradient descent (Madry et al. 2018) in the L-infinity or L2 ball.
//
//   AttackConfig config{.norm = Norm::kL2, .epsilon = 1.0, .steps = 40, .restarts = 3};
//   AttackResult r = rampart::robustness::Pgd(executor, inputs, labels, config);
//
// Each step (the order of torchattacks and Foolbox): x += step * sign(g) (L-inf) or
// step * g / ||g|| (L2); then project x - x0 onto the epsilon ball; then clip x to the input
// range. The start is x0 plus a point drawn uniformly from the ball (unless random_start is
// false), clipped. With early_stop a sample stops at the first iterate that is adversarial; a
// sample no restart breaks keeps its highest-loss final iterate.
#pragma once

#include <cstdint>
#include <span>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

[[nodiscard]] AttackResult Pgd(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                               std::span<const std::int64_t> labels, const AttackConfig& config);

}  // namespace rampart::robustness
