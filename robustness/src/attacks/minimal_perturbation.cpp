// Bisection over epsilon for the smallest successful perturbation (see minimal_perturbation.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/ensemble.h>
#include <rampart/robustness/minimal_perturbation.h>

namespace rampart::robustness {

MinimalPerturbationResult MinimalPerturbation(Executor& executor,
                                              const Eigen::Ref<const Batch>& inputs,
                                              std::span<const std::int64_t> labels,
                                              const MinimalPerturbationConfig& config) {
  if (!IsAttackName(config.attack)) {
    throw InvalidArgumentError(
        fmt::format("unknown attack '{}' for the minimal perturbation", config.attack),
        {.field = "minimal-perturbation"});
  }
  if (!(std::isfinite(config.max_epsilon) && config.max_epsilon > 0.0)) {
    throw InvalidArgumentError(
        fmt::format("the largest epsilon must be finite and > 0, got {}", config.max_epsilon),
        {.field = "eps"});
  }
  if (!(std::isfinite(config.tolerance) && config.tolerance > 0.0)) {
    throw InvalidArgumentError(
        fmt::format("the bisection tolerance must be finite and > 0, got {}", config.tolerance),
        {.field = "minimal-perturbation-tolerance"});
  }
  if (!config.attack_config.targets.empty()) {
    throw InvalidArgumentError("the minimal perturbation is untargeted", {.field = "targets"});
  }
  AttackConfig base = config.attack_config;
  base.epsilon = config.max_epsilon;
  base.epsilons.clear();
  ValidateAttackConfig(base, inputs.rows());
  const Eigen::Index n = inputs.rows();
  const auto count = static_cast<std::size_t>(n);
  MinimalPerturbationResult result;
  result.adversarial = inputs;
  result.distance.assign(count, std::numeric_limits<double>::infinity());
  std::vector<double> lo(count, 0.0);
  std::vector<double> hi(count, config.max_epsilon);

  // Rows still bracketed; the first round attacks every clean-correct row at max_epsilon.
  std::vector<Eigen::Index> active;
  if (n > 0) {
    const std::vector<std::int64_t> clean = executor.Predict(inputs);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto row = static_cast<std::size_t>(i);
      if (clean[row] != labels[row]) {
        result.distance[row] = 0.0;
      } else {
        active.push_back(i);
      }
    }
  }
  bool first = true;
  while (!active.empty()) {
    AttackConfig attack = base;
    Batch sub(static_cast<Eigen::Index>(active.size()), inputs.cols());
    std::vector<std::int64_t> sub_labels(active.size());
    attack.sample_ids.clear();
    for (std::size_t k = 0; k < active.size(); ++k) {
      const Eigen::Index i = active[k];
      const auto row = static_cast<std::size_t>(i);
      sub.row(static_cast<Eigen::Index>(k)) = inputs.row(i);
      sub_labels[k] = labels[row];
      attack.sample_ids.push_back(base.sample_ids.empty() ? static_cast<std::int64_t>(i)
                                                          : base.sample_ids[row]);
      attack.epsilons.push_back(first ? config.max_epsilon : 0.5 * (lo[row] + hi[row]));
    }
    const AttackResult r = RunAttack(config.attack, executor, sub, sub_labels, attack);
    ++result.rounds;
    std::vector<Eigen::Index> next;
    for (std::size_t k = 0; k < active.size(); ++k) {
      const Eigen::Index i = active[k];
      const auto row = static_cast<std::size_t>(i);
      const double budget = attack.epsilons[k];
      if (r.success[k]) {
        const Eigen::RowVectorXf delta =
            r.adversarial.row(static_cast<Eigen::Index>(k)) - inputs.row(i);
        const double found = PerturbationNorm(base.norm, delta);
        result.adversarial.row(i) = r.adversarial.row(static_cast<Eigen::Index>(k));
        result.distance[row] = found;
        hi[row] = std::min(budget, found);
      } else if (first) {
        continue;  // unbroken at the largest budget: distance stays +infinity
      } else {
        lo[row] = budget;
      }
      if (hi[row] - lo[row] > config.tolerance) next.push_back(i);
    }
    active = std::move(next);
    first = false;
  }
  return result;
}

double MedianDistance(std::span<const double> distances) {
  if (distances.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sorted(distances.begin(), distances.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  if (sorted.size() % 2 == 1) return sorted[mid];
  if (std::isinf(sorted[mid])) return sorted[mid];
  return 0.5 * (sorted[mid - 1] + sorted[mid]);
}

double MeanFiniteDistance(std::span<const double> distances) {
  double sum = 0.0;
  std::int64_t finite = 0;
  for (const double d : distances) {
    if (std::isfinite(d)) {
      sum += d;
      ++finite;
    }
  }
  return finite == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(finite);
}

}  // namespace rampart::robustness
