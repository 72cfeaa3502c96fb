# Benchmarks of rampart::compliance (included by benchmarks/CMakeLists.txt).
rampart_add_benchmark(NAME compliance_scan_bench SOURCES compliance_scan_bench.cpp
                      LIBS rampart::compliance)
