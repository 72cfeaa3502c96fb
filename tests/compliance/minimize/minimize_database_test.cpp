// MinimizeDatabase on SQLite (always) and PostgreSQL (when RAMPART_TEST_POSTGRES_URL names a
// server, as scripts/with-postgres.sh arranges): the same tests on both.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/compliance/minimize.h>
#include <rampart/compliance/policy.h>
#include <rampart/compliance/pseudonymize.h>

namespace rampart::compliance {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kKey = "0123456789abcdef0123456789abcdef";

class MinimizeDatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string suffix = std::to_string(::getpid());
    if (GetParam() == "postgres") {
      const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
      url_ = url;
    } else {
      path_ = fs::temp_directory_path() / ("rampart_minimize_db_" + suffix + ".db");
      fs::remove(path_);
      url_ = "sqlite:" + path_.string();
    }
    source_ = "people_" + suffix;
    into_ = "people_min_" + suffix;
    db_ = Database::Open(url_);
    Drop();
    db_->Execute(fmt::format(
        "CREATE TABLE {} (id INTEGER, email TEXT, birth TEXT, zip TEXT, salary INTEGER, note "
        "TEXT)",
        source_));
    const char* rows[][6] = {
        {"1", "ann@example.com", "1980-05-01", "75013", "41000", "a"},
        {"2", "bob@example.com", "1980-11-30", "75013", "52000", "b"},
        {"3", nullptr, "1980-02-02", "75013", "58000", nullptr},
        {"4", "cy@example.com", "1975-01-15", "69003", "33000", "c"},
    };
    for (const auto& row : rows) {
      std::vector<DbValue> values;
      values.emplace_back(std::int64_t{std::stoll(row[0])});
      for (int c = 1; c < 6; ++c) {
        if (row[c] == nullptr) {
          values.emplace_back(std::monostate{});
        } else if (c == 4) {
          values.emplace_back(std::int64_t{std::stoll(row[c])});
        } else {
          values.emplace_back(std::string(row[c]));
        }
      }
      db_->Run(fmt::format("INSERT INTO {} VALUES (?, ?, ?, ?, ?, ?)", source_), values);
    }
    ::setenv("RAMPART_TEST_KEY", kKey, 1);
  }
  void TearDown() override {
    if (db_) Drop();
    db_.reset();
    if (!path_.empty()) fs::remove(path_);
  }
  void Drop() {
    db_->Execute("DROP TABLE IF EXISTS " + source_);
    db_->Execute("DROP TABLE IF EXISTS " + into_);
  }
  [[nodiscard]] Policy MakePolicy() const {
    return ParsePolicy(fmt::format(R"(
quasi_identifiers:
  - table: {0}
    columns: [birth, zip]
    k: 2
minimize:
  {0}:
    email:  {{action: pseudonymize, key_env: RAMPART_TEST_KEY}}
    birth:  {{action: generalize, to: year}}
    zip:    {{action: suppress}}
    salary: {{action: generalize, to: "band:10000"}}
    note:   {{action: drop}}
)",
                                   source_));
  }
  [[nodiscard]] bool Exists(const std::string& table) const {
    const auto tables = db_->ListTables();
    return std::find(tables.begin(), tables.end(), table) != tables.end();
  }

  std::string url_;
  fs::path path_;
  std::string source_;
  std::string into_;
  std::unique_ptr<Database> db_;
};

TEST_P(MinimizeDatabaseTest, WritesTheMinimizedRowsIntoANewTable) {
  const auto report = MinimizeDatabase(MakePolicy(), url_, source_, into_);
  EXPECT_EQ(report.rows_in, 4);
  EXPECT_EQ(report.rows_out, 3);
  EXPECT_EQ(report.rows_suppressed, 1);  // (1975, 69003) is alone
  ASSERT_EQ(report.k_anonymity.size(), 1U);
  EXPECT_EQ(report.k_anonymity[0].result.smallest_class, 3);

  const QueryResult result =
      db_->Query(fmt::format("SELECT id, email, birth, zip, salary FROM {} ORDER BY id", into_));
  EXPECT_EQ(result.columns, (std::vector<std::string>{"id", "email", "birth", "zip", "salary"}));
  ASSERT_EQ(result.rows.size(), 3U);
  Pseudonymizer pseudonymizer{SecretKey(kKey)};
  // Untouched columns keep their type; rewritten ones are text; NULL stays NULL.
  EXPECT_EQ(std::get<std::int64_t>(result.rows[0][0]), 1);
  EXPECT_EQ(std::get<std::string>(result.rows[0][1]), pseudonymizer.Pseudonym("ann@example.com"));
  EXPECT_EQ(std::get<std::string>(result.rows[0][2]), "1980");
  EXPECT_EQ(std::get<std::string>(result.rows[0][3]), "75013");
  EXPECT_EQ(std::get<std::string>(result.rows[0][4]), "40000-49999");
  EXPECT_TRUE(IsNull(result.rows[2][1]));
  EXPECT_EQ(std::get<std::string>(result.rows[2][4]), "50000-59999");
  // The dropped column is not in the new table, and the source is unchanged.
  EXPECT_EQ(db_->Query(fmt::format("SELECT * FROM {}", into_)).columns.size(), 5U);
  EXPECT_EQ(db_->Query(fmt::format("SELECT * FROM {}", source_)).rows.size(), 4U);
}

TEST_P(MinimizeDatabaseTest, MalformedRowRollsBackEverything) {
  db_->Run(
      fmt::format("INSERT INTO {} VALUES (5, 'd@example.com', '05/05/1990', '75013', 1, "
                  "'x')",
                  source_));
  try {
    (void)MinimizeDatabase(MakePolicy(), url_, source_, into_);
    FAIL() << "a bad date was accepted";
  } catch (const InputError& error) {
    EXPECT_THAT(std::string(error.what()), HasSubstr("row 5"));
    EXPECT_THAT(error.message(), HasSubstr("'05/05/1990' is not an ISO 8601 date"));
  }
  EXPECT_FALSE(Exists(into_));
  EXPECT_EQ(db_->Query(fmt::format("SELECT * FROM {}", source_)).rows.size(), 5U);

  const fs::path quarantine =
      fs::temp_directory_path() / ("rampart_minimize_db_q_" + std::to_string(::getpid()) + ".csv");
  const auto report =
      MinimizeDatabase(MakePolicy(), url_, source_, into_,
                       {.on_error = OnMalformedRow::kQuarantine, .quarantine_path = quarantine});
  EXPECT_EQ(report.rows_quarantined, 1);
  EXPECT_EQ(report.rows_out + report.rows_suppressed + report.rows_quarantined, 5);
  std::ifstream in(quarantine);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("row,reason,id,email,birth,zip,salary,note\n5,"));
  fs::remove(quarantine);
}

TEST_P(MinimizeDatabaseTest, RefusesToOverwriteOrInvent) {
  db_->Execute(fmt::format("CREATE TABLE {} (x INTEGER)", into_));
  EXPECT_THROW((void)MinimizeDatabase(MakePolicy(), url_, source_, into_), InvalidArgumentError);
  EXPECT_THROW((void)MinimizeDatabase(MakePolicy(), url_, source_, source_), InvalidArgumentError);
  EXPECT_THROW((void)MinimizeDatabase(MakePolicy(), url_, source_ + "_absent", "fresh_table"),
               InvalidArgumentError);  // no minimize entry for it
  EXPECT_THROW((void)MinimizeDatabase(MakePolicy(), "sqlite::memory:", source_, "t2"),
               InvalidArgumentError);
}

INSTANTIATE_TEST_SUITE_P(Engines, MinimizeDatabaseTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace rampart::compliance
