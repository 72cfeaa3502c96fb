rampart_add_benchmark(NAME robustness_certify_bench SOURCES robustness_certify_bench.cpp
                      LIBS rampart::robustness)
target_compile_definitions(robustness_certify_bench PRIVATE
                           RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
