// Throughput of the privacy noise core: raw secure random bytes per second for each SecureRandom
// backend, and samples per second of every exact sampler and mechanism with SecureRandom and with
// SeededRandom, one value per call and through the batch AddNoise(span). Each sampler reports
// `bytes_per_sample`: the bytes drawn from the source (whole 64-bit words, the randomness actually
// generated, not just the bits the sampler looked at), so that
//   ratio = samples/s * bytes_per_sample / raw bytes/s
// is the fraction of the raw-randomness limit the sampler reaches.
//
//   cmake --preset release && cmake --build --preset release -j2 --target privacy_noise_bench
//   build/release/benchmarks/privacy_noise_bench --benchmark_min_time=0.5
#include <cstdint>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/privacy/discrete_gaussian.h>
#include <rampart/privacy/discrete_laplace.h>
#include <rampart/privacy/gaussian.h>
#include <rampart/privacy/laplace.h>
#include <rampart/privacy/random.h>
#include <rampart/privacy/samplers.h>

namespace {

using rampart::privacy::RandomBits;
using rampart::privacy::SecureRandom;
using rampart::privacy::SecureRandomBackend;
using rampart::privacy::SeededRandom;

void BM_SecureRandomBytes(benchmark::State& state) {
  SecureRandom source(static_cast<SecureRandomBackend>(state.range(0)));
  std::uint64_t sink = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) sink ^= source();
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 1024 * 8);
  state.SetLabel(state.range(0) == 0   ? "aes-256-ctr"
                 : state.range(0) == 1 ? "chacha20"
                                       : "RAND_bytes");
}
BENCHMARK(BM_SecureRandomBytes)
    ->Arg(static_cast<int>(SecureRandomBackend::kAes256CtrKeystream))
    ->Arg(static_cast<int>(SecureRandomBackend::kChaCha20Keystream))
    ->Arg(static_cast<int>(SecureRandomBackend::kRandBytes));

void BM_SeededRandomBytes(benchmark::State& state) {
  SeededRandom source(1);
  std::uint64_t sink = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) sink ^= source();
  }
  benchmark::DoNotOptimize(sink);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 1024 * 8);
}
BENCHMARK(BM_SeededRandomBytes);

template <class Source>
Source MakeSource() {
  if constexpr (std::is_same_v<Source, SeededRandom>) {
    return SeededRandom(42);
  } else {
    return SecureRandom();
  }
}

// Runs `sample(bits)` per iteration and reports items/s and random bytes per sample.
template <class Source, class F>
void RunSampler(benchmark::State& state, F sample) {
  Source source = MakeSource<Source>();
  RandomBits bits(source);
  for (auto _ : state) benchmark::DoNotOptimize(sample(bits));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  // Bytes drawn from the source (whole words, the randomness actually paid for).
  state.counters["bytes_per_sample"] =
      static_cast<double>(bits.bytes_drawn()) / static_cast<double>(state.iterations());
}

template <class Source>
void BM_Bernoulli(benchmark::State& state) {
  RunSampler<Source>(state,
                     [](auto& bits) { return rampart::privacy::SampleBernoulli(bits, 1, 3); });
}
template <class Source>
void BM_BernoulliExpMinusOne(benchmark::State& state) {
  RunSampler<Source>(
      state, [](auto& bits) { return rampart::privacy::SampleBernoulliExpNeg(bits, 1, 1); });
}
template <class Source>
void BM_Geometric(benchmark::State& state) {
  RunSampler<Source>(state, [](auto& bits) {
    return rampart::privacy::SampleGeometricExp(bits, 1, std::uint64_t{1} << 20);
  });
}
template <class Source>
void BM_DiscreteLaplaceSampler(benchmark::State& state) {
  RunSampler<Source>(state, [](auto& bits) {
    return rampart::privacy::SampleDiscreteLaplace(bits, 1, std::uint64_t{1} << 40);
  });
}
// The precomputed table sampler the mechanisms use, at the Laplace mechanism's scale.
template <class Source>
void BM_DiscreteLaplaceTableSampler(benchmark::State& state) {
  const rampart::privacy::DiscreteLaplaceSampler sampler(1, std::uint64_t{1} << 40);
  RunSampler<Source>(state, [&sampler](auto& bits) { return sampler.Sample(bits); });
}
template <class Source>
void BM_DiscreteGaussianSampler(benchmark::State& state) {
  const auto p = rampart::privacy::DiscreteGaussianParameters::FromSigma(10000.0);
  RunSampler<Source>(
      state, [&p](auto& bits) { return rampart::privacy::SampleDiscreteGaussian(bits, p); });
}
template <class Source>
void BM_LaplaceMechanism(benchmark::State& state) {
  const auto m =
      rampart::privacy::LaplaceMechanism::Builder().SetEpsilon(1.0).SetSensitivity(1.0).Build();
  double value = 0.0;
  RunSampler<Source>(state, [&](auto& bits) { return m.AddNoise(value += 0.5, bits); });
}
template <class Source>
void BM_GaussianMechanism(benchmark::State& state) {
  const auto m = rampart::privacy::GaussianMechanism::Builder()
                     .SetEpsilon(1.0)
                     .SetDelta(1e-5)
                     .SetSensitivity(1.0)
                     .Build();
  double value = 0.0;
  RunSampler<Source>(state, [&](auto& bits) { return m.AddNoise(value += 0.5, bits); });
}
template <class Source>
void BM_DiscreteLaplaceMechanism(benchmark::State& state) {
  const auto m = rampart::privacy::DiscreteLaplaceMechanism::Builder()
                     .SetEpsilon(1.0)
                     .SetSensitivity(1)
                     .Build();
  std::int64_t value = 0;
  RunSampler<Source>(state, [&](auto& bits) { return m.AddNoise(++value, bits); });
}
template <class Source>
void BM_DiscreteGaussianMechanism(benchmark::State& state) {
  const auto m = rampart::privacy::DiscreteGaussianMechanism::Builder()
                     .SetEpsilon(1.0)
                     .SetDelta(1e-5)
                     .SetSensitivity(1)
                     .Build();
  std::int64_t value = 0;
  RunSampler<Source>(state, [&](auto& bits) { return m.AddNoise(++value, bits); });
}

// The batch path: AddNoise(span) over 1024 values per iteration; items = values.
template <class Source, class Mechanism>
void RunBatch(benchmark::State& state, const Mechanism& m) {
  Source source = MakeSource<Source>();
  RandomBits bits(source);
  std::vector<double> values(1024);
  for (auto _ : state) {
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5 * static_cast<double>(i);
    m.AddNoise(std::span<double>(values), bits);
    benchmark::DoNotOptimize(values.data());
  }
  const auto items = static_cast<std::int64_t>(state.iterations()) * 1024;
  state.SetItemsProcessed(items);
  state.counters["bytes_per_sample"] =
      static_cast<double>(bits.bytes_drawn()) / static_cast<double>(items);
}
template <class Source>
void BM_LaplaceMechanismBatch(benchmark::State& state) {
  RunBatch<Source>(
      state,
      rampart::privacy::LaplaceMechanism::Builder().SetEpsilon(1.0).SetSensitivity(1.0).Build());
}
template <class Source>
void BM_GaussianMechanismBatch(benchmark::State& state) {
  RunBatch<Source>(state, rampart::privacy::GaussianMechanism::Builder()
                              .SetEpsilon(1.0)
                              .SetDelta(1e-5)
                              .SetSensitivity(1.0)
                              .Build());
}

#define RAMPART_BOTH_SOURCES(name)        \
  BENCHMARK_TEMPLATE(name, SecureRandom); \
  BENCHMARK_TEMPLATE(name, SeededRandom)

RAMPART_BOTH_SOURCES(BM_Bernoulli);
RAMPART_BOTH_SOURCES(BM_BernoulliExpMinusOne);
RAMPART_BOTH_SOURCES(BM_Geometric);
RAMPART_BOTH_SOURCES(BM_DiscreteLaplaceSampler);
RAMPART_BOTH_SOURCES(BM_DiscreteLaplaceTableSampler);
RAMPART_BOTH_SOURCES(BM_DiscreteGaussianSampler);
RAMPART_BOTH_SOURCES(BM_LaplaceMechanism);
RAMPART_BOTH_SOURCES(BM_GaussianMechanism);
RAMPART_BOTH_SOURCES(BM_DiscreteLaplaceMechanism);
RAMPART_BOTH_SOURCES(BM_DiscreteGaussianMechanism);
RAMPART_BOTH_SOURCES(BM_LaplaceMechanismBatch);
RAMPART_BOTH_SOURCES(BM_GaussianMechanismBatch);

}  // namespace
