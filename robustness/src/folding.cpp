#include "folding.h"

#include <algorithm>
#include <string>

#include <rampart/common/error.h>

#include "ops/shape_ops.h"

namespace rampart::robustness::internal {

namespace {

constexpr std::int64_t kOnnxFloat = 1;
constexpr std::int64_t kOnnxInt32 = 6;
constexpr std::int64_t kOnnxInt64 = 7;
constexpr std::int64_t kOnnxDouble = 11;

const ConstTensor& Input(const std::vector<const ConstTensor*>& in, std::size_t i) {
  if (i >= in.size() || in[i] == nullptr) throw InputError("missing input " + std::to_string(i));
  return *in[i];
}

// Copies the elements at `indices` (flat) of `src` into a tensor of `shape`.
ConstTensor Take(const ConstTensor& src, const Shape& shape,
                 const std::vector<std::int64_t>& indices) {
  ConstTensor out;
  out.type = src.type;
  out.shape = shape;
  for (const std::int64_t i : indices) {
    if (src.type == DataType::kFloat) {
      out.floats.push_back(src.floats[static_cast<std::size_t>(i)]);
    } else {
      out.ints.push_back(src.ints[static_cast<std::size_t>(i)]);
    }
  }
  return out;
}

ConstTensor WithShape(const ConstTensor& src, Shape shape) {
  ConstTensor out = src;
  out.shape = std::move(shape);
  return out;
}

std::vector<std::int64_t> Strides(const Shape& shape) {
  std::vector<std::int64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

ConstTensor Gather(const NodeInfo& node, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& data = Input(in, 0);
  const ConstTensor& indices = Input(in, 1);
  if (indices.type != DataType::kInt64) throw InputError("Gather indices must be integers");
  const std::int64_t rank = Rank(data.shape);
  const auto axis = static_cast<std::size_t>(NormalizeAxis(node.Int("axis", 0), rank));
  const std::int64_t dim = data.shape[axis];
  Shape shape(data.shape.begin(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis));
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1,
               data.shape.end());
  const std::int64_t outer = ElementCount(
      Shape(data.shape.begin(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
  const std::int64_t inner = ElementCount(
      Shape(data.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.shape.end()));
  std::vector<std::int64_t> flat;
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t index : indices.ints) {
      if (index < -dim || index >= dim) {
        throw InputError("Gather index " + std::to_string(index) + " out of range for size " +
                         std::to_string(dim));
      }
      if (index < 0) index += dim;
      for (std::int64_t i = 0; i < inner; ++i) flat.push_back((o * dim + index) * inner + i);
    }
  }
  return Take(data, shape, flat);
}

ConstTensor Concat(const NodeInfo& node, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& first = Input(in, 0);
  const std::int64_t rank = Rank(first.shape);
  const auto axis = static_cast<std::size_t>(NormalizeAxis(node.Int("axis", 0), rank));
  Shape shape = first.shape;
  shape[axis] = 0;
  for (std::size_t k = 0; k < in.size(); ++k) {
    const ConstTensor& t = Input(in, k);
    if (t.type != first.type || Rank(t.shape) != rank) {
      throw InputError("Concat inputs differ in type or rank");
    }
    for (std::size_t d = 0; d < t.shape.size(); ++d) {
      if (d != axis && t.shape[d] != first.shape[d]) throw InputError("Concat shapes differ");
    }
    shape[axis] += t.shape[axis];
  }
  ConstTensor out;
  out.type = first.type;
  out.shape = shape;
  const std::int64_t outer =
      ElementCount(Shape(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(axis)));
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const ConstTensor* t : in) {
      const std::int64_t block =
          ElementCount(Shape(t->shape.begin() + static_cast<std::ptrdiff_t>(axis), t->shape.end()));
      const auto begin = static_cast<std::ptrdiff_t>(o * block);
      const auto end = static_cast<std::ptrdiff_t>((o + 1) * block);
      if (t->type == DataType::kFloat) {
        out.floats.insert(out.floats.end(), t->floats.begin() + begin, t->floats.begin() + end);
      } else {
        out.ints.insert(out.ints.end(), t->ints.begin() + begin, t->ints.begin() + end);
      }
    }
  }
  return out;
}

ConstTensor Slice(const NodeInfo& node, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& data = Input(in, 0);
  std::vector<std::int64_t> starts;
  std::vector<std::int64_t> ends;
  std::vector<std::int64_t> axes;
  std::vector<std::int64_t> steps;
  if (node.opset < 10) {
    starts = node.Ints("starts", {});
    ends = node.Ints("ends", {});
    axes = node.Ints("axes", {});
  } else {
    starts = Input(in, 1).ints;
    ends = Input(in, 2).ints;
    if (in.size() > 3 && in[3] != nullptr) axes = in[3]->ints;
    if (in.size() > 4 && in[4] != nullptr) steps = in[4]->ints;
  }
  if (axes.empty()) {
    for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    throw InputError("Slice starts, ends, axes and steps differ in length");
  }
  const std::size_t rank = data.shape.size();
  std::vector<std::int64_t> begin(rank, 0);
  std::vector<std::int64_t> step(rank, 1);
  Shape shape = data.shape;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const auto axis = static_cast<std::size_t>(NormalizeAxis(axes[k], Rank(data.shape)));
    const std::int64_t dim = data.shape[axis];
    const std::int64_t s = steps[k];
    if (s == 0) throw InputError("Slice step 0");
    std::int64_t b = starts[k] < 0 ? starts[k] + dim : starts[k];
    std::int64_t e = ends[k] < 0 && ends[k] > std::numeric_limits<std::int64_t>::min() + dim
                         ? ends[k] + dim
                         : ends[k];
    if (s > 0) {
      b = std::clamp<std::int64_t>(b, 0, dim);
      e = std::clamp<std::int64_t>(e, 0, dim);
      shape[axis] = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp<std::int64_t>(b, 0, dim - 1);
      e = std::clamp<std::int64_t>(e, -1, dim - 1);
      shape[axis] = b > e ? (b - e - s - 1) / (-s) : 0;
    }
    begin[axis] = b;
    step[axis] = s;
  }
  const std::vector<std::int64_t> strides = Strides(data.shape);
  std::vector<std::int64_t> flat;
  const std::int64_t total = ElementCount(shape);
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t o = 0; o < total; ++o) {
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < rank; ++d) offset += (begin[d] + index[d] * step[d]) * strides[d];
    flat.push_back(offset);
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return Take(data, shape, flat);
}

ConstTensor Cast(const NodeInfo& node, const ConstTensor& x) {
  const std::int64_t to = node.Int("to", 0);
  ConstTensor out;
  out.shape = x.shape;
  if (to == kOnnxFloat || to == kOnnxDouble) {
    out.type = DataType::kFloat;
    if (x.type == DataType::kFloat) {
      out.floats = x.floats;
    } else {
      for (const std::int64_t v : x.ints) {
        if (IsBatch(v)) throw UnsupportedError("Cast of the symbolic batch size to float");
        out.floats.push_back(static_cast<float>(v));
      }
    }
  } else if (to == kOnnxInt64 || to == kOnnxInt32) {
    out.type = DataType::kInt64;
    if (x.type == DataType::kInt64) {
      out.ints = x.ints;
    } else {
      for (const float v : x.floats) {
        if (!(std::abs(v) < 9.2e18F)) throw InputError("Cast of a non-finite or huge float");
        out.ints.push_back(static_cast<std::int64_t>(v));
      }
    }
  } else {
    throw UnsupportedError("Cast to ONNX type " + std::to_string(to));
  }
  return out;
}

// Integer Add/Sub/Mul/Div on shape values (same shapes, or one scalar).
ConstTensor IntArithmetic(const NodeInfo& node, const ConstTensor& a, const ConstTensor& b) {
  if (a.size() != b.size() && a.size() != 1 && b.size() != 1) {
    throw UnsupportedError("integer broadcasting other than with a scalar");
  }
  ConstTensor out;
  out.type = DataType::kInt64;
  out.shape = a.size() >= b.size() ? a.shape : b.shape;
  const std::int64_t n = std::max(a.size(), b.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t x = a.ints[static_cast<std::size_t>(a.size() == 1 ? 0 : i)];
    const std::int64_t y = b.ints[static_cast<std::size_t>(b.size() == 1 ? 0 : i)];
    if (IsBatch(x) || IsBatch(y)) {
      throw UnsupportedError("arithmetic on the symbolic batch size");
    }
    std::int64_t r = 0;
    if (node.op_type == "Add") {
      r = x + y;
    } else if (node.op_type == "Sub") {
      r = x - y;
    } else if (node.op_type == "Mul") {
      r = x * y;
    } else {
      if (y == 0) throw InputError("integer division by zero");
      r = x / y;
    }
    out.ints.push_back(r);
  }
  return out;
}

}  // namespace

ConstTensor FoldShape(const NodeInfo& node, const Shape& shape) {
  const std::int64_t rank = Rank(shape);
  std::int64_t start = node.Int("start", 0);
  std::int64_t end = node.Int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<std::int64_t>(start, 0, rank);
  end = std::clamp<std::int64_t>(end, 0, rank);
  ConstTensor out;
  out.type = DataType::kInt64;
  for (std::int64_t i = start; i < end; ++i) out.ints.push_back(Dim(shape, i));
  out.shape = {static_cast<std::int64_t>(out.ints.size())};
  return out;
}

std::optional<ConstTensor> FoldStructural(const NodeInfo& node,
                                          const std::vector<const ConstTensor*>& in) {
  const std::string& op = node.op_type;
  if (op == "Gather") return Gather(node, in);
  if (op == "Concat") return Concat(node, in);
  if (op == "Slice") return Slice(node, in);
  if (op == "Cast") return Cast(node, Input(in, 0));
  if (op == "Identity" || op == "Dropout") return Input(in, 0);
  if (op == "Unsqueeze" || op == "Squeeze") {
    const ConstTensor& x = Input(in, 0);
    std::vector<std::int64_t> axes;
    bool has_axes = false;
    if (node.opset < 13) {
      axes = node.Ints("axes", {});
      has_axes = node.HasAttribute("axes");
    } else if (in.size() > 1 && in[1] != nullptr) {
      axes = in[1]->ints;
      has_axes = true;
    }
    return WithShape(x, op == "Unsqueeze" ? UnsqueezeShape(x.shape, axes)
                                          : SqueezeShape(x.shape, axes, has_axes));
  }
  if (op == "Reshape") {
    const ConstTensor& x = Input(in, 0);
    const std::vector<std::int64_t> target =
        node.opset < 5 ? node.Ints("shape", {}) : Input(in, 1).ints;
    return WithShape(x, ReshapeTarget(x.shape, target, node.Int("allowzero", 0) != 0, 0));
  }
  if (op == "Flatten") {
    const ConstTensor& x = Input(in, 0);
    const std::int64_t rank = Rank(x.shape);
    std::int64_t axis = node.Int("axis", 1);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank) throw InputError("Flatten axis out of range");
    const auto split = static_cast<std::ptrdiff_t>(axis);
    return WithShape(x, {ElementCount(Shape(x.shape.begin(), x.shape.begin() + split)),
                         ElementCount(Shape(x.shape.begin() + split, x.shape.end()))});
  }
  if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && in.size() == 2 &&
      in[0] != nullptr && in[1] != nullptr && in[0]->type == DataType::kInt64 &&
      in[1]->type == DataType::kInt64) {
    return IntArithmetic(node, *in[0], *in[1]);
  }
  return std::nullopt;
}

}  // namespace rampart::robustness::internal
