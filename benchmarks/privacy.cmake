# Benchmarks of rampart::privacy (included by benchmarks/CMakeLists.txt).
rampart_add_benchmark(NAME privacy_noise_bench SOURCES privacy_noise_bench.cpp
                      LIBS rampart::privacy)
