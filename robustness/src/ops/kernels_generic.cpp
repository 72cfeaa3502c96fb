// The runtime kernels for the build's baseline instruction set, and the dispatch between them and
// the AVX2 + FMA copy (kernels_avx2.cpp, x86-64 only).
#include "ops/kernels.h"

#define RAMPART_KERNEL_NAMESPACE generic
#include "ops/kernels_impl.inc"  // NOLINT(bugprone-suspicious-include)
#undef RAMPART_KERNEL_NAMESPACE

namespace rampart::robustness::internal {

namespace {

bool CpuHasAvx2() {
#if defined(RAMPART_HAVE_AVX2_KERNELS)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

struct Dispatch {
  KernelIsa isa = KernelIsa::kGeneric;
  void (*gemm)(const GemmArgs&) = &generic::Gemm;
  decltype(&generic::CopyRows) copy_rows = &generic::CopyRows;
  decltype(&generic::AddRows) add_rows = &generic::AddRows;
  decltype(&generic::ReluBackward) relu_backward = &generic::ReluBackward;
  decltype(&generic::Im2Col) im2col = &generic::Im2Col;
  decltype(&generic::Col2Im) col2im = &generic::Col2Im;
  decltype(&generic::MaxPool2x2) max_pool = &generic::MaxPool2x2;
  decltype(&generic::MaxPool2x2Backward) max_pool_backward = &generic::MaxPool2x2Backward;
};

Dispatch Choose(KernelIsa isa) {
  Dispatch d;
  d.isa = isa;
#if defined(RAMPART_HAVE_AVX2_KERNELS)
  if (isa == KernelIsa::kAvx2) {
    d.gemm = &avx2::Gemm;
    d.copy_rows = &avx2::CopyRows;
    d.add_rows = &avx2::AddRows;
    d.relu_backward = &avx2::ReluBackward;
    d.im2col = &avx2::Im2Col;
    d.col2im = &avx2::Col2Im;
    d.max_pool = &avx2::MaxPool2x2;
    d.max_pool_backward = &avx2::MaxPool2x2Backward;
  }
#endif
  return d;
}

Dispatch& Active() {
  // Chosen once, thread-safely, at first use.
  static Dispatch dispatch = Choose(CpuHasAvx2() ? KernelIsa::kAvx2 : KernelIsa::kGeneric);
  return dispatch;
}

}  // namespace

void Gemm(const GemmArgs& args) {
  Active().gemm(args);
}

void CopyRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
              std::int64_t rows, std::int64_t cols) {
  Active().copy_rows(src, src_stride, dst, dst_stride, rows, cols);
}

void AddRows(const float* src, std::int64_t src_stride, float* dst, std::int64_t dst_stride,
             std::int64_t rows, std::int64_t cols) {
  Active().add_rows(src, src_stride, dst, dst_stride, rows, cols);
}

void ReluBackward(const float* x, const float* dy, float* dx, std::int64_t n) {
  Active().relu_backward(x, dy, dx, n);
}

void Im2Col(const PatchGeometry& g, const float* padded, float* col) {
  Active().im2col(g, padded, col);
}

void Col2Im(const PatchGeometry& g, const float* col, float* padded) {
  Active().col2im(g, col, padded);
}

void MaxPool2x2(const float* x, std::int64_t planes, std::int64_t h, std::int64_t w, float* y,
                std::int64_t oh, std::int64_t ow) {
  Active().max_pool(x, planes, h, w, y, oh, ow);
}

void MaxPool2x2Backward(const float* x, const float* y, const float* dy, float* dx,
                        std::int64_t planes, std::int64_t h, std::int64_t w, std::int64_t oh,
                        std::int64_t ow) {
  Active().max_pool_backward(x, y, dy, dx, planes, h, w, oh, ow);
}

KernelIsa ActiveKernelIsa() {
  return Active().isa;
}

bool KernelIsaAvailable(KernelIsa isa) {
  return isa == KernelIsa::kGeneric || CpuHasAvx2();
}

bool SetKernelIsa(KernelIsa isa) {
  if (!KernelIsaAvailable(isa)) return false;
  Active() = Choose(isa);
  return true;
}

}  // namespace rampart::robustness::internal
