// BatchNormalization in inference mode: y = (x - mean) / sqrt(var + epsilon) * scale + bias per
// channel (dimension 1), folded at load time into one scale and one shift per channel.
#include <cmath>
#include <memory>
#include <string>

#include <rampart/common/error.h>

#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

class BatchNormOp final : public Op {
 public:
  explicit BatchNormOp(const NodeInfo& node) {
    if (node.Int("training_mode", 0) != 0) {
      throw UnsupportedError("BatchNormalization in training mode");
    }
    const float epsilon = node.Float("epsilon", 1e-5F);
    const ConstTensor& scale = node.ConstantFloats(1, "scale");
    const ConstTensor& bias = node.ConstantFloats(2, "B");
    const ConstTensor& mean = node.ConstantFloats(3, "mean");
    const ConstTensor& var = node.ConstantFloats(4, "var");
    const std::size_t channels = scale.floats.size();
    if (bias.floats.size() != channels || mean.floats.size() != channels ||
        var.floats.size() != channels) {
      throw InputError("scale, B, mean and var must have the same length");
    }
    multiplier_.resize(channels);
    shift_.resize(channels);
    for (std::size_t c = 0; c < channels; ++c) {
      const double inv_std =
          1.0 / std::sqrt(static_cast<double>(var.floats[c]) + static_cast<double>(epsilon));
      const double a = static_cast<double>(scale.floats[c]) * inv_std;
      multiplier_[c] = static_cast<float>(a);
      shift_[c] = static_cast<float>(static_cast<double>(bias.floats[c]) -
                                     static_cast<double>(mean.floats[c]) * a);
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const Shape& x = in[0];
    if (x.size() < 2 || x[1] != static_cast<std::int64_t>(multiplier_.size())) {
      throw InputError("input " + DimsToString(x) + " does not have " +
                       std::to_string(multiplier_.size()) + " channels in dimension 1");
    }
    return x;
  }

  void Forward(const ForwardArgs& args) const override {
    const Shape& x = args.input_shapes[0];
    const std::int64_t channels = x[1];
    const std::int64_t size = ElementCount(x) / std::max<std::int64_t>(x[0] * channels, 1);
    for (std::int64_t s = 0; s < x[0]; ++s) {
      for (std::int64_t c = 0; c < channels; ++c) {
        const float a = multiplier_[static_cast<std::size_t>(c)];
        const float b = shift_[static_cast<std::size_t>(c)];
        const float* in = args.inputs[0] + (s * channels + c) * size;
        float* out = args.output + (s * channels + c) * size;
        for (std::int64_t i = 0; i < size; ++i) out[i] = in[i] * a + b;
      }
    }
  }

  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    const Shape& x = args.input_shapes[0];
    const std::int64_t channels = x[1];
    const std::int64_t size = ElementCount(x) / std::max<std::int64_t>(x[0] * channels, 1);
    for (std::int64_t s = 0; s < x[0]; ++s) {
      for (std::int64_t c = 0; c < channels; ++c) {
        const float a = multiplier_[static_cast<std::size_t>(c)];
        const float* dy = args.output_grad + (s * channels + c) * size;
        float* dx = args.input_grads[0] + (s * channels + c) * size;
        for (std::int64_t i = 0; i < size; ++i) dx[i] += dy[i] * a;
      }
    }
  }

 private:
  std::vector<float> multiplier_;
  std::vector<float> shift_;
};

}  // namespace

void RegisterNormalizationOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["BatchNormalization"] = [](const NodeInfo& node) {
    return std::make_unique<BatchNormOp>(node);
  };
}

}  // namespace rampart::robustness::internal
