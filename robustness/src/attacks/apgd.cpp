// APGD-CE / APGD-DLR (see apgd.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <rampart/robustness/apgd.h>

#include "attack_internal.h"

namespace rampart::robustness {

namespace {

constexpr double kMomentum = 0.75;    // alpha of the paper
constexpr double kRho = 0.75;         // fraction of loss-raising steps expected per period
constexpr double kInitialStep = 2.0;  // eta^(0) = 2 epsilon

Batch GatherRows(const Batch& from, const std::vector<Eigen::Index>& rows) {
  Batch out(static_cast<Eigen::Index>(rows.size()), from.cols());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out.row(static_cast<Eigen::Index>(k)) = from.row(rows[k]);
  }
  return out;
}

// AutoAttack's start: a random point on the boundary of the ball (L-inf: a uniform cube scaled
// so that its largest coordinate is epsilon; L2: a Gaussian direction of length epsilon), clipped.
void BoundaryStart(Norm norm, double epsilon, float lo, float hi, boost::random::mt19937_64& rng,
                   const Eigen::Ref<const Eigen::RowVectorXf>& x0,
                   Eigen::Ref<Eigen::RowVectorXf> x) {
  Eigen::RowVectorXd t(x0.size());
  if (norm == Norm::kLinf) {
    boost::random::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (Eigen::Index j = 0; j < t.size(); ++j) t[j] = uniform(rng);
    const double scale = t.size() == 0 ? 0.0 : t.cwiseAbs().maxCoeff();
    if (scale > 0.0) t /= scale;
  } else {
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    for (Eigen::Index j = 0; j < t.size(); ++j) t[j] = normal(rng);
    const double length = t.norm();
    if (length > 0.0) t /= length;
  }
  x = (x0.cast<double>() + epsilon * t).cast<float>();
  internal::ProjectAndClip(norm, epsilon, lo, hi, x0, x);
}

}  // namespace

std::vector<int> ApgdCheckpoints(int iterations) {
  const int first = std::max(static_cast<int>(0.22 * iterations), 1);
  const int decrease = std::max(static_cast<int>(0.03 * iterations), 1);
  const int minimum = std::max(static_cast<int>(0.06 * iterations), 1);
  std::vector<int> checkpoints;
  int period = first;
  for (int at = first; at <= iterations; at += period) {
    checkpoints.push_back(at);
    period = std::max(period - decrease, minimum);
  }
  return checkpoints;
}

AttackResult Apgd(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                  std::span<const std::int64_t> labels, const AttackConfig& config, Loss loss) {
  ValidateAttackConfig(config, inputs.rows());
  const bool targeted = !config.targets.empty();
  const std::span<const std::int64_t> loss_labels =
      targeted ? std::span<const std::int64_t>(config.targets) : labels;
  // The attack ascends sign * loss: targeted attacks descend the target's loss.
  const float sign = targeted ? -1.0F : 1.0F;
  const Eigen::Index n = inputs.rows();
  const auto count = static_cast<std::size_t>(n);
  const int iterations = config.steps;
  const std::vector<int> checkpoints = ApgdCheckpoints(iterations);

  AttackResult result;
  result.adversarial = inputs;
  result.predictions.assign(count, -1);
  result.success.assign(count, false);
  // Strength of what result.adversarial holds for a sample (its objective value).
  std::vector<float> kept(count, -std::numeric_limits<float>::infinity());
  bool health_counted = false;

  // Per-sample state, full size so that rows index it directly.
  Batch x = inputs;
  Batch x_prev = inputs;
  Batch x_best = inputs;
  Batch grad = Batch::Zero(n, inputs.cols());
  Batch grad_best = Batch::Zero(n, inputs.cols());
  std::vector<double> eta(count);
  std::vector<float> best(count);
  std::vector<float> best_at_check(count);
  std::vector<float> last(count);
  std::vector<bool> reduced_at_check(count);
  std::vector<int> raised(count);

  for (int restart = 0; restart < config.restarts; ++restart) {
    std::vector<Eigen::Index> alive;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!result.success[static_cast<std::size_t>(i)]) alive.push_back(i);
    }
    for (const Eigen::Index i : alive) {
      const auto row = static_cast<std::size_t>(i);
      x.row(i) = inputs.row(i);
      if (config.random_start) {
        boost::random::mt19937_64 rng = internal::SampleRng(
            config.seed, config.sample_ids.empty() ? i : config.sample_ids[row], restart);
        BoundaryStart(config.norm, RowEpsilon(config, i), config.clip_min, config.clip_max, rng,
                      inputs.row(i), x.row(i));
      }
      x_prev.row(i) = x.row(i);
      eta[row] = kInitialStep * RowEpsilon(config, i);
      reduced_at_check[row] = false;
      raised[row] = 0;
    }
    // t counts the steps taken: t = 0 evaluates the start, t = 1..N the iterates.
    std::size_t next_check = 0;
    int last_check = 0;
    for (int t = 0; t <= iterations && !alive.empty(); ++t) {
      if (t > 0) {
        const double a = t == 1 ? 1.0 : kMomentum;
        for (const Eigen::Index i : alive) {
          const double eps = RowEpsilon(config, i);
          Eigen::RowVectorXf direction = grad.row(i);
          internal::AscentDirection(config.norm, direction);
          Eigen::RowVectorXf z = (x.row(i).cast<double>() +
                                  eta[static_cast<std::size_t>(i)] * direction.cast<double>())
                                     .cast<float>();
          internal::ProjectAndClip(config.norm, eps, config.clip_min, config.clip_max,
                                   inputs.row(i), z);
          const Eigen::RowVectorXd xi = x.row(i).cast<double>();
          Eigen::RowVectorXf next =
              (xi + a * (z.cast<double>() - xi) + (1.0 - a) * (xi - x_prev.row(i).cast<double>()))
                  .cast<float>();
          internal::ProjectAndClip(config.norm, eps, config.clip_min, config.clip_max,
                                   inputs.row(i), next);
          x_prev.row(i) = x.row(i);
          x.row(i) = next;
        }
      }
      const Batch sub = GatherRows(x, alive);
      std::vector<std::int64_t> sub_labels(alive.size());
      for (std::size_t k = 0; k < alive.size(); ++k) {
        sub_labels[k] = loss_labels[static_cast<std::size_t>(alive[k])];
      }
      const bool final_iterate = t == iterations;
      LossGradient g;
      if (final_iterate) {
        g.logits = executor.Logits(sub);
        g.loss = LossOnLogits(loss, g.logits, sub_labels, nullptr);
      } else {
        g = executor.Gradient(sub, sub_labels, loss);
        if (!health_counted) {
          internal::CountGradientHealth(g.gradient, result);
          health_counted = true;
        }
      }
      std::vector<Eigen::Index> next_alive;
      for (std::size_t k = 0; k < alive.size(); ++k) {
        const Eigen::Index i = alive[k];
        const auto row = static_cast<std::size_t>(i);
        const auto local = static_cast<Eigen::Index>(k);
        const float objective = sign * g.loss[local];
        const std::int64_t prediction = internal::ArgMax(g.logits.row(local));
        const bool adversarial =
            targeted ? prediction == config.targets[row] : prediction != labels[row];
        if (adversarial && (!result.success[row] || objective > kept[row])) {
          result.adversarial.row(i) = x.row(i);
          result.predictions[row] = prediction;
          result.success[row] = true;
          kept[row] = objective;
        }
        if (adversarial && config.early_stop) continue;
        if (!final_iterate) grad.row(i) = sign * g.gradient.row(local);
        if (t == 0) {
          best[row] = objective;
          best_at_check[row] = objective;
          last[row] = objective;
          x_best.row(i) = x.row(i);
          grad_best.row(i) = grad.row(i);
        } else {
          // NaN never counts as progress.
          raised[row] += objective > last[row] ? 1 : 0;
          last[row] = objective;
          if (objective > best[row]) {
            best[row] = objective;
            x_best.row(i) = x.row(i);
            grad_best.row(i) = grad.row(i);
          }
        }
        next_alive.push_back(i);
      }
      alive = std::move(next_alive);
      if (next_check < checkpoints.size() && t == checkpoints[next_check]) {
        const int period = t - last_check;
        for (const Eigen::Index i : alive) {
          const auto row = static_cast<std::size_t>(i);
          const bool oscillating = static_cast<double>(raised[row]) < kRho * period;
          const bool stalled = !reduced_at_check[row] && !(best[row] > best_at_check[row]);
          const bool halve = oscillating || stalled;
          reduced_at_check[row] = halve;
          best_at_check[row] = best[row];
          raised[row] = 0;
          if (halve) {
            eta[row] /= 2.0;
            x.row(i) = x_best.row(i);
            grad.row(i) = grad_best.row(i);
          }
        }
        last_check = t;
        ++next_check;
      }
    }
    // Samples still unbroken keep the highest-loss point of any restart.
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto row = static_cast<std::size_t>(i);
      if (!result.success[row] && (result.predictions[row] == -1 || best[row] > kept[row])) {
        result.adversarial.row(i) = x_best.row(i);
        kept[row] = best[row];
        result.predictions[row] = -2;  // filled in below from one forward pass
      }
    }
  }
  // Predictions of the unbroken samples' kept points.
  std::vector<Eigen::Index> pending;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (result.predictions[static_cast<std::size_t>(i)] < 0) pending.push_back(i);
  }
  if (!pending.empty()) {
    const std::vector<std::int64_t> predicted =
        executor.Predict(GatherRows(result.adversarial, pending));
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const auto row = static_cast<std::size_t>(pending[k]);
      result.predictions[row] = predicted[k];
      // Float ties aside, a best-loss point is never adversarial when no iterate was.
      result.success[row] =
          targeted ? predicted[k] == config.targets[row] : predicted[k] != labels[row];
    }
  }
  return result;
}

}  // namespace rampart::robustness
