#include <rampart/common/version.h>
#include <rampart/compliance/rules/catalog.h>

namespace rampart::compliance {

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> rules = {
      {kRuleNoDeclaredPurpose, "PersonalDataWithoutPurpose", Severity::kMedium, "GDPR Art. 5(1)(c)",
       "Personal data that no declared processing purpose needs.",
       "Data minimization: personal data must be adequate, relevant and limited to what the "
       "purposes need. Name the purpose that needs this column in the policy (with its Art. 6 "
       "lawful basis), or stop collecting it: drop the column, or pseudonymize it with "
       "`rampart compliance minimize`."},
      {kRuleSpecialCategoryWithoutCondition, "SpecialCategoryWithoutCondition", Severity::kHigh,
       "GDPR Art. 9(1), 9(2)",
       "Special-category data (health, genetic, biometric, religion, ethnicity, sexual "
       "orientation, political opinion, trade-union membership) without an Art. 9(2) condition.",
       "Processing special categories is prohibited unless one of the Art. 9(2) conditions "
       "applies. Declare it on the purpose that needs the column "
       "(`special_category_condition`), or remove the data."},
      {kRuleDirectIdentifierInAnalytics, "DirectIdentifierInAnalytics", Severity::kMedium,
       "GDPR Art. 25, 32(1)(a)",
       "A direct identifier in an analytics or ML-feature table, where a pseudonym would do.",
       "Analytics and model training rarely need to know who a person is, only to tell people "
       "apart. Replace the identifier with a keyed pseudonym (HMAC-SHA-256, `action: "
       "pseudonymize` in the policy's `minimize` section) so that joins keep working, or drop "
       "it."},
      {kRuleFreeTextPersonalData, "FreeTextWithPersonalData", Severity::kMedium,
       "GDPR Art. 5(1)(c), 25",
       "A free-text column whose sampled values embed personal data (e-mails, phones, "
       "identifiers).",
       "Free text collects personal data nobody decided to collect, and escapes every other "
       "control. Replace it with structured fields, redact identifiers on entry, or drop the "
       "column from exports."},
      {kRuleKAnonymityBelowTarget, "KAnonymityBelowTarget", Severity::kHigh,
       "GDPR Art. 5(1)(c), 25, 32; Recital 26",
       "A quasi-identifier combination whose k-anonymity on the sampled rows is below the "
       "target k.",
       "Rows whose quasi-identifiers (birth date, postcode, gender, ...) are rare single a person "
       "out even without a name. Generalize the quasi-identifiers (dates to year, postcodes to a "
       "prefix, ages to bands) or suppress rare combinations with `rampart compliance "
       "minimize`. Sampled rows over-state the risk of the whole table: a class of the sample "
       "is at most as large as in the table."},
      {kRuleLDiversityBelowTarget, "LDiversityBelowTarget", Severity::kMedium,
       "GDPR Art. 5(1)(c), 25, 32; Recital 26",
       "An equivalence class of a quasi-identifier set with too few distinct values of the "
       "sensitive column (distinct l-diversity).",
       "When everyone in a group of look-alikes shares the same diagnosis (or salary band), "
       "k-anonymity does not hide it. Generalize the quasi-identifiers further, coarsen the "
       "sensitive column, or suppress the homogeneous classes."},
      {kRuleNoRetentionPeriod, "NoRetentionPeriod", Severity::kLow, "GDPR Art. 5(1)(e)",
       "A table holding personal data with no retention period in the policy.",
       "Storage limitation: personal data may be kept no longer than the purposes need. Add the "
       "table to the policy's `retention` section (an ISO 8601 duration such as P2Y) and delete "
       "or anonymize rows older than that."},
      {kRuleIdentifierInClear, "IdentifierInClear", Severity::kHigh,
       "GDPR Art. 32(1)(a); PCI DSS 3.5",
       "Card numbers or national identifiers (national id, passport, tax id) stored in clear.",
       "Store card numbers only as tokens or truncated (PCI DSS), and national identifiers "
       "encrypted or as keyed pseudonyms: a leak of these is a leak of identities that cannot "
       "be changed."},
      {kRulePolicyDrift, "PolicyDrift", Severity::kMedium, "GDPR Art. 5(2), 30",
       "The policy names tables, columns or rules that the scanned schemas no longer have.",
       "Accountability: a policy that describes columns that no longer exist no longer "
       "describes the processing, and its checks silently stop applying. Update the policy to "
       "the current schema (renamed columns keep their purpose only if the policy says so)."},
      {kRuleExpiredSuppression, "ExpiredSuppression", Severity::kLow, "GDPR Art. 5(2)",
       "A suppression in the policy whose expiry date has passed: it no longer suppresses.",
       "Accepted findings are reviewed when their suppression expires. Fix the finding, or "
       "renew the suppression with a new reason and expiry date."},
  };
  return rules;
}

const Rule* FindRule(std::string_view id) {
  for (const Rule& rule : AllRules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::string RuleHelpUri(std::string_view id) {
  return std::string(kHomepage) + "/blob/main/docs/compliance.md#" + std::string(id);
}

}  // namespace rampart::compliance
