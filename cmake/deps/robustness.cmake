# Dependencies of rampart::robustness beyond cmake/deps/common.cmake (included by the build and by the
# installed package config).
# ONNX's config does not find protobuf itself: Protobuf must come first (DEPENDENCIES.md 1.3).
# Its targets (onnx_proto) are un-namespaced and define ONNX_NAMESPACE=onnx and ONNX_ML=1.
find_package(Protobuf REQUIRED)
find_package(ONNX 1.12 REQUIRED CONFIG)
