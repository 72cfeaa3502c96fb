// Ops that move data without arithmetic: Flatten, Reshape, Squeeze, Unsqueeze, Transpose, and
// constant-mode Pad. Reshape targets may hold the symbolic batch size (from a folded
// Shape -> Gather -> Concat chain); the batch dimension must stay the first dimension.
#include "ops/shape_ops.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>

#include <rampart/common/error.h>

#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

// Forward copies the input; the gradient is copied back. Only the shape differs.
class CopyOp : public Op {
 public:
  void Forward(const ForwardArgs& args) const override {
    const std::int64_t n = ElementCount(args.output_shape);
    std::copy(args.inputs[0], args.inputs[0] + n, args.output);
  }
  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    const std::int64_t n = ElementCount(args.output_shape);
    for (std::int64_t i = 0; i < n; ++i) args.input_grads[0][i] += args.output_grad[i];
  }
};

class FlattenOp final : public CopyOp {
 public:
  explicit FlattenOp(const NodeInfo& node) : axis_(node.Int("axis", 1)) {}
  Shape InferShape(const std::vector<Shape>& in) const override {
    const std::int64_t rank = Rank(in[0]);
    const std::int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    if (axis < 0 || axis > rank) throw InputError("Flatten axis out of range");
    const auto split = static_cast<std::size_t>(axis);
    return {ProductOfDims(in[0], 0, split), ProductOfDims(in[0], split, in[0].size())};
  }

 private:
  std::int64_t axis_;
};

class ReshapeOp final : public CopyOp {
 public:
  explicit ReshapeOp(const NodeInfo& node)
      : allow_zero_(node.Int("allowzero", 0) != 0), static_batch_(node.static_batch) {
    if (node.opset < 5) {
      target_ = node.Ints("shape", {});
    } else {
      target_ = node.ConstantInts(1, "shape");
    }
  }
  Shape InferShape(const std::vector<Shape>& in) const override {
    return ReshapeTarget(in[0], target_, allow_zero_, static_batch_);
  }

 private:
  bool allow_zero_;
  std::int64_t static_batch_;
  std::vector<std::int64_t> target_;
};

class SqueezeOp final : public CopyOp {
 public:
  SqueezeOp(const NodeInfo& node, bool unsqueeze) : unsqueeze_(unsqueeze) {
    if (node.opset < 13) {
      axes_ = node.Ints("axes", {});
      has_axes_ = node.HasAttribute("axes");
    } else if (node.HasInput(1)) {
      axes_ = node.ConstantInts(1, "axes");
      has_axes_ = true;
    }
    if (unsqueeze && !has_axes_) throw InputError("Unsqueeze needs axes");
  }
  Shape InferShape(const std::vector<Shape>& in) const override {
    return unsqueeze_ ? UnsqueezeShape(in[0], axes_) : SqueezeShape(in[0], axes_, has_axes_);
  }

 private:
  bool unsqueeze_;
  bool has_axes_ = false;
  std::vector<std::int64_t> axes_;
};

class TransposeOp final : public Op {
 public:
  explicit TransposeOp(const NodeInfo& node)
      : perm_(node.Ints("perm", {})), has_perm_(node.HasAttribute("perm")) {}

  Shape InferShape(const std::vector<Shape>& in) const override {
    const std::vector<std::int64_t> perm = Permutation(Rank(in[0]));
    if (!in[0].empty() && IsBatch(in[0][0]) && perm[0] != 0) {
      throw UnsupportedError("Transpose would move the batch dimension");
    }
    Shape out(in[0].size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = in[0][static_cast<std::size_t>(perm[i])];
    }
    return out;
  }

  void Forward(const ForwardArgs& args) const override {
    Permute(args.input_shapes[0], args.inputs[0], args.output, false);
  }
  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    Permute(args.input_shapes[0], args.output_grad, args.input_grads[0], true);
  }

 private:
  [[nodiscard]] std::vector<std::int64_t> Permutation(std::int64_t rank) const {
    std::vector<std::int64_t> perm = perm_;
    if (!has_perm_) {
      perm.resize(static_cast<std::size_t>(rank));
      std::iota(perm.rbegin(), perm.rend(), 0);
    }
    std::vector<std::int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      if (sorted[i] != static_cast<std::int64_t>(i) || Rank(sorted) != rank) {
        throw InputError("perm is not a permutation of the input's " + std::to_string(rank) +
                         " dimensions");
      }
    }
    if (Rank(perm) != rank) throw InputError("perm has the wrong length");
    return perm;
  }

  // out[i_0..] = in[i_perm...] (forward); with `adjoint`, `src` is the output gradient and the
  // values are added back at the input positions.
  void Permute(const Shape& in_shape, const float* src, float* dst, bool adjoint) const {
    const std::size_t rank = in_shape.size();
    const std::vector<std::int64_t> perm = Permutation(Rank(in_shape));
    std::vector<std::int64_t> in_strides(rank, 1);
    for (std::size_t i = rank; i-- > 1;) in_strides[i - 1] = in_strides[i] * in_shape[i];
    Shape out_shape(rank);
    std::vector<std::int64_t> stride(rank);
    for (std::size_t i = 0; i < rank; ++i) {
      out_shape[i] = in_shape[static_cast<std::size_t>(perm[i])];
      stride[i] = in_strides[static_cast<std::size_t>(perm[i])];
    }
    const std::int64_t total = ElementCount(in_shape);
    std::vector<std::int64_t> index(rank, 0);
    std::int64_t offset = 0;
    for (std::int64_t o = 0; o < total; ++o) {
      if (adjoint) {
        dst[offset] += src[o];
      } else {
        dst[o] = src[offset];
      }
      for (std::size_t d = rank; d-- > 0;) {
        ++index[d];
        offset += stride[d];
        if (index[d] < out_shape[d]) break;
        offset -= stride[d] * index[d];
        index[d] = 0;
      }
    }
  }

  std::vector<std::int64_t> perm_;
  bool has_perm_;
};

class PadOp final : public Op {
 public:
  explicit PadOp(const NodeInfo& node) {
    if (node.String("mode", "constant") != "constant") {
      throw UnsupportedError("Pad mode '" + node.String("mode", "") + "' (only constant)");
    }
    if (node.opset < 11) {
      pads_ = node.Ints("pads", {});
      value_ = node.Float("value", 0.0F);
    } else {
      pads_ = node.ConstantInts(1, "pads");
      if (node.HasInput(2)) {
        const ConstTensor& value = node.ConstantFloats(2, "constant_value");
        if (value.floats.size() != 1) throw InputError("constant_value must be a scalar");
        value_ = value.floats[0];
      }
      if (node.HasInput(3)) throw UnsupportedError("Pad with axes");
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const std::size_t rank = in[0].size();
    if (pads_.size() != 2 * rank) {
      throw InputError("pads has " + std::to_string(pads_.size()) + " entries for rank " +
                       std::to_string(rank));
    }
    Shape out = in[0];
    for (std::size_t i = 0; i < rank; ++i) {
      if (IsBatch(out[i])) {
        if (pads_[i] != 0 || pads_[i + rank] != 0) {
          throw UnsupportedError("Pad of the batch dimension");
        }
        continue;
      }
      out[i] += pads_[i] + pads_[i + rank];
      if (out[i] < 0) throw InputError("negative padded size");
    }
    return out;
  }

  void Forward(const ForwardArgs& args) const override {
    std::fill(args.output, args.output + ElementCount(args.output_shape), value_);
    Walk(args.input_shapes[0], args.output_shape,
         [&](std::int64_t in, std::int64_t out) { args.output[out] = args.inputs[0][in]; });
  }
  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    Walk(args.input_shapes[0], args.output_shape, [&](std::int64_t in, std::int64_t out) {
      args.input_grads[0][in] += args.output_grad[out];
    });
  }

 private:
  // Calls f(input index, output index) for every input element that lands inside the output.
  template <typename F>
  void Walk(const Shape& in_shape, const Shape& out_shape, F&& f) const {
    const std::size_t rank = in_shape.size();
    const std::int64_t total = ElementCount(in_shape);
    std::vector<std::int64_t> out_strides(rank, 1);
    for (std::size_t i = rank; i-- > 1;) out_strides[i - 1] = out_strides[i] * out_shape[i];
    std::vector<std::int64_t> index(rank, 0);
    for (std::int64_t o = 0; o < total; ++o) {
      std::int64_t out = 0;
      bool inside = true;
      for (std::size_t d = 0; d < rank; ++d) {
        const std::int64_t pos = index[d] + pads_[d];
        if (pos < 0 || pos >= out_shape[d]) {
          inside = false;
          break;
        }
        out += pos * out_strides[d];
      }
      if (inside) f(o, out);
      for (std::size_t d = rank; d-- > 0;) {
        if (++index[d] < in_shape[d]) break;
        index[d] = 0;
      }
    }
  }

  std::vector<std::int64_t> pads_;
  float value_ = 0.0F;
};

}  // namespace

Shape ReshapeTarget(const Shape& in, std::vector<std::int64_t> target, bool allow_zero,
                    std::int64_t static_batch) {
  const bool batched_input = !in.empty() && IsBatch(in[0]);
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allow_zero) {
      if (i >= in.size()) throw InputError("reshape target copies a dimension the input lacks");
      target[i] = in[i];
    }
  }
  // An export with a fixed batch (e.g. 1) writes that number where the batch goes.
  if (batched_input && static_batch > 0 && !target.empty() && target[0] == static_batch &&
      std::none_of(target.begin(), target.end(), IsBatch)) {
    target[0] = kSymbolicBatch;
  }
  std::int64_t in_static = 1;
  for (const std::int64_t d : in) {
    if (!IsBatch(d)) in_static = MultiplyDims(in_static, d);
  }
  std::int64_t target_static = 1;
  std::int64_t unknown = -1;
  int batch_positions = 0;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (unknown >= 0) throw InputError("reshape target has more than one -1");
      unknown = static_cast<std::int64_t>(i);
    } else if (IsBatch(target[i])) {
      if (i != 0) throw UnsupportedError("reshape would move the batch dimension");
      ++batch_positions;
    } else if (target[i] < 0) {
      throw InputError("reshape target has a negative dimension");
    } else {
      target_static = MultiplyDims(target_static, target[i]);
    }
  }
  const std::string what = "cannot reshape " + DimsToString(in) + " to " +
                           DimsToString(Shape(target.begin(), target.end()));
  if (batched_input && batch_positions == 0) {
    // Only a -1 in front can absorb the batch, and only when the other sizes match.
    if (unknown == 0 && in_static == target_static) {
      target[0] = kSymbolicBatch;
      return target;
    }
    throw UnsupportedError(what + " (the batch dimension must stay first)");
  }
  if (!batched_input && batch_positions > 0) throw InputError(what);
  if (unknown >= 0) {
    if (target_static == 0 || in_static % target_static != 0) throw InputError(what);
    target[static_cast<std::size_t>(unknown)] = in_static / target_static;
  } else if (in_static != target_static) {
    throw InputError(what);
  }
  return target;
}

Shape UnsqueezeShape(const Shape& in, const std::vector<std::int64_t>& axes) {
  const std::int64_t rank = Rank(in) + Rank(axes);
  std::vector<bool> inserted(static_cast<std::size_t>(rank), false);
  for (const std::int64_t axis : axes) {
    const auto a = static_cast<std::size_t>(NormalizeAxis(axis, rank));
    if (inserted[a]) throw InputError("repeated axis in Unsqueeze");
    inserted[a] = true;
  }
  Shape out;
  std::size_t next = 0;
  for (const bool is_inserted : inserted) out.push_back(is_inserted ? 1 : in[next++]);
  if (!in.empty() && IsBatch(in[0]) && !IsBatch(out[0])) {
    throw UnsupportedError("Unsqueeze would move the batch dimension");
  }
  return out;
}

Shape SqueezeShape(const Shape& in, const std::vector<std::int64_t>& axes, bool has_axes) {
  std::vector<bool> removed(in.size(), false);
  if (has_axes) {
    for (const std::int64_t axis : axes) {
      const auto a = static_cast<std::size_t>(NormalizeAxis(axis, Rank(in)));
      if (in[a] != 1) throw InputError("Squeeze of a dimension that is not 1");
      removed[a] = true;
    }
  } else {
    for (std::size_t i = 0; i < in.size(); ++i) removed[i] = in[i] == 1;
  }
  Shape out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!removed[i]) out.push_back(in[i]);
  }
  return out;
}

void RegisterShapeOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["Flatten"] = [](const NodeInfo& node) { return std::make_unique<FlattenOp>(node); };
  registry["Reshape"] = [](const NodeInfo& node) { return std::make_unique<ReshapeOp>(node); };
  registry["Squeeze"] = [](const NodeInfo& node) {
    return std::make_unique<SqueezeOp>(node, false);
  };
  registry["Unsqueeze"] = [](const NodeInfo& node) {
    return std::make_unique<SqueezeOp>(node, true);
  };
  registry["Transpose"] = [](const NodeInfo& node) { return std::make_unique<TransposeOp>(node); };
  registry["Pad"] = [](const NodeInfo& node) { return std::make_unique<PadOp>(node); };
}

}  // namespace rampart::robustness::internal
