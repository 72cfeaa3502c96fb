// Attack dispatch by name and the worst-case ensemble (see ensemble.h).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <rampart/common/error.h>
#include <rampart/robustness/apgd.h>
#include <rampart/robustness/ensemble.h>
#include <rampart/robustness/fgsm.h>
#include <rampart/robustness/pgd.h>

namespace rampart::robustness {

const std::vector<std::string>& AttackNames() {
  static const std::vector<std::string> names{"fgsm", "pgd", "apgd-ce", "apgd-dlr"};
  return names;
}

bool IsAttackName(std::string_view name) {
  const std::vector<std::string>& names = AttackNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

AttackResult RunAttack(std::string_view name, Executor& executor,
                       const Eigen::Ref<const Batch>& inputs, std::span<const std::int64_t> labels,
                       const AttackConfig& config) {
  if (name == "fgsm") return Fgsm(executor, inputs, labels, config);
  if (name == "pgd") return Pgd(executor, inputs, labels, config);
  if (name == "apgd-ce") return Apgd(executor, inputs, labels, config, Loss::kCrossEntropy);
  if (name == "apgd-dlr") return Apgd(executor, inputs, labels, config, Loss::kDlr);
  throw InvalidArgumentError(
      fmt::format("unknown attack '{}' (expected one of {})", name, fmt::join(AttackNames(), ", ")),
      {.field = "attack"});
}

std::vector<EnsembleMember> DefaultEnsemble(const AttackConfig& config) {
  return {{.attack = "apgd-ce", .config = config}, {.attack = "apgd-dlr", .config = config}};
}

namespace {

template <typename T>
std::vector<T> Pick(const std::vector<T>& from, const std::vector<Eigen::Index>& rows) {
  std::vector<T> out;
  if (from.empty()) return out;
  out.reserve(rows.size());
  for (const Eigen::Index i : rows) out.push_back(from[static_cast<std::size_t>(i)]);
  return out;
}

}  // namespace

EnsembleResult RunEnsemble(std::span<const EnsembleMember> members, Executor& executor,
                           const Eigen::Ref<const Batch>& inputs,
                           std::span<const std::int64_t> labels) {
  if (members.empty()) {
    throw InvalidArgumentError("the ensemble has no attacks", {.field = "attack"});
  }
  for (const EnsembleMember& member : members) {
    if (!IsAttackName(member.attack)) {
      throw InvalidArgumentError(fmt::format("unknown attack '{}' in the ensemble", member.attack),
                                 {.field = "attack"});
    }
    ValidateAttackConfig(member.config, inputs.rows());
  }
  const Eigen::Index n = inputs.rows();
  const auto count = static_cast<std::size_t>(n);
  EnsembleResult result;
  result.adversarial = inputs;
  result.predictions.assign(count, -1);
  result.success.assign(count, false);
  result.broken_by.assign(count, -1);
  std::vector<Eigen::Index> alive(count);
  for (Eigen::Index i = 0; i < n; ++i) alive[static_cast<std::size_t>(i)] = i;
  for (std::size_t m = 0; m < members.size() && !alive.empty(); ++m) {
    AttackConfig config = members[m].config;
    // Sub-batch of the unbroken rows, keyed by their global ids so that random streams match a
    // run of the member alone.
    std::vector<std::int64_t> ids;
    ids.reserve(alive.size());
    for (const Eigen::Index i : alive) {
      ids.push_back(config.sample_ids.empty() ? static_cast<std::int64_t>(i)
                                              : config.sample_ids[static_cast<std::size_t>(i)]);
    }
    config.sample_ids = std::move(ids);
    config.targets = Pick(config.targets, alive);
    config.epsilons = Pick(config.epsilons, alive);
    Batch sub(static_cast<Eigen::Index>(alive.size()), inputs.cols());
    std::vector<std::int64_t> sub_labels(alive.size());
    for (std::size_t k = 0; k < alive.size(); ++k) {
      sub.row(static_cast<Eigen::Index>(k)) = inputs.row(alive[k]);
      sub_labels[k] = labels[static_cast<std::size_t>(alive[k])];
    }
    const AttackResult r = RunAttack(members[m].attack, executor, sub, sub_labels, config);
    result.zero_gradient_samples = std::max(result.zero_gradient_samples, r.zero_gradient_samples);
    result.nonfinite_gradient_samples =
        std::max(result.nonfinite_gradient_samples, r.nonfinite_gradient_samples);
    std::vector<Eigen::Index> next;
    for (std::size_t k = 0; k < alive.size(); ++k) {
      const Eigen::Index i = alive[k];
      const auto row = static_cast<std::size_t>(i);
      result.adversarial.row(i) = r.adversarial.row(static_cast<Eigen::Index>(k));
      result.predictions[row] = r.predictions[k];
      if (r.success[k]) {
        result.success[row] = true;
        result.broken_by[row] = static_cast<int>(m);
      } else {
        next.push_back(i);
      }
    }
    alive = std::move(next);
  }
  return result;
}

}  // namespace rampart::robustness
