// The runtime's dispatched kernels (GEMM, row copies, Relu gradient) against plain reference
// loops, for every instruction set this machine runs (baseline and, where the CPU has it, AVX2 +
// FMA), and whole fixture models run with each instruction set and thread count.
#include "ops/kernels.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/robustness/executor.h>
#include <rampart/robustness/npy.h>

namespace rampart::robustness {
namespace {

using internal::KernelIsa;

std::vector<KernelIsa> AvailableIsas() {
  std::vector<KernelIsa> isas{KernelIsa::kGeneric};
  if (internal::KernelIsaAvailable(KernelIsa::kAvx2)) isas.push_back(KernelIsa::kAvx2);
  return isas;
}

std::string IsaName(KernelIsa isa) {
  return isa == KernelIsa::kAvx2 ? "avx2" : "generic";
}

// Restores the kernels chosen at start-up when a test ends.
class IsaGuard {
 public:
  IsaGuard() : saved_(internal::ActiveKernelIsa()) {}
  IsaGuard(const IsaGuard&) = delete;
  IsaGuard& operator=(const IsaGuard&) = delete;
  ~IsaGuard() { (void)internal::SetKernelIsa(saved_); }

 private:
  KernelIsa saved_;
};

std::vector<float> Random(std::mt19937& rng, std::int64_t n) {
  std::uniform_real_distribution<float> u(-1.0F, 1.0F);
  std::vector<float> v(static_cast<std::size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

TEST(Kernels, GemmMatchesReferenceOnEveryTileShape) {
  const IsaGuard guard;
  std::mt19937 rng(11);
  for (const KernelIsa isa : AvailableIsas()) {
    ASSERT_TRUE(internal::SetKernelIsa(isa));
    EXPECT_EQ(internal::ActiveKernelIsa(), isa);
    for (int trial = 0; trial < 200; ++trial) {
      // Sizes around the tile edges (4 rows, 2 vectors of 4 or 8 columns).
      const std::int64_t m = 1 + static_cast<std::int64_t>(rng() % 13);
      const std::int64_t n = 1 + static_cast<std::int64_t>(rng() % 41);
      const auto k = static_cast<std::int64_t>(rng() % 20);
      const std::int64_t lda = k + static_cast<std::int64_t>(rng() % 3);
      const std::int64_t ldb = n + static_cast<std::int64_t>(rng() % 3);
      const std::int64_t ldc = n + static_cast<std::int64_t>(rng() % 3);
      const bool accumulate = trial % 3 == 0;
      const bool with_bias = trial % 2 == 0;
      const std::vector<float> a = Random(rng, m * lda);
      const std::vector<float> b = Random(rng, std::max<std::int64_t>(k, 1) * ldb);
      const std::vector<float> bias = Random(rng, m);
      std::vector<float> c = Random(rng, m * ldc);
      const std::vector<float> before = c;
      internal::Gemm({.m = m,
                      .n = n,
                      .k = k,
                      .a = a.data(),
                      .lda = lda,
                      .b = b.data(),
                      .ldb = ldb,
                      .c = c.data(),
                      .ldc = ldc,
                      .bias = with_bias ? bias.data() : nullptr,
                      .accumulate = accumulate});
      for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < ldc; ++j) {
          const auto at = static_cast<std::size_t>(i * ldc + j);
          if (j >= n) {
            // Padding between rows of C is never written.
            ASSERT_EQ(c[at], before[at]);
            continue;
          }
          float start = with_bias ? bias[static_cast<std::size_t>(i)] : 0.0F;
          if (accumulate) start = before[at];
          auto expected = static_cast<double>(start);
          for (std::int64_t p = 0; p < k; ++p) {
            expected += static_cast<double>(a[static_cast<std::size_t>(i * lda + p)]) *
                        static_cast<double>(b[static_cast<std::size_t>(p * ldb + j)]);
          }
          ASSERT_NEAR(static_cast<double>(c[at]), expected, 1e-5)
              << IsaName(isa) << " m " << m << " n " << n << " k " << k << " at " << i << "," << j;
        }
      }
    }
  }
}

TEST(Kernels, RowCopiesAndReluGradientMatchReference) {
  const IsaGuard guard;
  std::mt19937 rng(12);
  for (const KernelIsa isa : AvailableIsas()) {
    ASSERT_TRUE(internal::SetKernelIsa(isa));
    for (const std::int64_t cols : {1, 3, 4, 5, 8, 11, 16, 19}) {
      const std::int64_t rows = 3;
      const std::int64_t src_stride = cols + 2;
      const std::int64_t dst_stride = cols + 5;
      const std::vector<float> src = Random(rng, rows * src_stride);
      std::vector<float> copied = Random(rng, rows * dst_stride);
      std::vector<float> added = copied;
      const std::vector<float> before = copied;
      internal::CopyRows(src.data(), src_stride, copied.data(), dst_stride, rows, cols);
      internal::AddRows(src.data(), src_stride, added.data(), dst_stride, rows, cols);
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t j = 0; j < dst_stride; ++j) {
          const auto d = static_cast<std::size_t>(r * dst_stride + j);
          const auto s = static_cast<std::size_t>(r * src_stride + j);
          EXPECT_EQ(copied[d], j < cols ? src[s] : before[d]) << IsaName(isa);
          EXPECT_EQ(added[d], j < cols ? before[d] + src[s] : before[d]) << IsaName(isa);
        }
      }
      std::vector<float> x = Random(rng, cols);
      x[0] = std::numeric_limits<float>::quiet_NaN();
      const std::vector<float> dy = Random(rng, cols);
      std::vector<float> dx = Random(rng, cols);
      const std::vector<float> dx_before = dx;
      internal::ReluBackward(x.data(), dy.data(), dx.data(), cols);
      for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(dx[i], dx_before[i] + (x[i] > 0.0F ? dy[i] : 0.0F)) << IsaName(isa);
      }
    }
  }
}

TEST(Kernels, Im2ColAndItsAdjointMatchReference) {
  const IsaGuard guard;
  std::mt19937 rng(14);
  for (const KernelIsa isa : AvailableIsas()) {
    ASSERT_TRUE(internal::SetKernelIsa(isa));
    for (const std::int64_t stride : {1, 2}) {
      for (const std::int64_t dilation : {1, 2}) {
        for (const std::int64_t ow : {2, 3, 4, 8, 11, 16}) {
          internal::PatchGeometry g{.channels = 2,
                                    .kernel_h = 3,
                                    .kernel_w = 2,
                                    .stride_h = stride,
                                    .stride_w = stride,
                                    .dilation_h = dilation,
                                    .dilation_w = dilation,
                                    .oh = 3,
                                    .ow = ow};
          g.hp = (g.oh - 1) * stride + (g.kernel_h - 1) * dilation + 1;
          g.wp = (g.ow - 1) * stride + (g.kernel_w - 1) * dilation + 1;
          const std::vector<float> padded = Random(rng, g.channels * g.hp * g.wp);
          const std::int64_t rows = g.channels * g.kernel_h * g.kernel_w;
          std::vector<float> col(static_cast<std::size_t>(rows * g.oh * g.ow));
          internal::Im2Col(g, padded.data(), col.data());
          const std::vector<float> dcol = Random(rng, rows * g.oh * g.ow);
          std::vector<float> dpadded = Random(rng, g.channels * g.hp * g.wp);
          std::vector<float> expected = dpadded;
          internal::Col2Im(g, dcol.data(), dpadded.data());
          for (std::int64_t c = 0; c < g.channels; ++c) {
            for (std::int64_t ki = 0; ki < g.kernel_h; ++ki) {
              for (std::int64_t kj = 0; kj < g.kernel_w; ++kj) {
                for (std::int64_t i = 0; i < g.oh; ++i) {
                  for (std::int64_t j = 0; j < g.ow; ++j) {
                    const auto at = static_cast<std::size_t>(
                        (((c * g.kernel_h + ki) * g.kernel_w + kj) * g.oh + i) * g.ow + j);
                    const auto from = static_cast<std::size_t>(c * g.hp * g.wp +
                                                               (i * stride + ki * dilation) * g.wp +
                                                               j * stride + kj * dilation);
                    ASSERT_EQ(col[at], padded[from]) << IsaName(isa);
                    expected[from] += dcol[at];
                  }
                }
              }
            }
          }
          for (std::size_t i = 0; i < expected.size(); ++i) {
            ASSERT_NEAR(dpadded[i], expected[i], 1e-6) << IsaName(isa) << " at " << i;
          }
        }
      }
    }
  }
}

TEST(Kernels, MaxPool2x2PicksTheFirstMaximumWithTiesAndNaN) {
  const IsaGuard guard;
  std::mt19937 rng(13);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const KernelIsa isa : AvailableIsas()) {
    ASSERT_TRUE(internal::SetKernelIsa(isa));
    // h = 2 and 4 (even, so output rows pair up across planes: the half-vector path for w = 4
    // with AVX2 and w = 2 otherwise, with an odd row count left for h = 2) and h = 5.
    for (const std::int64_t h : {2, 4, 5}) {
      for (const std::int64_t w : {2, 3, 4, 5, 8, 9, 16, 19}) {
        const std::int64_t planes = 3;
        const std::int64_t oh = h / 2;
        const std::int64_t ow = w / 2;
        // Few distinct values: many ties; a NaN now and then.
        std::vector<float> x(static_cast<std::size_t>(planes * h * w));
        for (float& v : x) v = rng() % 17 == 0 ? nan : static_cast<float>(rng() % 3);
        std::vector<float> y(static_cast<std::size_t>(planes * oh * ow));
        internal::MaxPool2x2(x.data(), planes, h, w, y.data(), oh, ow);
        const std::vector<float> dy = Random(rng, planes * oh * ow);
        std::vector<float> dx = Random(rng, planes * h * w);
        std::vector<float> expected_dx = dx;
        internal::MaxPool2x2Backward(x.data(), y.data(), dy.data(), dx.data(), planes, h, w, oh,
                                     ow);
        for (std::int64_t p = 0; p < planes; ++p) {
          for (std::int64_t r = 0; r < oh; ++r) {
            for (std::int64_t c = 0; c < ow; ++c) {
              // Reference: scan the window row-major; a larger value or a first NaN takes over.
              std::int64_t best = (p * h + 2 * r) * w + 2 * c;
              for (const std::int64_t o : {std::int64_t{1}, w, w + 1}) {
                const float v = x[static_cast<std::size_t>((p * h + 2 * r) * w + 2 * c + o)];
                const float top = x[static_cast<std::size_t>(best)];
                if (v > top || (std::isnan(v) && !std::isnan(top)))
                  best = (p * h + 2 * r) * w + 2 * c + o;
              }
              const auto out = static_cast<std::size_t>((p * oh + r) * ow + c);
              const float top = x[static_cast<std::size_t>(best)];
              if (std::isnan(top)) {
                EXPECT_TRUE(std::isnan(y[out])) << IsaName(isa) << " w " << w;
              } else {
                EXPECT_EQ(y[out], top) << IsaName(isa) << " w " << w;
              }
              expected_dx[static_cast<std::size_t>(best)] += dy[out];
            }
          }
        }
        for (std::size_t i = 0; i < dx.size(); ++i) {
          EXPECT_EQ(dx[i], expected_dx[i])
              << IsaName(isa) << " h " << h << " w " << w << " at " << i;
        }
      }
    }
  }
}

// The CNN fixture (convolutions with padding, 2x2 max pooling, Relu, Gemm) gives the same logits
// and gradients with every instruction set and with one or two threads, at batch sizes that
// split unevenly into chunks.
TEST(Kernels, FixtureCnnAgreesAcrossInstructionSetsAndThreads) {
  const IsaGuard guard;
  const std::string dir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";
  const OnnxModel model = OnnxModel::Load(dir + "cnn.onnx");
  const NpyArray demo = ReadNpy(dir + "demo_x.npy");
  const std::int64_t d = model.input_size();
  const std::int64_t available = static_cast<std::int64_t>(demo.values.size()) / d;
  for (const std::int64_t batch : {1, 33, 77}) {
    Batch x(batch, d);
    std::vector<std::int64_t> labels(static_cast<std::size_t>(batch));
    for (std::int64_t r = 0; r < batch; ++r) {
      for (std::int64_t c = 0; c < d; ++c) {
        x(r, c) =
            static_cast<float>(demo.values[static_cast<std::size_t>((r % available) * d + c)]);
      }
      labels[static_cast<std::size_t>(r)] = r % 10;
    }
    ASSERT_TRUE(internal::SetKernelIsa(KernelIsa::kGeneric));
    Executor reference_executor(model, {.threads = 1});
    const LossGradient reference = reference_executor.Gradient(x, labels, Loss::kCrossEntropy);
    for (const KernelIsa isa : AvailableIsas()) {
      ASSERT_TRUE(internal::SetKernelIsa(isa));
      for (const int threads : {1, 2}) {
        Executor executor(model, {.threads = threads});
        const LossGradient g = executor.Gradient(x, labels, Loss::kCrossEntropy);
        const float scale = reference.gradient.cwiseAbs().maxCoeff();
        EXPECT_LT((g.logits - reference.logits).cwiseAbs().maxCoeff(), 1e-5)
            << IsaName(isa) << " threads " << threads << " batch " << batch;
        EXPECT_LT((g.gradient - reference.gradient).cwiseAbs().maxCoeff(), 1e-5F * scale)
            << IsaName(isa) << " threads " << threads << " batch " << batch;
        // Repeated calls reuse the plans and the thread pool.
        const Batch again = executor.Gradient(x, labels, Loss::kCrossEntropy).gradient;
        EXPECT_EQ(again, g.gradient);
      }
    }
  }
}

}  // namespace
}  // namespace rampart::robustness
