// The audit's reports: SARIF validated against the OASIS 2.1.0 schema (valijson) plus what code
// scanning relies on; JUnit, HTML and Markdown parsed back and checked for content; baselines.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <rampart/common/json_writer.h>
#include <rampart/compliance/audit_report.h>
#include <rampart/compliance/rules/baseline.h>
#include <rampart/compliance/rules/catalog.h>

#include "audit_test_util.h"

namespace rampart::compliance {
namespace {

using testing::FindingFor;
using testing::TempDir;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string SarifSchemaErrors(const nlohmann::json& document) {
  const nlohmann::json schema_json = nlohmann::json::parse(
      ReadText(std::string(RAMPART_TESTDATA_DIR) + "/sarif-schema-2.1.0.json"));
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter document_adapter(document);
  if (validator.validate(schema, document_adapter, &results)) return "";
  std::string errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string path;
    for (const auto& part : error.context) path += part;
    errors += path + ": " + error.description + "\n";
  }
  return errors;
}

// A scan and an audit with findings of several rules, one suppressed.
class AuditReportTest : public ::testing::Test {
 protected:
  AuditReportTest() : dir_("reports") {
    sql_ = dir_.Write("schemas/crm.sql",
                      "CREATE TABLE crm.customers (\n"
                      "  id        bigint PRIMARY KEY,\n"
                      "  email     text NOT NULL,\n"
                      "  religion  text,\n"
                      "  card_number varchar(19)\n"
                      ");\n");
    scan_ = Scanner().ScanPaths({sql_});
    policy_ = ParsePolicy(
        "purposes:\n"
        "  - name: billing\n"
        "    lawful_basis: contract\n"
        "    columns: [crm.customers.id, crm.customers.email, crm.customers.card_number,\n"
        "              crm.customers.iban]\n"
        "retention:\n"
        "  crm.customers: P2Y\n"
        "suppressions:\n"
        "  - rule: identifier-in-clear\n"
        "    target: crm.customers.card_number\n"
        "    reason: \"tokenization ships in release 4 <soon> & then\"\n"
        "    expires: 2099-12-31\n",
        "policy.yaml");
    audit_ = RunAudit(scan_, &policy_, {.today = CalendarDate{2026, 11, 29}});
  }

  TempDir dir_;
  std::string sql_;
  ScanResult scan_;
  Policy policy_;
  AuditResult audit_;
};

TEST_F(AuditReportTest, SarifValidatesAndPointsAtTheDdlLine) {
  const nlohmann::json sarif = AuditToSarif(scan_, audit_, dir_.path());
  EXPECT_EQ(SarifSchemaErrors(sarif), "");
  const auto& run = sarif["runs"][0];
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), AllRules().size());
  const std::string docs = ReadText(std::string(RAMPART_SOURCE_DIR) + "/docs/compliance.md");
  for (const auto& rule : rules) {
    const std::string id = rule["id"];
    const std::string uri = rule["helpUri"];
    ASSERT_NE(uri.find('#'), std::string::npos);
    EXPECT_EQ(uri.substr(uri.find('#') + 1), id);
    // The anchor exists: docs/compliance.md has a "### <id>" section.
    EXPECT_NE(docs.find("\n### " + id + "\n"), std::string::npos) << id;
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
    EXPECT_TRUE(rule["properties"].contains("security-severity"));
  }
  ASSERT_EQ(run["results"].size(), audit_.findings.size());
  bool saw_email = false;
  bool saw_suppressed = false;
  for (const auto& result : run["results"]) {
    // ruleIndex consistency: the index names the rule with the result's id.
    const std::size_t index = result["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], result["ruleId"]);
    EXPECT_EQ(result["partialFingerprints"]["primaryLocationLineHash"].get<std::string>().size(),
              32U);
    const auto& physical = result["locations"][0]["physicalLocation"];
    if (result["ruleId"] == "special-category-without-condition") {
      saw_email = true;
      EXPECT_EQ(physical["artifactLocation"]["uri"], "schemas/crm.sql");
      EXPECT_EQ(physical["region"]["startLine"], 4);
      EXPECT_EQ(physical["region"]["startColumn"], 3);
      EXPECT_EQ(result["level"], "error");
    }
    if (result.contains("suppressions")) {
      saw_suppressed = true;
      EXPECT_EQ(result["ruleId"], "identifier-in-clear");
      EXPECT_NE(result["suppressions"][0]["justification"].get<std::string>().find("2099-12-31"),
                std::string::npos);
    }
    if (result["ruleId"] == "policy-drift") {
      EXPECT_EQ(physical["artifactLocation"]["uri"], "policy.yaml");
    }
  }
  EXPECT_TRUE(saw_email);
  EXPECT_TRUE(saw_suppressed);
}

TEST_F(AuditReportTest, JsonCarriesTheDesignFieldsAndTheRecordOfProcessing) {
  const nlohmann::json doc =
      nlohmann::json::parse(ToJsonText(AuditToJson(scan_, &policy_, audit_)));
  EXPECT_EQ(doc["schema_version"], 1);
  ASSERT_EQ(doc["findings"].size(), audit_.findings.size());
  for (const auto& f : doc["findings"]) {
    for (const char* key : {"rule", "severity", "message", "location", "fingerprint", "article"})
      EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(doc["policy"], "policy.yaml");
  EXPECT_EQ(doc["summary"]["findings"]["suppressed"], 1);
  EXPECT_EQ(doc["summary"]["findings"]["active_by_severity"]["high"],
            audit_.CountAtLeast(Severity::kHigh));
  const auto& records = doc["records_of_processing"];
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0]["purpose"], "billing");
  EXPECT_EQ(records[0]["lawful_basis"], "contract (Art. 6(1)(b))");
  EXPECT_EQ(records[0]["missing_columns"], nlohmann::json::array({"crm.customers.iban"}));
  EXPECT_EQ(records[0]["retention"], nlohmann::json::array({"crm.customers: P2Y"}));
  EXPECT_EQ(records[1]["purpose"], "(no declared purpose)");
  EXPECT_EQ(records[1]["columns"], nlohmann::json::array({"crm.customers.religion"}));
}

TEST_F(AuditReportTest, JUnitHasAFailurePerActiveFindingAndSkipsSuppressedOnes) {
  const std::string xml = AuditToJUnit(scan_, audit_);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  const auto suite = doc.select_node("//testsuite").node();
  EXPECT_STREQ(suite.attribute("name").value(), "rampart.compliance");
  std::size_t failures = 0;
  std::size_t skipped = 0;
  std::size_t passed = 0;
  for (const auto& test : doc.select_nodes("//testcase")) {
    if (test.node().child("failure")) {
      ++failures;
    } else if (test.node().child("skipped")) {
      ++skipped;
      EXPECT_NE(std::string(test.node().child("skipped").attribute("message").value())
                    .find("tokenization ships in release 4 <soon> & then"),
                std::string::npos);
    } else {
      ++passed;
    }
  }
  EXPECT_EQ(failures, audit_.ActiveCount());
  EXPECT_EQ(skipped, 1U);
  EXPECT_GE(passed, 1U);  // rules that found nothing are passing cases
  EXPECT_EQ(suite.attribute("failures").as_ullong(), failures);
  const auto failure = doc.select_node(
      "//testcase[@classname='rampart.compliance.special-category-without-condition']/failure");
  ASSERT_TRUE(failure);
  EXPECT_NE(std::string(failure.node().attribute("message").value()).find("[high]"),
            std::string::npos);
}

TEST_F(AuditReportTest, HtmlForPeopleHasSummaryFindingsColumnsAndArticle30View) {
  const std::string html = AuditToHtml(scan_, &policy_, audit_);
  pugi::xml_document doc;
  const auto parsed = doc.load_string(html.substr(html.find("<html")).c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  std::vector<std::string> headings;
  for (const auto& h : doc.select_nodes("//h2")) headings.emplace_back(h.node().child_value());
  EXPECT_EQ(headings, (std::vector<std::string>{
                          "Summary by severity", "Findings", "Recommendations",
                          "Record of processing activities (GDPR Art. 30)", "Columns"}));
  const auto high = doc.select_node("//td[@class='sev-high']");
  ASSERT_TRUE(high);
  EXPECT_STREQ(high.node().child_value(), "high");
  // The suppression reason is escaped text, never markup.
  EXPECT_NE(html.find("tokenization ships in release 4 &lt;soon&gt; &amp; then"),
            std::string::npos);
  bool billing_row = false;
  for (const auto& row : doc.select_nodes("//table/tbody/tr")) {
    const auto first = row.node().child("td");
    if (std::string(first.child_value()) == "billing") {
      billing_row = true;
      EXPECT_STREQ(first.next_sibling("td").child_value(), "contract (Art. 6(1)(b))");
    }
  }
  EXPECT_TRUE(billing_row);
  EXPECT_NE(html.find("religion"), std::string::npos);
  EXPECT_NE(html.find("legal advice"), std::string::npos);
}

TEST_F(AuditReportTest, MarkdownListsFindingsWithArticlesAndRecommendations) {
  const std::string md = AuditToMarkdown(scan_, &policy_, audit_);
  EXPECT_EQ(md.rfind("# Compliance audit", 0), 0U);
  EXPECT_NE(md.find("| high | special-category-without-condition | GDPR Art. 9(1), 9(2) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("suppressed until 2099-12-31"), std::string::npos);
  EXPECT_NE(md.find("## Record of processing (Art. 30)"), std::string::npos);
  EXPECT_NE(md.find("## Recommendations"), std::string::npos);
}

TEST_F(AuditReportTest, BaselineRoundTripsAndMarksKnownFindings) {
  const nlohmann::json doc = BaselineToJson(audit_);
  EXPECT_EQ(doc["findings"].size(), audit_.findings.size() - 1);  // not the suppressed one
  const Baseline baseline = ParseBaseline(ToJsonText(doc), "baseline.json");
  AuditResult audit = audit_;
  EXPECT_EQ(MarkBaseline(audit, baseline), audit_.findings.size() - 1);
  EXPECT_EQ(audit.ActiveCount(), 0U);
  EXPECT_EQ(audit.CountAtLeast(Severity::kInfo), 0U);
  // A new finding is not in the baseline.
  Finding extra = audit.findings.front();
  extra.target = "crm.customers.new_column";
  extra.suppressed = false;
  extra.fingerprint = FindingFingerprint(extra);
  audit.findings.push_back(extra);
  MarkBaseline(audit, baseline);
  EXPECT_EQ(audit.ActiveCount(), 1U);
}

TEST(BaselineTest, MalformedBaselinesAreLocated) {
  try {
    (void)ParseBaseline("{\n  \"kind\": \"rampart-compliance-baseline\",\n  \"findings\": [\n}",
                        "b.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().file, "b.json");
    EXPECT_EQ(e.location().line, 4);
  }
  try {
    (void)ParseBaseline(
        R"({"kind": "rampart-compliance-baseline", "findings": [{"fingerprint": "xyz"}]})",
        "b.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.location().field, "findings[0].fingerprint");
  }
  EXPECT_THROW((void)ParseBaseline(R"({"findings": []})", "b.json"), InputError);
  EXPECT_THROW((void)LoadBaseline("/nonexistent/baseline.json"), NotFoundError);
}

TEST(SarifErrorsTest, InputErrorsBecomeExecutionNotifications) {
  TempDir dir("sarif_errors");
  const std::string good = dir.Write("schemas/good.sql", "CREATE TABLE t (\n  email text\n);\n");
  const std::string bad =
      dir.Write("schemas/bad.sql", "CREATE TABLE a (\n  id int,\n  name text,,\n);\n");
  const Scanner scanner;
  ScanResult scan = scanner.ScanPaths({good, bad});
  scanner.ScanDatabase("sqlite:" + dir.path().string() + "/missing.db", scan);
  scanner.ScanDatabase("mysql://scanner:secret@db/crm", scan);
  ASSERT_EQ(scan.errors.size(), 3U);
  const AuditResult audit = RunAudit(scan, nullptr);
  const nlohmann::json sarif = AuditToSarif(scan, audit, dir.path());
  EXPECT_EQ(SarifSchemaErrors(sarif), "");
  const auto& run = sarif["runs"][0];
  // The good file's findings are still there, and no result is about the broken file.
  ASSERT_FALSE(run["results"].empty());
  for (const auto& result : run["results"]) {
    EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "schemas/good.sql");
  }
  const auto& invocation = run["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  const auto& notifications = invocation["toolExecutionNotifications"];
  ASSERT_EQ(notifications.size(), 3U);
  const auto& syntax = notifications[0];
  EXPECT_EQ(syntax["level"], "error");
  EXPECT_EQ(syntax["descriptor"]["id"], "input");
  EXPECT_EQ(syntax["message"]["text"], scan.errors[0].message);
  const auto& physical = syntax["locations"][0]["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"], "schemas/bad.sql");
  EXPECT_EQ(physical["region"]["startLine"], 3);
  EXPECT_EQ(physical["region"]["startColumn"], 13);
  // A missing SQLite file is a file: its location has no region.
  const auto& sqlite = notifications[1];
  EXPECT_EQ(sqlite["descriptor"]["id"], "not_found");
  EXPECT_EQ(sqlite["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "missing.db");
  EXPECT_FALSE(sqlite["locations"][0]["physicalLocation"].contains("region"));
  // A database URL is no artifact of the repository: no location, the redacted URL is in the
  // message.
  const auto& server = notifications[2];
  EXPECT_FALSE(server.contains("locations"));
  const std::string text = server["message"]["text"];
  EXPECT_NE(text.find("mysql://scanner@db/crm"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;

  // A clean scan says so.
  const ScanResult clean = scanner.ScanPaths({good});
  const nlohmann::json ok = AuditToSarif(clean, RunAudit(clean, nullptr), dir.path());
  EXPECT_EQ(ok["runs"][0]["invocations"][0]["executionSuccessful"], true);
  EXPECT_FALSE(ok["runs"][0]["invocations"][0].contains("toolExecutionNotifications"));
}

TEST(SarifUriTest, AbsolutePathsBecomeRelativeAndDatabasesHaveNoLocation) {
  ScanResult scan;
  AuditResult audit;
  Finding file_finding{.rule = "no-declared-purpose",
                       .message = "m",
                       .target = "t.c",
                       .location = {.file = "/repo/db/my schema.sql", .line = 3, .column = 5}};
  Finding db_finding{.rule = "no-declared-purpose",
                     .message = "m",
                     .target = "t.d",
                     .location = {.file = "sqlite:/var/shop.db", .field = "t.d"}};
  audit.findings = {file_finding, db_finding};
  const nlohmann::json sarif = AuditToSarif(scan, audit, "/repo");
  EXPECT_EQ(SarifSchemaErrors(sarif), "");
  const auto& results = sarif["runs"][0]["results"];
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "db/my%20schema.sql");
  EXPECT_FALSE(results[1].contains("locations"));
  EXPECT_EQ(results[1]["properties"]["where"], "sqlite:/var/shop.db (t.d)");
}

}  // namespace
}  // namespace rampart::compliance
