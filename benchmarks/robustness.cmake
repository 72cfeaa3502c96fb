rampart_add_benchmark(NAME robustness_runtime_bench SOURCES robustness_runtime_bench.cpp
                      LIBS rampart::robustness)
target_compile_definitions(robustness_runtime_bench PRIVATE
                           RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
rampart_add_benchmark(NAME robustness_pgd_bench SOURCES robustness_pgd_bench.cpp
                      LIBS rampart::robustness)
target_compile_definitions(robustness_pgd_bench PRIVATE
                           RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
