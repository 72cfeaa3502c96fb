// PGD-L-inf, 40 steps, no random start, no early stop (every sample runs every step, as in
// torchattacks), over the 50-sample fixture test set (tests/testdata/robustness/demo_x.npy) on
// the fixture MLP and CNN, with 1 and 2 threads. The PyTorch side of the comparison is
// benchmarks/compare/robustness_pgd_compare.py, which also runs this binary and prints the
// table.
//
//   build/default/benchmarks/robustness_pgd_bench --benchmark_min_time=0.5
//
// Wall and CPU time per attack (the CPU column is the whole process's, pool threads included).
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/pgd.h>

namespace {

using rampart::robustness::AttackConfig;
using rampart::robustness::Dataset;
using rampart::robustness::Executor;
using rampart::robustness::LoadDataset;
using rampart::robustness::OnnxModel;

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

void PgdLinf40(benchmark::State& state, const std::string& name) {
  const auto threads = static_cast<int>(state.range(0));
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = threads});
  const Dataset data =
      LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", executor.model().input_size());
  const AttackConfig config{.epsilon = 0.15,
                            .steps = 40,
                            .step_size = 2.5 * 0.15 / 40,
                            .random_start = false,
                            .early_stop = false};
  for (auto _ : state) {
    benchmark::DoNotOptimize(rampart::robustness::Pgd(executor, data.inputs, data.labels, config));
  }
  state.counters["samples_per_second"] = benchmark::Counter(
      static_cast<double>(data.inputs.rows()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_PgdMlp(benchmark::State& state) {
  PgdLinf40(state, "mlp");
}
void BM_PgdCnn(benchmark::State& state) {
  PgdLinf40(state, "cnn");
}

// 1 and 2 threads; CPU time of the whole process (every thread), so that the 2-thread figures
// and a loaded machine can be compared by CPU time as well as by wall clock.
void ThreadsWithProcessTime(benchmark::internal::Benchmark* benchmark) {
  benchmark->Arg(1)->Arg(2)->ArgName("threads")->MeasureProcessCPUTime()->UseRealTime()->Unit(
      benchmark::kMillisecond);
}
BENCHMARK(BM_PgdMlp)->Apply(ThreadsWithProcessTime);
BENCHMARK(BM_PgdCnn)->Apply(ThreadsWithProcessTime);

}  // namespace
