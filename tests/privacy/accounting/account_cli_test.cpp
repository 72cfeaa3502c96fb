// `rampart privacy account` end to end: the JSON contract, agreement with the library, and one
// clear line with exit code 2 for each kind of bad input.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../../cli/run_command.h"

namespace rampart::testing {
namespace {

std::vector<std::string> DpSgdArgs(const std::string& accountant) {
  return {"privacy",
          "account",
          "--mechanism",
          "subsampled-gaussian",
          "--sampling-rate",
          "0.01",
          "--noise-multiplier",
          "1.1",
          "--steps",
          "1000",
          "--delta",
          "1e-5",
          "--accountant",
          accountant,
          "--format",
          "json"};
}

TEST(AccountCliTest, JsonCarriesTheContractFieldsForEveryAccountant) {
  double previous = 1e300;
  // Ordered from loosest to tightest on DP-SGD (zCDP has no amplification by subsampling).
  for (const std::string accountant : {"basic", "zcdp", "advanced", "rdp", "pld"}) {
    const RunResult r = RunRampart(DpSgdArgs(accountant));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["schema_version"], 1);
    EXPECT_EQ(doc["accountant"], accountant);
    EXPECT_EQ(doc["delta"], 1e-5);
    ASSERT_TRUE(doc["epsilon"].is_number()) << r.out;
    const double eps = doc["epsilon"].get<double>();
    EXPECT_GT(eps, 0.0);
    EXPECT_LT(eps, previous) << accountant;
    previous = eps;
    if (accountant == "rdp") {
      EXPECT_TRUE(doc["order"].is_number());
      EXPECT_NEAR(eps, 1.7118, 1e-3);
    }
    if (accountant == "pld") {
      EXPECT_NEAR(eps, 1.5156, 2e-3);
    }
    EXPECT_EQ(doc["event"]["type"], "self_composed");
  }
}

TEST(AccountCliTest, DeltaForEpsilonAndTableFormat) {
  const RunResult r =
      RunRampart({"privacy", "account", "--mechanism", "gaussian", "--noise-multiplier", "10",
                  "--steps", "100", "--epsilon", "1", "--accountant", "pld", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  // 100 Gaussians of sigma 10 = one of sigma 1: delta(1) = Phi(-0.5) - e Phi(-1.5) = 0.126936.
  EXPECT_NEAR(doc["delta"].get<double>(), 0.1269355, 2e-5);
  EXPECT_EQ(doc["given"], "epsilon");
  const RunResult table =
      RunRampart({"privacy", "account", "--mechanism", "laplace", "--noise-multiplier", "10",
                  "--steps", "5", "--delta", "1e-6", "--accountant", "basic"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("epsilon"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("0.5"), std::string::npos) << table.out;
}

TEST(AccountCliTest, BadInputsExitTwoWithOneClearLine) {
  struct Case {
    std::vector<std::string> replace;  // flag, value
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--sampling-rate", "0"}, "--sampling-rate: sampling rate must lie in (0, 1]"},
      {{"--sampling-rate", "1.5"}, "--sampling-rate: sampling rate must lie in (0, 1]"},
      {{"--noise-multiplier", "0"}, "--noise-multiplier: noise multiplier must be"},
      {{"--noise-multiplier", "-2"}, "--noise-multiplier: noise multiplier must be"},
      {{"--steps", "0"}, "--steps: must be an integer >= 1"},
      {{"--delta", "1"}, "--delta: delta must lie in (0, 1)"},
      {{"--delta", "0"}, "--delta: delta must lie in (0, 1)"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = DpSgdArgs("rdp");
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == c.replace[0]) args[i + 1] = c.replace[1];
    }
    const RunResult r = RunRampart(args);
    EXPECT_EQ(r.exit_code, 2) << c.expected;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("rampart: error: " + c.expected), std::string::npos) << r.err;
  }
  const RunResult missing = RunRampart({"privacy", "account", "--mechanism", "gaussian",
                                        "--noise-multiplier", "1", "--accountant", "rdp"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("exactly one of --delta D or --epsilon E"), std::string::npos);
  const RunResult unknown =
      RunRampart({"privacy", "account", "--mechanism", "gaussian", "--noise-multiplier", "1",
                  "--delta", "1e-5", "--accountant", "moments"});
  EXPECT_EQ(unknown.exit_code, 2);
}

}  // namespace
}  // namespace rampart::testing
