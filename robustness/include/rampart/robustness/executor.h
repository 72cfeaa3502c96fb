// Runs an OnnxModel on batches in float32 and differentiates it in reverse mode.
//
//   rampart::robustness::Executor executor(model);              // all cores
//   Batch logits = executor.Logits(inputs);                      // one sample per row
//   LossGradient g = executor.Gradient(inputs, labels, Loss::kCrossEntropy);
//   // g.gradient(i, j) = d loss_i / d input(i, j)
//
// Buffers are planned once per batch size and reused across calls; a batch is split into chunks
// run in parallel on threads the executor starts once and keeps. An Executor is not
// thread-safe: use one per thread (they can share the model).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <Eigen/Core>

#include <rampart/robustness/loss.h>
#include <rampart/robustness/onnx_model.h>
#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

struct ExecutorOptions {
  int threads = 0;  // 0: std::thread::hardware_concurrency()
};

struct LossGradient {
  Eigen::VectorXf loss;  // per sample
  Batch gradient;        // d loss_i / d input_i, one sample per row
  Batch logits;          // the logits the loss was taken on
};

class Executor {
 public:
  explicit Executor(OnnxModel model, ExecutorOptions options = {});
  ~Executor();
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;

  [[nodiscard]] const OnnxModel& model() const;

  // The model's output (probabilities for a model ending in Softmax), one sample per row.
  // Throws InvalidArgumentError when the columns differ from model().input_size().
  [[nodiscard]] Batch Forward(const Eigen::Ref<const Batch>& inputs);
  // The scores losses are taken on: the output, or the input of a final Softmax.
  [[nodiscard]] Batch Logits(const Eigen::Ref<const Batch>& inputs);
  // Arg-max class per sample.
  [[nodiscard]] std::vector<std::int64_t> Predict(const Eigen::Ref<const Batch>& inputs);
  // Vector-Jacobian product: row i is d <output_grad_i, Forward(x)_i> / d x_i.
  [[nodiscard]] Batch Vjp(const Eigen::Ref<const Batch>& inputs,
                          const Eigen::Ref<const Batch>& output_grad);
  // Per-sample loss on the logits and its input gradient.
  [[nodiscard]] LossGradient Gradient(const Eigen::Ref<const Batch>& inputs,
                                      std::span<const std::int64_t> labels, Loss loss);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::robustness
