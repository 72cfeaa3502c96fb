// `rampart compliance scan --policy/--fail-on/--baseline` and `rampart compliance baseline`:
// exit codes and formats, on the bundled examples and small schemas.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../../cli/run_command.h"
#include "audit_test_util.h"

namespace rampart::compliance {
namespace {

namespace fs = std::filesystem;
using rampart::testing::RunRampart;
using testing::TempDir;

const std::string kExamples = RAMPART_EXAMPLES_DIR;
const std::string kPolicy = kExamples + "/policy.yaml";

const char* const kDdl =
    "CREATE TABLE crm.customers (\n"
    "  visits integer NOT NULL,\n"
    "  email  text NOT NULL\n"
    ");\n";

TEST(AuditCliTest, ScanWithPolicyWritesFindingsInEveryFormat) {
  const auto json = RunRampart({"compliance", "scan", kExamples, "--policy", kPolicy});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_FALSE(doc["findings"].empty());
  EXPECT_EQ(doc["policy"], kPolicy);
  for (const auto& f : doc["findings"]) {
    for (const char* key : {"rule", "severity", "message", "location"}) {
      EXPECT_TRUE(f.contains(key)) << key;
    }
  }
  const auto sarif =
      RunRampart({"compliance", "scan", kExamples, "--policy", kPolicy, "--format", "sarif"});
  ASSERT_EQ(sarif.exit_code, 0) << sarif.err;
  EXPECT_EQ(nlohmann::json::parse(sarif.out)["version"], "2.1.0");
  const auto html =
      RunRampart({"compliance", "scan", kExamples, "--policy", kPolicy, "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("Record of processing activities"), std::string::npos);
  const auto junit =
      RunRampart({"compliance", "scan", kExamples, "--policy", kPolicy, "--format", "junit"});
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  EXPECT_NE(junit.out.find("<testsuites"), std::string::npos);
}

TEST(AuditCliTest, FailOnExitsOneWhenAFindingReachesTheSeverity) {
  TempDir dir("cli_failon");
  const std::string sql = dir.Write("crm.sql", kDdl);
  // email without purpose: medium; no retention: low.
  EXPECT_EQ(RunRampart({"compliance", "scan", sql, "--fail-on", "medium"}).exit_code, 1);
  EXPECT_EQ(RunRampart({"compliance", "scan", sql, "--fail-on", "high"}).exit_code, 0);
  EXPECT_EQ(RunRampart({"compliance", "scan", sql}).exit_code, 0);
  // Suppressed findings do not count.
  const std::string policy = dir.Write("policy.yaml",
                                       "suppressions:\n"
                                       "  - rule: no-declared-purpose\n"
                                       "    target: crm.customers.email\n"
                                       "    reason: reviewed\n"
                                       "    expires: 2099-01-01\n");
  EXPECT_EQ(
      RunRampart({"compliance", "scan", sql, "--policy", policy, "--fail-on", "medium"}).exit_code,
      0);
  EXPECT_EQ(
      RunRampart({"compliance", "scan", sql, "--policy", policy, "--fail-on", "low"}).exit_code, 1);
  const auto bad = RunRampart({"compliance", "scan", sql, "--fail-on", "severe"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--fail-on"), std::string::npos);
}

TEST(AuditCliTest, SarifReportsUnreadableInputsAsNotifications) {
  TempDir dir("cli_sarif_errors");
  const std::string good = dir.Write("good.sql", kDdl);
  const std::string bad =
      dir.Write("broken.sql", "CREATE TABLE a (\n  id int,\n  name text,,\n);\n");
  const auto run = RunRampart({"compliance", "scan", good, bad, "--format", "sarif"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  const auto doc = nlohmann::json::parse(run.out);
  const auto& results = doc["runs"][0]["results"];
  ASSERT_FALSE(results.empty());
  for (const auto& result : results) {
    const std::string uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(fs::path(uri).filename().string(), "good.sql");
  }
  const auto& invocation = doc["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  ASSERT_EQ(invocation["toolExecutionNotifications"].size(), 1U);
  const auto& notification = invocation["toolExecutionNotifications"][0];
  EXPECT_EQ(notification["level"], "error");
  const auto& physical = notification["locations"][0]["physicalLocation"];
  EXPECT_EQ(fs::path(physical["artifactLocation"]["uri"].get<std::string>()).filename().string(),
            "broken.sql");
  EXPECT_EQ(physical["region"]["startLine"], 3);
}

TEST(AuditCliTest, BaselineFailsOnlyOnNewFindings) {
  TempDir dir("cli_baseline");
  const std::string sql = dir.Write("schemas/crm.sql", kDdl);
  const std::string baseline = (dir.path() / "baseline.json").string();
  const auto written = RunRampart(
      {"compliance", "baseline", (dir.path() / "schemas").string(), "--output", baseline});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const auto doc = nlohmann::json::parse(rampart::testing::ReadWholeFile(baseline));
  EXPECT_EQ(doc["kind"], "rampart-compliance-baseline");
  EXPECT_EQ(doc["findings"].size(), 2U);

  const std::vector<std::string> gate = {"compliance", "scan", (dir.path() / "schemas").string(),
                                         "--baseline", baseline};
  EXPECT_EQ(RunRampart(gate).exit_code, 0);
  auto strict = gate;
  strict.insert(strict.end(), {"--fail-on", "low"});
  EXPECT_EQ(RunRampart(strict).exit_code, 0);
  // A new personal column is a new finding.
  (void)dir.Write("schemas/crm.sql",
                  "CREATE TABLE crm.customers (\n"
                  "  visits integer NOT NULL,\n"
                  "  email  text NOT NULL,\n"
                  "  phone  text\n"
                  ");\n");
  const auto failed = RunRampart(gate);
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("1 new finding"), std::string::npos) << failed.err;
  auto high = gate;
  high.insert(high.end(), {"--fail-on", "high", "--format", "json"});
  const auto high_run = RunRampart(high);
  EXPECT_EQ(high_run.exit_code, 0);  // the new finding is medium
  int fresh = 0;
  const auto high_doc = nlohmann::json::parse(high_run.out);
  for (const auto& f : high_doc["findings"]) {
    if (f["baseline"] == "new") ++fresh;
  }
  EXPECT_EQ(fresh, 1);

  EXPECT_EQ(
      RunRampart({"compliance", "scan", sql, "--baseline", (dir.path() / "missing.json").string()})
          .exit_code,
      2);
  const std::string not_baseline = dir.Write("nb.json", "[1, 2");
  EXPECT_EQ(RunRampart({"compliance", "scan", sql, "--baseline", not_baseline}).exit_code, 2);
}

TEST(AuditCliTest, BadPolicyFailsBeforeScanningWithItsLocation) {
  TempDir dir("cli_policy");
  const std::string sql = dir.Write("crm.sql", kDdl);
  const std::string policy =
      dir.Write("policy.yaml", "purposes:\n  - name: x\n    lawful_basis: consnet\n");
  const auto r = RunRampart({"compliance", "scan", sql, "--policy", policy});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("policy.yaml:3:"), std::string::npos) << r.err;
  EXPECT_EQ(RunRampart({"compliance", "baseline", sql, "--policy", policy}).exit_code, 2);
  EXPECT_EQ(RunRampart({"compliance", "baseline"}).exit_code, 2);
}

}  // namespace
}  // namespace rampart::compliance
