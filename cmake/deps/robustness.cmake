# Dependencies of rampart::robustness beyond cmake/deps/common.cmake (included by the build and by the
# installed package config).
