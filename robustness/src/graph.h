// The runtime's graph (private): ops in topological order over numbered values, with constants
// (weights and folded tensors) kept aside. Value 0 is the graph input; shapes are symbolic in the
// batch (dim 0 is kSymbolicBatch for every runtime value).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ops/op.h"

namespace rampart::robustness::internal {

struct InputRef {
  enum class Kind { kAbsent, kValue, kConstant };
  Kind kind = Kind::kAbsent;
  std::size_t index = 0;
};

struct Node {
  std::string name;
  std::string op_type;
  std::unique_ptr<Op> op;
  std::vector<InputRef> inputs;
  std::size_t output = 0;  // value index
};

struct Graph {
  std::string source;
  int opset = 0;
  Shape sample_shape;  // input shape without the batch dimension
  std::vector<std::shared_ptr<const ConstTensor>> constants;
  std::vector<Shape> value_shapes;  // symbolic
  std::vector<std::string> value_names;
  std::vector<Node> nodes;
  std::size_t output_value = 0;
  // Where losses are taken: the output, or the input of a final Softmax.
  std::size_t logits_value = 0;
  std::size_t logits_node_count = 0;  // nodes to run to reach logits_value
  bool ends_in_softmax = false;
  std::int64_t output_size = 0;
};

}  // namespace rampart::robustness::internal
