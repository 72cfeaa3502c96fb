// What every evasion attack shares: the threat model (norm, radius, valid input range), the
// per-sample result, and the validation of the settings. The attacks are in fgsm.h and pgd.h.
//
//   rampart::robustness::AttackConfig config{.norm = Norm::kLinf, .epsilon = 8.0 / 255};
//   AttackResult result = rampart::robustness::Pgd(executor, inputs, labels, config);
//   result.success[i];        // sample i misclassified (or at its target) inside the ball
//   result.adversarial.row(i) // the perturbed input, within epsilon and within [clip_min,
//   clip_max]
//
// Randomness comes from a generator seeded by (seed, sample id, restart), so a sample's
// adversarial does not depend on the batch it was attacked in: batch sizes and shards change no
// result.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <rampart/robustness/loss.h>
#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

enum class Norm { kLinf, kL2 };

// "linf", "l2".
[[nodiscard]] std::string_view NormName(Norm norm);
// Parses "linf"/"l2" (also "inf"); throws InvalidArgumentError otherwise.
[[nodiscard]] Norm ParseNorm(std::string_view text);

struct AttackConfig {
  Norm norm = Norm::kLinf;
  double epsilon = 0.0;
  // Per-row budgets overriding `epsilon` (one per row; empty: every row uses `epsilon`). A relative
  // step (step_fraction, or the default) is then a fraction of each row's own budget. Used by the
  // bisection of minimal_perturbation.h, where every sample has its own bracket.
  std::vector<double> epsilons;
  // PGD only. The step is `step_size` when set, else step_fraction * epsilon, where the fraction
  // defaults to 2.5 / steps (Madry et al.: enough to cross the ball and back).
  int steps = 10;
  std::optional<double> step_size;
  std::optional<double> step_fraction;
  bool random_start = true;
  // Independent runs; a sample keeps the first adversarial found, else the highest-loss point.
  int restarts = 1;
  // Valid input range: every adversarial is clipped into it.
  float clip_min = 0.0F;
  float clip_max = 1.0F;
  std::uint64_t seed = 0;
  // Global ids of the rows, keying their random streams (one per row); empty: the row index.
  std::vector<std::int64_t> sample_ids;
  Loss loss = Loss::kCrossEntropy;
  // Stop attacking a sample once it is adversarial (its adversarial is kept as found).
  bool early_stop = true;
  // Targeted attack: drive sample i to class targets[i] (one per row). Empty: untargeted.
  std::vector<std::int64_t> targets;
};

// Throws InvalidArgumentError for a negative or non-finite epsilon, steps < 1, restarts < 1, a
// non-positive step, clip_min >= clip_max, or targets / sample ids / per-row epsilons whose count
// differs from `rows`.
void ValidateAttackConfig(const AttackConfig& config, std::int64_t rows);

// The PGD step actually used (absolute).
[[nodiscard]] double EffectiveStepSize(const AttackConfig& config);

// The budget of row `row`: epsilons[row] when per-row budgets are given, else epsilon.
[[nodiscard]] double RowEpsilon(const AttackConfig& config, std::int64_t row);
// The PGD step of row `row`: step_size, else the step fraction of RowEpsilon.
[[nodiscard]] double RowStepSize(const AttackConfig& config, std::int64_t row);

struct AttackResult {
  Batch adversarial;                      // one row per input row
  std::vector<std::int64_t> predictions;  // model's class on each adversarial
  std::vector<bool> success;              // misclassified (untargeted) / at target (targeted)
  // Samples whose loss gradient at the first step was all zero, or not finite: signs of
  // gradient masking (Carlini et al. 2019).
  std::int64_t zero_gradient_samples = 0;
  std::int64_t nonfinite_gradient_samples = 0;
};

// Norm of a perturbation row under `norm` (max |d| or sqrt(sum d^2)), in double.
[[nodiscard]] double PerturbationNorm(Norm norm, const Eigen::Ref<const Eigen::RowVectorXf>& delta);

}  // namespace rampart::robustness
