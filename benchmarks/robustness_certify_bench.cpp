// Certification throughput of randomized smoothing (model evaluations per second: noisy copies
// drawn, classified and counted) on the fixture MLP (64-64-32-10) and small CNN (two 3x3
// convolutions + max pooling + Gemm on 1x8x8 inputs), CERTIFY with n0 = 100 and n = 10000 on
// one sample per iteration, batches of 1024 and 4096 noisy copies, 1 and 2 threads.
// Compare with benchmarks/compare/robustness_certify_torch.py (the same procedure in PyTorch).
//
//   build/release/benchmarks/robustness_certify_bench --benchmark_min_time=0.5
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/robustness/executor.h>
#include <rampart/robustness/npy.h>
#include <rampart/robustness/smoothing.h>

namespace {

using rampart::robustness::Batch;
using rampart::robustness::Executor;
using rampart::robustness::NpyArray;
using rampart::robustness::OnnxModel;
using rampart::robustness::ReadNpy;
using rampart::robustness::SmoothedClassifier;

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";
constexpr std::int64_t kN0 = 100;
constexpr std::int64_t kN = 10000;

void Certify(benchmark::State& state, const std::string& name) {
  const auto batch = static_cast<std::int64_t>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = threads});
  const NpyArray demo = ReadNpy(kDir + "demo_x.npy");
  Batch x(1, executor.model().input_size());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    x(0, c) = static_cast<float>(demo.values[static_cast<std::size_t>(c)]);
  }
  SmoothedClassifier smoothed(
      executor,
      {.sigma = 0.25, .n0 = kN0, .n = kN, .batch_size = batch, .seed = 1, .threads = threads});
  std::int64_t sample = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(smoothed.Certify(x, sample++));
  }
  state.SetItemsProcessed(state.iterations() * (kN0 + kN));
}

void Args(benchmark::internal::Benchmark* b) {
  for (const int threads : {1, 2}) {
    for (const int batch : {1024, 4096}) b->Args({batch, threads});
  }
  b->ArgNames({"batch", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
}

// Logistic regression (64 -> 10): the model is nearly free, so this is the cost of drawing the
// noise, batching and counting.
BENCHMARK_CAPTURE(Certify, logreg, std::string("logreg"))->Apply(Args);
BENCHMARK_CAPTURE(Certify, mlp, std::string("mlp"))->Apply(Args);
BENCHMARK_CAPTURE(Certify, cnn, std::string("cnn"))->Apply(Args);

}  // namespace
