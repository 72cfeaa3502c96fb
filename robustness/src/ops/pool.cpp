// Pooling over NCHW tensors: MaxPool and AveragePool (2-D windows, pads, strides, ceil_mode;
// MaxPool dilations; AveragePool count_include_pad) and GlobalAveragePool (any spatial rank).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <rampart/common/error.h>

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
    ForEachWindow(args.input_shapes[0], args.output_shape,
                  [&](std::int64_t plane_in, std::int64_t out, const Span& span) {
                    const float* x = args.inputs[0] + plane_in;
                    if (max_) {
                      args.output[out] = x[ArgMax(x, span)];
                    } else {
                      float sum = 0.0F;
                      for (std::int64_t ih = span.h0; ih < span.h1; ++ih) {
                        for (std::int64_t iw = span.w0; iw < span.w1; ++iw) {
                          sum += x[ih * span.width + iw];
                        }
                      }
                      args.output[out] = sum / static_cast<float>(span.divisor);
                    }
                  });
  }

  void Backward(const BackwardArgs& args) const override {
    if (args.input_grads[0] == nullptr) return;
    ForEachWindow(args.input_shapes[0], args.output_shape,
                  [&](std::int64_t plane_in, std::int64_t out, const Span& span) {
                    float* dx = args.input_grads[0] + plane_in;
                    const float g = args.output_grad[out];
                    if (max_) {
                      dx[ArgMax(args.inputs[0] + plane_in, span)] += g;
                    } else {
                      const float share = g / static_cast<float>(span.divisor);
                      for (std::int64_t ih = span.h0; ih < span.h1; ++ih) {
                        for (std::int64_t iw = span.w0; iw < span.w1; ++iw) {
                          dx[ih * span.width + iw] += share;
                        }
                      }
                    }
                  });
  }

 private:
  // The input rows/columns a window covers, clipped to the input; dilation as a step.
  struct Span {
    std::int64_t h0, h1, w0, w1, dh, dw, width, divisor;
  };

  // Index (within the plane) of the first maximum in the window, as PyTorch picks it.
  static std::int64_t ArgMax(const float* x, const Span& span) {
    std::int64_t best = span.h0 * span.width + span.w0;
    float best_value = -std::numeric_limits<float>::infinity();
    for (std::int64_t ih = span.h0; ih < span.h1; ih += span.dh) {
      for (std::int64_t iw = span.w0; iw < span.w1; iw += span.dw) {
        const float v = x[ih * span.width + iw];
        if (v > best_value || std::isnan(v)) {
          best_value = v;
          best = ih * span.width + iw;
          if (std::isnan(v)) return best;
        }
      }
    }
    return best;
  }

  template <typename F>
  void ForEachWindow(const Shape& x, const Shape& y, F&& f) const {
    const std::int64_t planes = x[0] * x[1];
    const std::int64_t h = x[2];
    const std::int64_t w = x[3];
    const Window2d::Resolved r = window_.Resolve(h, w);
    const std::int64_t pad_bottom_edge =
        h + (window_.auto_pad == "NOTSET" ? window_.pad_bottom : 0);
    const std::int64_t pad_right_edge = w + (window_.auto_pad == "NOTSET" ? window_.pad_right : 0);
    for (std::int64_t plane = 0; plane < planes; ++plane) {
      for (std::int64_t oh = 0; oh < y[2]; ++oh) {
        const std::int64_t hs = oh * window_.stride_h - r.pad_top;
        const std::int64_t he = hs + (window_.kernel_h - 1) * window_.dilation_h + 1;
        for (std::int64_t ow = 0; ow < y[3]; ++ow) {
          const std::int64_t ws = ow * window_.stride_w - r.pad_left;
          const std::int64_t we = ws + (window_.kernel_w - 1) * window_.dilation_w + 1;
          Span span{};
          span.dh = window_.dilation_h;
          span.dw = window_.dilation_w;
          span.width = w;
          // First in-range row/column on the dilation grid.
          span.h0 = hs;
          while (span.h0 < 0) span.h0 += span.dh;
          span.w0 = ws;
          while (span.w0 < 0) span.w0 += span.dw;
          span.h1 = std::min(he, h);
          span.w1 = std::min(we, w);
          if (count_include_pad_) {
            // As PyTorch: the window clipped to the padded input counts, padding included.
            span.divisor =
                (std::min(he, pad_bottom_edge) - hs) * (std::min(we, pad_right_edge) - ws);
          } else {
            span.divisor = std::max<std::int64_t>(1, (span.h1 - span.h0) * (span.w1 - span.w0));
          }
          f(plane * h * w, (plane * y[2] + oh) * y[3] + ow, span);
        }
      }
    }
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
