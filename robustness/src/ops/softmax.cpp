// Softmax and LogSoftmax. Opset < 13 coerces the input to 2-D at `axis` (default 1); opset 13
// normalizes along the single `axis` (default -1).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include <rampart/common/error.h>

#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

class SoftmaxOp final : public Op {
 public:
  SoftmaxOp(const NodeInfo& node, bool log) : log_(log), legacy_(node.opset < 13) {
    axis_ = node.Int("axis", legacy_ ? 1 : -1);
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const std::int64_t axis = NormalizeAxis(axis_, Rank(in[0]));
    if (axis == 0 && !in[0].empty() && IsBatch(in[0][0])) {
      throw UnsupportedError("softmax across the batch dimension");
    }
    return in[0];
  }

  void Forward(const ForwardArgs& args) const override {
    const Layout layout = GetLayout(args.output_shape);
    const float* x = args.inputs[0];
    float* y = args.output;
    for (std::int64_t o = 0; o < layout.outer; ++o) {
      for (std::int64_t in = 0; in < layout.inner; ++in) {
        const std::int64_t base = o * layout.n * layout.inner + in;
        float max = -std::numeric_limits<float>::infinity();
        for (std::int64_t k = 0; k < layout.n; ++k) max = std::max(max, x[base + k * layout.inner]);
        double sum = 0.0;
        for (std::int64_t k = 0; k < layout.n; ++k) {
          sum += static_cast<double>(std::exp(x[base + k * layout.inner] - max));
        }
        if (log_) {
          const auto log_sum = static_cast<float>(std::log(sum));
          for (std::int64_t k = 0; k < layout.n; ++k) {
            y[base + k * layout.inner] = x[base + k * layout.inner] - max - log_sum;
          }
        } else {
          const auto inv = static_cast<float>(1.0 / sum);
          for (std::int64_t k = 0; k < layout.n; ++k) {
            y[base + k * layout.inner] = std::exp(x[base + k * layout.inner] - max) * inv;
          }
        }
      }
    }
  }

  void Backward(const BackwardArgs& args) const override {
    float* dx = args.input_grads[0];
    if (dx == nullptr) return;
    const Layout layout = GetLayout(args.output_shape);
    const float* y = args.output;
    const float* dy = args.output_grad;
    for (std::int64_t o = 0; o < layout.outer; ++o) {
      for (std::int64_t in = 0; in < layout.inner; ++in) {
        const std::int64_t base = o * layout.n * layout.inner + in;
        double dot = 0.0;
        for (std::int64_t k = 0; k < layout.n; ++k) {
          const std::int64_t i = base + k * layout.inner;
          dot += log_ ? static_cast<double>(dy[i])
                      : static_cast<double>(dy[i]) * static_cast<double>(y[i]);
        }
        const auto d = static_cast<float>(dot);
        for (std::int64_t k = 0; k < layout.n; ++k) {
          const std::int64_t i = base + k * layout.inner;
          // softmax: dx = y (dy - <dy, y>); log-softmax: dx = dy - softmax <dy, 1>.
          dx[i] += log_ ? dy[i] - std::exp(y[i]) * d : y[i] * (dy[i] - d);
        }
      }
    }
  }

 private:
  struct Layout {
    std::int64_t outer;
    std::int64_t n;
    std::int64_t inner;
  };

  [[nodiscard]] Layout GetLayout(const Shape& shape) const {
    const std::ptrdiff_t axis = NormalizeAxis(axis_, Rank(shape));
    const std::int64_t outer = ElementCount(Shape(shape.begin(), shape.begin() + axis));
    if (legacy_) {
      return {outer, ElementCount(Shape(shape.begin() + axis, shape.end())), 1};
    }
    return {outer, Dim(shape, axis), ElementCount(Shape(shape.begin() + axis + 1, shape.end()))};
  }

  bool log_;
  bool legacy_;
  std::int64_t axis_;
};

}  // namespace

void RegisterSoftmaxOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["Softmax"] = [](const NodeInfo& node) {
    return std::make_unique<SoftmaxOp>(node, false);
  };
  registry["LogSoftmax"] = [](const NodeInfo& node) {
    return std::make_unique<SoftmaxOp>(node, true);
  };
}

}  // namespace rampart::robustness::internal
