# Benchmarks of rampart::compliance (included by benchmarks/CMakeLists.txt).
rampart_add_benchmark(NAME compliance_scan_bench SOURCES compliance_scan_bench.cpp
                      LIBS rampart::compliance)

# Per-call cost of the validators the value scan runs on every candidate.
rampart_add_benchmark(NAME compliance_validators_bench SOURCES compliance_validators_bench.cpp
                      LIBS rampart::compliance)
