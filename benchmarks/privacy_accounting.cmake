# Privacy accounting benchmarks (issue 4). Included by benchmarks/CMakeLists.txt once
# `privacy_accounting` is in its module list.
rampart_add_benchmark(NAME privacy_accounting_bench SOURCES privacy_accounting_bench.cpp
                      LIBS rampart::privacy)
