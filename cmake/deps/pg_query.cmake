# libpg_query (Debian libpg-query-dev: the PostgreSQL 15 parser as a library), used by DP SQL
# (privacy) and the DDL reader (compliance). Debian ships only libpg_query.{a,so} and pg_query.h
# (no .pc, no CMake config), so it is found by hand and wrapped in an IMPORTED target. Included by
# the build and by the installed package config, hence the guard.
find_library(RAMPART_PG_QUERY_LIBRARY NAMES pg_query REQUIRED)
find_path(RAMPART_PG_QUERY_INCLUDE_DIR NAMES pg_query.h REQUIRED)
if(NOT TARGET rampart_deps::pg_query)
  add_library(rampart_deps::pg_query UNKNOWN IMPORTED)
  set_target_properties(rampart_deps::pg_query PROPERTIES
    IMPORTED_LOCATION "${RAMPART_PG_QUERY_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${RAMPART_PG_QUERY_INCLUDE_DIR}")
endif()
