// Runs the audit rules (catalog.h) over a scan result and, when given, the policy: personal data
// without a purpose, special categories without an Art. 9(2) condition, direct identifiers in
// analytics tables, free text with personal data, k-anonymity / l-diversity of the
// quasi-identifiers on sampled rows, missing retention periods, card numbers and national ids in
// clear, and a policy that drifted from the schema. Then applies the policy's suppressions:
// a suppression that has expired no longer suppresses, and is itself reported.
//
//   ScanResult scan = Scanner().ScanPaths({"schemas/", "exports/people.csv"});
//   Policy policy = LoadPolicy("policy.yaml");
//   AuditResult audit = RunAudit(scan, &policy);          // or nullptr: no policy
//   for (const Finding& f : audit.findings)
//     if (!f.suppressed) std::cout << f.location.ToString() << " " << f.rule << " " << f.message;
//
// Without a policy every rule still runs: everything personal has "no declared purpose", every
// special category lacks a condition, every table lacks a retention period, and the
// quasi-identifier columns the scanner found in a table with rows are tested against
// AuditOptions::default_k.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/common/report.h>
#include <rampart/compliance/policy.h>
#include <rampart/compliance/rules/row_sampler.h>
#include <rampart/compliance/scanner.h>

namespace rampart::compliance {

struct Finding {
  std::string rule;  // a Rule id (catalog.h)
  Severity severity = Severity::kMedium;
  std::string message;
  // What the finding is about: "table.column", "table", or a name from the policy. Suppressions
  // match on rule and target.
  std::string target;
  // Distinguishes findings with the same rule and target (the columns of a quasi-identifier set).
  std::string discriminator;
  SourceLocation location;  // the schema element (or the policy entry for policy findings)
  // Stable identity across runs: a hash of rule, target, discriminator and the file's name (not
  // its directory, not the line), so that baselines survive moved files and edits above.
  std::string fingerprint;

  bool suppressed = false;
  std::string suppression_reason;
  std::optional<CalendarDate> suppression_expires;
  bool in_baseline = false;  // set by MarkBaseline (baseline.h)

  // k-anonymity / l-diversity findings: the set's columns and what the sample gave.
  std::vector<std::string> columns;
  std::optional<std::string> sensitive;
  std::int64_t rows_sampled = 0;
  std::int64_t smallest_class = 0;
  std::int64_t classes_below = 0;
  std::int64_t rows_below = 0;
  std::int64_t target_value = 0;  // the k or l asked for
  std::int64_t achieved_l = 0;
};

struct AuditOptions {
  // k and l for quasi-identifier sets that the policy does not declare (and without a policy).
  std::int64_t default_k = 5;
  std::int64_t default_l = 2;  // also the l of a policy set that names `sensitive` without `l`
  // "Today", for suppression expiry dates (a suppression expiring today still holds today).
  std::optional<CalendarDate> today;  // empty: the current UTC date
  // Reads rows for the k-anonymity rules; nullptr: CSV files with the default options.
  const RowSampler* row_sampler = nullptr;
};

struct AuditResult {
  // Active and suppressed findings, most severe first, then by rule, target and location.
  std::vector<Finding> findings;

  // Findings that are neither suppressed nor in a baseline.
  [[nodiscard]] std::size_t ActiveCount() const;
  // Active findings of at least `threshold`: what `--fail-on` gates on.
  [[nodiscard]] std::size_t CountAtLeast(Severity threshold) const;
};

// `policy` may be nullptr. Never throws for findings; throws InvalidArgumentError for options
// out of range (default_k or default_l < 1).
[[nodiscard]] AuditResult RunAudit(const ScanResult& scan, const Policy* policy,
                                   const AuditOptions& options = {});

// The fingerprint of a finding (see Finding::fingerprint): 32 lowercase hex digits.
[[nodiscard]] std::string FindingFingerprint(const Finding& finding);

}  // namespace rampart::compliance
