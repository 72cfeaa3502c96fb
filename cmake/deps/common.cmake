# Dependencies of rampart::common and of every module: included by the build (RampartDeps.cmake)
# and by the installed package config, so both agree. Modules add theirs in cmake/deps/<module>.cmake.
find_package(Threads REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# CONFIG: FindBoost is removed by CMP0167 in newer CMake; Boost.Math is header-only (Boost::headers).
find_package(Boost 1.74 CONFIG REQUIRED COMPONENTS random)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)  # libpq-dev alone is enough with CMake 3.25
