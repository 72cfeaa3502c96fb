// `rampart robustness predict` end to end: JSON and CSV output, accuracy with labels, CSV data,
// and exit code 2 with a one-line error for bad models and data.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <rampart/robustness/npy.h>

#include "../cli/run_command.h"

namespace rampart::robustness {
namespace {

using rampart::testing::RunRampart;
using ::testing::HasSubstr;

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

TEST(CliPredict, JsonWithLabels) {
  const auto r = RunRampart({"robustness", "predict", "--model", kDir + "cnn.onnx", "--data",
                             kDir + "demo_x.npy", "--labels", kDir + "demo_y.npy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["samples"], 50);
  EXPECT_EQ(doc["predictions"].size(), 50U);
  // The demo blobs are well separated: the trained CNN classifies all of them.
  EXPECT_DOUBLE_EQ(doc["accuracy"].get<double>(), 1.0);
}

TEST(CliPredict, CsvDataAndCsvOutput) {
  const NpyArray x = ReadNpy(kDir + "mlp_x.npy");
  const NpyArray y = ReadNpy(kDir + "mlp_y.npy");
  const auto path = std::filesystem::temp_directory_path() / "rampart_predict_test.csv";
  {
    std::ofstream out(path);
    out.precision(9);
    for (std::size_t r = 0; r < 8; ++r) {
      out << static_cast<int>(y.values[r]);
      for (std::size_t c = 0; c < 64; ++c) out << ',' << x.values[r * 64 + c];
      out << '\n';
    }
  }
  const auto r = RunRampart({"robustness", "predict", "--model", kDir + "mlp.onnx", "--data",
                             path.string(), "--format", "csv"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("index,label,prediction\n"));
  EXPECT_EQ(rampart::testing::CountLines(r.out), 9);
  // Row 0's label is its prediction (the MLP classifies the fixture inputs correctly).
  EXPECT_THAT(r.out, HasSubstr("\n0," + std::to_string(static_cast<int>(y.values[0])) + "," +
                               std::to_string(static_cast<int>(y.values[0])) + "\n"));
}

TEST(CliPredict, SoftmaxModelWarns) {
  const auto r = RunRampart({"robustness", "predict", "--model", kDir + "tanh_softmax.onnx",
                             "--data", kDir + "tanh_softmax_x.npy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning"));
  EXPECT_EQ(nlohmann::json::parse(r.out)["ends_in_softmax"], true);
}

TEST(CliPredict, BadInputsExitTwo) {
  auto r = RunRampart(
      {"robustness", "predict", "--model", kDir + "cnn_x.npy", "--data", kDir + "cnn_x.npy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not a valid ONNX model"));
  r = RunRampart({"robustness", "predict", "--model", kDir + "cnn.onnx", "--data",
                  kDir + "cnn_grad_ce.npy", "--labels", kDir + "demo_y.npy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("do not match"));
}

}  // namespace
}  // namespace rampart::robustness
