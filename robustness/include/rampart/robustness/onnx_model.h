// An ONNX classifier loaded for the runtime: parsed, constant shape subgraphs folded, ordered,
// shape-checked with a symbolic batch dimension, and ready to run (see executor.h).
//
//   rampart::robustness::OnnxModel model = rampart::robustness::OnnxModel::Load("mnist.onnx");
//   model.input_shape();      // {1, 28, 28}: one sample, without the batch dimension
//   model.output_size();      // 10 classes
//   model.ends_in_softmax();  // true: losses are taken on the log-probabilities
//
// Opsets 9 to 17 of the default domain. Every problem with the file (truncated, malformed, an
// unsupported op, a shape mismatch, a missing initializer, a cycle) is a rampart::Error whose
// message names the node and its op; loading never crashes on bad input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

namespace internal {
struct Graph;
}  // namespace internal

class OnnxModel {
 public:
  // Reads and prepares a model file. Throws NotFoundError/IoError when the file cannot be read,
  // InputError when it is malformed, UnsupportedError for ops or features outside the runtime.
  [[nodiscard]] static OnnxModel Load(const std::filesystem::path& path);
  // The same from the bytes of a model; `source_name` is used in error messages.
  [[nodiscard]] static OnnxModel FromBytes(std::string_view bytes,
                                           const std::string& source_name = "<memory>");

  // Shape of one sample (the graph input without its batch dimension).
  [[nodiscard]] const Shape& input_shape() const;
  [[nodiscard]] std::int64_t input_size() const;
  // Number of outputs per sample (classes).
  [[nodiscard]] std::int64_t output_size() const;
  // True when the model ends in Softmax: it outputs probabilities, and the runtime takes losses
  // and gradients on the logits before the Softmax (equivalently, on log-probabilities), since
  // probabilities saturate in float32 and mask gradients. Reports should warn about it.
  [[nodiscard]] bool ends_in_softmax() const;
  [[nodiscard]] int opset() const;
  // Floats per sample over all intermediate tensors (what the executor allocates per sample,
  // twice with gradients).
  [[nodiscard]] std::int64_t activation_size() const;
  // Nodes left to run after constant folding.
  [[nodiscard]] std::size_t node_count() const;
  [[nodiscard]] const std::string& source() const;

  [[nodiscard]] const internal::Graph& graph() const { return *graph_; }

 private:
  explicit OnnxModel(std::shared_ptr<const internal::Graph> graph) : graph_(std::move(graph)) {}
  std::shared_ptr<const internal::Graph> graph_;
};

// Op types the runtime can execute (and differentiate), sorted; the loader additionally folds
// Constant, Shape, Gather, Concat, Slice, Cast and integer arithmetic on constants.
[[nodiscard]] std::vector<std::string> SupportedOnnxOps();

}  // namespace rampart::robustness
