// The fixture models exported from PyTorch (tests/robustness/fixtures/make_models.py): outputs
// match PyTorch's float32 outputs, and input gradients of CE, margin and DLR match PyTorch's
// float64 gradients, including on a saturated sample where float32 softmax - onehot fails.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include <rampart/robustness/executor.h>
#include <rampart/robustness/npy.h>
#include <rampart/robustness/onnx_model.h>

namespace rampart::robustness {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

Batch ToBatch(const NpyArray& a, std::int64_t cols) {
  const auto rows = static_cast<std::int64_t>(a.values.size()) / cols;
  Batch b(rows, cols);
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    b.data()[i] = static_cast<float>(a.values[static_cast<std::size_t>(i)]);
  }
  return b;
}

Eigen::MatrixXd ToDouble(const NpyArray& a, std::int64_t cols) {
  const auto rows = static_cast<std::int64_t>(a.values.size()) / cols;
  Eigen::MatrixXd m(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c)
      m(r, c) = a.values[static_cast<std::size_t>(r * cols + c)];
  }
  return m;
}

std::vector<std::int64_t> Labels(const NpyArray& a) {
  std::vector<std::int64_t> labels;
  for (const double v : a.values) labels.push_back(static_cast<std::int64_t>(v));
  return labels;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, ForwardMatchesPyTorch) {
  const std::string name = GetParam();
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = 2});
  const std::int64_t d = executor.model().input_size();
  const Batch x = ToBatch(ReadNpy(kDir + name + "_x.npy"), d);
  const Eigen::MatrixXd expected = ToDouble(ReadNpy(kDir + name + "_logits.npy"), 10);
  const Batch out = executor.Forward(x);
  ASSERT_EQ(out.rows(), expected.rows());
  ASSERT_EQ(out.cols(), 10);
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    const double scale = std::max(1.0, expected.row(r).cwiseAbs().maxCoeff());
    for (Eigen::Index c = 0; c < out.cols(); ++c) {
      EXPECT_NEAR(static_cast<double>(out(r, c)), expected(r, c), 1e-5 * scale)
          << name << " sample " << r << " class " << c;
    }
  }
  // Predictions agree with PyTorch's arg-max.
  const std::vector<std::int64_t> predicted = executor.Predict(x);
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    Eigen::Index best = 0;
    expected.row(r).maxCoeff(&best);
    EXPECT_EQ(predicted[static_cast<std::size_t>(r)], best);
  }
}

TEST_P(FixtureTest, GradientsMatchPyTorchDouble) {
  const std::string name = GetParam();
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = 2});
  const std::int64_t d = executor.model().input_size();
  const Batch x = ToBatch(ReadNpy(kDir + name + "_x.npy"), d);
  const std::vector<std::int64_t> y = Labels(ReadNpy(kDir + name + "_y.npy"));
  for (const Loss loss : {Loss::kCrossEntropy, Loss::kMargin, Loss::kDlr}) {
    const Eigen::MatrixXd expected =
        ToDouble(ReadNpy(kDir + name + "_grad_" + std::string(LossName(loss)) + ".npy"), d);
    const LossGradient g = executor.Gradient(x, y, loss);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      const double norm = expected.row(r).norm();
      const double err = (g.gradient.row(r).cast<double>() - expected.row(r)).norm();
      // Relative error of the whole gradient vector. CE gradients of saturated samples are tiny
      // (1e-15) and still compared relatively (below float32 range they underflow); DLR is exactly
      // flat when the label is the third-largest logit (PyTorch returns 1e-12 round-off there),
      // hence the absolute floor.
      const double floor = loss == Loss::kCrossEntropy ? 1e-30 : 1e-9;  // float32 underflow
      EXPECT_LE(err, 2e-4 * norm + floor)
          << name << " " << LossName(loss) << " sample " << r << " |g|=" << norm;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, FixtureTest,
                         ::testing::Values("logreg", "mlp", "cnn", "bn_cnn", "tanh_softmax",
                                           "mlp_static"));

TEST(FixtureModels, Metadata) {
  const OnnxModel cnn = OnnxModel::Load(kDir + "cnn.onnx");
  EXPECT_EQ(cnn.input_shape(), (Shape{1, 8, 8}));
  EXPECT_EQ(cnn.output_size(), 10);
  EXPECT_FALSE(cnn.ends_in_softmax());
  EXPECT_EQ(cnn.opset(), 11);
  // The Shape -> Gather -> Unsqueeze -> Concat chain was folded away.
  EXPECT_EQ(cnn.node_count(), 8U);
  // 64 input + 512 x2 (conv1, relu) + 128 (pool) + 256 x2 (conv2, relu) + 64 (pool) + 64
  // (reshape) + 10 (logits).
  EXPECT_EQ(cnn.activation_size(), 64 + 1024 + 128 + 512 + 64 + 64 + 10);
  EXPECT_TRUE(OnnxModel::Load(kDir + "tanh_softmax.onnx").ends_in_softmax());
}

// The last fixture sample is saturated: p_y rounds to 1 in float32. The naive float32 gradient
// softmax - onehot is then exactly zero in the true class, so its input gradient is wrong; ours
// matches the double-precision reference (checked above) and here we show the naive one fails.
TEST(FixtureModels, SaturatedSampleDefeatsNaiveSoftmaxGradient) {
  Executor executor(OnnxModel::Load(kDir + "logreg.onnx"), {.threads = 1});
  const Batch x = ToBatch(ReadNpy(kDir + "logreg_x.npy"), 64);
  const std::vector<std::int64_t> y = Labels(ReadNpy(kDir + "logreg_y.npy"));
  const Eigen::Index last = x.rows() - 1;
  const Batch logits = executor.Logits(x.row(last));
  const auto label = y[static_cast<std::size_t>(last)];
  // Naive float32: p = softmax(z), dz = p - onehot.
  const float max = logits.maxCoeff();
  Batch p = (logits.array() - max).exp().matrix();
  p /= p.sum();
  ASSERT_EQ(p(0, label), 1.0F) << "the fixture sample is not saturated";
  Batch naive = p;
  naive(0, label) -= 1.0F;
  const Batch naive_grad = executor.Vjp(x.row(last), naive);
  const Eigen::MatrixXd expected = ToDouble(ReadNpy(kDir + "logreg_grad_ce.npy"), 64);
  const double naive_err =
      (naive_grad.row(0).cast<double>() - expected.row(last)).norm() / expected.row(last).norm();
  EXPECT_GT(naive_err, 0.5);
  const LossGradient g =
      executor.Gradient(x.row(last), {&y[static_cast<std::size_t>(last)], 1}, Loss::kCrossEntropy);
  const double err =
      (g.gradient.row(0).cast<double>() - expected.row(last)).norm() / expected.row(last).norm();
  EXPECT_LT(err, 1e-4);
}

TEST(FixtureModels, BatchSplitAcrossThreadsGivesSameResult) {
  const OnnxModel model = OnnxModel::Load(kDir + "cnn.onnx");
  Executor one(model, {.threads = 1});
  Executor three(model, {.threads = 3});
  Batch x = Batch::Random(50, 64);
  std::vector<std::int64_t> y(50);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::int64_t>(i % 10);
  const LossGradient a = one.Gradient(x, y, Loss::kCrossEntropy);
  const LossGradient b = three.Gradient(x, y, Loss::kCrossEntropy);
  EXPECT_TRUE(a.gradient.isApprox(b.gradient, 1e-5F));
  EXPECT_TRUE(one.Forward(x).isApprox(three.Forward(x), 1e-5F));
  // Reused plans give the same answer on a second call.
  EXPECT_TRUE(three.Gradient(x, y, Loss::kCrossEntropy).gradient.isApprox(b.gradient, 1e-6F));
}

}  // namespace
}  // namespace rampart::robustness
