// FGSM / FGM: one full-radius step along the ascent direction of the loss (see fgsm.h).
#include <rampart/robustness/fgsm.h>

#include "attack_internal.h"

namespace rampart::robustness {

AttackResult Fgsm(Executor& executor, const Eigen::Ref<const Batch>& inputs,
                  std::span<const std::int64_t> labels, const AttackConfig& config) {
  ValidateAttackConfig(config, inputs.rows());
  const bool targeted = !config.targets.empty();
  const std::span<const std::int64_t> loss_labels =
      targeted ? std::span<const std::int64_t>(config.targets) : labels;
  AttackResult result;
  result.adversarial = inputs;
  if (inputs.rows() == 0) {
    return result;
  }
  LossGradient gradient = executor.Gradient(inputs, loss_labels, config.loss);
  internal::CountGradientHealth(gradient.gradient, result);
  for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
    const double eps = RowEpsilon(config, i);
    // Targeted: descend the loss of the target class.
    const double step = targeted ? -eps : eps;
    auto direction = gradient.gradient.row(i);
    internal::AscentDirection(config.norm, direction);
    auto x = result.adversarial.row(i);
    x = (x.cast<double>() + step * direction.cast<double>()).cast<float>();
    internal::ProjectAndClip(config.norm, eps, config.clip_min, config.clip_max, inputs.row(i), x);
  }
  const Batch logits = executor.Logits(result.adversarial);
  result.predictions.resize(static_cast<std::size_t>(inputs.rows()));
  result.success.resize(static_cast<std::size_t>(inputs.rows()));
  for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
    const auto row = static_cast<std::size_t>(i);
    result.predictions[row] = internal::ArgMax(logits.row(i));
    result.success[row] = targeted ? result.predictions[row] == config.targets[row]
                                   : result.predictions[row] != labels[row];
  }
  return result;
}

}  // namespace rampart::robustness
