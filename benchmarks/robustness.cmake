rampart_add_benchmark(NAME robustness_runtime_bench SOURCES robustness_runtime_bench.cpp
                      LIBS rampart::robustness)
target_compile_definitions(robustness_runtime_bench PRIVATE
                           RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
# The benchmark can switch the runtime's private kernel dispatch (RAMPART_BENCH_KERNELS).
target_include_directories(robustness_runtime_bench PRIVATE ${PROJECT_SOURCE_DIR}/robustness/src)
rampart_add_benchmark(NAME robustness_pgd_bench SOURCES robustness_pgd_bench.cpp
                      LIBS rampart::robustness)
target_compile_definitions(robustness_pgd_bench PRIVATE
                           RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
