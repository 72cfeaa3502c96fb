// The audit rules' metadata: a stable id (what suppressions and baselines name), a PascalCase name
// (SARIF), the default severity, the GDPR article the rule rests on, and the help text shown next
// to every finding. The list is fixed by the audit issue; docs/compliance.md has one section per
// rule whose anchor is the id, which is where the SARIF helpUri points.
//
//   for (const rampart::compliance::Rule& rule : rampart::compliance::AllRules())
//     std::cout << rule.id << " (" << rule.article << "): " << rule.summary << "\n";
//   const Rule* rule = rampart::compliance::FindRule("no-declared-purpose");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rampart/common/report.h>

namespace rampart::compliance {

struct Rule {
  std::string_view id;    // "no-declared-purpose": never renamed (suppressions name it)
  std::string_view name;  // "PersonalDataWithoutPurpose"
  Severity severity = Severity::kMedium;
  std::string_view article;  // "GDPR Art. 5(1)(c)"
  std::string_view summary;  // one line: what is wrong
  std::string_view help;     // what to do about it
};

// Rule ids, for code that raises or matches findings.
inline constexpr std::string_view kRuleNoDeclaredPurpose = "no-declared-purpose";
inline constexpr std::string_view kRuleSpecialCategoryWithoutCondition =
    "special-category-without-condition";
inline constexpr std::string_view kRuleDirectIdentifierInAnalytics =
    "direct-identifier-in-analytics";
inline constexpr std::string_view kRuleFreeTextPersonalData = "free-text-personal-data";
inline constexpr std::string_view kRuleKAnonymityBelowTarget = "k-anonymity-below-target";
inline constexpr std::string_view kRuleLDiversityBelowTarget = "l-diversity-below-target";
inline constexpr std::string_view kRuleNoRetentionPeriod = "no-retention-period";
inline constexpr std::string_view kRuleIdentifierInClear = "identifier-in-clear";
inline constexpr std::string_view kRulePolicyDrift = "policy-drift";
inline constexpr std::string_view kRuleExpiredSuppression = "expired-suppression";

// Every rule, in a fixed order (the SARIF ruleIndex of a rule is its position here).
[[nodiscard]] const std::vector<Rule>& AllRules();
// nullptr for an unknown id.
[[nodiscard]] const Rule* FindRule(std::string_view id);
// The rule's section of docs/compliance.md on the project's site.
[[nodiscard]] std::string RuleHelpUri(std::string_view id);

}  // namespace rampart::compliance
