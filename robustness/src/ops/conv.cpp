// 2-D convolution (NCHW) with pads, strides, dilations and groups: per sample and group, im2col
// into a small reused buffer and one GEMM of the runtime's dispatched kernel (ops/kernels.h)
// that writes the NCHW output directly; the input gradient is one GEMM with the transposed
// weights followed by col2im. No layout transposes, no per-call allocation.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <rampart/common/error.h>

#include "ops/kernels.h"
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
    const std::int64_t mg = weight.shape[0] / group_;
    const std::int64_t k = weight.shape[1] * weight.shape[2] * weight.shape[3];
    weights_t_.resize(weight.floats.size());
    for (std::int64_t grp = 0; grp < group_; ++grp) {
      for (std::int64_t m = 0; m < mg; ++m) {
        for (std::int64_t i = 0; i < k; ++i) {
          weights_t_[static_cast<std::size_t>((grp * k + i) * mg + m)] =
              weight.floats[static_cast<std::size_t>((grp * mg + m) * k + i)];
        }
      }
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
    return g.pointwise ? 0 : g.k * g.p + g.cg * g.hp * g.wp;
  }

  // Per sample and group: y_s = W_g * im2col(x_s) + b, one GEMM straight into the NCHW output
  // (the columns of a sample are its output pixels), with the sample's columns in L1.
  void Forward(const ForwardArgs& args) const override {
    const Geometry g = GetGeometry(args.input_shapes[0], args.output_shape);
    const float* x = args.inputs[0];
    const float* w = args.inputs[1];
    const float* bias = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    float* col = args.scratch;
    for (std::int64_t s = 0; s < g.n; ++s) {
      const float* xs = x + s * g.c * g.h * g.w;
      for (std::int64_t grp = 0; grp < group_; ++grp) {
        const float* b = xs + grp * g.cg * g.h * g.w;
        if (!g.pointwise) {
          Im2Col(g, xs, grp, col, col + g.k * g.p);
          b = col;
        }
        Gemm({.m = g.mg,
              .n = g.p,
              .k = g.k,
              .a = w + grp * g.mg * g.k,
              .lda = g.k,
              .b = b,
              .ldb = g.p,
              .c = args.output + (s * g.m + grp * g.mg) * g.p,
              .ldc = g.p,
              .bias = bias == nullptr ? nullptr : bias + grp * g.mg});
      }
    }
  }

  // dx_s = col2im(W_g^T * dy_s): the GEMM reads dy in place (NCHW rows are the output pixels) and
  // the transposed weights prepared at load time; pointwise convolutions add into dx directly.
  void Backward(const BackwardArgs& args) const override {
    float* dx = args.input_grads[0];
    if (dx == nullptr) return;
    const Geometry g = GetGeometry(args.input_shapes[0], args.output_shape);
    float* col = args.scratch;
    for (std::int64_t s = 0; s < g.n; ++s) {
      float* dxs = dx + s * g.c * g.h * g.w;
      for (std::int64_t grp = 0; grp < group_; ++grp) {
        GemmArgs gemm{.m = g.k,
                      .n = g.p,
                      .k = g.mg,
                      .a = weights_t_.data() + grp * g.k * g.mg,
                      .lda = g.mg,
                      .b = args.output_grad + (s * g.m + grp * g.mg) * g.p,
                      .ldb = g.p,
                      .c = col,
                      .ldc = g.p};
        if (g.pointwise) {
          gemm.c = dxs + grp * g.cg * g.h * g.w;
          gemm.accumulate = true;
          Gemm(gemm);
          continue;
        }
        Gemm(gemm);
        Col2Im(g, col, grp, dxs, col + g.k * g.p);
      }
    }
  }

 private:
  struct Geometry {
    std::int64_t n, c, h, w, m, oh, ow, cg, mg, k, p, pad_top, pad_left;
    // The padded buffer of Im2Col: hp x wp per channel covers every position a window reads;
    // the input's top-left copy_h x copy_w block lands at (pad_top, pad_left).
    std::int64_t hp, wp, copy_h, copy_w;
    bool pointwise;  // 1x1 kernel, stride 1, no padding: im2col is the identity
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
    const Window2d::Resolved r = window_.Resolve(g.h, g.w);
    g.pad_top = r.pad_top;
    g.pad_left = r.pad_left;
    g.hp = std::max<std::int64_t>(
        (g.oh - 1) * window_.stride_h + (window_.kernel_h - 1) * window_.dilation_h + 1, 1);
    g.wp = std::max<std::int64_t>(
        (g.ow - 1) * window_.stride_w + (window_.kernel_w - 1) * window_.dilation_w + 1, 1);
    g.copy_h = std::clamp<std::int64_t>(g.hp - g.pad_top, 0, g.h);
    g.copy_w = std::clamp<std::int64_t>(g.wp - g.pad_left, 0, g.w);
    g.pointwise = window_.kernel_h == 1 && window_.kernel_w == 1 && window_.stride_h == 1 &&
                  window_.stride_w == 1 && r.pad_top == 0 && r.pad_left == 0 && g.oh == g.h &&
                  g.ow == g.w;
    return g;
  }

  [[nodiscard]] PatchGeometry Patches(const Geometry& g) const {
    return {.channels = g.cg,
            .kernel_h = window_.kernel_h,
            .kernel_w = window_.kernel_w,
            .stride_h = window_.stride_h,
            .stride_w = window_.stride_w,
            .dilation_h = window_.dilation_h,
            .dilation_w = window_.dilation_w,
            .hp = g.hp,
            .wp = g.wp,
            .oh = g.oh,
            .ow = g.ow};
  }

  // col[(c, ki, kj), (oh, ow)] = x_s[grp*cg + c, oh*sh - pt + ki*dh, ow*sw - pl + kj*dw] for one
  // sample, zero outside the input. The group's channels are first copied into a zero-padded
  // buffer covering every position a window reads, so each row of col is a plain strided copy
  // of the same length (no bounds to test, no branch to mispredict).
  void Im2Col(const Geometry& g, const float* xs, std::int64_t grp, float* col,
              float* padded) const {
    const std::int64_t plane = g.hp * g.wp;
    std::fill(padded, padded + g.cg * plane, 0.0F);
    for (std::int64_t c = 0; c < g.cg; ++c) {
      CopyRows(xs + (grp * g.cg + c) * g.h * g.w, g.w,
               padded + c * plane + g.pad_top * g.wp + g.pad_left, g.wp, g.copy_h, g.copy_w);
    }
    internal::Im2Col(Patches(g), padded, col);
  }

  // The adjoint of Im2Col for one sample: dx_s[...] += col[...], through the padded buffer.
  void Col2Im(const Geometry& g, const float* col, std::int64_t grp, float* dxs,
              float* padded) const {
    const std::int64_t plane = g.hp * g.wp;
    std::fill(padded, padded + g.cg * plane, 0.0F);
    internal::Col2Im(Patches(g), col, padded);
    for (std::int64_t c = 0; c < g.cg; ++c) {
      AddRows(padded + c * plane + g.pad_top * g.wp + g.pad_left, g.wp,
              dxs + (grp * g.cg + c) * g.h * g.w, g.w, g.copy_h, g.copy_w);
    }
  }

  Window2d window_;
  std::int64_t group_;
  // Per group, W_g transposed: (cg * kh * kw) x mg, row-major, for the backward GEMM.
  std::vector<float> weights_t_;
};

}  // namespace

void RegisterConvOps(std::map<std::string, OpFactory, std::less<>>& registry) {
  registry["Conv"] = [](const NodeInfo& node) { return std::make_unique<ConvOp>(node); };
}

}  // namespace rampart::robustness::internal
