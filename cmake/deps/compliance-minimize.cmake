# Dependencies of `rampart compliance minimize` and the policy file (part of rampart::compliance):
# yaml-cpp for the policy (Debian 0.7 exports the un-namespaced target `yaml-cpp`), OpenSSL for
# HMAC-SHA-256 (already found by deps/common.cmake; repeated so this file stands alone).
find_package(yaml-cpp 0.7 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
