// `rampart privacy calibrate` and `rampart privacy sample` through the real executable.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <rampart/privacy/calibration.h>

#include "../cli/run_command.h"

namespace rampart::testing {
namespace {

std::vector<double> ParseLines(const std::string& text) {
  std::vector<double> values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) values.push_back(std::stod(line));
  return values;
}

TEST(PrivacyCalibrateCliTest, GaussianJsonCarriesTheContractFields) {
  const RunResult r =
      RunRampart({"privacy", "calibrate", "--mechanism", "gaussian", "--epsilon", "1", "--delta",
                  "1e-5", "--sensitivity", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["mechanism"], "gaussian");
  EXPECT_EQ(doc["epsilon"], 1.0);
  EXPECT_EQ(doc["delta"], 1e-5);
  EXPECT_EQ(doc["sensitivity"], 1.0);
  ASSERT_TRUE(doc["sigma"].is_number());
  EXPECT_FALSE(doc.contains("scale"));
  const double analytic = privacy::AnalyticGaussianSigma(1.0, 1e-5, 1.0);
  EXPECT_GE(doc["sigma"].get<double>(), analytic);
  EXPECT_NEAR(doc["sigma"].get<double>(), analytic, 2e-3 * analytic);
  EXPECT_EQ(doc["granularity"], std::ldexp(1.0, -12));
  EXPECT_EQ(doc["noise_interval"].size(), 2U);
}

TEST(PrivacyCalibrateCliTest, LaplaceFamilyReportsScale) {
  for (const char* mechanism : {"laplace", "discrete-laplace"}) {
    const RunResult r = RunRampart({"privacy", "calibrate", "--mechanism", mechanism, "--epsilon",
                                    "0.5", "--sensitivity", "2", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["mechanism"], mechanism);
    EXPECT_EQ(doc["delta"], 0.0);
    EXPECT_NEAR(doc["scale"].get<double>(), 4.0, 1e-9);
    EXPECT_GE(doc["scale"].get<double>(), 4.0);
    EXPECT_FALSE(doc.contains("sigma"));
  }
}

TEST(PrivacyCalibrateCliTest, TableIsTheDefault) {
  const RunResult r = RunRampart({"privacy", "calibrate", "--mechanism", "discrete-gaussian",
                                  "--epsilon", "1", "--delta", "1e-6", "--sensitivity", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sigma"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("discrete-gaussian"), std::string::npos) << r.out;
}

TEST(PrivacySampleCliTest, PrintsNNumbersOnTheGrid) {
  const RunResult r = RunRampart({"privacy", "sample", "--mechanism", "laplace", "--epsilon", "1",
                                  "--sensitivity", "1", "--value", "10.3", "-n", "500"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // secure: no warning
  const auto values = ParseLines(r.out);
  ASSERT_EQ(values.size(), 500U);
  double mean = 0;
  for (const double v : values) {
    const double steps = v / std::ldexp(1.0, -40);
    EXPECT_EQ(steps, std::nearbyint(steps));
    mean += v / 500;
  }
  EXPECT_NEAR(mean, 10.3, 0.5);  // Laplace(1): sd of the mean 0.063
}

TEST(PrivacySampleCliTest, SeedIsReproducibleAndWarns) {
  const std::vector<std::string> args = {"privacy",
                                         "sample",
                                         "--mechanism",
                                         "discrete-gaussian",
                                         "--epsilon",
                                         "1",
                                         "--delta",
                                         "1e-5",
                                         "--sensitivity",
                                         "1",
                                         "--value",
                                         "100",
                                         "-n",
                                         "20",
                                         "--seed",
                                         "7"};
  const RunResult a = RunRampart(args);
  const RunResult b = RunRampart(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(CountLines(a.out), 20);
  EXPECT_NE(a.err.find("NOT differentially private"), std::string::npos) << a.err;
  for (const double v : ParseLines(a.out)) EXPECT_EQ(v, std::floor(v));
}

TEST(PrivacySampleCliTest, SecureOutputDiffersBetweenRuns) {
  const std::vector<std::string> args = {"privacy",       "sample", "--mechanism", "gaussian",
                                         "--epsilon",     "1",      "--delta",     "1e-5",
                                         "--sensitivity", "1",      "-n",          "5"};
  EXPECT_NE(RunRampart(args).out, RunRampart(args).out);
}

TEST(PrivacyCliTest, InvalidParametersExitTwoWithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--mechanism", "laplace", "--epsilon", "0", "--sensitivity", "1"},
      {"--mechanism", "laplace", "--epsilon", "-1", "--sensitivity", "1"},
      {"--mechanism", "laplace", "--epsilon", "nan", "--sensitivity", "1"},
      {"--mechanism", "laplace", "--epsilon", "1", "--sensitivity", "0"},
      {"--mechanism", "laplace", "--epsilon", "1", "--sensitivity", "1", "--delta", "0.1"},
      {"--mechanism", "gaussian", "--epsilon", "1", "--sensitivity", "1"},
      {"--mechanism", "gaussian", "--epsilon", "1", "--sensitivity", "1", "--delta", "0"},
      {"--mechanism", "gaussian", "--epsilon", "1", "--sensitivity", "1", "--delta", "1"},
      {"--mechanism", "discrete-laplace", "--epsilon", "1", "--sensitivity", "0.5"},
      {"--mechanism", "cauchy", "--epsilon", "1", "--sensitivity", "1"},
  };
  for (const char* verb : {"calibrate", "sample"}) {
    for (const auto& flags : cases) {
      std::vector<std::string> args = {"privacy", verb};
      args.insert(args.end(), flags.begin(), flags.end());
      if (std::string(verb) == "sample") args.insert(args.end(), {"-n", "3"});
      const RunResult r = RunRampart(args);
      std::string joined;
      for (const auto& a : args) joined += a + " ";
      EXPECT_EQ(r.exit_code, 2) << joined;
      EXPECT_TRUE(r.out.empty()) << joined << r.out;
      EXPECT_EQ(CountLines(r.err), 1) << joined << r.err;
      EXPECT_EQ(r.err.rfind("rampart: error: ", 0), 0U) << r.err;
    }
  }
}

TEST(PrivacySampleCliTest, DiscreteMechanismsNeedAnIntegerValue) {
  const RunResult r =
      RunRampart({"privacy", "sample", "--mechanism", "discrete-laplace", "--epsilon", "1",
                  "--sensitivity", "1", "--value", "2.5", "-n", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--value must be an integer"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rampart::testing
