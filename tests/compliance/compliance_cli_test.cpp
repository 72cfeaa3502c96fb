// The `rampart compliance` verbs through the real executable: output contracts and exit codes.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/run_command.h"

namespace {

using rampart::testing::RunRampart;
namespace fs = std::filesystem;

const std::string kExamples = std::string(RAMPART_SOURCE_DIR) + "/examples/compliance";

TEST(ComplianceCliTest, DetectWritesOneJsonObjectPerLine) {
  const auto r = RunRampart({"compliance", "detect"},
                            "card 4111 1111 1111 1111\nnothing here\nmail anna@example.org\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> docs;
  while (std::getline(lines, line)) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 3U);
  EXPECT_EQ(docs[0]["line"], 1);
  ASSERT_EQ(docs[0]["entities"].size(), 1U);
  const auto& card = docs[0]["entities"][0];
  EXPECT_EQ(card["entity"], "credit_card");
  EXPECT_EQ(card["subtype"], "visa");
  EXPECT_EQ(card["start"], 5);
  EXPECT_EQ(card["end"], 24);
  EXPECT_EQ(card["text"], "4111 1111 1111 1111");
  EXPECT_EQ(card["validated"], true);
  EXPECT_TRUE(docs[1]["entities"].empty());
  EXPECT_EQ(docs[2]["entities"][0]["entity"], "email");
}

TEST(ComplianceCliTest, DetectTable) {
  const auto r =
      RunRampart({"compliance", "detect", "--format", "table"}, "IBAN GB82WEST12345698765432\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("iban"), std::string::npos);
  EXPECT_NE(r.out.find("GB82WEST12345698765432"), std::string::npos);
}

TEST(ComplianceCliTest, ScanExamplesAsJson) {
  const auto r = RunRampart({"compliance", "scan", kExamples, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema_version"], 1);
  bool found_email = false;
  bool found_product_name = false;
  for (const auto& c : doc["columns"]) {
    for (const char* key : {"source", "table", "column", "personal", "category", "entity",
                            "confidence", "evidence", "recommendation"})
      ASSERT_TRUE(c.contains(key)) << key;
    if (c["table"] == "shop.customers" && c["column"] == "email") {
      found_email = true;
      EXPECT_EQ(c["category"], "direct_identifier");
      EXPECT_EQ(c["location"]["line"], 9);
    }
    if (c["table"] == "shop.products" && c["column"] == "name") {
      found_product_name = true;
      EXPECT_EQ(c["personal"], false);
    }
  }
  EXPECT_TRUE(found_email);
  EXPECT_TRUE(found_product_name);
  // Without a policy the audit rules still run: every finding names its rule and location.
  ASSERT_FALSE(doc["findings"].empty());
  for (const auto& f : doc["findings"]) {
    for (const char* key : {"rule", "severity", "message", "location"})
      ASSERT_TRUE(f.contains(key)) << key;
  }
}

TEST(ComplianceCliTest, MalformedFileExitsTwoAndTheRestIsScanned) {
  const fs::path dir =
      fs::temp_directory_path() / ("rampart_cli_scan_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.sql") << "CREATE TABLE t (\n  id int,\n  email text,,\n);\n";
  const fs::path out = dir / "report.md";
  const auto r =
      RunRampart({"compliance", "scan", (dir / "bad.sql").string(), kExamples + "/shop.sql",
                  "--format", "markdown", "--output", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.sql:3:14"), std::string::npos) << r.err;
  const std::string report = rampart::testing::ReadWholeFile(out);
  EXPECT_NE(report.find("customers.email"), std::string::npos);
  EXPECT_NE(report.find("bad.sql:3:14"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ComplianceCliTest, UsageErrors) {
  EXPECT_EQ(RunRampart({"compliance", "scan"}).exit_code, 2);
  EXPECT_EQ(RunRampart({"compliance", "scan", kExamples, "--sample-rows", "0"}).exit_code, 2);
  EXPECT_EQ(RunRampart({"compliance", "scan", kExamples, "--format", "xml"}).exit_code, 2);
}

}  // namespace
