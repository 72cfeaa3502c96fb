// Robustness evaluation of a classifier on a labelled data set: clean accuracy, robust accuracy
// for every attack x epsilon, the per-sample worst case over attacks, attack success rates,
// per-class robust accuracy and the confusion under attack, plus the sanity checks of Carlini et
// al., "On Evaluating Adversarial Robustness" (2019), as warnings.
//
//   AuditConfig config{.attacks = {"fgsm", "pgd"}, .epsilons = {0.05, 0.1}};
//   AuditResult audit = rampart::robustness::RunAudit(executor, data, config);
//   audit.runs[0].robust_accuracy;   // fgsm at 0.05
//   audit.warnings;                  // e.g. "pgd is weaker than fgsm at eps=0.1"
//
// As in AutoAttack, only clean-correct samples are attacked; a clean-misclassified sample counts
// as not robust, and a sample is robust under the worst case only if no attack breaks it.
// Attacks: "fgsm", "pgd", "apgd-ce", "apgd-dlr" and "ensemble" (the members listed in
// AuditConfig::ensemble, worst case per sample, as one row of the report).
//
// Sharding: with shard_count N > 1, RunAudit attacks only the samples whose index i has
// i % N == shard_index, keyed by their global index so that every sample gets the same random
// streams as in an unsharded run. The per-sample results of all shards, put back together by
// index and passed to SummarizeAudit, give exactly the unsharded audit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

struct AuditConfig {
  std::vector<std::string> attacks = {"fgsm", "pgd"};  // see above
  std::vector<double> epsilons;
  // Everything but epsilon, for every attack (epsilon is taken from `epsilons`).
  AttackConfig attack;
  // Iterations of APGD (AutoAttack's 100), which needs more than PGD's default to adapt its step.
  int apgd_steps = 100;
  // Members of the "ensemble" attack, run in this order on the samples still unbroken.
  std::vector<std::string> ensemble = {"apgd-ce", "apgd-dlr"};
  // When set: the minimal perturbation per clean-correct sample with this attack, by bisection
  // up to the largest epsilon (minimal_perturbation.h).
  std::optional<std::string> minimal_perturbation_attack;
  double minimal_perturbation_tolerance = 1e-3;
  // This run's share of the samples (0-based index < count).
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  std::int64_t batch_size = 256;
  // Called with the number of samples just attacked (for a progress bar).
  std::function<void(std::int64_t)> on_progress;
};

struct ClassRobustness {
  std::int64_t label = 0;
  std::int64_t samples = 0;
  std::int64_t clean_correct = 0;
  std::int64_t robust = 0;
  [[nodiscard]] double robust_accuracy() const;
};

struct AttackRun {
  std::string attack;
  std::string loss;  // "ce", "margin", "dlr", or "mixed" for an ensemble
  Norm norm = Norm::kLinf;
  double epsilon = 0.0;
  int steps = 1;  // 1 for FGSM
  double step_size = 0.0;
  bool random_start = false;
  int restarts = 1;
  std::vector<std::int64_t>
      predictions;                   // per sample: class on its adversarial (clean if not attacked)
  std::vector<bool> robust;          // clean-correct and not broken
  double robust_accuracy = 0.0;      // robust / samples
  double attack_success_rate = 0.0;  // broken / clean-correct
  std::vector<ClassRobustness> per_class;
  // confusion[label][prediction under attack], classes x classes.
  std::vector<std::vector<std::int64_t>> confusion;
  std::int64_t zero_gradient_samples = 0;
  std::int64_t nonfinite_gradient_samples = 0;
  [[nodiscard]] std::string Key() const;  // "pgd_linf_0.1"
};

struct WorstCase {
  double epsilon = 0.0;
  double robust_accuracy = 0.0;  // robust against every attack at this epsilon
};

struct MinimalPerturbationSummary {
  std::string attack;
  double max_epsilon = 0.0;
  double tolerance = 0.0;
  std::int64_t attacked = 0;  // clean-correct samples
  std::int64_t broken = 0;    // of them, broken within max_epsilon
  // Over the clean-correct samples; the median is +infinity when half of them are unbroken, the
  // mean is over the broken ones (NaN if none).
  double median = 0.0;
  double mean = 0.0;
};

struct AuditResult {
  std::int64_t samples = 0;
  // Position of each sample in the data set (0..n-1 unsharded; a shard's own indices sharded).
  std::vector<std::int64_t> indices;
  std::int64_t total_samples = 0;  // of the whole data set
  std::int64_t classes = 0;
  std::int64_t input_size = 0;
  std::vector<std::int64_t> labels;
  std::vector<std::int64_t> clean_predictions;
  double clean_accuracy = 0.0;
  std::vector<AttackRun> runs;        // attack-major, epsilons in the given order
  std::vector<WorstCase> worst_case;  // one per epsilon
  std::vector<std::string> warnings;  // sanity checks
  // Samples with a value outside [clip_min, clip_max].
  std::int64_t outside_clip_samples = 0;
  // Per sample (0 for clean mistakes, +infinity when unbroken) when requested.
  std::vector<double> minimal_perturbation;
  std::optional<MinimalPerturbationSummary> minimal_perturbation_summary;
};

// Throws InvalidArgumentError for an unknown attack name, no attacks or epsilons, a batch size
// < 1, unlabelled data, or the errors of ValidateAttackConfig; InputError for a label outside
// the model's classes.
[[nodiscard]] AuditResult RunAudit(Executor& executor, const Dataset& data,
                                   const AuditConfig& config);

// Recomputes every aggregate of `audit` from its per-sample fields (labels, clean_predictions,
// runs[].predictions and robust, minimal_perturbation) and the summed counts
// (gradient health, outside_clip_samples): clean accuracy, robust accuracies, success rates,
// per-class tables, confusion matrices, worst cases, the minimal-perturbation summary and the
// warnings. RunAudit ends with it; merging shards calls it on the concatenated samples. Throws
// InputError when the per-sample fields disagree in size or hold a label outside the classes.
void SummarizeAudit(AuditResult& audit, const AuditConfig& config);

// The sanity checks on a finished audit (RunAudit already fills AuditResult::warnings with them):
// robust accuracy rising with epsilon, PGD weaker than FGSM at the same epsilon, robust accuracy
// far from zero at an epsilon that covers half the input range, zero or non-finite gradients, and
// cross-entropy attacks much weaker than DLR/margin ones at the same epsilon (saturated softmax:
// the CE gradient vanishes while the scale-invariant DLR loss still has one).
[[nodiscard]] std::vector<std::string> SanityWarnings(const AuditResult& audit,
                                                      const AuditConfig& config);

}  // namespace rampart::robustness
