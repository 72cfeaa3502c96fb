// `rampart privacy budget` end to end on a SQLite ledger file: the status JSON contract, tight
// composition of DP-SGD charges, exit 3 changing nothing, history, and usage errors.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "../../cli/run_command.h"

namespace rampart::testing {
namespace {

class BudgetCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_budget_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ledger_ = (dir_ / "budget.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunResult Budget(const std::string& verb, std::vector<std::string> args) {
    std::vector<std::string> all = {"privacy",   "budget",   verb,       "--ledger", ledger_,
                                    "--dataset", "patients", "--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    return RunRampart(all);
  }

  std::filesystem::path dir_;
  std::string ledger_;
};

TEST_F(BudgetCliTest, InitChargeStatusHistory) {
  RunResult r = Budget("init", {"--epsilon", "3", "--delta", "1e-5", "--accountant", "pld"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Budget("charge", {"--mechanism", "subsampled-gaussian", "--sampling-rate", "0.01",
                        "--noise-multiplier", "1.1", "--steps", "1000", "--description", "run 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Budget("charge", {"--mechanism", "subsampled-gaussian", "--sampling-rate", "0.01",
                        "--noise-multiplier", "1.1", "--steps", "1000", "--description", "run 2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Budget("status", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json status = nlohmann::json::parse(r.out);
  for (const char* field : {"dataset", "epsilon_cap", "delta_cap", "epsilon_spent", "delta_spent",
                            "epsilon_remaining", "accountant", "schema_version"}) {
    EXPECT_TRUE(status.contains(field)) << field << " missing: " << r.out;
  }
  EXPECT_EQ(status["dataset"], "patients");
  EXPECT_EQ(status["accountant"], "pld");
  EXPECT_EQ(status["epsilon_cap"], 3.0);
  EXPECT_EQ(status["delta_spent"], 1e-5);
  // Two 1000-step runs compose as one 2000-step run (PLD): about 2.2, far below 2 x 1.52.
  const double spent = status["epsilon_spent"].get<double>();
  EXPECT_GT(spent, 1.6);
  EXPECT_LT(spent, 2.5);
  EXPECT_NEAR(status["epsilon_remaining"].get<double>(), 3.0 - spent, 1e-12);
  r = Budget("history", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json history = nlohmann::json::parse(r.out);
  ASSERT_EQ(history["charges"].size(), 2U);
  EXPECT_EQ(history["charges"][1]["description"], "run 2");
  EXPECT_EQ(history["charges"][0]["state"], "committed");
  EXPECT_EQ(history["charges"][0]["fingerprint"].get<std::string>().size(), 64U);
}

TEST_F(BudgetCliTest, OverTheCapExitsThreeAndChangesNothing) {
  ASSERT_EQ(
      Budget("init", {"--epsilon", "1", "--delta", "1e-6", "--accountant", "basic"}).exit_code, 0);
  ASSERT_EQ(Budget("charge", {"--epsilon", "0.7"}).exit_code, 0);
  const std::string before = Budget("status", {}).out;
  const RunResult refused = Budget("charge", {"--epsilon", "0.4", "--delta", "1e-7"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_EQ(CountLines(refused.err), 1) << refused.err;
  EXPECT_NE(refused.err.find("budget of dataset 'patients' exhausted"), std::string::npos);
  EXPECT_EQ(Budget("status", {}).out, before);
  EXPECT_EQ(Budget("charge", {"--epsilon", "0.3"}).exit_code, 0);
}

TEST_F(BudgetCliTest, UsageErrorsExitTwo) {
  ASSERT_EQ(Budget("init", {"--epsilon", "1", "--delta", "1e-6"}).exit_code, 0);
  const std::vector<std::vector<std::string>> bad = {
      {"--epsilon", "0.1", "--mechanism", "laplace", "--noise-multiplier", "1"},
      {},
      {"--mechanism", "gaussian", "--noise-multiplier", "0"},
      {"--mechanism", "subsampled-gaussian", "--noise-multiplier", "1", "--sampling-rate", "0"},
      {"--epsilon", "-1"},
  };
  for (const auto& args : bad) {
    const RunResult r = Budget("charge", args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
  }
  EXPECT_EQ(Budget("init", {"--epsilon", "1", "--delta", "1e-6"}).exit_code, 2);  // exists
  EXPECT_EQ(Budget("init", {"--epsilon", "1", "--delta", "2"}).exit_code, 2);
  const RunResult missing =
      RunRampart({"privacy", "budget", "status", "--ledger", ledger_, "--dataset", "other"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no dataset 'other'"), std::string::npos);
}

}  // namespace
}  // namespace rampart::testing
