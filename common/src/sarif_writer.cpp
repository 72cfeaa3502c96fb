#include <utility>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/sarif_writer.h>

namespace rampart {

std::string_view SarifLevelName(SarifLevel level) {
  switch (level) {
    case SarifLevel::kNone:
      return "none";
    case SarifLevel::kNote:
      return "note";
    case SarifLevel::kWarning:
      return "warning";
    case SarifLevel::kError:
      return "error";
  }
  return "warning";
}

SarifLog::SarifLog(SarifTool tool) : tool_(std::move(tool)) {
  if (tool_.name.empty()) throw InvalidArgumentError("SARIF tool name must not be empty");
}

std::optional<std::size_t> SarifLog::RuleIndex(std::string_view id) const {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].id == id) return i;
  }
  return std::nullopt;
}

std::size_t SarifLog::AddRule(SarifRule rule) {
  if (rule.id.empty()) throw InvalidArgumentError("SARIF rule id must not be empty");
  if (RuleIndex(rule.id)) throw InvalidArgumentError("duplicate SARIF rule id '" + rule.id + "'");
  rules_.push_back(std::move(rule));
  return rules_.size() - 1;
}

void SarifLog::AddResult(SarifResult result) {
  if (!RuleIndex(result.rule_id)) {
    throw InvalidArgumentError("SARIF result names unknown rule '" + result.rule_id + "'");
  }
  results_.push_back(std::move(result));
}

void SarifLog::AddExecutionNotification(SarifNotification notification) {
  if (notification.message.empty()) {
    throw InvalidArgumentError("SARIF notification message must not be empty");
  }
  notifications_.push_back(std::move(notification));
}

namespace {

// A physicalLocation (artifact relative to %SRCROOT%, region when the line is known).
nlohmann::json PhysicalLocation(const std::string& uri, std::int64_t line, std::int64_t column) {
  nlohmann::json physical = {{"artifactLocation", {{"uri", uri}, {"uriBaseId", "%SRCROOT%"}}}};
  if (line > 0) {
    nlohmann::json region = {{"startLine", line}};
    if (column > 0) region["startColumn"] = column;
    physical["region"] = std::move(region);
  }
  return physical;
}

}  // namespace

nlohmann::json SarifLog::ToJson() const {
  using nlohmann::json;
  json driver = {{"name", tool_.name}};
  if (!tool_.version.empty()) driver["version"] = tool_.version;
  if (!tool_.information_uri.empty()) driver["informationUri"] = tool_.information_uri;

  json rules = json::array();
  for (const auto& rule : rules_) {
    json entry = {{"id", rule.id}};
    if (!rule.name.empty()) entry["name"] = rule.name;
    if (!rule.short_description.empty())
      entry["shortDescription"] = {{"text", rule.short_description}};
    if (!rule.full_description.empty())
      entry["fullDescription"] = {{"text", rule.full_description}};
    if (!rule.help_uri.empty()) entry["helpUri"] = rule.help_uri;
    if (!rule.help_text.empty()) entry["help"] = {{"text", rule.help_text}};
    entry["defaultConfiguration"] = {{"level", SarifLevelName(rule.default_level)}};
    json properties = json::object();
    if (rule.security_severity) {
      properties["security-severity"] = fmt::format("{:.1f}", *rule.security_severity);
      properties["precision"] = "high";
    }
    if (!rule.tags.empty()) properties["tags"] = rule.tags;
    if (!properties.empty()) entry["properties"] = std::move(properties);
    rules.push_back(std::move(entry));
  }
  driver["rules"] = std::move(rules);

  json results = json::array();
  for (const auto& result : results_) {
    const std::size_t index = *RuleIndex(result.rule_id);
    const SarifLevel level = result.level.value_or(rules_[index].default_level);
    json entry = {{"ruleId", result.rule_id},
                  {"ruleIndex", index},
                  {"level", SarifLevelName(level)},
                  {"message", {{"text", result.message}}}};
    if (!result.uri.empty()) {
      entry["locations"] = json::array(
          {{{"physicalLocation", PhysicalLocation(result.uri, result.line, result.column)}}});
    }
    if (!result.fingerprint.empty()) {
      entry["partialFingerprints"] = {{"primaryLocationLineHash", result.fingerprint}};
    }
    if (result.suppression) {
      entry["suppressions"] = json::array({{{"kind", result.suppression->kind},
                                            {"justification", result.suppression->justification}}});
    }
    if (!result.properties.empty()) entry["properties"] = result.properties;
    results.push_back(std::move(entry));
  }

  json invocation = {{"executionSuccessful", true}};
  if (!notifications_.empty()) {
    json notifications = json::array();
    for (const auto& notification : notifications_) {
      if (notification.level == SarifLevel::kError) invocation["executionSuccessful"] = false;
      json entry = {{"level", SarifLevelName(notification.level)},
                    {"message", {{"text", notification.message}}}};
      if (!notification.descriptor_id.empty()) {
        entry["descriptor"] = {{"id", notification.descriptor_id}};
      }
      if (!notification.uri.empty()) {
        entry["locations"] =
            json::array({{{"physicalLocation", PhysicalLocation(notification.uri, notification.line,
                                                                notification.column)}}});
      }
      notifications.push_back(std::move(entry));
    }
    invocation["toolExecutionNotifications"] = std::move(notifications);
  }
  json run = {{"tool", {{"driver", std::move(driver)}}},
              {"invocations", json::array({std::move(invocation)})},
              {"results", std::move(results)}};
  return json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({std::move(run)})}};
}

}  // namespace rampart
