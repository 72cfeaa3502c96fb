# Every find_package of the project lives here, so that the build and the installed package
# config (rampartConfig.cmake.in) agree on what rampart depends on. All come from Debian
# packages installed by scripts/install-deps.sh; see ../shared/DEPENDENCIES.md for the pitfalls.
find_package(Threads REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# CONFIG: FindBoost is removed by CMP0167 in newer CMake; Boost.Math is header-only (Boost::headers).
find_package(Boost 1.74 CONFIG REQUIRED COMPONENTS random)
find_package(CLI11 2.1 REQUIRED)

if(RAMPART_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
  find_package(pugixml REQUIRED)
  find_package(valijson REQUIRED)
endif()
if(RAMPART_BUILD_BENCHMARKS)
  find_package(benchmark 1.7 REQUIRED)
endif()
