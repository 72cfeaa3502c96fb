// Auto-PGD (Croce & Hein, "Reliable evaluation of adversarial robustness with an ensemble of
// diverse parameter-free attacks", ICML 2020): PGD with momentum and a step size that adapts
// itself, the step-size-free attack of AutoAttack, in the L-infinity or L2 ball.
//
//   AttackConfig config{.norm = Norm::kLinf, .epsilon = 8.0 / 255, .steps = 100};
//   AttackResult ce = rampart::robustness::Apgd(executor, inputs, labels, config,
//                                               Loss::kCrossEntropy);   // APGD-CE
//   AttackResult dlr = rampart::robustness::Apgd(executor, inputs, labels, config,
//                                                Loss::kDlr);           // APGD-DLR
//
// The schedule of the paper (Algorithm 1) with AutoAttack's integer checkpoints: initial step
// 2*epsilon; the first step is a plain projected step, then
//   z = P(x_k + eta * dir(grad)),  x_{k+1} = P(x_k + 0.75 (z - x_k) + 0.25 (x_k - x_{k-1}));
// checkpoints every 0.22 N iterations at first, the period shrinking by 0.03 N per checkpoint
// down to 0.06 N (p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06)). At a checkpoint a sample's
// step is halved, and it restarts from its best (highest-loss) point, when (1) fewer than
// rho = 0.75 of the steps since the last checkpoint raised its loss, or (2) its step was not
// halved at the last checkpoint and its best loss has not improved since. P projects onto the
// ball and clips to the input range. The start is AutoAttack's: a random point on the boundary of
// the ball (random_start), else the clean input. `steps` is N (AutoAttack: 100); `restarts`
// reruns the unbroken samples from new random starts. The loss argument overrides config.loss;
// only the step settings (step_size, step_fraction) of the config are unused.
//
// With early_stop a sample stops at its first adversarial iterate; without it every sample runs
// all N iterations and keeps its highest-loss adversarial iterate (or its highest-loss iterate
// when none is adversarial). Targeted attacks descend the loss of the target class.
#pragma once

#include <cstdint>
#include <span>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/loss.h>

namespace rampart::robustness {

[[nodiscard]] AttackResult Apgd(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                                std::span<const std::int64_t> labels, const AttackConfig& config,
                                Loss loss);

// The iterations (0-based, counted in steps taken) after which APGD checks its step size for N
// iterations: AutoAttack's max(floor(0.22 N), 1), then periods shrinking by max(floor(0.03 N), 1)
// down to max(floor(0.06 N), 1). Exposed for tests.
[[nodiscard]] std::vector<int> ApgdCheckpoints(int iterations);

}  // namespace rampart::robustness
