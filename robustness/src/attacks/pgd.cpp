// PGD with random start, restarts and per-sample early stop (see pgd.h).
#include <limits>
#include <vector>

#include <rampart/robustness/pgd.h>

#include "attack_internal.h"

namespace rampart::robustness {

namespace {

Batch GatherRows(const Eigen::Ref<const Batch>& from, const std::vector<Eigen::Index>& rows) {
  Batch out(static_cast<Eigen::Index>(rows.size()), from.cols());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out.row(static_cast<Eigen::Index>(k)) = from.row(rows[k]);
  }
  return out;
}

}  // namespace

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
    Batch x = inputs;  // current iterates, full size for simple indexing
    if (config.random_start) {
      for (Eigen::Index i : alive) {
        boost::random::mt19937_64 rng = internal::SampleRng(
            config.seed,
            config.sample_ids.empty() ? i : config.sample_ids[static_cast<std::size_t>(i)],
            restart);
        internal::RandomStart(config.norm, RowEpsilon(config, i), config.clip_min, config.clip_max,
                              rng, x.row(i));
      }
    }
    for (int t = 0; t <= config.steps && !alive.empty(); ++t) {
      const bool last = t == config.steps;
      const Batch sub = GatherRows(x, alive);
      std::vector<std::int64_t> sub_labels(alive.size());
      for (std::size_t k = 0; k < alive.size(); ++k) {
        sub_labels[k] = loss_labels[static_cast<std::size_t>(alive[k])];
      }
      LossGradient g;
      if (last) {
        g.logits = executor.Logits(sub);
        g.loss = LossOnLogits(config.loss, g.logits, sub_labels, nullptr);
      } else {
        g = executor.Gradient(sub, sub_labels, config.loss);
        if (!health_counted) {
          internal::CountGradientHealth(g.gradient, result);
          health_counted = true;
        }
      }
      std::vector<Eigen::Index> next;
      for (std::size_t k = 0; k < alive.size(); ++k) {
        const Eigen::Index i = alive[k];
        const auto row = static_cast<std::size_t>(i);
        const auto local = static_cast<Eigen::Index>(k);
        const std::int64_t prediction = internal::ArgMax(g.logits.row(local));
        const bool adversarial =
            targeted ? prediction == config.targets[row] : prediction != labels[row];
        // Targeted attacks descend the loss, so their "worst" point has the lowest loss.
        const float strength = targeted ? -g.loss[local] : g.loss[local];
        if (adversarial && (config.early_stop || last)) {
          result.adversarial.row(i) = x.row(i);
          result.predictions[row] = prediction;
          result.success[row] = true;
          continue;
        }
        if (last) {
          if (result.predictions[row] < 0 || strength > best_loss[row]) {
            best_loss[row] = strength;
            result.adversarial.row(i) = x.row(i);
            result.predictions[row] = prediction;
          }
          continue;
        }
        auto direction = g.gradient.row(local);
        internal::AscentDirection(config.norm, direction);
        auto xi = x.row(i);
        xi = (xi.cast<double>() + sign * RowStepSize(config, i) * direction.cast<double>())
                 .cast<float>();
        internal::ProjectAndClip(config.norm, RowEpsilon(config, i), config.clip_min,
                                 config.clip_max, inputs.row(i), xi);
        next.push_back(i);
      }
      alive = std::move(next);
    }
  }
  return result;
}

}  // namespace rampart::robustness
