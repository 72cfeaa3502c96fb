// Per-call cost of the validators the value scan runs on every candidate, on inputs shaped like
// the benchmark CSV's columns (compliance_scan_bench, compliance_regex_baseline.py --generate):
// German IBANs, 16-digit Visa numbers and other long digit runs, dotted quads, UUIDs, e-mail
// addresses and "lat, long" pairs. Each benchmark cycles through 256 different inputs so that the
// branch predictor cannot learn one value; the `ns_per_call` counter is the figure to compare.
//
//   build/release/benchmarks/compliance_validators_bench
//   build/release/benchmarks/compliance_validators_bench --benchmark_filter=Iban
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/compliance/validators.h>

#include "compliance_bench_data.h"

namespace {

namespace rc = rampart::compliance;

constexpr std::size_t kInputs = 256;

using rampart::compliance::bench::LuhnComplete;

int Uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::string Digits(std::mt19937_64& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + Uniform(rng, 0, 9)));
  return out;
}

// German IBANs with valid check digits (98 - (BBAN "1314" "00") mod 97), as in the scan CSV
// which repeats one IBAN; random ones here so that the benchmark sees varied digits.
std::vector<std::string> Ibans() {
  std::mt19937_64 rng(1);
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) {
    const std::string bban = Digits(rng, 18);
    int remainder = 0;
    for (const char c : bban + "131400") remainder = (remainder * 10 + (c - '0')) % 97;
    const int check = 98 - remainder;
    out.push_back("DE" + std::to_string(check / 10) + std::to_string(check % 10) + bban);
  }
  return out;
}

std::vector<std::string> VisaNumbers() {
  std::mt19937_64 rng(2);
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) {
    std::string card = "4";
    card += Digits(rng, 14);
    out.push_back(LuhnComplete(card));
  }
  return out;
}

// Long digit runs that are not card numbers (phone numbers, order numbers): 12-16 digits,
// mostly failing Luhn.
std::vector<std::string> OtherDigitRuns() {
  std::mt19937_64 rng(3);
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) out.push_back(Digits(rng, Uniform(rng, 12, 16)));
  return out;
}

std::vector<std::string> Ipv4s() {
  std::mt19937_64 rng(4);
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) {
    out.push_back(
        std::to_string(Uniform(rng, 11, 223)) + '.' + std::to_string(Uniform(rng, 0, 255)) + '.' +
        std::to_string(Uniform(rng, 0, 255)) + '.' + std::to_string(Uniform(rng, 1, 254)));
  }
  return out;
}

std::vector<std::string> Uuids() {
  std::mt19937_64 rng(5);
  std::vector<std::string> out;
  const auto hex = [&](int count) {
    std::string s;
    for (int i = 0; i < count; ++i) s.push_back("0123456789abcdef"[Uniform(rng, 0, 15)]);
    return s;
  };
  for (std::size_t n = 0; n < kInputs; ++n) {
    out.push_back(hex(8) + '-' + hex(4) + "-4" + hex(3) + '-' + "89ab"[Uniform(rng, 0, 3)] +
                  hex(3) + '-' + hex(12));
  }
  return out;
}

std::vector<std::string> Emails() {
  std::mt19937_64 rng(6);
  static const char* kFirst[] = {"anna", "lukas", "marie", "jonas", "sofia", "liam", "emma"};
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) {
    out.push_back(std::string(kFirst[Uniform(rng, 0, 6)]) + '.' +
                  std::to_string(Uniform(rng, 1, 999999)) + "@example.org");
  }
  return out;
}

std::vector<std::string> LatLongs() {
  std::mt19937_64 rng(7);
  std::vector<std::string> out;
  for (std::size_t n = 0; n < kInputs; ++n) {
    out.push_back(std::to_string(Uniform(rng, 47, 55)) + '.' + Digits(rng, 6) + ", " +
                  std::to_string(Uniform(rng, 5, 15)) + '.' + Digits(rng, 6));
  }
  return out;
}

// Runs `validate` over all inputs per iteration; `ns_per_call` is the time of one call.
template <typename Validate>
void RunOver(benchmark::State& state, const std::vector<std::string>& inputs, Validate validate) {
  std::vector<std::string_view> views(inputs.begin(), inputs.end());
  for (auto _ : state) {
    for (const std::string_view text : views) benchmark::DoNotOptimize(validate(text));
  }
  state.counters["ns_per_call"] = benchmark::Counter(
      static_cast<double>(views.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_IbanValid(benchmark::State& state) {
  RunOver(state, Ibans(), [](std::string_view s) { return rc::IbanValid(s); });
}
void BM_CardBrandNameVisa(benchmark::State& state) {
  RunOver(state, VisaNumbers(), [](std::string_view s) { return rc::CardBrandName(s).size(); });
}
void BM_CardBrandNameOtherDigits(benchmark::State& state) {
  RunOver(state, OtherDigitRuns(), [](std::string_view s) { return rc::CardBrandName(s).size(); });
}
void BM_IpVersion(benchmark::State& state) {
  RunOver(state, Ipv4s(), [](std::string_view s) { return rc::IpVersion(s).value_or(0); });
}
void BM_UuidVersion(benchmark::State& state) {
  RunOver(state, Uuids(), [](std::string_view s) { return rc::UuidVersion(s).value_or(0); });
}
void BM_EmailValid(benchmark::State& state) {
  RunOver(state, Emails(), [](std::string_view s) { return rc::EmailValid(s); });
}
void BM_LatLongPairValid(benchmark::State& state) {
  RunOver(state, LatLongs(), [](std::string_view s) { return rc::LatLongPairValid(s); });
}

BENCHMARK(BM_IbanValid);
BENCHMARK(BM_CardBrandNameVisa);
BENCHMARK(BM_CardBrandNameOtherDigits);
BENCHMARK(BM_IpVersion);
BENCHMARK(BM_UuidVersion);
BENCHMARK(BM_EmailValid);
BENCHMARK(BM_LatLongPairValid);

}  // namespace
