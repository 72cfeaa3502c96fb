// Attacks by name, and the worst case over a list of attacks: a sample is robust only if no
// attack of the ensemble breaks it (AutoAttack's evaluation protocol; each attack runs only on
// the samples the previous ones left unbroken, which changes no result and saves time).
//
//   std::vector<EnsembleMember> members = DefaultEnsemble(config);   // APGD-CE, then APGD-DLR
//   EnsembleResult r = rampart::robustness::RunEnsemble(members, executor, inputs, labels);
//   r.success[i];      // some attack broke sample i
//   r.broken_by[i];    // index of the first member that did, -1 if none
//
// Names: "fgsm", "pgd" (with config.loss), "apgd-ce", "apgd-dlr".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/robustness/attack.h>
#include <rampart/robustness/executor.h>

namespace rampart::robustness {

// The single attacks RunAttack knows, in a stable order.
[[nodiscard]] const std::vector<std::string>& AttackNames();
[[nodiscard]] bool IsAttackName(std::string_view name);

// Runs the attack called `name`. Throws InvalidArgumentError for an unknown name.
[[nodiscard]] AttackResult RunAttack(std::string_view name, Executor& executor,
                                     const Eigen::Ref<const Batch>& inputs,
                                     std::span<const std::int64_t> labels,
                                     const AttackConfig& config);

struct EnsembleMember {
  std::string attack;
  AttackConfig config;
};

// The AutoAttack-like default list on `config`'s threat model: APGD-CE then APGD-DLR (the two
// parameter-free white-box attacks of AutoAttack; its targeted and black-box members are not
// part of rampart).
[[nodiscard]] std::vector<EnsembleMember> DefaultEnsemble(const AttackConfig& config);

struct EnsembleResult : AttackResult {
  std::vector<int> broken_by;  // per sample: first member that broke it, -1 if none
};

// Runs the members in order, each on the samples still unbroken. A broken sample keeps the
// adversarial of the member that broke it; an unbroken one the last member's point. Gradient
// health counts are the largest over the members. Throws InvalidArgumentError for no members or
// an unknown attack, and the errors of the attacks.
[[nodiscard]] EnsembleResult RunEnsemble(std::span<const EnsembleMember> members,
                                         Executor& executor, const Eigen::Ref<const Batch>& inputs,
                                         std::span<const std::int64_t> labels);

}  // namespace rampart::robustness
