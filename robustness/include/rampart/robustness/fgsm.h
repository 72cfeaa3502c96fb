// Fast gradient sign method (Goodfellow et al. 2015): one step of size epsilon along the sign of
// the loss gradient (L-infinity), or along the normalised gradient for L2 (the "fast gradient
// method"), then clipped to the valid input range.
//
//   AttackConfig config{.norm = Norm::kLinf, .epsilon = 0.1};
//   AttackResult r = rampart::robustness::Fgsm(executor, inputs, labels, config);
//   config.targets = wanted;            // targeted: step down the loss of the target class
//
// Untargeted: x + eps * sign(grad CE(x, y)). Targeted: x - eps * sign(grad CE(x, t)).
// Only norm, epsilon, clip range, loss and targets of the config are used.
#pragma once

#include <cstdint>
#include <span>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

[[nodiscard]] AttackResult Fgsm(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                                std::span<const std::int64_t> labels, const AttackConfig& config);

}  // namespace rampart::robustness
