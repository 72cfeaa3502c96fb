# Every find_package of the project. Library dependencies live in cmake/deps/<module>.cmake, which
# the installed package config includes too (static libraries carry their private dependencies);
# tools only the build needs are found here. All come from Debian packages installed by
# scripts/install-deps.sh; see ../shared/DEPENDENCIES.md for the pitfalls.
include(${CMAKE_CURRENT_LIST_DIR}/deps/common.cmake)
file(GLOB rampart_dependency_files ${CMAKE_CURRENT_LIST_DIR}/deps/*.cmake)
foreach(file ${rampart_dependency_files})
  include(${file})
endforeach()
find_package(CLI11 2.1 REQUIRED)

if(RAMPART_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
  find_package(pugixml REQUIRED)
  find_package(valijson REQUIRED)
endif()
if(RAMPART_BUILD_BENCHMARKS)
  find_package(benchmark 1.7 REQUIRED)
endif()
