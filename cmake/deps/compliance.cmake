# Dependencies of rampart::compliance beyond cmake/deps/common.cmake and pg_query.cmake (included by
# the build and by the installed package config). libphonenumber ships no CMake config or .pc file on
# Debian 12, so they get IMPORTED targets of their own (guarded: this file is included twice when a
# consumer's find_package runs after the build tree defined them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)  # Vectorscan (or Hyperscan): #include <hs.h>
find_package(SQLite3 REQUIRED)                       # SQLite::SQLite3, for SQLite DDL

find_library(RAMPART_PHONENUMBER_LIBRARY NAMES phonenumber REQUIRED)
find_path(RAMPART_PHONENUMBER_INCLUDE_DIR NAMES phonenumbers/phonenumberutil.h REQUIRED)
if(NOT TARGET rampart_deps::phonenumber)
  add_library(rampart_deps::phonenumber UNKNOWN IMPORTED)
  set_target_properties(rampart_deps::phonenumber PROPERTIES
    IMPORTED_LOCATION "${RAMPART_PHONENUMBER_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${RAMPART_PHONENUMBER_INCLUDE_DIR}")
endif()

# yaml-cpp for the policy file (Debian 0.7 exports the un-namespaced target `yaml-cpp`).
find_package(yaml-cpp 0.7 REQUIRED)
