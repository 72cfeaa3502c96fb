// Bad models and bad data give a rampart::Error of the right kind that names the node and op (or
// the file and line), never a crash.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <rampart/common/error.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/loss.h>

#include "model_builder.h"

namespace rampart::robustness {
namespace {

using testing::AttrInt;
using ::testing::HasSubstr;
using testing::ModelBuilder;

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <typename F>
Error CatchError(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no rampart::Error thrown";
  return InternalError("none");
}

TEST(ModelErrors, TruncatedFile) {
  const std::string bytes = ReadBytes(kDir + "cnn.onnx");
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 7, std::size_t{3}}) {
    const Error e =
        CatchError([&] { (void)OnnxModel::FromBytes(bytes.substr(0, keep), "cnn.onnx"); });
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("cnn.onnx"));
  }
}

TEST(ModelErrors, NotAModel) {
  const Error e = CatchError([] { (void)OnnxModel::FromBytes("hello, world", "x.onnx"); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("not a valid ONNX model"));
}

TEST(ModelErrors, MissingFile) {
  const Error e = CatchError([] { (void)OnnxModel::Load("/nonexistent/model.onnx"); });
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
}

TEST(ModelErrors, WrongDimensions) {
  ModelBuilder b({5});
  b.Floats("W", {4, 3}, std::vector<float>(12, 1.0F));
  b.Node("Gemm", {"x", "W"}, {"y"}, "fc1");
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("node 'fc1' (Gemm)"));
  EXPECT_THAT(e.what(), HasSubstr("inner dimensions"));
}

TEST(ModelErrors, InitializerSizeMismatch) {
  ModelBuilder b({3});
  b.Floats("W", {3, 2}, std::vector<float>(5, 1.0F));
  b.Node("MatMul", {"x", "W"}, {"y"});
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("initializer 'W'"));
}

TEST(ModelErrors, UnknownOp) {
  ModelBuilder b({3});
  b.Node("Relu", {"x"}, {"h"});
  b.Node("FancyActivation", {"h"}, {"y"}, "act");
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(e.what(), HasSubstr("node 'act' (FancyActivation)"));
  EXPECT_THAT(e.what(), HasSubstr("unsupported op"));
}

TEST(ModelErrors, CyclicGraph) {
  ModelBuilder b({3});
  b.Node("Add", {"x", "b"}, {"a"}, "first");
  b.Node("Relu", {"a"}, {"b"}, "second");
  b.Output("b");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("cycle"));
  EXPECT_THAT(e.what(),
              ::testing::AnyOf(HasSubstr("node 'first' (Add)"), HasSubstr("node 'second' (Relu)")));
}

TEST(ModelErrors, MissingInitializer) {
  ModelBuilder b({3});
  b.Node("Gemm", {"x", "weights"}, {"y"}, "fc");
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("node 'fc' (Gemm)"));
  EXPECT_THAT(e.what(), HasSubstr("'weights'"));
}

TEST(ModelErrors, UnsupportedOpset) {
  ModelBuilder b({3}, 8);
  b.Node("Relu", {"x"}, {"y"});
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(e.what(), HasSubstr("opset 8"));
}

TEST(ModelErrors, SecondaryOutputIsRejected) {
  ModelBuilder b({1, 4, 4}, 12);
  auto& pool = b.Node("MaxPool", {"x"}, {"y", "indices"}, "pool");
  testing::AttrInts(pool, "kernel_shape", {2, 2});
  AttrInt(b.Node("Cast", {"indices"}, {"z"}, "cast"), "to", 1);
  b.Output("z");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(e.what(), HasSubstr("secondary output of node 'pool' (MaxPool)"));
}

TEST(ModelErrors, BatchMergingReshape) {
  ModelBuilder b({2, 3});
  b.Ints("shape", {1}, {-1});
  b.Node("Reshape", {"x", "shape"}, {"y"}, "flat");
  b.Output("y");
  const Error e = CatchError([&] { (void)b.Build(); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  EXPECT_THAT(e.what(), HasSubstr("node 'flat' (Reshape)"));
}

TEST(ExecutorErrors, WrongInputWidthAndLabels) {
  Executor executor(OnnxModel::Load(kDir + "mlp.onnx"), {.threads = 1});
  EXPECT_THROW((void)executor.Forward(Batch::Zero(2, 63)), InvalidArgumentError);
  const std::vector<std::int64_t> bad{0, 10};
  EXPECT_THROW((void)executor.Gradient(Batch::Zero(2, 64), bad, Loss::kCrossEntropy),
               InvalidArgumentError);
  const std::vector<std::int64_t> short_labels{0};
  EXPECT_THROW((void)executor.Gradient(Batch::Zero(2, 64), short_labels, Loss::kMargin),
               InvalidArgumentError);
}

TEST(Losses, ClosedForms) {
  Batch z(1, 3);
  z << 1.0F, 3.0F, 2.0F;
  const std::vector<std::int64_t> y{0};
  Batch g;
  // CE = log(e + e^3 + e^2) - 1.
  const double ce = std::log(std::exp(1.0) + std::exp(3.0) + std::exp(2.0)) - 1.0;
  EXPECT_NEAR(LossOnLogits(Loss::kCrossEntropy, z, y, &g)(0), ce, 1e-6);
  EXPECT_NEAR(g.sum(), 0.0, 1e-7);
  // Margin = 3 - 1; DLR = -(1 - 3) / (3 - 1) = 1.
  EXPECT_FLOAT_EQ(LossOnLogits(Loss::kMargin, z, y, &g)(0), 2.0F);
  EXPECT_FLOAT_EQ(g(0, 0), -1.0F);
  EXPECT_FLOAT_EQ(g(0, 1), 1.0F);
  EXPECT_NEAR(LossOnLogits(Loss::kDlr, z, y, &g)(0), 1.0, 1e-6);
  // Label is the smallest logit (pi3): DLR is identically 1 there, so its gradient vanishes.
  EXPECT_NEAR(g.norm(), 0.0, 1e-6);
  const std::vector<std::int64_t> y1{1};
  // Label on top: DLR = -(3 - 2) / (3 - 1) = -0.5.
  EXPECT_NEAR(LossOnLogits(Loss::kDlr, z, y1, &g)(0), -0.5, 1e-6);
  Batch two(1, 2);
  two << 0.0F, 1.0F;
  EXPECT_THROW((void)LossOnLogits(Loss::kDlr, two, y, nullptr), InvalidArgumentError);
}

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("rampart_dataset_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(DatasetTest, CsvWithAndWithoutHeader) {
  const Dataset a = LoadDataset(Write("a.csv", "label,x0,x1\n1,0.5,2\n0,-1,3e-1\n"), {}, 2);
  ASSERT_EQ(a.inputs.rows(), 2);
  EXPECT_EQ(a.labels, (std::vector<std::int64_t>{1, 0}));
  EXPECT_FLOAT_EQ(a.inputs(1, 1), 0.3F);
  const Dataset b = LoadDataset(Write("b.csv", "2,1,1\n"), {}, 2);
  EXPECT_EQ(b.labels, (std::vector<std::int64_t>{2}));
}

TEST_F(DatasetTest, CsvWidthMismatchNamesTheLine) {
  const Error e = CatchError([&] { (void)LoadDataset(Write("c.csv", "1,2,3\n1,2\n"), {}, 3); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("c.csv:1"));
  const Error bad = CatchError([&] { (void)LoadDataset(Write("d.csv", "1,2,3\n1,2,x\n"), {}, 2); });
  EXPECT_THAT(bad.what(), HasSubstr("d.csv:2:3"));
}

TEST_F(DatasetTest, NpyFixturesAndMismatch) {
  const Dataset d = LoadDataset(kDir + "cnn_x.npy", kDir + "cnn_y.npy", 64);
  EXPECT_EQ(d.inputs.rows(), 8);
  EXPECT_EQ(d.labels.size(), 8U);
  const Error e = CatchError([&] { (void)LoadDataset(kDir + "cnn_x.npy", {}, 63); });
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("expects 63"));
  const Error labels =
      CatchError([&] { (void)LoadDataset(kDir + "cnn_x.npy", kDir + "demo_y.npy", 64); });
  EXPECT_THAT(labels.what(), HasSubstr("do not match"));
  const Error truncated = CatchError([&] {
    const std::string bytes = ReadBytes(kDir + "cnn_x.npy");
    (void)LoadDataset(Write("t.npy", bytes.substr(0, bytes.size() - 4)), {}, 64);
  });
  EXPECT_THAT(truncated.what(), HasSubstr("t.npy"));
}

}  // namespace
}  // namespace rampart::robustness
