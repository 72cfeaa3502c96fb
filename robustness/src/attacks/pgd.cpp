// PGD with random start, restarts and per-sample early stop (see pgd.h).
#include <limits>
#include <vector>

#include <rampart/robustness/pgd.h>

#include "attack_internal.h"

namespace rampart::robustness {

AttackResult Pgd(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                 std::span<const std::int64_t> labels, const AttackConfig& config) {
  ValidateAttackConfig(config, inputs.rows());
  const bool targeted = !config.targets.empty();
  const std::span<const std::int64_t> loss_labels =
      targeted ? std::span<const std::int64_t>(config.targets) : labels;
  const Eigen::Index n = inputs.rows();
  const auto count = static_cast<std::size_t>(n);
  AttackResult result;
  result.adversarial = inputs;
  result.predictions.assign(count, -1);
  result.success.assign(count, false);
  std::vector<float> best_loss(count, -std::numeric_limits<float>::infinity());
  const double sign = targeted ? -1.0 : 1.0;
  bool health_counted = false;

  for (int restart = 0; restart < config.restarts; ++restart) {
    // Rows (of `inputs`) still to attack; a later restart only retries the unbroken ones.
    std::vector<Eigen::Index> alive;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!result.success[static_cast<std::size_t>(i)]) {
        alive.push_back(i);
      }
    }
    if (alive.empty()) {
      break;
    }
    // The iterates, clean points and loss labels of the samples still attacked, compacted to the
    // first `active` rows (row k is sample alive[k]): the executor reads them in place, and a
    // sample that stops is dropped by moving the later rows up, not by copying the batch.
    const Eigen::Index cols = inputs.cols();
    Batch x(static_cast<Eigen::Index>(alive.size()), cols);
    Batch x0(x.rows(), cols);
    std::vector<std::int64_t> active_labels(alive.size());
    for (std::size_t k = 0; k < alive.size(); ++k) {
      const auto local = static_cast<Eigen::Index>(k);
      x.row(local) = inputs.row(alive[k]);
      x0.row(local) = inputs.row(alive[k]);
      active_labels[k] = loss_labels[static_cast<std::size_t>(alive[k])];
      if (config.random_start) {
        const Eigen::Index i = alive[k];
        boost::random::mt19937_64 rng = internal::SampleRng(
            config.seed,
            config.sample_ids.empty() ? i : config.sample_ids[static_cast<std::size_t>(i)],
            restart);
        internal::RandomStart(config.norm, RowEpsilon(config, i), config.clip_min, config.clip_max,
                              rng, x.row(local));
      }
    }
    std::size_t active = alive.size();
    for (int t = 0; t <= config.steps && active > 0; ++t) {
      const bool last = t == config.steps;
      const auto rows = static_cast<Eigen::Index>(active);
      const std::span<const std::int64_t> step_labels(active_labels.data(), active);
      // The logits of the gradient's forward pass are those of the current iterate: the success
      // test needs no pass of its own; only the last iterate gets a forward pass alone.
      LossGradient g;
      if (last) {
        g.logits = executor.Logits(x.topRows(rows));
        g.loss = LossOnLogits(config.loss, g.logits, step_labels, nullptr);
      } else {
        g = executor.Gradient(x.topRows(rows), step_labels, config.loss);
        if (!health_counted) {
          internal::CountGradientHealth(g.gradient, result);
          health_counted = true;
        }
      }
      std::size_t kept = 0;
      for (std::size_t k = 0; k < active; ++k) {
        const Eigen::Index i = alive[k];
        const auto row = static_cast<std::size_t>(i);
        const auto local = static_cast<Eigen::Index>(k);
        const std::int64_t prediction = internal::ArgMax(g.logits.row(local));
        const bool adversarial =
            targeted ? prediction == config.targets[row] : prediction != labels[row];
        // Targeted attacks descend the loss, so their "worst" point has the lowest loss.
        const float strength = targeted ? -g.loss[local] : g.loss[local];
        if (adversarial && (config.early_stop || last)) {
          result.adversarial.row(i) = x.row(local);
          result.predictions[row] = prediction;
          result.success[row] = true;
          continue;
        }
        if (last) {
          if (result.predictions[row] < 0 || strength > best_loss[row]) {
            best_loss[row] = strength;
            result.adversarial.row(i) = x.row(local);
            result.predictions[row] = prediction;
          }
          continue;
        }
        internal::AscentStep(config.norm, sign * RowStepSize(config, i), RowEpsilon(config, i),
                             config.clip_min, config.clip_max, x0.row(local), g.gradient.row(local),
                             x.row(local));
        if (kept != k) {
          const auto to = static_cast<Eigen::Index>(kept);
          x.row(to) = x.row(local);
          x0.row(to) = x0.row(local);
          active_labels[kept] = active_labels[k];
          alive[kept] = i;
        }
        ++kept;
      }
      active = kept;
    }
  }
  return result;
}

}  // namespace rampart::robustness
