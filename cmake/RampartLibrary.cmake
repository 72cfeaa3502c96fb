# rampart_add_library(NAME module SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
# One call per module: builds rampart_<module>, aliases it as rampart::<module>, exports it
# under that name and installs its public headers from <module>/include.
function(rampart_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target rampart_${ARG_NAME})
  add_library(${target} ${ARG_SOURCES})
  add_library(rampart::${ARG_NAME} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${ARG_NAME} OUTPUT_NAME rampart_${ARG_NAME}
                                             VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  rampart_set_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY RAMPART_LIBRARIES ${target})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
