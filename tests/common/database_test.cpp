// rampart::Database on SQLite (always) and PostgreSQL (when RAMPART_TEST_POSTGRES_URL names a
// server, as `make test` arranges through scripts/with-postgres.sh): the same tests on both.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>

namespace rampart {
namespace {

namespace fs = std::filesystem;

std::string PostgresUrl() {
  const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (PostgresUrl().empty()) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
      url_ = PostgresUrl();
    } else {
      path_ = fs::temp_directory_path() / ("rampart_db_" + std::to_string(::getpid()) + ".db");
      fs::remove(path_);
      url_ = "sqlite:" + path_.string();
    }
    db_ = Database::Open(url_);
    table_ = "rampart_db_test_" + std::to_string(::getpid());
    db_->Execute("DROP TABLE IF EXISTS " + table_);
    db_->Execute("CREATE TABLE " + table_ + " (id INTEGER, name TEXT, score DOUBLE PRECISION)");
  }
  void TearDown() override {
    if (db_) db_->Execute("DROP TABLE IF EXISTS " + table_);
    db_.reset();
    if (!path_.empty()) fs::remove(path_);
  }

  std::string url_;
  fs::path path_;
  std::string table_;
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, ParametersRoundTripWithTypes) {
  db_->Run("INSERT INTO " + table_ + " VALUES (?, ?, ?)",
           {std::int64_t{1}, std::string("it's ?"), 0.1});
  db_->Run("INSERT INTO " + table_ + " VALUES (?, ?, ?)", {std::int64_t{2}, DbValue{}, -2.5});
  const auto result = db_->Query(
      "SELECT id, name, score FROM " + table_ + " WHERE id >= ? ORDER BY id", {std::int64_t{1}});
  ASSERT_EQ(result.columns, (std::vector<std::string>{"id", "name", "score"}));
  ASSERT_EQ(result.rows.size(), 2U);
  EXPECT_EQ(std::get<std::int64_t>(result.rows[0][0]), 1);
  EXPECT_EQ(std::get<std::string>(result.rows[0][1]), "it's ?");
  EXPECT_EQ(std::get<double>(result.rows[0][2]), 0.1);
  EXPECT_TRUE(IsNull(result.rows[1][1]));
  EXPECT_EQ(DbValueAsDouble(result.rows[1][2]), -2.5);
}

TEST_P(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    Transaction tx(*db_, TransactionMode::kImmediate);
    db_->Run("INSERT INTO " + table_ + " VALUES (1, 'a', 1)");
  }
  EXPECT_TRUE(db_->Query("SELECT * FROM " + table_).rows.empty());
  {
    Transaction tx(*db_, TransactionMode::kImmediate);
    db_->Run("INSERT INTO " + table_ + " VALUES (1, 'a', 1)");
    tx.Commit();
  }
  EXPECT_EQ(db_->Query("SELECT * FROM " + table_).rows.size(), 1U);
}

TEST_P(DatabaseTest, StreamingStopsEarlyAndConnectionStaysUsable) {
  Transaction tx(*db_);
  for (int i = 0; i < 50; ++i) {
    db_->Run("INSERT INTO " + table_ + " VALUES (?, 'x', 0)", {std::int64_t{i}});
  }
  tx.Commit();
  int seen = 0;
  db_->Stream("SELECT id FROM " + table_ + " ORDER BY id", {}, nullptr,
              [&](const DbRow&) { return ++seen < 5; });
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(std::get<std::int64_t>(db_->Query("SELECT COUNT(*) FROM " + table_).rows[0][0]), 50);
}

TEST_P(DatabaseTest, ErrorsAreRampartErrors) {
  EXPECT_THROW(db_->Run("SELECT * FROM no_such_table_xyz"), IoError);
  EXPECT_THROW(db_->Execute("THIS IS NOT SQL"), IoError);
  // Still usable afterwards.
  EXPECT_NO_THROW(db_->Run("SELECT 1"));
}

TEST_P(DatabaseTest, ListsTables) {
  const auto tables = db_->ListTables();
  EXPECT_NE(std::find(tables.begin(), tables.end(), table_), tables.end());
}

TEST_P(DatabaseTest, ReadOnlyRefusesWrites) {
  db_.reset();
  auto reader = Database::Open(url_, {.read_only = true});
  EXPECT_NO_THROW(reader->Run("SELECT COUNT(*) FROM " + table_));
  EXPECT_THROW(reader->Run("INSERT INTO " + table_ + " VALUES (1, 'a', 1)"), IoError);
  reader.reset();
  db_ = Database::Open(url_);
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseTest, ::testing::Values("sqlite", "postgres"));

TEST(DatabaseOpenTest, UrlsAndMissingFiles) {
  EXPECT_THROW((void)Database::Open("mysql://x"), InvalidArgumentError);
  try {
    (void)Database::Open("mysql://scanner:hunter2@db/crm");
    FAIL();
  } catch (const InvalidArgumentError& e) {
    // The message names the scheme, never the credentials.
    EXPECT_NE(std::string(e.what()).find("'mysql'"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)Database::Open("sqlite:"), InvalidArgumentError);
  EXPECT_THROW((void)Database::Open("sqlite:/no/such/dir/x.db", {.create = false}), NotFoundError);
  EXPECT_THROW((void)Database::Open("postgresql://nobody@127.0.0.1:1/none"), IoError);
  EXPECT_EQ(Database::Open("sqlite::memory:")->engine(), DatabaseEngine::kSqlite);
}

TEST(DatabaseOpenTest, PlaceholdersAndQuoting) {
  EXPECT_EQ(internal::NumberPlaceholders("SELECT ? , '?' , \"a?\" -- ?\n, ?"),
            "SELECT $1 , '?' , \"a?\" -- ?\n, $2");
  EXPECT_EQ(Database::QuoteIdentifier("crm.cust\"omers"), "\"crm\".\"cust\"\"omers\"");
}

}  // namespace
}  // namespace rampart
