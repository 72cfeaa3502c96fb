// Value-scan throughput of the compliance detector (Vectorscan for the literal-led triggers, the
// word scanner for the class-led ones, then validation of every candidate) over CSV text with
// mixed personal data, the workload of `compliance scan` on exports and of `compliance detect`
// on logs.
//
//   build/release/benchmarks/compliance_scan_bench                     # 32 MiB generated in memory
//   RAMPART_BENCH_CSV=/tmp/mixed.csv build/release/benchmarks/compliance_scan_bench
//       --benchmark_filter=File                     # (one command) stream a file, 4 MiB at a time
//
// benchmarks/compare/compliance_scan_1gb.sh generates a 1 GB file with
// compliance_regex_baseline.py --generate, runs BM_ValueScanFile on it under /usr/bin/time -v and
// the Python `re` baseline (Presidio-style pattern recognizers) on a slice, and prints the table.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <rampart/compliance/detectors.h>

#include "compliance_bench_data.h"

namespace {

using rampart::compliance::Detection;
using rampart::compliance::ValueDetector;

using rampart::compliance::bench::LuhnComplete;

// The same row layout as compliance_regex_baseline.py --generate (a different random stream).
std::string GenerateCsv(std::size_t bytes) {
  std::mt19937_64 rng(42);
  auto num = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  static const char* kFirst[] = {"anna", "lukas", "marie", "jonas", "sofia", "liam", "emma"};
  static const char* kNotes[] = {
      "delivered to the neighbour, all fine", "customer asked for a call back tomorrow",
      "left at the front door as agreed", "no answer, will try again on monday"};
  std::string out = "id,name,email,phone,iban,card,ip,device,lat_long,amount,created_at,note\n";
  out.reserve(bytes + 512);
  for (long id = 1; out.size() < bytes; ++id) {
    std::string card = "4";
    for (int i = 0; i < 14; ++i) card.push_back(static_cast<char>('0' + num(0, 9)));
    const char* first = kFirst[num(0, 6)];
    out += std::to_string(id) + ',' + first + " Example," + first + '.' + std::to_string(id) +
           "@example.org,+49 30 " + std::to_string(num(1000000, 9999999)) +
           ",DE89370400440532013000," + LuhnComplete(card) + ',' + std::to_string(num(11, 223)) +
           '.' + std::to_string(num(0, 255)) + '.' + std::to_string(num(0, 255)) + '.' +
           std::to_string(num(1, 254)) + ",6fa459ea-ee8a-4ca4-894e-db77e160355e,\"52." +
           std::to_string(num(100000, 999999)) + ", 13." + std::to_string(num(100000, 999999)) +
           "\"," + std::to_string(num(1, 999)) + '.' + std::to_string(num(10, 99)) +
           ",2026-03-14T10:11:12Z," + kNotes[num(0, 3)] + '\n';
  }
  return out;
}

// Scans in chunks cut at line ends, as a streaming reader would.
std::size_t ScanChunks(ValueDetector& detector, std::string_view text, std::size_t chunk,
                       std::vector<Detection>& found) {
  std::size_t detections = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + chunk);
    if (end < text.size()) {
      const std::size_t newline = text.rfind('\n', end);
      if (newline != std::string_view::npos && newline > start) end = newline + 1;
    }
    detector.Detect(text.substr(start, end - start), found);
    detections += found.size();
    start = end;
  }
  return detections;
}

void BM_ValueScanMemory(benchmark::State& state) {
  const std::string csv = GenerateCsv(static_cast<std::size_t>(state.range(0)) << 20);
  ValueDetector detector;
  std::vector<Detection> found;
  std::size_t detections = 0;
  for (auto _ : state) {
    detections = ScanChunks(detector, csv, 1 << 20, found);
    benchmark::DoNotOptimize(detections);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(csv.size()));
  state.counters["detections"] = static_cast<double>(detections);
  state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(csv.size()) / 1e6,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ValueScanMemory)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();

// Streams RAMPART_BENCH_CSV in 4 MiB blocks cut at line ends: memory stays bounded by the block
// whatever the file size. The partial last line of a block (always shorter than a block: it
// follows the block's last line end, or the block has none and is scanned whole) moves to the
// front of the buffer and the next read appends to it.
void BM_ValueScanFile(benchmark::State& state) {
  const char* path = std::getenv("RAMPART_BENCH_CSV");
  if (path == nullptr) {
    state.SkipWithError("set RAMPART_BENCH_CSV to a CSV file");
    return;
  }
  ValueDetector detector;
  std::vector<Detection> found;
  constexpr std::size_t kBlock = std::size_t{4} << 20;
  std::vector<char> buffer(2 * kBlock);
  std::size_t bytes = 0;
  std::size_t detections = 0;
  for (auto _ : state) {
    std::FILE* file = std::fopen(path, "rb");
    if (file == nullptr) {
      state.SkipWithError("cannot open RAMPART_BENCH_CSV");
      return;
    }
    bytes = 0;
    detections = 0;
    std::size_t carry = 0;
    while (true) {
      const std::size_t got = std::fread(buffer.data() + carry, 1, kBlock, file);
      bytes += got;
      const std::size_t filled = carry + got;
      if (got == 0) {  // the last line had no line end
        detector.Detect(std::string_view(buffer.data(), filled), found);
        detections += found.size();
        break;
      }
      const std::string_view block(buffer.data(), filled);
      const std::size_t newline = block.rfind('\n');
      const std::size_t cut = newline == std::string_view::npos ? filled : newline + 1;
      detector.Detect(block.substr(0, cut), found);
      detections += found.size();
      carry = filled - cut;
      std::memmove(buffer.data(), buffer.data() + cut, carry);
    }
    std::fclose(file);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["detections"] = static_cast<double>(detections);
  state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ValueScanFile)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
