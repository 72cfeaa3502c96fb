// Element-wise ops: Add, Sub, Mul, Div with numpy broadcasting; Relu, LeakyRelu, Sigmoid, Tanh,
// Clip, and the inference-time identities (Identity, Dropout, Cast to float).
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <rampart/common/error.h>

#include "ops/kernels.h"
#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

// Calls f(out_index, a_index, b_index) for every element of the broadcast output.
template <typename F>
void ForEachBroadcast(const Shape& out, const Shape& a, const Shape& b, F&& f) {
  const std::size_t rank = out.size();
  if (rank == 0) {
    f(0, 0, 0);
    return;
  }
  std::vector<std::int64_t> stride_a(rank, 0);
  std::vector<std::int64_t> stride_b(rank, 0);
  std::int64_t sa = 1;
  std::int64_t sb = 1;
  for (std::size_t i = rank; i-- > 0;) {
    const std::size_t ra = rank - a.size();
    const std::size_t rb = rank - b.size();
    const std::int64_t da = i >= ra ? a[i - ra] : 1;
    const std::int64_t db = i >= rb ? b[i - rb] : 1;
    stride_a[i] = da == 1 ? 0 : sa;
    stride_b[i] = db == 1 ? 0 : sb;
    sa *= da;
    sb *= db;
  }
  const std::int64_t inner = out[rank - 1];
  std::int64_t total = 1;
  for (const std::int64_t d : out) total *= d;
  if (total == 0) return;
  const std::int64_t outer = total / inner;
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t offset_a = 0;
  std::int64_t offset_b = 0;
  const std::int64_t ia = stride_a[rank - 1];
  const std::int64_t ib = stride_b[rank - 1];
  for (std::int64_t o = 0; o < outer; ++o) {
    const std::int64_t base = o * inner;
    for (std::int64_t j = 0; j < inner; ++j) f(base + j, offset_a + j * ia, offset_b + j * ib);
    for (std::size_t d = rank - 1; d-- > 0;) {
      ++index[d];
      offset_a += stride_a[d];
      offset_b += stride_b[d];
      if (index[d] < out[d]) break;
      offset_a -= stride_a[d] * index[d];
      offset_b -= stride_b[d] * index[d];
      index[d] = 0;
    }
  }
}

enum class BinaryKind { kAdd, kSub, kMul, kDiv };

class BinaryOp final : public Op {
 public:
  BinaryOp(const NodeInfo& node, BinaryKind kind) : kind_(kind) {
    if (node.input_count() != 2) throw InputError(node.op_type + " needs two inputs");
    if (node.opset < 7 && node.HasAttribute("broadcast")) {
      throw UnsupportedError("legacy broadcast attribute");
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    return BroadcastShapes(in[0], in[1]);
  }

  void Forward(const ForwardArgs& args) const override {
    const float* a = args.inputs[0];
    const float* b = args.inputs[1];
    float* y = args.output;
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    if (sa == sb) {
      const std::int64_t n = ElementCount(sa);
      switch (kind_) {
        case BinaryKind::kAdd:
          for (std::int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
          break;
        case BinaryKind::kSub:
          for (std::int64_t i = 0; i < n; ++i) y[i] = a[i] - b[i];
          break;
        case BinaryKind::kMul:
          for (std::int64_t i = 0; i < n; ++i) y[i] = a[i] * b[i];
          break;
        case BinaryKind::kDiv:
          for (std::int64_t i = 0; i < n; ++i) y[i] = a[i] / b[i];
          break;
      }
      return;
    }
    switch (kind_) {
      case BinaryKind::kAdd:
        ForEachBroadcast(args.output_shape, sa, sb,
                         [&](auto o, auto i, auto j) { y[o] = a[i] + b[j]; });
        break;
      case BinaryKind::kSub:
        ForEachBroadcast(args.output_shape, sa, sb,
                         [&](auto o, auto i, auto j) { y[o] = a[i] - b[j]; });
        break;
      case BinaryKind::kMul:
        ForEachBroadcast(args.output_shape, sa, sb,
                         [&](auto o, auto i, auto j) { y[o] = a[i] * b[j]; });
        break;
      case BinaryKind::kDiv:
        ForEachBroadcast(args.output_shape, sa, sb,
                         [&](auto o, auto i, auto j) { y[o] = a[i] / b[j]; });
        break;
    }
  }

  void Backward(const BackwardArgs& args) const override {
    const float* a = args.inputs[0];
    const float* b = args.inputs[1];
    const float* dy = args.output_grad;
    float* da = args.input_grads[0];
    float* db = args.input_grads[1];
    const Shape& sa = args.input_shapes[0];
    const Shape& sb = args.input_shapes[1];
    ForEachBroadcast(args.output_shape, sa, sb, [&](auto o, auto i, auto j) {
      const float g = dy[o];
      switch (kind_) {
        case BinaryKind::kAdd:
          if (da != nullptr) da[i] += g;
          if (db != nullptr) db[j] += g;
          break;
        case BinaryKind::kSub:
          if (da != nullptr) da[i] += g;
          if (db != nullptr) db[j] -= g;
          break;
        case BinaryKind::kMul:
          if (da != nullptr) da[i] += g * b[j];
          if (db != nullptr) db[j] += g * a[i];
          break;
        case BinaryKind::kDiv:
          if (da != nullptr) da[i] += g / b[j];
          if (db != nullptr) db[j] -= g * a[i] / (b[j] * b[j]);
          break;
      }
    });
  }

 private:
  BinaryKind kind_;
};

enum class UnaryKind { kRelu, kLeakyRelu, kSigmoid, kTanh, kClip, kIdentity };

class UnaryOp final : public Op {
 public:
  UnaryOp(const NodeInfo& node, UnaryKind kind) : kind_(kind) {
    if (node.input_count() < 1 || !node.HasInput(0)) {
      throw InputError(node.op_type + " needs an input");
    }
    if (kind == UnaryKind::kLeakyRelu) alpha_ = node.Float("alpha", 0.01F);
    if (kind == UnaryKind::kClip) {
      if (node.opset < 11) {
        low_ = node.Float("min", low_);
        high_ = node.Float("max", high_);
      } else {
        if (node.HasInput(1)) low_ = ScalarInput(node, 1, "min");
        if (node.HasInput(2)) high_ = ScalarInput(node, 2, "max");
      }
    }
    if (node.op_type == "Dropout" && node.opset >= 12 && node.HasInput(2)) {
      const ConstTensor* training = node.constant_inputs[2];
      if (training == nullptr ||
          (training->type == DataType::kInt64 && !training->ints.empty() &&
           training->ints[0] != 0) ||
          (training->type == DataType::kFloat && !training->floats.empty() &&
           training->floats[0] != 0.0F)) {
        throw UnsupportedError("Dropout in training mode");
      }
    }
    if (node.op_type == "Cast") {
      constexpr std::int64_t kOnnxFloat = 1;
      if (node.Int("to", 0) != kOnnxFloat) {
        throw UnsupportedError("Cast of a runtime tensor to a type other than float");
      }
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override { return in[0]; }

  void Forward(const ForwardArgs& args) const override {
    const float* x = args.inputs[0];
    float* y = args.output;
    const std::int64_t n = ElementCount(args.output_shape);
    switch (kind_) {
      case UnaryKind::kRelu:
        Eigen::Map<Eigen::ArrayXf>(y, n) = Eigen::Map<const Eigen::ArrayXf>(x, n).max(0.0F);
        break;
      case UnaryKind::kLeakyRelu:
        for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] >= 0.0F ? x[i] : alpha_ * x[i];
        break;
      case UnaryKind::kSigmoid:
        // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below: no overflow either way.
        for (std::int64_t i = 0; i < n; ++i) {
          if (x[i] >= 0.0F) {
            y[i] = 1.0F / (1.0F + std::exp(-x[i]));
          } else {
            const float e = std::exp(x[i]);
            y[i] = e / (1.0F + e);
          }
        }
        break;
      case UnaryKind::kTanh:
        for (std::int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
        break;
      case UnaryKind::kClip:
        for (std::int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(x[i], low_), high_);
        break;
      case UnaryKind::kIdentity:
        std::copy(x, x + n, y);
        break;
    }
  }

  void Backward(const BackwardArgs& args) const override {
    float* dx = args.input_grads[0];
    if (dx == nullptr) return;
    const float* x = args.inputs[0];
    const float* y = args.output;
    const float* dy = args.output_grad;
    const std::int64_t n = ElementCount(args.output_shape);
    switch (kind_) {
      case UnaryKind::kRelu:
        ReluBackward(x, dy, dx, n);
        break;
      case UnaryKind::kLeakyRelu:
        for (std::int64_t i = 0; i < n; ++i) dx[i] += x[i] > 0.0F ? dy[i] : alpha_ * dy[i];
        break;
      case UnaryKind::kSigmoid:
        for (std::int64_t i = 0; i < n; ++i) dx[i] += dy[i] * y[i] * (1.0F - y[i]);
        break;
      case UnaryKind::kTanh:
        for (std::int64_t i = 0; i < n; ++i) dx[i] += dy[i] * (1.0F - y[i] * y[i]);
        break;
      case UnaryKind::kClip:
        // As PyTorch's clamp: the gradient passes where low <= x <= high.
        for (std::int64_t i = 0; i < n; ++i) {
          dx[i] += (x[i] >= low_ && x[i] <= high_) ? dy[i] : 0.0F;
        }
        break;
      case UnaryKind::kIdentity:
        for (std::int64_t i = 0; i < n; ++i) dx[i] += dy[i];
        break;
    }
  }

 private:
  static float ScalarInput(const NodeInfo& node, std::size_t index, const std::string& what) {
    const ConstTensor& tensor = node.ConstantFloats(index, what);
    if (tensor.floats.size() != 1) throw InputError("Clip " + what + " must be a scalar");
    return tensor.floats[0];
  }

  UnaryKind kind_;
  float alpha_ = 0.01F;
  float low_ = -std::numeric_limits<float>::infinity();
  float high_ = std::numeric_limits<float>::infinity();
};

}  // namespace

void RegisterElementwiseOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  const auto binary = [&registry](const char* name, BinaryKind kind) {
    registry[name] = [kind](const NodeInfo& node) {
      return std::make_unique<BinaryOp>(node, kind);
    };
  };
  binary("Add", BinaryKind::kAdd);
  binary("Sub", BinaryKind::kSub);
  binary("Mul", BinaryKind::kMul);
  binary("Div", BinaryKind::kDiv);
  const auto unary = [&registry](const char* name, UnaryKind kind) {
    registry[name] = [kind](const NodeInfo& node) { return std::make_unique<UnaryOp>(node, kind); };
  };
  unary("Relu", UnaryKind::kRelu);
  unary("LeakyRelu", UnaryKind::kLeakyRelu);
  unary("Sigmoid", UnaryKind::kSigmoid);
  unary("Tanh", UnaryKind::kTanh);
  unary("Clip", UnaryKind::kClip);
  unary("Identity", UnaryKind::kIdentity);
  unary("Dropout", UnaryKind::kIdentity);
  unary("Cast", UnaryKind::kIdentity);
}

}  // namespace rampart::robustness::internal
