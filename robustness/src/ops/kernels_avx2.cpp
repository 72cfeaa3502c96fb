// The runtime kernels compiled for AVX2 + FMA (this file alone gets -mavx2 -mfma; see
// kernels.h). Called only after the CPU reported both features.
#include <immintrin.h>

#include "ops/kernels.h"

#define RAMPART_KERNEL_NAMESPACE avx2
#define RAMPART_KERNEL_AVX2 1
#include "ops/kernels_impl.inc"  // NOLINT(bugprone-suspicious-include)
#undef RAMPART_KERNEL_AVX2
#undef RAMPART_KERNEL_NAMESPACE
