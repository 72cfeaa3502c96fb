// Renders an audit (rules/audit.h) for people and machines: the JSON document of DESIGN.md
// (columns[] and findings[] with rule, severity, message, location), Markdown for pull requests,
// a self-contained HTML page for the data-protection officer (summary by severity, findings,
// each column's classification and evidence, recommendations, and a record-of-processing view
// per purpose as in GDPR Art. 30), SARIF 2.1.0 for code-scanning services (rule metadata,
// helpUri into docs/compliance.md, the DDL line and column, stable partialFingerprints), and
// JUnit XML for CI test tabs.
//
//   AuditResult audit = RunAudit(scan, &policy);
//   WriteFileAtomically("report.html", AuditToHtml(scan, &policy, audit));
//   std::cout << ToJsonText(AuditToSarif(scan, &policy, audit));
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <rampart/compliance/policy.h>
#include <rampart/compliance/rules/audit.h>
#include <rampart/compliance/scanner.h>

namespace rampart::compliance {

// One purpose of the record of processing activities (Art. 30(1)(b)-(f) as far as the policy
// and the scan tell: purpose, legal grounds, categories of personal data, time limits).
struct ProcessingRecord {
  std::string purpose;               // "(no declared purpose)" for the personal data nobody needs
  std::string lawful_basis;          // "contract (Art. 6(1)(b))"; empty for the undeclared entry
  std::string special_condition;     // "employment_social_security (Art. 9(2)(b))" or ""
  std::vector<std::string> columns;  // as scanned ("table.column"), or as the policy wrote
  std::vector<std::string> categories;  // personal-data entities found in those columns
  std::vector<std::string> retention;   // "people: P2Y" per table; "not set" when missing
  std::vector<std::string> missing;     // policy columns the scan did not find
};

// Policy purposes first (in policy order), then the undeclared personal data if any.
[[nodiscard]] std::vector<ProcessingRecord> RecordsOfProcessing(const ScanResult& scan,
                                                                const Policy* policy);

// The scan's JSON (scan_report.h) with the audit's findings appended to `findings`, plus `rules`,
// `records_of_processing` and the finding counts in `summary`.
[[nodiscard]] nlohmann::json AuditToJson(const ScanResult& scan, const Policy* policy,
                                         const AuditResult& audit);
[[nodiscard]] std::string AuditToMarkdown(const ScanResult& scan, const Policy* policy,
                                          const AuditResult& audit);
[[nodiscard]] std::string AuditToHtml(const ScanResult& scan, const Policy* policy,
                                      const AuditResult& audit);
// Artifact URIs are made relative to `base_directory` (default: the current directory), which
// is what code-scanning services expect when the scan runs at the repository root. Findings
// without a file position (live databases) carry no location. The scan's errors (inputs that
// could not be read) become error notifications of the invocation, which is then marked
// executionSuccessful: false.
[[nodiscard]] nlohmann::json AuditToSarif(const ScanResult& scan, const AuditResult& audit,
                                          const std::filesystem::path& base_directory = {});
// One test case per rule that found nothing, one failing case per active finding, one skipped
// case per suppressed or baselined finding.
[[nodiscard]] std::string AuditToJUnit(const ScanResult& scan, const AuditResult& audit);

}  // namespace rampart::compliance
