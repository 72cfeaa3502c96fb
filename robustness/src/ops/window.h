// Sliding-window geometry shared by Conv, MaxPool and AveragePool (2-D, NCHW): kernel, strides,
// dilations, explicit pads or auto_pad, and ceil_mode, resolved against an input size.
#pragma once

#include <cstdint>
#include <string>

#include "ops/op.h"

namespace rampart::robustness::internal {

struct Window2d {
  std::int64_t kernel_h = 1;
  std::int64_t kernel_w = 1;
  std::int64_t stride_h = 1;
  std::int64_t stride_w = 1;
  std::int64_t dilation_h = 1;
  std::int64_t dilation_w = 1;
  std::int64_t pad_top = 0;
  std::int64_t pad_left = 0;
  std::int64_t pad_bottom = 0;
  std::int64_t pad_right = 0;
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;

  // Reads kernel_shape (unless given), strides, dilations, pads, auto_pad, ceil_mode.
  static Window2d FromNode(const NodeInfo& node, bool kernel_from_attribute);

  struct Resolved {
    std::int64_t pad_top;
    std::int64_t pad_left;
    std::int64_t out_h;
    std::int64_t out_w;
  };
  // Output size and leading pads for an input of height h and width w; throws InputError when the
  // window does not fit.
  [[nodiscard]] Resolved Resolve(std::int64_t h, std::int64_t w) const;
};

}  // namespace rampart::robustness::internal
