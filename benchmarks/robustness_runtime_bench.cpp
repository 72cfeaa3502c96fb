// Throughput of the ONNX runtime (samples/s) on the fixture MLP (64-64-32-10) and small CNN
// (two 3x3 convolutions + max pooling + Gemm on 1x8x8 inputs): forward, and forward + input
// gradient of the cross-entropy, at batch sizes 1, 32 and 256 with 1 and 2 threads.
// Compare with benchmarks/compare/torch_runtime.py (PyTorch eager, same weights).
//
//   build/release/benchmarks/robustness_runtime_bench --benchmark_min_time=0.5
//
// The label of each result names the kernels that ran ("avx2": AVX2 + FMA, picked at run time
// when the CPU has them; "generic": the build's baseline ISA). RAMPART_BENCH_KERNELS=generic in
// the environment forces the baseline kernels, to measure what a CPU without AVX2 gets.
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/robustness/executor.h>
#include <rampart/robustness/npy.h>

#include "ops/kernels.h"

namespace {

using rampart::robustness::Batch;
using rampart::robustness::Executor;
using rampart::robustness::Loss;
using rampart::robustness::NpyArray;
using rampart::robustness::OnnxModel;
using rampart::robustness::ReadNpy;

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

// Applies RAMPART_BENCH_KERNELS once and names the kernels in use.
std::string KernelLabel() {
  static const bool applied = [] {
    const char* requested = std::getenv("RAMPART_BENCH_KERNELS");  // NOLINT(concurrency-mt-unsafe)
    if (requested != nullptr && std::string(requested) == "generic") {
      (void)rampart::robustness::internal::SetKernelIsa(
          rampart::robustness::internal::KernelIsa::kGeneric);
    }
    return true;
  }();
  (void)applied;
  return rampart::robustness::internal::ActiveKernelIsa() ==
                 rampart::robustness::internal::KernelIsa::kAvx2
             ? "avx2"
             : "generic";
}

void Run(benchmark::State& state, const std::string& name, bool gradient) {
  const auto batch = static_cast<Eigen::Index>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  state.SetLabel(KernelLabel());
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = threads});
  // Inputs from the data the models were trained on (tiled), so that activations and gradients
  // have realistic magnitudes: far out-of-distribution inputs saturate the softmax and make
  // gradients subnormal, which is slow on every CPU and would not measure the runtime.
  const NpyArray demo = ReadNpy(kDir + "demo_x.npy");
  const std::int64_t d = executor.model().input_size();
  const std::int64_t available = static_cast<std::int64_t>(demo.values.size()) / d;
  Batch x(batch, d);
  for (Eigen::Index r = 0; r < batch; ++r) {
    for (Eigen::Index c = 0; c < d; ++c) {
      x(r, c) = static_cast<float>(demo.values[static_cast<std::size_t>((r % available) * d + c)]);
    }
  }
  std::vector<std::int64_t> labels(static_cast<std::size_t>(batch));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 10);
  for (auto _ : state) {
    if (gradient) {
      benchmark::DoNotOptimize(executor.Gradient(x, labels, Loss::kCrossEntropy));
    } else {
      benchmark::DoNotOptimize(executor.Forward(x));
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void Args(benchmark::internal::Benchmark* b) {
  for (const int threads : {1, 2}) {
    for (const int batch : {1, 32, 256}) b->Args({batch, threads});
  }
  // Process CPU time (all threads), as torch_runtime.py measures it: on a loaded machine
  // samples per CPU-second is the fair comparison, wall time is not.
  b->ArgNames({"batch", "threads"})->UseRealTime()->MeasureProcessCPUTime();
}

void BM_MlpForward(benchmark::State& state) {
  Run(state, "mlp", false);
}
void BM_MlpGradient(benchmark::State& state) {
  Run(state, "mlp", true);
}
void BM_CnnForward(benchmark::State& state) {
  Run(state, "cnn", false);
}
void BM_CnnGradient(benchmark::State& state) {
  Run(state, "cnn", true);
}
BENCHMARK(BM_MlpForward)->Apply(Args);
BENCHMARK(BM_MlpGradient)->Apply(Args);
BENCHMARK(BM_CnnForward)->Apply(Args);
BENCHMARK(BM_CnnGradient)->Apply(Args);

}  // namespace
