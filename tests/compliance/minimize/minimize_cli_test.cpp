// `rampart compliance minimize` end to end: the real executable, its exit codes and outputs.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <rampart/common/database.h>

#include "../../cli/run_command.h"

namespace rampart::testing {
namespace {

using ::testing::HasSubstr;

const std::string kKeyEnv = "RAMPART_HMAC_KEY=0123456789abcdef0123456789abcdef";

class MinimizeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_minimize_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

const std::string kExamples = RAMPART_EXAMPLES_DIR;

TEST_F(MinimizeCliTest, ExampleReachesItsKAnonymityTarget) {
  const auto out = dir_ / "people.min.csv";
  const RunResult r =
      RunRampart({"compliance", "minimize", "--policy", kExamples + "/policy.yaml", "--in",
                  kExamples + "/people.csv", "--out", out.string(), "--format", "json"},
                 "", {kKeyEnv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["table"], "people");
  EXPECT_EQ(report["rows_in"], 600);
  EXPECT_EQ(report["rows_in"].get<int>(),
            report["rows_out"].get<int>() + report["rows_suppressed"].get<int>());
  EXPECT_GT(report["rows_suppressed"].get<int>(), 0);
  EXPECT_EQ(report["k_anonymity"][0]["k_target"], 3);
  EXPECT_GE(report["k_anonymity"][0]["k_achieved"].get<int>(), 3);
  EXPECT_EQ(report["k_anonymity"][0]["satisfied"], true);
  EXPECT_TRUE(std::filesystem::exists(out));
  const std::string data = ReadWholeFile(out);
  EXPECT_EQ(data.find("@example.com"), std::string::npos);  // e-mails are pseudonyms now
  EXPECT_EQ(data.substr(0, data.find('\n')),
            "employee_id,email,phone,birth_date,gender,postcode,latitude,longitude,salary,"
            "diagnosis");
}

TEST_F(MinimizeCliTest, MarkdownReport) {
  const RunResult r = RunRampart(
      {"compliance", "minimize", "--policy", kExamples + "/policy.yaml", "--in",
       kExamples + "/people.csv", "--out", (dir_ / "o.csv").string(), "--format", "markdown"},
      "", {kKeyEnv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("## Minimization of table people"));
  EXPECT_THAT(r.out, HasSubstr("k reached"));
}

TEST_F(MinimizeCliTest, MalformedRowStopsWithExit2AndNoOutput) {
  const auto policy =
      Write("p.yaml", "minimize:\n  t:\n    age: {action: generalize, to: 'band:10'}\n");
  const auto in = Write("t.csv", "id,age\n1,34\n2,x\n3,50\n");
  const auto out = dir_ / "t.min.csv";
  const RunResult r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--in",
                                  in.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(in.string() + ":3: column 'age': 'x' is not a number"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(ReadWholeFile(in), "id,age\n1,34\n2,x\n3,50\n");
}

TEST_F(MinimizeCliTest, QuarantineGoesOnAndWarns) {
  const auto policy =
      Write("p.yaml", "minimize:\n  t:\n    age: {action: generalize, to: 'band:10'}\n");
  const auto in = Write("t.csv", "id,age\n1,34\n2,x\n3,50\n");
  const auto quarantine = dir_ / "bad.csv";
  const RunResult r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--in",
                                  in.string(), "--out", (dir_ / "t.min.csv").string(), "--on-error",
                                  "quarantine", "--quarantine", quarantine.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 malformed row(s) quarantined"));
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["rows_quarantined"], 1);
  EXPECT_EQ(report["malformed"][0]["line"], 3);
  EXPECT_EQ(ReadWholeFile(dir_ / "t.min.csv"), "id,age\n1,30-39\n3,50-59\n");
  EXPECT_THAT(ReadWholeFile(quarantine), HasSubstr("\n3,column 'age': 'x' is not a number"));
}

TEST_F(MinimizeCliTest, PolicyErrorsAndBadFlagsExit2) {
  const auto policy = Write("p.yaml", "minimize:\n  t:\n    age: {action: blur}\n");
  const auto in = Write("t.csv", "id,age\n1,34\n");
  RunResult r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--in",
                            in.string(), "--out", (dir_ / "o.csv").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(policy.string() + ":3:19: unknown action 'blur'"));
  r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--in", in.string(),
                  "--out", (dir_ / "o.csv").string(), "--on-error", "ignore"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--on-error must be stop or quarantine"));
  r = RunRampart({"compliance", "minimize", "--in", in.string()});
  EXPECT_EQ(r.exit_code, 2);  // --policy is required
  r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--in", in.string(),
                  "--out", in.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(ReadWholeFile(in), "id,age\n1,34\n");
}

TEST_F(MinimizeCliTest, DatabaseTableIntoANewTable) {
  const auto path = dir_ / "hr.db";
  {
    auto db = Database::Open("sqlite:" + path.string());
    db->Execute("CREATE TABLE staff (id INTEGER, age INTEGER, note TEXT)");
    db->Execute("INSERT INTO staff VALUES (1, 34, 'x'), (2, 38, 'y'), (3, 51, 'z')");
  }
  const auto policy = Write("p.yaml",
                            "minimize:\n  staff:\n    age: {action: generalize, to: 'band:10'}\n"
                            "    note: {action: drop}\n");
  const std::string url = "sqlite:" + path.string();
  RunResult r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--db", url,
                            "--table", "staff", "--into", "staff_min"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows_out"], 3);
  {
    auto db = Database::Open(url);
    const auto result = db->Query("SELECT id, age FROM staff_min ORDER BY id");
    ASSERT_EQ(result.rows.size(), 3U);
    EXPECT_EQ(DbValueToString(result.rows[2][1]), "50-59");
  }
  // The new table exists now: a second run refuses to overwrite it.
  r = RunRampart({"compliance", "minimize", "--policy", policy.string(), "--db", url, "--table",
                  "staff", "--into", "staff_min"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  // --db without --into is a usage error.
  r = RunRampart(
      {"compliance", "minimize", "--policy", policy.string(), "--db", url, "--table", "staff"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(MinimizeCliTest, HelpListsTheVerb) {
  const RunResult r = RunRampart({"compliance", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("minimize"));
}

}  // namespace
}  // namespace rampart::testing
