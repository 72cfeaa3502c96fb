// 2-D convolution (NCHW) with pads, strides, dilations and groups: im2col over the whole chunk of
// the batch (columns = samples x output pixels) and one Eigen GEMM per group, so small images
// still make large, efficient matrix products.
#include <algorithm>
#include <memory>
#include <string>

#include <rampart/common/error.h>

#include "ops/op.h"
#include "ops/window.h"

namespace rampart::robustness::internal {

namespace {

class ConvOp final : public Op {
 public:
  explicit ConvOp(const NodeInfo& node)
      : window_(Window2d::FromNode(node, false)), group_(node.Int("group", 1)) {
    const ConstTensor& weight = node.ConstantFloats(1, "W (weights)");
    if (weight.shape.size() != 4) {
      throw UnsupportedError("Conv weights of shape " + DimsToString(weight.shape) +
                             " (only 2-D convolutions are supported)");
    }
    window_.kernel_h = weight.shape[2];
    window_.kernel_w = weight.shape[3];
    if (node.HasAttribute("kernel_shape")) {
      const std::vector<std::int64_t> kernel = node.Ints("kernel_shape", {});
      if (kernel.size() != 2 || kernel[0] != weight.shape[2] || kernel[1] != weight.shape[3]) {
        throw InputError("kernel_shape does not match the weights " + DimsToString(weight.shape));
      }
    }
    if (group_ < 1 || weight.shape[0] % group_ != 0) {
      throw InputError("group " + std::to_string(group_) + " does not divide the " +
                       std::to_string(weight.shape[0]) + " output channels");
    }
    if (node.HasInput(2)) {
      const ConstTensor& bias = node.ConstantFloats(2, "B (bias)");
      if (bias.shape.size() != 1 || bias.shape[0] != weight.shape[0]) {
        throw InputError("Conv bias " + DimsToString(bias.shape) + " does not match " +
                         std::to_string(weight.shape[0]) + " output channels");
      }
    }
  }

  Shape InferShape(const std::vector<Shape>& in) const override {
    const Shape& x = in[0];
    const Shape& w = in[1];
    if (x.size() != 4) {
      throw UnsupportedError("Conv input of shape " + DimsToString(x) + " (only NCHW 2-D)");
    }
    if (x[1] != w[1] * group_) {
      throw InputError("Conv input has " + std::to_string(x[1]) + " channels but the weights " +
                       DimsToString(w) + " with group " + std::to_string(group_) + " expect " +
                       std::to_string(w[1] * group_));
    }
    const Window2d::Resolved r = window_.Resolve(x[2], x[3]);
    return {x[0], w[0], r.out_h, r.out_w};
  }

  std::int64_t ScratchSize(const std::vector<Shape>& in, const Shape& out) const override {
    const Geometry g = GetGeometry(in[0], out);
    return g.k * g.cols + g.mg * g.cols;
  }

  void Forward(const ForwardArgs& args) const override {
    const Geometry g = GetGeometry(args.input_shapes[0], args.output_shape);
    const float* x = args.inputs[0];
    const float* w = args.inputs[1];
    const float* bias = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    float* col = args.scratch;
    float* ybuf = args.scratch + g.k * g.cols;
    for (std::int64_t grp = 0; grp < group_; ++grp) {
      Im2Col(g, x, grp, col);
      const ConstMatrixMap wg(w + grp * g.mg * g.k, g.mg, g.k);
      const ConstMatrixMap cols(col, g.k, g.cols);
      if (g.n == 1) {
        MatrixMap y(args.output + grp * g.mg * g.p, g.mg, g.p);
        y.noalias() = wg * cols;
        continue;
      }
      MatrixMap yb(ybuf, g.mg, g.cols);
      yb.noalias() = wg * cols;
      for (std::int64_t s = 0; s < g.n; ++s) {
        for (std::int64_t m = 0; m < g.mg; ++m) {
          std::copy(ybuf + m * g.cols + s * g.p, ybuf + m * g.cols + (s + 1) * g.p,
                    args.output + (s * g.m + grp * g.mg + m) * g.p);
        }
      }
    }
    if (bias != nullptr) {
      for (std::int64_t s = 0; s < g.n; ++s) {
        for (std::int64_t m = 0; m < g.m; ++m) {
          float* row = args.output + (s * g.m + m) * g.p;
          for (std::int64_t p = 0; p < g.p; ++p) row[p] += bias[m];
        }
      }
    }
  }

  void Backward(const BackwardArgs& args) const override {
    float* dx = args.input_grads[0];
    if (dx == nullptr) return;
    const Geometry g = GetGeometry(args.input_shapes[0], args.output_shape);
    const float* w = args.inputs[1];
    float* col = args.scratch;
    float* ybuf = args.scratch + g.k * g.cols;
    for (std::int64_t grp = 0; grp < group_; ++grp) {
      for (std::int64_t s = 0; s < g.n; ++s) {
        for (std::int64_t m = 0; m < g.mg; ++m) {
          const float* src = args.output_grad + (s * g.m + grp * g.mg + m) * g.p;
          std::copy(src, src + g.p, ybuf + m * g.cols + s * g.p);
        }
      }
      const ConstMatrixMap wg(w + grp * g.mg * g.k, g.mg, g.k);
      const ConstMatrixMap dy(ybuf, g.mg, g.cols);
      MatrixMap dcol(col, g.k, g.cols);
      dcol.noalias() = wg.transpose() * dy;
      Col2Im(g, col, grp, dx);
    }
  }

 private:
  struct Geometry {
    std::int64_t n, c, h, w, m, oh, ow, cg, mg, k, p, cols, pad_top, pad_left;
  };

  [[nodiscard]] Geometry GetGeometry(const Shape& x, const Shape& y) const {
    Geometry g{};
    g.n = x[0];
    g.c = x[1];
    g.h = x[2];
    g.w = x[3];
    g.m = y[1];
    g.oh = y[2];
    g.ow = y[3];
    g.cg = g.c / group_;
    g.mg = g.m / group_;
    g.k = g.cg * window_.kernel_h * window_.kernel_w;
    g.p = g.oh * g.ow;
    g.cols = g.n * g.p;
    const Window2d::Resolved r = window_.Resolve(g.h, g.w);
    g.pad_top = r.pad_top;
    g.pad_left = r.pad_left;
    return g;
  }

  // Output columns [lo, hi) whose input column ow*sw - pl + kj*dw lies inside [0, w).
  struct ColumnRange {
    std::int64_t lo;
    std::int64_t hi;
    std::int64_t offset;  // input column = ow * stride + offset
  };

  [[nodiscard]] ColumnRange Columns(const Geometry& g, std::int64_t kj) const {
    const std::int64_t stride = window_.stride_w;
    const std::int64_t offset = kj * window_.dilation_w - g.pad_left;
    // lo: smallest ow with ow*stride + offset >= 0; hi: one past the largest with < w.
    std::int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    std::int64_t hi = g.w - offset <= 0 ? 0 : (g.w - offset - 1) / stride + 1;
    lo = std::min(lo, g.ow);
    hi = std::clamp(hi, lo, g.ow);
    return {lo, hi, offset};
  }

  // col[(c, ki, kj), (s, oh, ow)] = x[s, grp*cg + c, oh*sh - pt + ki*dh, ow*sw - pl + kj*dw].
  void Im2Col(const Geometry& g, const float* x, std::int64_t grp, float* col) const {
    const Window2d& win = window_;
    for (std::int64_t c = 0; c < g.cg; ++c) {
      for (std::int64_t ki = 0; ki < win.kernel_h; ++ki) {
        for (std::int64_t kj = 0; kj < win.kernel_w; ++kj) {
          const ColumnRange cr = Columns(g, kj);
          float* row = col + ((c * win.kernel_h + ki) * win.kernel_w + kj) * g.cols;
          for (std::int64_t s = 0; s < g.n; ++s) {
            const float* plane = x + (s * g.c + grp * g.cg + c) * g.h * g.w;
            float* out = row + s * g.p;
            for (std::int64_t oh = 0; oh < g.oh; ++oh) {
              const std::int64_t ih = oh * win.stride_h - g.pad_top + ki * win.dilation_h;
              float* out_row = out + oh * g.ow;
              if (ih < 0 || ih >= g.h) {
                std::fill(out_row, out_row + g.ow, 0.0F);
                continue;
              }
              const float* in_row = plane + ih * g.w + cr.offset;
              std::fill(out_row, out_row + cr.lo, 0.0F);
              if (win.stride_w == 1) {
                std::copy(in_row + cr.lo, in_row + cr.hi, out_row + cr.lo);
              } else {
                for (std::int64_t ow = cr.lo; ow < cr.hi; ++ow) {
                  out_row[ow] = in_row[ow * win.stride_w];
                }
              }
              std::fill(out_row + cr.hi, out_row + g.ow, 0.0F);
            }
          }
        }
      }
    }
  }

  // The adjoint of Im2Col: dx[...] += dcol[...].
  void Col2Im(const Geometry& g, const float* col, std::int64_t grp, float* dx) const {
    const Window2d& win = window_;
    for (std::int64_t c = 0; c < g.cg; ++c) {
      for (std::int64_t ki = 0; ki < win.kernel_h; ++ki) {
        for (std::int64_t kj = 0; kj < win.kernel_w; ++kj) {
          const ColumnRange cr = Columns(g, kj);
          const float* row = col + ((c * win.kernel_h + ki) * win.kernel_w + kj) * g.cols;
          for (std::int64_t s = 0; s < g.n; ++s) {
            float* plane = dx + (s * g.c + grp * g.cg + c) * g.h * g.w;
            const float* in = row + s * g.p;
            for (std::int64_t oh = 0; oh < g.oh; ++oh) {
              const std::int64_t ih = oh * win.stride_h - g.pad_top + ki * win.dilation_h;
              if (ih < 0 || ih >= g.h) continue;
              const float* in_row = in + oh * g.ow;
              float* out_row = plane + ih * g.w + cr.offset;
              for (std::int64_t ow = cr.lo; ow < cr.hi; ++ow) {
                out_row[ow * win.stride_w] += in_row[ow];
              }
            }
          }
        }
      }
    }
  }

  Window2d window_;
  std::int64_t group_;
};

}  // namespace

void RegisterConvOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["Conv"] = [](const NodeInfo& node) { return std::make_unique<ConvOp>(node); };
}

}  // namespace rampart::robustness::internal
