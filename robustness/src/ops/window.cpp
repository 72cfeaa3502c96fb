#include "ops/window.h"

#include <algorithm>
#include <vector>

#include <rampart/common/error.h>

namespace rampart::robustness::internal {

namespace {

std::vector<std::int64_t> Pair(const NodeInfo& node, const std::string& key) {
  std::vector<std::int64_t> values = node.Ints(key, {1, 1});
  if (values.size() != 2) {
    throw UnsupportedError("'" + key + "' with " + std::to_string(values.size()) +
                           " entries (only 2-D windows are supported)");
  }
  if (values[0] < 1 || values[1] < 1) throw InputError("'" + key + "' must be positive");
  return values;
}

struct Axis {
  std::int64_t pad_begin;
  std::int64_t out;
};

Axis ResolveAxis(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                 std::int64_t pad_begin, std::int64_t pad_end, const std::string& auto_pad,
                 bool ceil_mode) {
  const std::int64_t extent = (kernel - 1) * dilation + 1;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    const std::int64_t out = (in + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * stride + extent - in);
    const std::int64_t begin = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    return {begin, out};
  }
  if (auto_pad == "VALID") {
    pad_begin = 0;
    pad_end = 0;
  }
  const std::int64_t span = in + pad_begin + pad_end - extent;
  if (span < 0) {
    throw InputError("window of extent " + std::to_string(extent) + " does not fit input size " +
                     std::to_string(in) + " with padding");
  }
  std::int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // As PyTorch and the ONNX reference: the last window must start inside the input or left pad.
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return {pad_begin, out};
}

}  // namespace

Window2d Window2d::FromNode(const NodeInfo& node, bool kernel_from_attribute) {
  Window2d window;
  if (kernel_from_attribute) {
    if (!node.HasAttribute("kernel_shape")) throw InputError("missing attribute 'kernel_shape'");
    const std::vector<std::int64_t> kernel = Pair(node, "kernel_shape");
    window.kernel_h = kernel[0];
    window.kernel_w = kernel[1];
  }
  const std::vector<std::int64_t> strides = Pair(node, "strides");
  window.stride_h = strides[0];
  window.stride_w = strides[1];
  const std::vector<std::int64_t> dilations = Pair(node, "dilations");
  window.dilation_h = dilations[0];
  window.dilation_w = dilations[1];
  const std::vector<std::int64_t> pads = node.Ints("pads", {0, 0, 0, 0});
  if (pads.size() != 4) throw UnsupportedError("'pads' must have 4 entries (2-D)");
  for (const std::int64_t p : pads) {
    if (p < 0) throw InputError("negative padding");
  }
  window.pad_top = pads[0];
  window.pad_left = pads[1];
  window.pad_bottom = pads[2];
  window.pad_right = pads[3];
  window.auto_pad = node.String("auto_pad", "NOTSET");
  if (window.auto_pad != "NOTSET" && window.auto_pad != "VALID" &&
      window.auto_pad != "SAME_UPPER" && window.auto_pad != "SAME_LOWER") {
    throw InputError("unknown auto_pad '" + window.auto_pad + "'");
  }
  window.ceil_mode = node.Int("ceil_mode", 0) != 0;
  return window;
}

Window2d::Resolved Window2d::Resolve(std::int64_t h, std::int64_t w) const {
  const Axis vertical =
      ResolveAxis(h, kernel_h, stride_h, dilation_h, pad_top, pad_bottom, auto_pad, ceil_mode);
  const Axis horizontal =
      ResolveAxis(w, kernel_w, stride_w, dilation_w, pad_left, pad_right, auto_pad, ceil_mode);
  return {vertical.pad_begin, horizontal.pad_begin, vertical.out, horizontal.out};
}

}  // namespace rampart::robustness::internal
