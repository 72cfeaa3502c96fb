// Accountant speed on DP-SGD (Poisson rate q = 0.01, noise multiplier 1.1, delta = 1e-5) at
// 1 000, 10 000 and 100 000 steps, with the epsilon each reports; and the PLD's convergence over
// its discretization at 10 000 steps (the "epsilon" counter; docs/adr/0101).
// Targets (issue 4): RDP under 1 ms; PLD under 50 ms at 10 000 steps within 0.5 % of the
// converged epsilon. "peak_rss_mb" is the process's peak resident memory so far.
#include <cstdint>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <rampart/privacy/accounting/advanced.h>
#include <rampart/privacy/accounting/basic.h>
#include <rampart/privacy/accounting/pld.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/accounting/zcdp.h>
#include <rampart/privacy/events.h>

namespace {

using rampart::privacy::PrivacyEvent;

PrivacyEvent DpSgd(std::int64_t steps) {
  return PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01), steps);
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

template <typename Accountant>
void Account(benchmark::State& state, const Accountant& accountant) {
  const PrivacyEvent event = DpSgd(state.range(0));
  double epsilon = 0.0;
  for (auto _ : state) {
    epsilon = accountant.EpsilonFor(event, 1e-5).epsilon;
    benchmark::DoNotOptimize(epsilon);
  }
  state.counters["epsilon"] = epsilon;
  state.counters["peak_rss_mb"] = PeakRssMb();
}

void BM_Rdp(benchmark::State& state) {
  Account(state, rampart::privacy::RdpAccountant());
}
void BM_Pld(benchmark::State& state) {
  Account(state, rampart::privacy::PldAccountant());
}
void BM_Zcdp(benchmark::State& state) {
  Account(state, rampart::privacy::ZcdpAccountant());
}
void BM_Basic(benchmark::State& state) {
  Account(state, rampart::privacy::BasicAccountant());
}
void BM_Advanced(benchmark::State& state) {
  Account(state, rampart::privacy::AdvancedAccountant());
}

// Discretization h = 1e-5 * range(0), 10 000 steps, connect-the-dots.
void BM_PldConvergence(benchmark::State& state) {
  const rampart::privacy::PldAccountant pld(
      {.discretization = 1e-5 * static_cast<double>(state.range(0))});
  const PrivacyEvent event = DpSgd(10000);
  double epsilon = 0.0;
  for (auto _ : state) {
    epsilon = pld.EpsilonFor(event, 1e-5).epsilon;
    benchmark::DoNotOptimize(epsilon);
  }
  state.counters["h"] = 1e-5 * static_cast<double>(state.range(0));
  state.counters["epsilon"] = epsilon;
  state.counters["peak_rss_mb"] = PeakRssMb();
}

}  // namespace

BENCHMARK(BM_Rdp)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pld)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Zcdp)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Basic)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Advanced)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PldConvergence)
    ->Arg(400)
    ->Arg(200)
    ->Arg(100)
    ->Arg(50)
    ->Arg(25)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond);
