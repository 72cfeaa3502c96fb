// Pooling over NCHW tensors: MaxPool and AveragePool (2-D windows, pads, strides, ceil_mode;
// MaxPool dilations; AveragePool count_include_pad) and GlobalAveragePool (any spatial rank).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <rampart/common/error.h>

#include "ops/kernels.h"
#include "ops/op.h"
#include "ops/window.h"

namespace rampart::robustness::internal {

namespace {

class PoolOp final : public Op {
 public:
  PoolOp(const NodeInfo& node, bool max)
      : max_(max),
        window_(Window2d::FromNode(node, true)),
        count_include_pad_(node.Int("count_include_pad", 0) != 0) {
    if (!max && (window_.dilation_h != 1 || window_.dilation_w != 1)) {
      throw UnsupportedError("AveragePool with dilations");
    }
    // Every window must overlap the input (else MaxPool has no element to pick).
    const std::int64_t extent_h = (window_.kernel_h - 1) * window_.dilation_h + 1;
    const std::int64_t extent_w = (window_.kernel_w - 1) * window_.dilation_w + 1;
    if (window_.pad_top >= extent_h || window_.pad_bottom >= extent_h ||
        window_.pad_left >= extent_w || window_.pad_right >= extent_w) {
      throw InputError("pooling pads must be smaller than the window");
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const Shape& x = in[0];
    if (x.size() != 4) {
      throw UnsupportedError("pooling input of shape " + DimsToString(x) + " (only NCHW 2-D)");
    }
    const Window2d::Resolved r = window_.Resolve(x[2], x[3]);
    return {x[0], x[1], r.out_h, r.out_w};
  }

  void Forward(const ForwardArgs& args) const override {
    if (max_ && IsPairPool(args.input_shapes[0], args.output_shape)) {
      PairMaxForward(args);
      return;
    }
    const Extents e = GetExtents(args.input_shapes[0], args.output_shape);
    for (std::int64_t plane = 0; plane < e.planes; ++plane) {
      const float* x = args.inputs[0] + plane * e.h * e.w;
      float* y = args.output + plane * e.oh * e.ow;
      for (std::int64_t oh = 0; oh < e.oh; ++oh) {
        const Range& rh = e.rows[static_cast<std::size_t>(oh)];
        for (std::int64_t ow = 0; ow < e.ow; ++ow) {
          const Range& rw = e.cols[static_cast<std::size_t>(ow)];
          if (max_) {
            y[oh * e.ow + ow] = x[ArgMax(x, e.w, rh, rw)];
          } else {
            float sum = 0.0F;
            for (std::int64_t ih = rh.begin; ih < rh.end; ++ih) {
              for (std::int64_t iw = rw.begin; iw < rw.end; ++iw) sum += x[ih * e.w + iw];
            }
            y[oh * e.ow + ow] = sum / Divisor(rh, rw);
          }
        }
      }
    }
  }

  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    if (max_ && IsPairPool(args.input_shapes[0], args.output_shape)) {
      PairMaxBackward(args);
      return;
    }
    const Extents e = GetExtents(args.input_shapes[0], args.output_shape);
    for (std::int64_t plane = 0; plane < e.planes; ++plane) {
      const float* x = args.inputs[0] + plane * e.h * e.w;
      float* dx = args.input_grads[0] + plane * e.h * e.w;
      const float* dy = args.output_grad + plane * e.oh * e.ow;
      for (std::int64_t oh = 0; oh < e.oh; ++oh) {
        const Range& rh = e.rows[static_cast<std::size_t>(oh)];
        for (std::int64_t ow = 0; ow < e.ow; ++ow) {
          const Range& rw = e.cols[static_cast<std::size_t>(ow)];
          const float g = dy[oh * e.ow + ow];
          if (max_) {
            dx[ArgMax(x, e.w, rh, rw)] += g;
          } else {
            const float share = g / Divisor(rh, rw);
            for (std::int64_t ih = rh.begin; ih < rh.end; ++ih) {
              for (std::int64_t iw = rw.begin; iw < rw.end; ++iw) dx[ih * e.w + iw] += share;
            }
          }
        }
      }
    }
  }

 private:
  // The common 2x2 window with stride 2 where every window lies inside the input (no padding,
  // no dilation, no partial window from ceil_mode): no per-window ranges to look up.
  [[nodiscard]] bool IsPairPool(const Shape& x, const Shape& y) const {
    const Window2d& win = window_;
    return win.kernel_h == 2 && win.kernel_w == 2 && win.stride_h == 2 && win.stride_w == 2 &&
           win.dilation_h == 1 && win.dilation_w == 1 && win.auto_pad == "NOTSET" &&
           win.pad_top == 0 && win.pad_left == 0 && 2 * y[2] <= x[2] && 2 * y[3] <= x[3];
  }

  // The 2x2 kernels (ops/kernels.h) pick, like ArgMax, the first maximum of each window.
  static void PairMaxForward(const ForwardArgs& args) {
    const Shape& x = args.input_shapes[0];
    const Shape& y = args.output_shape;
    MaxPool2x2(args.inputs[0], x[0] * x[1], x[2], x[3], args.output, y[2], y[3]);
  }

  static void PairMaxBackward(const BackwardArgs& args) {
    const Shape& x = args.input_shapes[0];
    const Shape& y = args.output_shape;
    MaxPool2x2Backward(args.inputs[0], args.output, args.output_grad, args.input_grads[0],
                       x[0] * x[1], x[2], x[3], y[2], y[3]);
  }

  // Input positions a window covers along one axis, clipped to the input (first on the dilation
  // grid), and its extent clipped to the padded input (for count_include_pad).
  struct Range {
    std::int64_t begin;
    std::int64_t end;
    std::int64_t step;
    std::int64_t padded;
  };

  struct Extents {
    std::int64_t planes, h, w, oh, ow;
    std::vector<Range> rows;
    std::vector<Range> cols;
  };

  static std::vector<Range> Ranges(std::int64_t out, std::int64_t in, std::int64_t kernel,
                                   std::int64_t stride, std::int64_t dilation,
                                   std::int64_t pad_begin, std::int64_t padded_end) {
    std::vector<Range> ranges(static_cast<std::size_t>(out));
    for (std::int64_t o = 0; o < out; ++o) {
      const std::int64_t start = o * stride - pad_begin;
      const std::int64_t stop = start + (kernel - 1) * dilation + 1;
      std::int64_t first = start;
      if (first < 0) first += ((-first + dilation - 1) / dilation) * dilation;
      ranges[static_cast<std::size_t>(o)] = {first, std::min(stop, in), dilation,
                                             std::min(stop, padded_end) - start};
    }
    return ranges;
  }

  [[nodiscard]] Extents GetExtents(const Shape& x, const Shape& y) const {
    const Window2d::Resolved r = window_.Resolve(x[2], x[3]);
    const bool explicit_pads = window_.auto_pad == "NOTSET";
    Extents e{x[0] * x[1], x[2], x[3], y[2], y[3], {}, {}};
    e.rows = Ranges(e.oh, e.h, window_.kernel_h, window_.stride_h, window_.dilation_h, r.pad_top,
                    e.h + (explicit_pads ? window_.pad_bottom : 0));
    e.cols = Ranges(e.ow, e.w, window_.kernel_w, window_.stride_w, window_.dilation_w, r.pad_left,
                    e.w + (explicit_pads ? window_.pad_right : 0));
    return e;
  }

  [[nodiscard]] float Divisor(const Range& rh, const Range& rw) const {
    // As PyTorch: count_include_pad counts the window clipped to the padded input.
    const std::int64_t count = count_include_pad_
                                   ? rh.padded * rw.padded
                                   : std::max<std::int64_t>(0, rh.end - rh.begin) *
                                         std::max<std::int64_t>(0, rw.end - rw.begin);
    return static_cast<float>(std::max<std::int64_t>(1, count));
  }

  // Index (within the plane) of the first maximum in the window, as PyTorch picks it; a NaN
  // wins over numbers. Branch-free: window comparisons are unpredictable.
  static std::int64_t ArgMax(const float* x, std::int64_t width, const Range& rh, const Range& rw) {
    std::int64_t best = rh.begin * width + rw.begin;
    if (rh.end - rh.begin == 2 && rw.end - rw.begin == 2 && rh.step == 1 && rw.step == 1) {
      // The common 2x2 window, unrolled.
      const std::int64_t index[4] = {best, best + 1, best + width, best + width + 1};
      float top = x[best];
      for (int k = 1; k < 4; ++k) {
        const float v = x[index[k]];
        const bool take = v > top || (v != v && top == top);
        best = take ? index[k] : best;
        top = take ? v : top;
      }
      return best;
    }
    float best_value = x[best];
    for (std::int64_t ih = rh.begin; ih < rh.end; ih += rh.step) {
      for (std::int64_t iw = rw.begin; iw < rw.end; iw += rw.step) {
        const std::int64_t i = ih * width + iw;
        const float v = x[i];
        const bool take = v > best_value || (v != v && best_value == best_value);
        best = take ? i : best;
        best_value = take ? v : best_value;
      }
    }
    return best;
  }

  bool max_;
  Window2d window_;
  bool count_include_pad_;
};

class GlobalAveragePoolOp final : public Op {
 public:
  Shape InferShape(const std::vector<Shape>& in) const override {
    if (in[0].size() < 3) throw InputError("GlobalAveragePool needs an N x C x spatial input");
    Shape out = in[0];
    std::fill(out.begin() + 2, out.end(), 1);
    return out;
  }

  void Forward(const ForwardArgs& args) const override {
    const Shape& x = args.input_shapes[0];
    const std::int64_t planes = x[0] * x[1];
    const std::int64_t size = ElementCount(x) / std::max<std::int64_t>(planes, 1);
    for (std::int64_t p = 0; p < planes; ++p) {
      const float* in = args.inputs[0] + p * size;
      float sum = 0.0F;
      for (std::int64_t i = 0; i < size; ++i) sum += in[i];
      args.output[p] = sum / static_cast<float>(size);
    }
  }

  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    const Shape& x = args.input_shapes[0];
    const std::int64_t planes = x[0] * x[1];
    const std::int64_t size = ElementCount(x) / std::max<std::int64_t>(planes, 1);
    for (std::int64_t p = 0; p < planes; ++p) {
      const float share = args.output_grad[p] / static_cast<float>(size);
      float* dx = args.input_grads[0] + p * size;
      for (std::int64_t i = 0; i < size; ++i) dx[i] += share;
    }
  }
};

}  // namespace

void RegisterPoolOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["MaxPool"] = [](const NodeInfo& node) { return std::make_unique<PoolOp>(node, true); };
  registry["AveragePool"] = [](const NodeInfo& node) {
    return std::make_unique<PoolOp>(node, false);
  };
  registry["GlobalAveragePool"] = [](const NodeInfo& /*node*/) {
    return std::make_unique<GlobalAveragePoolOp>();
  };
}

}  // namespace rampart::robustness::internal
