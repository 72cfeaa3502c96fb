# Installs the libraries, headers, the rampart executable and a CMake package so that an outside
# project can do find_package(rampart CONFIG REQUIRED) and link rampart::privacy (see examples/consumer).
include(CMakePackageConfigHelpers)
get_property(rampart_libraries GLOBAL PROPERTY RAMPART_LIBRARIES)
install(TARGETS ${rampart_libraries} rampart EXPORT rampartTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(rampart_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/rampart)
install(EXPORT rampartTargets NAMESPACE rampart:: DESTINATION ${rampart_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rampartConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/rampartConfig.cmake INSTALL_DESTINATION ${rampart_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rampartConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/cmake/deps DESTINATION ${rampart_cmake_dir})
install(FILES ${PROJECT_BINARY_DIR}/rampartConfig.cmake ${PROJECT_BINARY_DIR}/rampartConfigVersion.cmake
        DESTINATION ${rampart_cmake_dir})
