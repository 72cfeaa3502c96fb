#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/robustness/loss.h>

namespace rampart::robustness {

namespace {

// Index of the largest logit other than `label` (first on ties).
std::int64_t TopOther(const float* z, std::int64_t classes, std::int64_t label) {
  std::int64_t best = label == 0 ? 1 : 0;
  for (std::int64_t k = 0; k < classes; ++k) {
    if (k != label && z[k] > z[best]) best = k;
  }
  return best;
}

}  // namespace

std::string_view LossName(Loss loss) {
  switch (loss) {
    case Loss::kCrossEntropy:
      return "ce";
    case Loss::kMargin:
      return "margin";
    case Loss::kDlr:
      return "dlr";
  }
  return "ce";
}

Eigen::VectorXf LossOnLogits(Loss loss, const Eigen::Ref<const Batch>& logits,
                             std::span<const std::int64_t> labels, Batch* gradient) {
  const std::int64_t rows = logits.rows();
  const std::int64_t classes = logits.cols();
  if (static_cast<std::int64_t>(labels.size()) != rows) {
    throw InvalidArgumentError(std::to_string(labels.size()) + " labels for " +
                               std::to_string(rows) + " samples");
  }
  if (classes < 2) throw InvalidArgumentError("losses need at least 2 classes");
  if (loss == Loss::kDlr && classes < 3) {
    throw InvalidArgumentError("the DLR loss needs at least 3 classes");
  }
  for (const std::int64_t label : labels) {
    if (label < 0 || label >= classes) {
      throw InvalidArgumentError("label " + std::to_string(label) + " out of range for " +
                                 std::to_string(classes) + " classes");
    }
  }
  Eigen::VectorXf values(rows);
  if (gradient != nullptr) gradient->setZero(rows, classes);
  std::vector<float> sorted(static_cast<std::size_t>(classes));
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* z = logits.data() + r * logits.outerStride();
    const std::int64_t y = labels[static_cast<std::size_t>(r)];
    float* g = gradient != nullptr ? gradient->data() + r * classes : nullptr;
    switch (loss) {
      case Loss::kCrossEntropy: {
        const float max = *std::max_element(z, z + classes);
        double sum = 0.0;
        for (std::int64_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(z[k] - max));
        const double log_sum = std::log(sum);
        values[r] = static_cast<float>(log_sum - static_cast<double>(z[y] - max));
        if (g != nullptr) {
          double others = 0.0;
          for (std::int64_t k = 0; k < classes; ++k) {
            if (k == y) continue;
            const double p = std::exp(static_cast<double>(z[k] - max) - log_sum);
            g[k] = static_cast<float>(p);
            others += p;
          }
          // 1 - p_y computed without cancellation.
          g[y] = static_cast<float>(-others);
        }
        break;
      }
      case Loss::kMargin: {
        const std::int64_t m = TopOther(z, classes, y);
        values[r] = z[m] - z[y];
        if (g != nullptr) {
          g[m] = 1.0F;
          g[y] = -1.0F;
        }
        break;
      }
      case Loss::kDlr: {
        const std::int64_t m = TopOther(z, classes, y);
        // pi1 and pi3: indices of the largest and third-largest logits.
        std::vector<std::int64_t> order(static_cast<std::size_t>(classes));
        for (std::int64_t k = 0; k < classes; ++k) order[static_cast<std::size_t>(k)] = k;
        std::partial_sort(order.begin(), order.begin() + 3, order.end(),
                          [z](std::int64_t a, std::int64_t b) { return z[a] > z[b]; });
        const std::int64_t pi1 = order[0];
        const std::int64_t pi3 = order[2];
        const double num = static_cast<double>(z[y]) - static_cast<double>(z[m]);
        const double den = static_cast<double>(z[pi1]) - static_cast<double>(z[pi3]) + 1e-12;
        values[r] = static_cast<float>(-num / den);
        if (g != nullptr) {
          g[y] += static_cast<float>(-1.0 / den);
          g[m] += static_cast<float>(1.0 / den);
          const double c = num / (den * den);
          g[pi1] += static_cast<float>(c);
          g[pi3] -= static_cast<float>(c);
        }
        break;
      }
    }
  }
  return values;
}

}  // namespace rampart::robustness
