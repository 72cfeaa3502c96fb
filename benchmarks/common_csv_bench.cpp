// CSV reading throughput (bytes/s): the reader feeds audits and compliance scans of large files.
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include <rampart/common/csv_reader.h>

namespace {

std::string MakeCsv(int rows) {
  std::string text = "id,name,email,note,amount\n";
  for (int i = 0; i < rows; ++i) {
    text += std::to_string(i) + ",Person " + std::to_string(i) + ",p" + std::to_string(i) +
            "@example.org,\"said \"\"hello\"\", then left\"," + std::to_string(i * 3.25) + "\n";
  }
  return text;
}

void BM_CsvReader(benchmark::State& state) {
  const std::string text = MakeCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::istringstream in(text);
    rampart::CsvReader reader(in);
    rampart::CsvRow row;
    std::size_t fields = 0;
    while (reader.ReadRow(row)) fields += row.fields.size();
    benchmark::DoNotOptimize(fields);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_CsvReader)->Arg(100000);

}  // namespace
