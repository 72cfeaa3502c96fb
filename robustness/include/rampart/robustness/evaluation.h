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
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

struct AuditConfig {
  std::vector<std::string> attacks = {"fgsm", "pgd"};  // "fgsm", "pgd"
  std::vector<double> epsilons;
  // Everything but epsilon, for every attack (epsilon is taken from `epsilons`).
  AttackConfig attack;
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

struct AuditResult {
  std::int64_t samples = 0;
  std::int64_t classes = 0;
  std::int64_t input_size = 0;
  std::vector<std::int64_t> labels;
  std::vector<std::int64_t> clean_predictions;
  double clean_accuracy = 0.0;
  std::vector<AttackRun> runs;        // attack-major, epsilons in the given order
  std::vector<WorstCase> worst_case;  // one per epsilon
  std::vector<std::string> warnings;  // sanity checks
};

// Throws InvalidArgumentError for an unknown attack name, no attacks or epsilons, a batch size
// < 1, unlabelled data, or the errors of ValidateAttackConfig; InputError for a label outside
// the model's classes.
[[nodiscard]] AuditResult RunAudit(Executor& executor, const Dataset& data,
                                   const AuditConfig& config);

// The sanity checks on a finished audit (RunAudit already fills AuditResult::warnings with them):
// robust accuracy rising with epsilon, PGD weaker than FGSM at the same epsilon, robust accuracy
// far from zero at an epsilon that covers half the input range, zero or non-finite gradients.
[[nodiscard]] std::vector<std::string> SanityWarnings(const AuditResult& audit,
                                                      const AuditConfig& config);

}  // namespace rampart::robustness
