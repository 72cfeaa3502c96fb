// SARIF 2.1.0 (OASIS) logs for code-scanning services: rules with metadata, results with
// physical locations (file, line, column) and stable fingerprints, and suppressions; problems of
// the run itself (an input that could not be read) as notifications of the invocation.
// The output validates against the official schema (tests/testdata/sarif-schema-2.1.0.json).
//
//   rampart::SarifLog log({.name = "rampart", .version = "0.1.0", .information_uri =
//   "https://..."}); log.AddRule({.id = "RAMPART-C001", .name = "PersonalDataWithoutPurpose",
//   ...}); log.AddResult({.rule_id = "RAMPART-C001", .message = "...", .uri = "schema.sql", .line =
//   4}); log.AddExecutionNotification({.message = "syntax error", .descriptor_id = "input_error",
//   .uri = "broken.sql", .line = 3}); std::string text = rampart::ToJsonText(log.ToJson());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rampart {

enum class SarifLevel { kNone, kNote, kWarning, kError };
[[nodiscard]] std::string_view SarifLevelName(SarifLevel level);

struct SarifTool {
  std::string name;
  std::string version;
  std::string information_uri;
};

struct SarifRule {
  std::string id;    // stable across runs, e.g. "RAMPART-C001"
  std::string name;  // PascalCase, e.g. "PersonalDataWithoutPurpose"
  std::string short_description;
  std::string full_description;
  std::string help_uri;
  std::string help_text;
  SarifLevel default_level = SarifLevel::kWarning;
  // GitHub maps "0.0".."10.0" to low/medium/high/critical when tags contain "security".
  std::optional<double> security_severity;
  std::vector<std::string> tags;
};

struct SarifSuppression {
  std::string justification;
  std::string kind = "external";  // "inSource" or "external"
};

struct SarifResult {
  std::string rule_id;
  std::optional<SarifLevel> level;  // defaults to the rule's level
  std::string message;
  std::string uri;          // relative path of the artifact; empty for no location
  std::int64_t line = 0;    // 1-based; 0 = no region
  std::int64_t column = 0;  // 1-based; 0 = none
  std::string fingerprint;  // stable identity of the finding (no line numbers)
  std::optional<SarifSuppression> suppression;
  nlohmann::json properties = nlohmann::json::object();
};

// A problem of the run rather than a finding about the code: SARIF 2.1.0 keeps these in
// runs[].invocations[].toolExecutionNotifications (section 3.20.21), so that code-scanning
// services show that the analysis was incomplete instead of reporting an input as clean.
struct SarifNotification {
  std::string message;
  SarifLevel level = SarifLevel::kError;
  std::string descriptor_id;  // stable kind of problem ("input_error"); empty for none
  std::string uri;            // relative path of the artifact; empty for no location
  std::int64_t line = 0;      // 1-based; 0 = no region
  std::int64_t column = 0;    // 1-based; 0 = none
};

class SarifLog {
 public:
  explicit SarifLog(SarifTool tool);

  // Adds a rule; its index (ruleIndex) is its position. Throws InvalidArgumentError on a
  // duplicate or empty id.
  std::size_t AddRule(SarifRule rule);
  // Throws InvalidArgumentError when the rule id was not added first.
  void AddResult(SarifResult result);
  // An error-level notification makes the invocation's executionSuccessful false. Throws
  // InvalidArgumentError for an empty message.
  void AddExecutionNotification(SarifNotification notification);

  [[nodiscard]] nlohmann::json ToJson() const;
  [[nodiscard]] std::size_t result_count() const { return results_.size(); }

 private:
  [[nodiscard]] std::optional<std::size_t> RuleIndex(std::string_view id) const;

  SarifTool tool_;
  std::vector<SarifRule> rules_;
  std::vector<SarifResult> results_;
  std::vector<SarifNotification> notifications_;
};

}  // namespace rampart
