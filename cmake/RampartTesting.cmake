include(GoogleTest)
# rampart_add_test(NAME name SOURCES ... LIBS ... LABELS ... [TIMEOUT seconds])
# A GoogleTest executable whose tests are discovered into CTest with the given labels
# (unit, integration, statistical, cli).
function(rampart_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE RAMPART_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
  rampart_set_warnings(${ARG_NAME})
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
