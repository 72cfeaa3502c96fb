// `rampart privacy query` end to end on a small SQLite shop database built here: the output
// formats, exact answers at a huge epsilon, the ledger charged once per query and refusing with
// exit 3 and an empty stdout, usage errors with their location, and --explain charging nothing.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <rampart/common/database.h>

#include "../../cli/run_command.h"
#include "sql_test_data.h"

namespace rampart::testing {
namespace {

constexpr const char* kQuery =
    "SELECT category, COUNT(*) AS n, SUM(amount) AS total FROM purchases GROUP BY category "
    "ORDER BY category";

class QueryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_query_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_url_ = "sqlite:" + (dir_ / "shop.db").string();
    ledger_ = (dir_ / "budget.db").string();
    auto db = Database::Open(db_url_);
    privacy::testing::CreateShop(*db);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The data has at most 19 purchases per person over 4 categories: these bounds bound nothing.
  RunResult Query(const std::vector<std::string>& extra, const std::string& sql = kQuery) {
    std::vector<std::string> args = {"privacy",
                                     "query",
                                     "--db",
                                     db_url_,
                                     "--privacy-unit",
                                     "person_id",
                                     "--bounds",
                                     "amount=0:100",
                                     "--max-groups-per-unit",
                                     "4",
                                     "--max-rows-per-group",
                                     "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(sql);
    return RunRampart(args);
  }
  RunResult Budget(const std::string& verb, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"privacy", "budget",    verb,   "--ledger",
                                     ledger_,   "--dataset", "shop", "--format"};
    args.emplace_back("json");
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRampart(args);
  }
  nlohmann::json Status() {
    const RunResult r = Budget("status", {});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  std::filesystem::path dir_;
  std::string db_url_;
  std::string ledger_;
};

// At epsilon 3 partition selection releases a group of n >= 106 units with probability exactly 1
// (every category has ~200 units), so all four rows appear in every run; at epsilon 1 the bar is
// 273 units and a category went missing in about 1 run in 40.
TEST_F(QueryCliTest, JsonCsvAndTableCarryTheColumns) {
  RunResult r = Query({"--epsilon", "3", "--delta", "1e-6", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  for (const char* field : {"schema_version", "columns", "rows", "intervals", "confidence_level",
                            "epsilon_spent", "delta_spent", "budget_split"}) {
    EXPECT_TRUE(doc.contains(field)) << field << " missing: " << r.out;
  }
  EXPECT_EQ(doc["columns"], nlohmann::json({"category", "n", "total"}));
  EXPECT_EQ(doc["confidence_level"], 0.95);
  EXPECT_NEAR(doc["epsilon_spent"].get<double>(), 3.0, 1e-12);
  EXPECT_NEAR(doc["delta_spent"].get<double>(), 1e-6, 1e-18);
  ASSERT_EQ(doc["rows"].size(), doc["intervals"].size());
  ASSERT_EQ(doc["rows"].size(), 4U);
  for (std::size_t i = 0; i < doc["rows"].size(); ++i) {
    const auto& row = doc["rows"][i];
    const auto& ci = doc["intervals"][i];
    EXPECT_TRUE(row["category"].is_string());
    EXPECT_FALSE(ci.contains("category"));
    for (const char* noisy : {"n", "total"}) {
      ASSERT_TRUE(ci.contains(noisy)) << r.out;
      EXPECT_LE(ci[noisy][0].get<double>(), row[noisy].get<double>());
      EXPECT_GE(ci[noisy][1].get<double>(), row[noisy].get<double>());
    }
  }
  // No --seed: secure randomness, no warning.
  EXPECT_EQ(r.err.find("NOT private"), std::string::npos);
  EXPECT_TRUE(doc["quantile_rank_error_bounds"].empty()) << r.out;

  r = Query({"--epsilon", "3", "--delta", "1e-6", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "category,n,total");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5);

  r = Query({"--epsilon", "3", "--delta", "1e-6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"category", "n", "total", "95% CI", "books", "epsilon spent 3"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " not in:\n" << r.out;
  }
}

TEST_F(QueryCliTest, HugeEpsilonMatchesTheExactAnswersAndSeedWarns) {
  const RunResult r =
      Query({"--epsilon", "1e7", "--delta", "1e-6", "--seed", "3", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("NOT private"), std::string::npos) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  auto db = Database::Open(db_url_);
  const auto exact = db->Query(
      "SELECT category, COUNT(*), SUM(amount) FROM purchases GROUP BY category ORDER BY category");
  ASSERT_EQ(doc["rows"].size(), exact.rows.size());
  for (std::size_t i = 0; i < exact.rows.size(); ++i) {
    const auto& row = doc["rows"][i];
    EXPECT_EQ(row["category"].get<std::string>(), DbValueToString(exact.rows[i][0]));
    EXPECT_NEAR(row["n"].get<double>(), DbValueAsDouble(exact.rows[i][1]), 0.5);
    EXPECT_NEAR(row["total"].get<double>(), DbValueAsDouble(exact.rows[i][2]), 0.05);
  }
}

TEST_F(QueryCliTest, LedgerIsChargedOncePerQueryAndRefusesWhenExhausted) {
  RunResult r = Budget("init", {"--epsilon", "1.5", "--delta", "1e-5", "--accountant", "basic"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> charged = {"--epsilon", "1",     "--delta",   "1e-6",
                                            "--ledger",  ledger_, "--dataset", "shop",
                                            "--format",  "json"};
  r = Query(charged);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json status = Status();
  EXPECT_EQ(status["charges"], 1);
  EXPECT_EQ(status["reserved"], 0);
  // Basic composition of the plan's discrete Laplace shares: the query's epsilon (the scales
  // are rounded up, so never more).
  EXPECT_NEAR(status["epsilon_spent"].get<double>(), 1.0, 1e-6);
  EXPECT_LE(status["epsilon_spent"].get<double>(), 1.0);
  // The ledger reports epsilon at the dataset's delta cap (ledger.h), so delta_spent is the cap.
  EXPECT_EQ(status["delta_spent"].get<double>(), 1e-5);

  r = Query(charged);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(r.err.empty());
  status = Status();
  EXPECT_EQ(status["charges"], 1);
}

TEST_F(QueryCliTest, ExplainChargesNothing) {
  ASSERT_EQ(Budget("init", {"--epsilon", "1", "--delta", "1e-5"}).exit_code, 0);
  const RunResult r = Query({"--epsilon", "5", "--delta", "1e-6", "--ledger", ledger_, "--dataset",
                             "shop", "--explain", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rampart_units"), std::string::npos) << r.out;
  EXPECT_EQ(Status()["charges"], 0);
}

TEST_F(QueryCliTest, BadInputExitsTwoWithTheLocation) {
  RunResult r = Query({"--epsilon", "1", "--delta", "1e-6"},
                      "SELECT category, COUNT(*) FROM purchases GROUP BY categry ORDER");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("1:"), std::string::npos) << r.err;
  r = Query({"--epsilon", "1", "--bounds", "amount=5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bounds"), std::string::npos) << r.err;
}

TEST_F(QueryCliTest, ColumnsWithoutBoundsGetThemFromApproxBoundsAndPayForIt) {
  RunResult r = Budget("init", {"--epsilon", "20", "--delta", "1e-5", "--accountant", "basic"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> base = {
      "privacy", "query", "--db", db_url_, "--privacy-unit", "person_id", "--max-rows-per-group",
      "20"};
  const std::string sql = "SELECT AVG(amount) AS mean, SUM(amount) AS total FROM purchases";
  // --explain: the ApproxBounds query and its share of the budget, nothing charged.
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--epsilon", "10", "--explain", "--format", "json", sql});
  r = RunRampart(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json plan = nlohmann::json::parse(r.out);
  ASSERT_EQ(plan["approx_bounds"].size(), 1U);
  EXPECT_DOUBLE_EQ(plan["approx_bounds"][0]["epsilon"].get<double>(), 1.0);
  EXPECT_NE(plan["values"][0]["approx_bounds_sql"].get<std::string>().find("rampart_weight"),
            std::string::npos);
  EXPECT_EQ(Status()["charges"], 0);

  args = base;
  // 300 people: with epsilon 1 for the search a bin needs a noisy weight of about 25 units.
  args.insert(args.end(), {"--epsilon", "10", "--ledger", ledger_, "--dataset", "shop", "--seed",
                           "7", "--format", "json", sql});
  r = RunRampart(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["approx_bounds"].size(), 1U);
  // Amounts are uniform in [0, 100): the bounds are power-of-two bin edges around the bulk.
  EXPECT_LE(doc["approx_bounds"][0]["lower"].get<double>(), 16.0);
  EXPECT_GE(doc["approx_bounds"][0]["lower"].get<double>(), 0.0);
  EXPECT_EQ(doc["approx_bounds"][0]["upper"].get<double>(), 128.0);
  EXPECT_EQ(doc["budget_split"][0]["statistic"], "approx_bounds(amount)");
  EXPECT_NEAR(doc["epsilon_spent"].get<double>(), 10.0, 1e-9);
  // The ledger paid for everything, ApproxBounds included.
  const nlohmann::json status = Status();
  EXPECT_EQ(status["charges"], 1);
  EXPECT_NEAR(status["epsilon_spent"].get<double>(), 10.0, 1e-6);
  EXPECT_LE(status["epsilon_spent"].get<double>(), 10.0 + 1e-9);
}

TEST_F(QueryCliTest, ApproxBoundsOfASingleUnitFindNothingAndSaySo) {
  {
    auto db = Database::Open(db_url_);
    db->Execute("CREATE TABLE secret (person_id INTEGER, salary DOUBLE PRECISION)");
    for (int i = 0; i < 30; ++i) db->Execute("INSERT INTO secret VALUES (42, 123456.0)");
  }
  ASSERT_EQ(Budget("init", {"--epsilon", "5", "--delta", "1e-5"}).exit_code, 0);
  const RunResult r =
      RunRampart({"privacy", "query", "--db", db_url_, "--privacy-unit", "person_id", "--epsilon",
                  "1", "--ledger", ledger_, "--dataset", "shop", "SELECT AVG(salary) FROM secret"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("could not find clamping bounds for salary privately"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--bounds salary=LO:HI"), std::string::npos) << r.err;
  // The search drew noise on the data: its outcome (no bounds) is paid for.
  EXPECT_EQ(Status()["charges"], 1);
}

// A quantile has no value interval; JSON reports its rank error bound instead, per column:
// (2 C max(p, 1 - p) / (epsilon_share / L0)) ln((bins + 1) / 0.05), the same in every group.
TEST_F(QueryCliTest, QuantilesReportARankErrorBoundNotAnInterval) {
  const RunResult r =
      Query({"--epsilon", "2", "--delta", "1e-6", "--format", "json"},
            "SELECT category, MEDIAN(amount) AS m FROM purchases GROUP BY category");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  for (const auto& interval : doc["intervals"]) EXPECT_FALSE(interval.contains("m")) << r.out;
  ASSERT_TRUE(doc["quantile_rank_error_bounds"].contains("m")) << r.out;
  // epsilon 2 split over the median and partition selection: 1 each; L0 = 4, C = 20, p = 1/2.
  const double expected = 2.0 * 20 * 0.5 / (1.0 / 4) * std::log(1025 / 0.05);
  EXPECT_NEAR(doc["quantile_rank_error_bounds"]["m"].get<double>(), expected, 1e-9 * expected);
  const RunResult table =
      Query({"--epsilon", "2", "--delta", "1e-6"},
            "SELECT category, MEDIAN(amount) AS m FROM purchases GROUP BY category");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("m: no value interval; with 95% confidence its rank is at most"),
            std::string::npos)
      << table.out;
}

}  // namespace
}  // namespace rampart::testing
