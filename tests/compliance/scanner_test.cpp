#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <rampart/common/database.h>
#include <rampart/compliance/db_source.h>
#include <rampart/compliance/ddl_source.h>
#include <rampart/compliance/scan_report.h>
#include <rampart/compliance/scanner.h>

namespace rampart::compliance {
namespace {

namespace fs = std::filesystem;

const ColumnResult& Get(const ScanResult& r, const std::string& table, const std::string& column) {
  for (const ColumnResult& c : r.columns) {
    if (c.table == table && c.column == column) return c;
  }
  throw std::runtime_error("no column " + table + "." + column);
}

Column WithSamples(std::string name, std::vector<std::string> samples) {
  Column c;
  c.name = name;
  c.path = std::move(name);
  c.samples = std::move(samples);
  return c;
}

TEST(ScannerTest, ValuesConfirmOrOverrideTheName) {
  const Scanner scanner;
  const Source source{.path = "mem.csv"};
  const Table table{.name = "export"};
  // No useful name, values are IBANs: values decide.
  const ColumnResult iban = scanner.ClassifyColumn(
      source, table,
      WithSamples("col7", {"DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300",
                           "FR1420041010050500013M02606", "ES9121000418450200051332"}));
  EXPECT_TRUE(iban.personal);
  EXPECT_EQ(iban.entity, Entity::kIban);
  EXPECT_EQ(iban.category, Category::kSensitiveFinancial);
  EXPECT_EQ(iban.values_matched, 5U);
  // Card-like numbers that fail Luhn are not cards.
  const ColumnResult fake = scanner.ClassifyColumn(
      source, table,
      WithSamples("ref", {"4111111111111112", "4111111111111113", "4111111111111114",
                          "4111111111111115", "4111111111111116"}));
  EXPECT_FALSE(fake.personal);
  // Name and values agree: confidence rises above the name alone.
  const ColumnResult email = scanner.ClassifyColumn(
      source, table,
      WithSamples("email", {"a@example.org", "b@example.com", "c@example.net", "d@example.org",
                            "e@example.de"}));
  EXPECT_EQ(email.entity, Entity::kEmail);
  EXPECT_GT(email.confidence, 0.95);
  // Free text embedding identifiers.
  const ColumnResult notes = scanner.ClassifyColumn(
      source, table,
      WithSamples("remarks",
                  {"please call the customer back on +49 30 901820 tomorrow",
                   "sent the invoice to anna.schmidt@example.org today",
                   "nothing to report for this order at all", "all good here, no issue"}));
  EXPECT_EQ(notes.entity, Entity::kFreeTextWithPii);
  EXPECT_EQ(notes.category, Category::kDirectIdentifier);
  // Dates at adult ages over many years, no time of day: dates of birth even without a name.
  std::vector<std::string> births;
  for (int y = 1950; y < 1990; y += 4) births.push_back(std::to_string(y) + "-05-17");
  const ColumnResult dob = scanner.ClassifyColumn(source, table, WithSamples("d1", births));
  EXPECT_EQ(dob.entity, Entity::kDateOfBirth);
  // System timestamps are not.
  const ColumnResult ts = scanner.ClassifyColumn(
      source, table,
      WithSamples("d2", {"2026-01-02T10:00:00Z", "2026-02-02T10:00:00Z", "2026-03-02T10:00:00Z",
                         "2026-04-02T10:00:00Z", "2026-05-02T10:00:00Z"}));
  EXPECT_FALSE(ts.personal);
}

TEST(ScannerTest, TypesRuleOutTextEntities) {
  const Source source = ReadDdl(
      "CREATE TABLE users (email_count integer, name text, has_email boolean, hiv_positive "
      "boolean);",
      "u.sql");
  ScanResult result;
  Scanner().AddSource(source, result);
  EXPECT_FALSE(Get(result, "users", "email_count").personal);
  EXPECT_TRUE(Get(result, "users", "name").personal);
  EXPECT_FALSE(Get(result, "users", "has_email").personal);
  // A boolean can still be special-category data.
  EXPECT_EQ(Get(result, "users", "hiv_positive").category, Category::kSpecialCategory);
}

TEST(ScannerTest, MalformedFilesAreRecordedAndTheRestScanned) {
  const fs::path dir = fs::temp_directory_path() / "rampart_scanner_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "nested");
  std::ofstream(dir / "good.sql") << "CREATE TABLE customers (email text);\n";
  std::ofstream(dir / "nested" / "bad.json") << "{\n  \"properties\": {\n    \"a\": [1,\n}\n";
  std::ofstream(dir / "ignored.txt") << "not scanned";
  std::ofstream(dir / "package.json") << R"({"name": "not a schema"})";
  const ScanResult result = Scanner().ScanPaths({dir.string(), (dir / "missing.csv").string()});
  ASSERT_EQ(result.errors.size(), 2U);
  EXPECT_EQ(result.errors[0].location.file, (dir / "nested" / "bad.json").string());
  EXPECT_EQ(result.errors[0].location.line, 4);
  EXPECT_EQ(result.errors[1].kind, "not_found");
  ASSERT_EQ(result.columns.size(), 1U);
  EXPECT_EQ(result.columns[0].entity, Entity::kEmail);
  const nlohmann::json doc = ScanResultToJson(result);
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["columns"][0]["category"], "direct_identifier");
  EXPECT_EQ(doc["findings"].size(), 2U);
  EXPECT_EQ(doc["errors"][0]["line"], 4);
  EXPECT_NE(ScanResultToMarkdown(result).find("customers.email"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ScannerTest, LiveSqliteDatabaseIsSampledReadOnly) {
  const fs::path path = fs::temp_directory_path() / "rampart_scanner_live.db";
  fs::remove(path);
  {
    auto db = Database::Open("sqlite:" + path.string());
    db->Execute(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, contact TEXT, iban TEXT, visits INTEGER);"
        "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT);");
    Transaction tx(*db);  // one commit, not 50 fsyncs
    for (int i = 0; i < 50; ++i) {
      db->Run("INSERT INTO customers (contact, iban, visits) VALUES (?, ?, ?)",
              {std::string("user") + std::to_string(i) + "@example.org",
               std::string("DE89370400440532013000"), std::int64_t{i}});
    }
    db->Run("INSERT INTO products (name) VALUES ('chair')");
    tx.Commit();
  }
  const auto before = fs::last_write_time(path);
  const Scanner scanner({.sample_rows = 20});
  ScanResult result;
  scanner.ScanDatabase("sqlite:" + path.string(), result);
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].message;
  EXPECT_EQ(Get(result, "customers", "contact").entity, Entity::kEmail);
  EXPECT_EQ(Get(result, "customers", "contact").values_sampled, 20U);
  EXPECT_EQ(Get(result, "customers", "iban").entity, Entity::kIban);
  EXPECT_FALSE(Get(result, "customers", "visits").personal);
  EXPECT_FALSE(Get(result, "products", "name").personal);
  EXPECT_EQ(fs::last_write_time(path), before);
  ScanResult only;
  Scanner({.tables = {"products"}}).ScanDatabase("sqlite:" + path.string(), only);
  EXPECT_EQ(only.columns.size(), 2U);
  ScanResult missing;
  scanner.ScanDatabase("sqlite:/nonexistent/rampart.db", missing);
  EXPECT_EQ(missing.errors.size(), 1U);
  fs::remove(path);
}

TEST(ScannerTest, LivePostgresWhenAvailable) {
  const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  {
    auto db = Database::Open(url);
    db->Execute(
        "DROP TABLE IF EXISTS rampart_scan_patients;"
        "CREATE TABLE rampart_scan_patients (id serial PRIMARY KEY, contact text, diagnosis text);"
        "COMMENT ON COLUMN rampart_scan_patients.contact IS 'e-mail address';");
    for (int i = 0; i < 30; ++i) {
      db->Run("INSERT INTO rampart_scan_patients (contact, diagnosis) VALUES (?, ?)",
              {std::string("p") + std::to_string(i) + "@example.org", std::string("J45")});
    }
  }
  ScanResult result;
  Scanner({.sample_rows = 10, .tables = {"rampart_scan_patients"}}).ScanDatabase(url, result);
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].message;
  EXPECT_EQ(Get(result, "rampart_scan_patients", "contact").entity, Entity::kEmail);
  EXPECT_EQ(Get(result, "rampart_scan_patients", "diagnosis").category, Category::kSpecialCategory);
  Database::Open(url)->Execute("DROP TABLE rampart_scan_patients");
}

TEST(ScannerTest, RedactsPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://scan:s3cret@db:5432/crm"), "postgresql://scan@db:5432/crm");
  EXPECT_EQ(RedactUrl("postgresql://db/crm?password=x&sslmode=require"),
            "postgresql://db/crm?password=***&sslmode=require");
  EXPECT_THROW(Scanner({.sample_rows = 0}), InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::compliance
