// The operator interface of the runtime (private to rampart::robustness).
//
// An ONNX op is a class deriving from Op, a registration in registry.cpp and a test. The loader
// builds one Op per node from its attributes and constant inputs (NodeInfo), asks it for output
// shapes once (with the batch dimension symbolic, kSymbolicBatch) and then calls Forward/Backward
// on concrete buffers. Kernels never throw: everything they rely on is checked in the factory or
// in InferShapes, which throw rampart::Error (the loader prefixes the node name and op type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <rampart/robustness/tensor.h>

namespace rampart::robustness::internal {

// Stands for the batch size in shapes and in integer constants derived from them (Shape ->
// Gather -> Concat -> Reshape): a value no valid ONNX dimension or shape entry can take.
inline constexpr std::int64_t kSymbolicBatch = std::numeric_limits<std::int64_t>::min() + 12345;

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;

enum class DataType { kFloat, kInt64 };

// A tensor known at load time (initializer, Constant node or folded subgraph). Doubles from the
// file are narrowed to float; int32 widened to int64.
struct ConstTensor {
  DataType type = DataType::kFloat;
  Shape shape;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;

  [[nodiscard]] std::int64_t size() const {
    return static_cast<std::int64_t>(type == DataType::kFloat ? floats.size() : ints.size());
  }
};

struct Attribute {
  enum class Kind { kInt, kFloat, kString, kInts, kFloats, kTensor, kOther };
  Kind kind = Kind::kOther;
  std::int64_t i = 0;
  float f = 0.0F;
  std::string s;
  std::vector<std::int64_t> ints;
  std::vector<float> floats;
  std::shared_ptr<const ConstTensor> tensor;
};

// What a factory sees of a node.
class NodeInfo {
 public:
  std::string name;
  std::string op_type;
  int opset = 0;
  std::map<std::string, Attribute, std::less<>> attributes;
  // One entry per declared input: the constant when it is known at load time, else nullptr.
  std::vector<const ConstTensor*> constant_inputs;
  std::vector<bool> input_present;  // false for an omitted optional input ("")
  // The batch size fixed by the exported graph input (e.g. 1), 0 when symbolic.
  std::int64_t static_batch = 0;

  [[nodiscard]] bool HasAttribute(const std::string& key) const;
  [[nodiscard]] std::int64_t Int(const std::string& key, std::int64_t fallback) const;
  [[nodiscard]] float Float(const std::string& key, float fallback) const;
  [[nodiscard]] std::string String(const std::string& key, const std::string& fallback) const;
  [[nodiscard]] std::vector<std::int64_t> Ints(const std::string& key,
                                               std::vector<std::int64_t> fallback) const;
  [[nodiscard]] std::size_t input_count() const { return input_present.size(); }
  [[nodiscard]] bool HasInput(std::size_t index) const {
    return index < input_present.size() && input_present[index];
  }
  // The constant input `index` as int64 values; throws when it is absent or not constant.
  [[nodiscard]] std::vector<std::int64_t> ConstantInts(std::size_t index,
                                                       const std::string& what) const;
  // The constant float input `index`; throws when it is absent or not constant.
  [[nodiscard]] const ConstTensor& ConstantFloats(std::size_t index, const std::string& what) const;
};

struct ForwardArgs {
  const std::vector<const float*>& inputs;  // nullptr for absent or integer inputs
  const std::vector<Shape>& input_shapes;   // concrete
  float* output;
  const Shape& output_shape;
  float* scratch;
};

struct BackwardArgs {
  const std::vector<const float*>& inputs;
  const std::vector<Shape>& input_shapes;
  const float* output;
  const Shape& output_shape;
  const float* output_grad;
  // Where to ADD the input gradients; nullptr where none is needed (constants, absent inputs).
  const std::vector<float*>& input_grads;
  float* scratch;
};

class Op {
 public:
  Op() = default;
  Op(const Op&) = delete;
  Op& operator=(const Op&) = delete;
  virtual ~Op() = default;

  // Output shape from input shapes (dim 0 of dynamic tensors is kSymbolicBatch, or a concrete
  // size when folding constants). Throws InputError on a shape mismatch.
  [[nodiscard]] virtual Shape InferShape(const std::vector<Shape>& inputs) const = 0;
  // Floats of scratch memory Forward and Backward need for these concrete shapes.
  [[nodiscard]] virtual std::int64_t ScratchSize(const std::vector<Shape>& /*inputs*/,
                                                 const Shape& /*output*/) const {
    return 0;
  }
  virtual void Forward(const ForwardArgs& args) const = 0;
  virtual void Backward(const BackwardArgs& args) const = 0;
  // Ops that only move data (Identity, Reshape...) run in Forward and need no saved activations.
};

using OpFactory = std::function<std::unique_ptr<Op>(const NodeInfo&)>;

// The factory for an ONNX op type, or nullptr when rampart does not support it.
[[nodiscard]] const OpFactory* FindOp(const std::string& op_type);
// Op types with a registered kernel, sorted (for documentation and error messages).
[[nodiscard]] std::vector<std::string> SupportedOps();

// Shape helpers shared by the ops.
[[nodiscard]] inline bool IsBatch(std::int64_t dim) {
  return dim == kSymbolicBatch;
}
// Product of two dimensions where either may be the symbolic batch (only times 1).
[[nodiscard]] std::int64_t MultiplyDims(std::int64_t a, std::int64_t b);
// Product of dims[begin, end) with MultiplyDims.
[[nodiscard]] std::int64_t ProductOfDims(const Shape& dims, std::size_t begin, std::size_t end);
// Numpy broadcasting of two shapes; throws InputError when they do not broadcast.
[[nodiscard]] Shape BroadcastShapes(const Shape& a, const Shape& b);
// Normalizes a possibly negative axis for a tensor of `rank`; throws InputError if out of range.
[[nodiscard]] std::int64_t NormalizeAxis(std::int64_t axis, std::int64_t rank);
[[nodiscard]] std::string DimsToString(const Shape& shape);  // "[batch, 3, 8, 8]"
[[nodiscard]] inline std::int64_t Rank(const Shape& shape) {
  return static_cast<std::int64_t>(shape.size());
}
[[nodiscard]] inline std::int64_t Dim(const Shape& shape, std::int64_t i) {
  return shape[static_cast<std::size_t>(i)];
}

// Registration functions, one per op family file.
void RegisterLinearOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterElementwiseOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterSoftmaxOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterConvOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterPoolOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterNormalizationOps(std::map<std::string, OpFactory, std::less<>>& registry);
void RegisterShapeOps(std::map<std::string, OpFactory, std::less<>>& registry);

}  // namespace rampart::robustness::internal
