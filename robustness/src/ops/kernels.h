// Hot loops of the runtime with runtime CPU dispatch (private to rampart::robustness).
//
// The kernels are written once (kernels_impl.inc) and compiled twice: for the baseline ISA of the
// build (kernels_generic.cpp) and, on x86-64, for AVX2 + FMA (kernels_avx2.cpp). Each copy lives
// in its own namespace, so no inline function or template is shared between the two (see
// docs/adr/0220-robustness-runtime-kernel-dispatch.md); the AVX2 copy is picked once, at first use,
// when the CPU supports it.
//
//   internal::GemmArgs g{.m = 16, .n = 64, .k = 72, .a = w, .lda = 72, .b = col, .ldb = 64,
//                        .c = y, .ldc = 64, .bias = bias};
//   internal::Gemm(g);   // y = w * col + bias (per row)
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::robustness::internal {

// C = A * B (+ bias[i] on row i), or C += A * B when `accumulate`; all matrices row-major with
// leading dimensions (elements between rows) lda, ldb, ldc. A is m x k, B is k x n, C is m x n.
struct GemmArgs {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  const float* a = nullptr;
  std::int64_t lda = 0;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  float* c = nullptr;
  std::int64_t ldc = 0;
  const float* bias = nullptr;  // per row of C; ignored when accumulating
  bool accumulate = false;
};

// A convolution's windows over a zero-padded input (conv.cpp): `channels` planes of hp x wp.
struct PatchGeometry {
  std::int64_t channels = 0;
  std::int64_t kernel_h = 1;
  std::int64_t kernel_w = 1;
  std::int64_t stride_h = 1;
  std::int64_t stride_w = 1;
  std::int64_t dilation_h = 1;
  std::int64_t dilation_w = 1;
  std::int64_t hp = 0;  // padded height and width: every position a window reads
  std::int64_t wp = 0;
  std::int64_t oh = 0;  // output height and width
  std::int64_t ow = 0;
};

enum class KernelIsa { kGeneric, kAvx2 };

void Gemm(const GemmArgs& args);
// dst[r * dst_stride + i] = src[r * src_stride + i] for r < rows, i < cols (blocks must not
// overlap). Rows of a few pixels are common (im2col of small images), so no library call per row.
void CopyRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
              std::int64_t rows, std::int64_t cols);
// dst[r * dst_stride + i] += src[r * src_stride + i] (the adjoint of CopyRows).
void AddRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
             std::int64_t rows, std::int64_t cols);
// dx[i] += x[i] > 0 ? dy[i] : 0 (the Relu vector-Jacobian product; 0 for a NaN x).
void ReluBackward(const float* x, const float* dy, float* dx, std::int64_t n);
// col[((c * kh + ki) * kw + kj) * oh * ow + i * ow + j] =
//     padded[c * hp * wp + (i * sh + ki * dh) * wp + j * sw + kj * dw]
void Im2Col(const PatchGeometry& g, const float* padded, float* col);
// Its adjoint: padded[...] += col[...].
void Col2Im(const PatchGeometry& g, const float* col, float* padded);
// Max pooling with 2x2 windows and stride 2 over `planes` planes of h x w (NCHW) into oh x ow,
// every window inside the input (2 oh <= h, 2 ow <= w); a NaN in a window gives NaN.
void MaxPool2x2(const float* x, std::int64_t planes, std::int64_t h, std::int64_t w, float* y,
                std::int64_t oh, std::int64_t ow);
// Its vector-Jacobian product: dx += dy at the first element (row-major) of each window that
// equals the output y (or is NaN), the element PyTorch's max pooling picks.
void MaxPool2x2Backward(const float* x, const float* y, const float* dy, float* dx,
                        std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh,
                        std::int64_t ow);

// The instruction set the kernels run with.
[[nodiscard]] KernelIsa ActiveKernelIsa();
// Whether this build and CPU can run `isa`.
[[nodiscard]] bool KernelIsaAvailable(KernelIsa isa);
// Switches the kernels (tests compare the two); returns false, changing nothing, when `isa` is
// not available. Not thread-safe: call it while no executor runs.
bool SetKernelIsa(KernelIsa isa);

// The per-ISA entry points behind the dispatch (kernels_generic.cpp, kernels_avx2.cpp).
namespace generic {
void Gemm(const GemmArgs& args);
void Im2Col(const PatchGeometry& g, const float* padded, float* col);
void Col2Im(const PatchGeometry& g, const float* col, float* padded);
void MaxPool2x2(const float* x, std::int64_t planes, std::int64_t h, std::int64_t w, float* y,
                std::int64_t oh, std::int64_t ow);
void MaxPool2x2Backward(const float* x, const float* y, const float* dy, float* dx,
                        std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh,
                        std::int64_t ow);

void CopyRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
              std::int64_t rows, std::int64_t cols);
void AddRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
             std::int64_t rows, std::int64_t cols);
void ReluBackward(const float* x, const float* dy, float* dx, std::int64_t n);
}  // namespace generic
namespace avx2 {
void Gemm(const GemmArgs& args);
void Im2Col(const PatchGeometry& g, const float* padded, float* col);
void Col2Im(const PatchGeometry& g, const float* col, float* padded);
void MaxPool2x2(const float* x, std::int64_t planes, std::int64_t h, std::int64_t w, float* y,
                std::int64_t oh, std::int64_t ow);
void MaxPool2x2Backward(const float* x, const float* y, const float* dy, float* dx,
                        std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh,
                        std::int64_t ow);

void CopyRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
              std::int64_t rows, std::int64_t cols);
void AddRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
             std::int64_t rows, std::int64_t cols);
void ReluBackward(const float* x, const float* dy, float* dx, std::int64_t n);
}  // namespace avx2

}  // namespace rampart::robustness::internal
