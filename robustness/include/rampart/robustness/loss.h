// Classification losses on logits and their exact gradients, per sample. Every loss grows as an
// attack succeeds, so attacks ascend it.
//
//   Batch grad;
//   Eigen::VectorXf loss = rampart::robustness::LossOnLogits(Loss::kCrossEntropy, logits, labels,
//                                                            &grad);
//
// Cross-entropy: log sum_k e^{z_k} - z_y, gradient p - onehot(y) with the true-class entry formed
// as -sum_{k != y} p_k. The textbook float32 `softmax - onehot` loses that entry once p_y rounds
// to 1 (a logit gap above ~17) and the input gradient then points the wrong way: silent gradient
// masking that makes FGSM look weaker than it is.
// Margin (Carlini & Wagner 2017, f6 without the confidence clamp): max_{i != y} z_i - z_y.
// DLR (Croce & Hein 2020, eq. 4): -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12), where pi
// sorts the logits in decreasing order; needs at least 3 classes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <Eigen/Core>

#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

enum class Loss { kCrossEntropy, kMargin, kDlr };

// "ce", "margin", "dlr".
[[nodiscard]] std::string_view LossName(Loss loss);

// Per-sample losses of `logits` (one sample per row) against `labels`; when `gradient` is not
// null it receives d loss_i / d logits_i (same shape as logits). Throws InvalidArgumentError on a
// label out of range, a label count that differs from the rows, or DLR with fewer than 3 classes.
[[nodiscard]] Eigen::VectorXf LossOnLogits(Loss loss, const Eigen::Ref<const Batch>& logits,
                                           std::span<const std::int64_t> labels, Batch* gradient);

}  // namespace rampart::robustness
