// SARIF output is validated against the official OASIS SARIF 2.1.0 schema (vendored in
// tests/testdata with its notice), then checked for what code-scanning services rely on.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/sarif_writer.h>

namespace rampart {
namespace {

// Returns the validation errors of `document` against the SARIF 2.1.0 schema ("" when valid).
std::string SchemaErrors(const nlohmann::json& document) {
  std::ifstream in(std::string(RAMPART_TESTDATA_DIR) + "/sarif-schema-2.1.0.json");
  const nlohmann::json schema_json = nlohmann::json::parse(in);
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

SarifLog ExampleLog() {
  SarifLog log(
      {.name = "rampart", .version = "0.1.0", .information_uri = "https://example.org/rampart"});
  log.AddRule({.id = "RAMPART-C001",
               .name = "PersonalDataWithoutPurpose",
               .short_description = "Personal data with no declared purpose",
               .full_description = "GDPR Art. 5(1)(c): collect only what a purpose needs.",
               .help_uri = "https://example.org/rampart/docs/compliance.md#rampart-c001",
               .help_text = "Declare a purpose or drop the column.",
               .default_level = SarifLevel::kError,
               .security_severity = 7.5,
               .tags = {"security", "privacy", "gdpr"}});
  log.AddRule(
      {.id = "RAMPART-C002", .name = "NoRetention", .short_description = "No retention period"});
  log.AddResult({.rule_id = "RAMPART-C002",
                 .message = "table crm.customers has no retention period",
                 .uri = "schemas/crm.sql",
                 .line = 1});
  log.AddResult({.rule_id = "RAMPART-C001",
                 .message = "crm.customers.email is personal data with no purpose",
                 .uri = "schemas/crm.sql",
                 .line = 4,
                 .column = 3,
                 .fingerprint = "c001:crm.customers.email"});
  log.AddResult({.rule_id = "RAMPART-C001",
                 .level = SarifLevel::kNote,
                 .message = "suppressed finding",
                 .uri = "schemas/crm.sql",
                 .line = 9,
                 .suppression = SarifSuppression{.justification = "accepted until 2027"}});
  return log;
}

TEST(SarifWriterTest, ValidatesAgainstTheOfficialSchema) {
  const nlohmann::json document = ExampleLog().ToJson();
  EXPECT_EQ(SchemaErrors(document), "");
  // And it survives text round-trip.
  EXPECT_EQ(nlohmann::json::parse(ToJsonText(document)), document);
}

TEST(SarifWriterTest, TheSchemaCheckHasPower) {
  nlohmann::json document = ExampleLog().ToJson();
  document["runs"][0]["tool"]["driver"].erase("name");
  EXPECT_NE(SchemaErrors(document), "");
  document = ExampleLog().ToJson();
  document["runs"][0]["results"][0]["level"] = "fatal";
  EXPECT_NE(SchemaErrors(document), "");
}

TEST(SarifWriterTest, CarriesWhatCodeScanningNeeds) {
  const nlohmann::json doc = ExampleLog().ToJson();
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc.contains("$schema"));
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "rampart");
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "7.5");
  EXPECT_EQ(rules[0]["defaultConfiguration"]["level"], "error");
  const auto& results = run["results"];
  ASSERT_EQ(results.size(), 3U);
  for (const auto& result : results) {
    // ruleIndex must point at the rule with the same id.
    EXPECT_EQ(rules[result["ruleIndex"].get<std::size_t>()]["id"], result["ruleId"]);
  }
  EXPECT_EQ(results[0]["level"], "warning");  // the rule's default
  EXPECT_EQ(results[1]["level"], "error");
  const auto& location = results[1]["locations"][0]["physicalLocation"];
  EXPECT_EQ(location["artifactLocation"]["uri"], "schemas/crm.sql");
  EXPECT_EQ(location["region"]["startLine"], 4);
  EXPECT_EQ(location["region"]["startColumn"], 3);
  EXPECT_EQ(results[1]["partialFingerprints"]["primaryLocationLineHash"],
            "c001:crm.customers.email");
  EXPECT_EQ(results[2]["suppressions"][0]["justification"], "accepted until 2027");
}

TEST(SarifWriterTest, RejectsUnknownAndDuplicateRules) {
  SarifLog log({.name = "rampart"});
  log.AddRule({.id = "R1"});
  EXPECT_THROW(log.AddRule({.id = "R1"}), InvalidArgumentError);
  EXPECT_THROW(log.AddResult({.rule_id = "R2", .message = "m"}), InvalidArgumentError);
  EXPECT_THROW(SarifLog({.name = ""}), InvalidArgumentError);
}

TEST(SarifWriterTest, ExecutionNotificationsGoToTheInvocation) {
  SarifLog log = ExampleLog();
  log.AddExecutionNotification({.message = "warning only", .level = SarifLevel::kWarning});
  nlohmann::json doc = log.ToJson();
  EXPECT_EQ(SchemaErrors(doc), "");
  // A warning does not make the run fail.
  EXPECT_EQ(doc["runs"][0]["invocations"][0]["executionSuccessful"], true);

  log.AddExecutionNotification({.message = "syntax error at or near \"(\"",
                                .descriptor_id = "input_error",
                                .uri = "schemas/broken.sql",
                                .line = 3,
                                .column = 11});
  log.AddExecutionNotification({.message = "cannot open database", .uri = "db", .line = 0});
  doc = log.ToJson();
  EXPECT_EQ(SchemaErrors(doc), "");
  const auto& invocation = doc["runs"][0]["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  const auto& notifications = invocation["toolExecutionNotifications"];
  ASSERT_EQ(notifications.size(), 3U);
  EXPECT_EQ(notifications[0]["level"], "warning");
  EXPECT_FALSE(notifications[0].contains("locations"));
  EXPECT_FALSE(notifications[0].contains("descriptor"));
  const auto& error = notifications[1];
  EXPECT_EQ(error["level"], "error");
  EXPECT_EQ(error["message"]["text"], "syntax error at or near \"(\"");
  EXPECT_EQ(error["descriptor"]["id"], "input_error");
  const auto& location = error["locations"][0]["physicalLocation"];
  EXPECT_EQ(location["artifactLocation"]["uri"], "schemas/broken.sql");
  EXPECT_EQ(location["region"]["startLine"], 3);
  EXPECT_EQ(location["region"]["startColumn"], 11);
  // Without a line there is no region, only the artifact.
  EXPECT_FALSE(notifications[2]["locations"][0]["physicalLocation"].contains("region"));
  // Notifications are not results: the findings are untouched.
  EXPECT_EQ(doc["runs"][0]["results"].size(), 3U);

  // The schema check sees a broken notification.
  doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][1]["level"] = "fatal";
  EXPECT_NE(SchemaErrors(doc), "");
  EXPECT_THROW(log.AddExecutionNotification({.message = ""}), InvalidArgumentError);
}

TEST(SarifWriterTest, EmptyLogIsValid) {
  SarifLog log({.name = "rampart"});
  EXPECT_EQ(SchemaErrors(log.ToJson()), "");
}

}  // namespace
}  // namespace rampart
