// The smallest perturbation an attack needs per sample, by bisection over epsilon.
//
//   MinimalPerturbationConfig config{.attack = "apgd-ce", .max_epsilon = 0.5, .tolerance = 1e-3};
//   config.attack_config.norm = Norm::kL2;
//   MinimalPerturbationResult r = rampart::robustness::MinimalPerturbation(executor, x, y, config);
//   r.distance[i];      // norm of the smallest adversarial found for sample i (+inf: none)
//   MedianDistance(r.distance);
//
// Each sample keeps a bracket [lo, hi]: the attack failed at budget lo and found an adversarial
// of norm hi. It starts from an attack at max_epsilon and halves the bracket until it is narrower
// than the tolerance, every sample with its own budget in one batched attack per round. The
// reported distance is the norm of an adversarial that was actually found, so it is an upper
// bound of the true minimal distance whatever the attack (never below it); how close it gets
// depends on the attack's strength at each budget. A clean-misclassified sample has distance 0;
// one the attack cannot break at max_epsilon has +infinity.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

struct MinimalPerturbationConfig {
  std::string attack = "pgd";  // any name of ensemble.h's RunAttack
  // Threat model and attack settings; its epsilon is replaced by the bisection's budgets.
  AttackConfig attack_config;
  double max_epsilon = 0.0;
  double tolerance = 1e-3;  // absolute bracket width, in units of the norm
};

struct MinimalPerturbationResult {
  std::vector<double> distance;  // per row
  Batch adversarial;             // per row: the smallest adversarial found (the input if none)
  int rounds = 0;                // attack calls made
};

// Throws InvalidArgumentError for an unknown attack, a max_epsilon or tolerance that is not
// finite and > 0, and the errors of the attack's configuration.
[[nodiscard]] MinimalPerturbationResult MinimalPerturbation(
    Executor& executor, const Eigen::Ref<const Batch>& inputs, std::span<const std::int64_t> labels,
    const MinimalPerturbationConfig& config);

// Median of the distances (+infinity counts as larger than any value; an even count averages the
// two middle ones); NaN for no values.
[[nodiscard]] double MedianDistance(std::span<const double> distances);
// Mean of the finite distances; NaN when none is finite.
[[nodiscard]] double MeanFiniteDistance(std::span<const double> distances);

}  // namespace rampart::robustness
