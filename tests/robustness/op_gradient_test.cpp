// Every op's vector-Jacobian product against central finite differences of its forward pass, on
// random shapes and values (seeded), plus closed-form forward checks of ops the fixtures do not
// cover. Inputs of piecewise-linear ops (Relu, Clip, MaxPool...) are kept away from their kinks
// so that the finite difference measures one linear piece.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include <rampart/robustness/executor.h>

#include "model_builder.h"

namespace rampart::robustness {
namespace {

using testing::AttrFloat;
using testing::AttrInt;
using testing::AttrInts;
using testing::AttrString;
using testing::ModelBuilder;

std::vector<float> RandomValues(std::mt19937& rng, std::int64_t n, float low = -1.0F,
                                float high = 1.0F) {
  std::uniform_real_distribution<float> u(low, high);
  std::vector<float> v(static_cast<std::size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

// Values separated by at least `gap` in random order, with magnitudes >= gap/2 (no ties, no
// value near 0): finite differences of step < gap/2 never cross a kink of max/relu/clip.
Batch SeparatedBatch(std::mt19937& rng, std::int64_t rows, std::int64_t cols, float gap) {
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = (static_cast<float>(i) - static_cast<float>(values.size()) / 2.0F + 0.5F) * gap;
  }
  std::shuffle(values.begin(), values.end(), rng);
  return Eigen::Map<Batch>(values.data(), rows, cols);
}

Batch RandomBatch(std::mt19937& rng, std::int64_t rows, std::int64_t cols) {
  const std::vector<float> v = RandomValues(rng, rows * cols);
  return Eigen::Map<const Batch>(v.data(), rows, cols);
}

// Checks Vjp against central differences of f(x) = <w, Forward(x)>, evaluated in double.
void CheckGradient(const OnnxModel& model, const Batch& x, std::mt19937& rng, double h = 1e-2,
                   double tolerance = 5e-3) {
  Executor executor(model, {.threads = 1});
  const Batch y = executor.Forward(x);
  const Batch w = RandomBatch(rng, y.rows(), y.cols());
  const Batch grad = executor.Vjp(x, w);
  ASSERT_EQ(grad.rows(), x.rows());
  ASSERT_EQ(grad.cols(), x.cols());
  const auto f = [&](const Batch& input) {
    const Batch out = executor.Forward(input);
    return (out.cast<double>().array() * w.cast<double>().array()).sum();
  };
  const double scale = std::max(1.0, static_cast<double>(grad.cwiseAbs().maxCoeff()));
  Batch xp = x;
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const float original = xp(r, c);
      xp(r, c) = original + static_cast<float>(h);
      const double up = f(xp);
      xp(r, c) = original - static_cast<float>(h);
      const double down = f(xp);
      xp(r, c) = original;
      const double fd = (up - down) / (2.0 * h);
      ASSERT_NEAR(static_cast<double>(grad(r, c)), fd, tolerance * scale)
          << "row " << r << " col " << c;
    }
  }
}

TEST(OpGradient, GemmAllTransposesAndBiasShapes) {
  std::mt19937 rng(1);
  for (int trans_b = 0; trans_b <= 1; ++trans_b) {
    for (int bias_rank = 0; bias_rank <= 2; ++bias_rank) {
      const std::int64_t k = 3 + static_cast<std::int64_t>(rng() % 5);
      const std::int64_t n = 2 + static_cast<std::int64_t>(rng() % 5);
      ModelBuilder b({k});
      b.Floats("B",
               trans_b != 0 ? std::vector<std::int64_t>{n, k} : std::vector<std::int64_t>{k, n},
               RandomValues(rng, k * n));
      std::vector<std::string> inputs{"x", "B"};
      if (bias_rank > 0) {
        b.Floats("C",
                 bias_rank == 1 ? std::vector<std::int64_t>{n} : std::vector<std::int64_t>{1, n},
                 RandomValues(rng, n));
        inputs.emplace_back("C");
      }
      auto& node = b.Node("Gemm", inputs, {"y"});
      AttrInt(node, "transB", trans_b);
      AttrFloat(node, "alpha", 0.7F);
      AttrFloat(node, "beta", 1.3F);
      b.Output("y");
      CheckGradient(b.Build(), RandomBatch(rng, 3, k), rng);
    }
  }
}

TEST(OpGradient, MatMulOnRank3Input) {
  std::mt19937 rng(2);
  ModelBuilder b({2, 4});
  b.Floats("W", {4, 3}, RandomValues(rng, 12));
  b.Node("MatMul", {"x", "W"}, {"y"});
  b.Output("y");
  const OnnxModel model = b.Build();
  EXPECT_EQ(model.output_size(), 6);
  CheckGradient(model, RandomBatch(rng, 2, 8), rng);
}

TEST(OpGradient, BinaryOpsWithBroadcasting) {
  std::mt19937 rng(3);
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    ModelBuilder b({3, 2, 4});
    std::vector<float> c = RandomValues(rng, 3, 0.5F, 2.0F);  // away from 0 for Div
    b.Floats("c", {3, 1, 1}, c);
    b.Node(op, {"x", "c"}, {"t"});
    b.Node(op, {"c", "t"}, {"u"});     // constant on the left, runtime on the right
    b.Node("Mul", {"u", "x"}, {"y"});  // both operands at runtime
    b.Output("y");
    Batch x = RandomBatch(rng, 2, 24);
    x = (x.array() + 2.0F).matrix();  // keep Div away from 0
    CheckGradient(b.Build(), x, rng, 1e-2, 1e-2);
  }
}

TEST(OpGradient, BinaryForwardClosedForm) {
  ModelBuilder b({2, 3});
  b.Floats("c", {3}, {1.0F, 2.0F, 4.0F});
  b.Node("Div", {"x", "c"}, {"y"});
  b.Output("y");
  Executor executor(b.Build(), {.threads = 1});
  Batch x(1, 6);
  x << 2, 4, 8, -1, -2, -4;
  Batch expected(1, 6);
  expected << 2, 2, 2, -1, -1, -1;
  EXPECT_TRUE(executor.Forward(x).isApprox(expected));
}

TEST(OpGradient, UnaryActivations) {
  std::mt19937 rng(4);
  for (const char* op : {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "Identity", "Dropout"}) {
    ModelBuilder b({10});
    auto& node = b.Node(op, {"x"}, {"y"});
    if (std::string(op) == "LeakyRelu") AttrFloat(node, "alpha", 0.2F);
    b.Output("y");
    CheckGradient(b.Build(), SeparatedBatch(rng, 3, 10, 0.06F), rng);
  }
}

TEST(OpGradient, ClipBothOpsetForms) {
  std::mt19937 rng(5);
  {
    ModelBuilder b({12}, 9);
    auto& node = b.Node("Clip", {"x"}, {"y"});
    AttrFloat(node, "min", -0.33F);
    AttrFloat(node, "max", 0.41F);
    b.Output("y");
    CheckGradient(b.Build(), SeparatedBatch(rng, 2, 12, 0.07F), rng);
  }
  {
    ModelBuilder b({12}, 13);
    b.Floats("lo", {}, {-0.33F}).Floats("hi", {}, {0.41F});
    b.Node("Clip", {"x", "lo", "hi"}, {"y"});
    b.Output("y");
    const OnnxModel model = b.Build();
    Executor executor(model, {.threads = 1});
    Batch x = Batch::Zero(1, 12);
    x(0, 0) = -5.0F;
    x(0, 1) = 5.0F;
    const Batch y = executor.Forward(x);
    EXPECT_FLOAT_EQ(y(0, 0), -0.33F);
    EXPECT_FLOAT_EQ(y(0, 1), 0.41F);
    CheckGradient(model, SeparatedBatch(rng, 2, 12, 0.07F), rng);
  }
}

TEST(OpGradient, SoftmaxAndLogSoftmaxAxes) {
  std::mt19937 rng(6);
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    for (const int opset : {11, 13}) {
      ModelBuilder b({3, 2, 2}, opset);
      auto& node = b.Node(op, {"x"}, {"y"});
      AttrInt(node, "axis", 1);
      b.Output("y");
      CheckGradient(b.Build(), RandomBatch(rng, 2, 12), rng, 1e-2, 1e-2);
    }
  }
  // Closed form: log-softmax of (0, ln 3) is (-ln 4, ln 3 - ln 4).
  ModelBuilder b({2});
  b.Node("LogSoftmax", {"x"}, {"y"});
  b.Output("y");
  Executor executor(b.Build(), {.threads = 1});
  Batch x(1, 2);
  x << 0.0F, std::log(3.0F);
  const Batch y = executor.Forward(x);
  EXPECT_NEAR(y(0, 0), -std::log(4.0), 1e-6);
  EXPECT_NEAR(y(0, 1), std::log(3.0) - std::log(4.0), 1e-6);
}

TEST(OpGradient, ConvRandomGeometries) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 6; ++trial) {
    const std::int64_t groups = 1 + static_cast<std::int64_t>(rng() % 2);
    const std::int64_t c = groups * (1 + static_cast<std::int64_t>(rng() % 2));
    const std::int64_t m = groups * (1 + static_cast<std::int64_t>(rng() % 3));
    const std::int64_t kh = 1 + static_cast<std::int64_t>(rng() % 3);
    const std::int64_t kw = 1 + static_cast<std::int64_t>(rng() % 3);
    const std::int64_t h = 5 + static_cast<std::int64_t>(rng() % 3);
    const std::int64_t w = 4 + static_cast<std::int64_t>(rng() % 3);
    const std::int64_t stride = 1 + static_cast<std::int64_t>(rng() % 2);
    const std::int64_t dilation = 1 + static_cast<std::int64_t>(rng() % 2);
    const std::int64_t pad = static_cast<std::int64_t>(rng() % 2);
    ModelBuilder b({c, h, w});
    b.Floats("W", {m, c / groups, kh, kw}, RandomValues(rng, m * (c / groups) * kh * kw));
    b.Floats("B", {m}, RandomValues(rng, m));
    auto& node = b.Node("Conv", {"x", "W", "B"}, {"y"});
    AttrInt(node, "group", groups);
    AttrInts(node, "strides", {stride, stride});
    AttrInts(node, "dilations", {dilation, dilation});
    AttrInts(node, "pads", {pad, 0, pad, pad});
    if (trial == 5) {
      node.mutable_attribute()->RemoveLast();
      AttrString(node, "auto_pad", "SAME_UPPER");
    }
    b.Output("y");
    SCOPED_TRACE("trial " + std::to_string(trial));
    CheckGradient(b.Build(), RandomBatch(rng, 2, c * h * w), rng);
  }
}

TEST(OpGradient, ConvForwardClosedForm) {
  // A 2x2 box filter with stride 2 sums each 2x2 block.
  ModelBuilder b({1, 4, 4});
  b.Floats("W", {1, 1, 2, 2}, {1, 1, 1, 1});
  auto& node = b.Node("Conv", {"x", "W"}, {"y"});
  AttrInts(node, "strides", {2, 2});
  b.Output("y");
  Executor executor(b.Build(), {.threads = 1});
  Batch x(1, 16);
  for (int i = 0; i < 16; ++i) x(0, i) = static_cast<float>(i);
  Batch expected(1, 4);
  expected << 0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15;
  EXPECT_TRUE(executor.Forward(x).isApprox(expected));
}

TEST(OpGradient, Pooling) {
  std::mt19937 rng(8);
  for (const char* op : {"MaxPool", "AveragePool"}) {
    for (int variant = 0; variant < 3; ++variant) {
      ModelBuilder b({2, 5, 6}, 12);
      auto& node = b.Node(op, {"x"}, {"y"});
      AttrInts(node, "kernel_shape", {2, 3});
      AttrInts(node, "strides", {2, 2});
      AttrInts(node, "pads", {variant == 0 ? 0 : 1, 1, 1, 0});
      AttrInt(node, "ceil_mode", variant == 2 ? 1 : 0);
      if (std::string(op) == "AveragePool")
        AttrInt(node, "count_include_pad", variant == 1 ? 1 : 0);
      b.Output("y");
      SCOPED_TRACE(std::string(op) + " variant " + std::to_string(variant));
      CheckGradient(b.Build(), SeparatedBatch(rng, 2, 60, 0.05F), rng);
    }
  }
  ModelBuilder b({3, 4, 5});
  b.Node("GlobalAveragePool", {"x"}, {"y"});
  b.Output("y");
  CheckGradient(b.Build(), RandomBatch(rng, 2, 60), rng);
}

TEST(OpGradient, MaxPoolPairWindows) {
  // The 2x2, stride-2 fast path, on even and odd input sizes (an odd last row/column is skipped).
  std::mt19937 rng(18);
  for (const std::int64_t h : {4, 5}) {
    ModelBuilder b({3, h, 6}, 12);
    auto& node = b.Node("MaxPool", {"x"}, {"y"});
    AttrInts(node, "kernel_shape", {2, 2});
    AttrInts(node, "strides", {2, 2});
    b.Output("y");
    SCOPED_TRACE("height " + std::to_string(h));
    CheckGradient(b.Build(), SeparatedBatch(rng, 2, 3 * h * 6, 0.05F), rng);
  }
}

TEST(OpGradient, MaxPoolPairWindowTiesAndNaN) {
  // As PyTorch: the first maximum of a window (row-major) gets the gradient, a NaN beats numbers.
  ModelBuilder b({1, 2, 8}, 12);
  auto& node = b.Node("MaxPool", {"x"}, {"y"});
  AttrInts(node, "kernel_shape", {2, 2});
  AttrInts(node, "strides", {2, 2});
  b.Output("y");
  Executor executor(b.Build(), {.threads = 1});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Batch x(1, 16);
  // Windows (columns 0-1, 2-3, 4-5, 6-7): a tie in the bottom row, a four-way tie, a NaN
  // after a larger number, -0 before +0.
  x << 1, 2, 5, 5, 1, nan, -0.0F, 0.0F,  //
      3, 3, 5, 5, 9, nan, 0.0F, -0.0F;
  const Batch y = executor.Forward(x);
  EXPECT_EQ(y(0, 0), 3.0F);
  EXPECT_EQ(y(0, 1), 5.0F);
  EXPECT_TRUE(std::isnan(y(0, 2)));
  const Batch grad = executor.Vjp(x, Batch::Constant(1, 4, 1.0F));
  Batch expected = Batch::Zero(1, 16);
  expected(0, 8) = 1.0F;  // first 3
  expected(0, 2) = 1.0F;  // first 5
  expected(0, 5) = 1.0F;  // first NaN
  expected(0, 6) = 1.0F;  // -0 first, +0 is not larger
  EXPECT_EQ(grad, expected);
}

TEST(OpGradient, ConvLargerThanKernelTiles) {
  // Enough output channels, pixels and input channels for full GEMM tiles plus edges, with the
  // padded im2col at strides 1 and 2 and a pointwise (1x1) convolution.
  std::mt19937 rng(19);
  struct Case {
    std::int64_t c, m, h, w, k, stride, pad;
  };
  for (const Case& t :
       {Case{3, 10, 9, 11, 3, 1, 1}, Case{2, 6, 9, 8, 3, 2, 1}, Case{5, 7, 6, 7, 1, 1, 0}}) {
    ModelBuilder b({t.c, t.h, t.w});
    b.Floats("W", {t.m, t.c, t.k, t.k}, RandomValues(rng, t.m * t.c * t.k * t.k));
    b.Floats("B", {t.m}, RandomValues(rng, t.m));
    auto& node = b.Node("Conv", {"x", "W", "B"}, {"y"});
    AttrInts(node, "strides", {t.stride, t.stride});
    AttrInts(node, "pads", {t.pad, t.pad, t.pad, t.pad});
    b.Output("y");
    SCOPED_TRACE("channels " + std::to_string(t.c) + " -> " + std::to_string(t.m));
    CheckGradient(b.Build(), RandomBatch(rng, 2, t.c * t.h * t.w), rng);
  }
}

TEST(OpGradient, AveragePoolCountIncludePadClosedForm) {
  ModelBuilder b({1, 2, 2}, 12);
  auto& node = b.Node("AveragePool", {"x"}, {"y"});
  AttrInts(node, "kernel_shape", {2, 2});
  AttrInts(node, "pads", {1, 1, 0, 0});
  AttrInt(node, "count_include_pad", 1);
  b.Output("y");
  Executor executor(b.Build(), {.threads = 1});
  Batch x(1, 4);
  x << 4, 8, 12, 16;
  Batch y = executor.Forward(x);
  // Output (0,0) covers one real pixel and three padded zeros; (1,1) covers all four.
  EXPECT_FLOAT_EQ(y(0, 0), 1.0F);
  EXPECT_FLOAT_EQ(y(0, 3), 10.0F);
}

TEST(OpGradient, BatchNormalization) {
  std::mt19937 rng(9);
  ModelBuilder b({3, 2, 2}, 15);
  b.Floats("s", {3}, RandomValues(rng, 3)).Floats("bias", {3}, RandomValues(rng, 3));
  b.Floats("mean", {3}, RandomValues(rng, 3)).Floats("var", {3}, RandomValues(rng, 3, 0.5F, 2.0F));
  b.Node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y"});
  b.Output("y");
  CheckGradient(b.Build(), RandomBatch(rng, 2, 12), rng);
}

TEST(OpGradient, DataMovementOps) {
  std::mt19937 rng(10);
  ModelBuilder b({2, 3, 4});
  b.Ints("shape", {3}, {0, 5, -1})
      .Ints("axes", {1}, {1})
      .Ints("pads", {8}, {0, 1, 0, 2, 0, 0, 1, 1});
  auto& t = b.Node("Transpose", {"x"}, {"t"});
  AttrInts(t, "perm", {0, 3, 1, 2});
  b.Node("Pad", {"t", "pads"}, {"p"});
  b.Node("Unsqueeze", {"p", "axes"}, {"u"});
  b.Node("Squeeze", {"u", "axes"}, {"s"});
  auto& f = b.Node("Flatten", {"s"}, {"f"});
  AttrInt(f, "axis", 1);
  b.Node("Reshape", {"f", "shape"}, {"r"});
  b.Node("Tanh", {"r"}, {"y"});
  b.Output("y");
  const OnnxModel model = b.Build();
  EXPECT_EQ(model.output_size(), 5 * 3 * 6);  // [4, 2, 3] padded by (1, 0, 2) + (0, 1, 1)
  CheckGradient(model, RandomBatch(rng, 2, 24), rng);
  // Transpose moves element (c=1, h=2, w=3) to (w=3, c=1, h=2) before padding.
  ModelBuilder plain({2, 3, 4});
  auto& pt = plain.Node("Transpose", {"x"}, {"y"});
  AttrInts(pt, "perm", {0, 3, 1, 2});
  plain.Output("y");
  Executor executor(plain.Build(), {.threads = 1});
  Batch x(1, 24);
  std::iota(x.data(), x.data() + 24, 0.0F);
  const Batch y = executor.Forward(x);
  EXPECT_EQ(y(0, (3 * 2 + 1) * 3 + 2), x(0, (1 * 3 + 2) * 4 + 3));
}

TEST(OpGradient, ShapeChainFoldsToReshape) {
  std::mt19937 rng(11);
  ModelBuilder b({2, 3}, 11);
  b.Ints("zero", {}, {0}).Ints("minus_one", {1}, {-1});
  b.Node("Shape", {"x"}, {"shape"});
  b.Node("Gather", {"shape", "zero"}, {"batch"});
  auto& u = b.Node("Unsqueeze", {"batch"}, {"batch1"});
  AttrInts(u, "axes", {0});
  auto& c = b.Node("Concat", {"batch1", "minus_one"}, {"target"});
  AttrInt(c, "axis", 0);
  b.Node("Reshape", {"x", "target"}, {"y"});
  b.Output("y");
  const OnnxModel model = b.Build();
  EXPECT_EQ(model.node_count(), 1U);
  EXPECT_EQ(model.output_size(), 6);
  CheckGradient(model, RandomBatch(rng, 3, 6), rng);
}

}  // namespace
}  // namespace rampart::robustness
