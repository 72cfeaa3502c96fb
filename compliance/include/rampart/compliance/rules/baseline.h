// Baselines for CI: the fingerprints of the findings a project has already seen, so that a gate
// (`--fail-on`) fails only on findings that are new. `rampart compliance baseline` writes one;
// `rampart compliance scan --baseline FILE` reads it.
//
//   AuditResult audit = RunAudit(scan, &policy);
//   WriteFileAtomically("compliance-baseline.json", ToJsonText(BaselineToJson(audit)));
//   ...
//   MarkBaseline(audit, LoadBaseline("compliance-baseline.json"));
//   if (audit.CountAtLeast(Severity::kMedium) > 0) ...   // new findings only
//
// The file is JSON: {"schema_version": 1, "kind": "rampart-compliance-baseline",
// "findings": [{"fingerprint": "<32 hex>", "rule": ..., "target": ...}, ...]}; rule and target
// are there for reviewers, only the fingerprint is matched (see Finding::fingerprint).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <rampart/compliance/rules/audit.h>

namespace rampart::compliance {

struct Baseline {
  std::set<std::string> fingerprints;
};

// Throws NotFoundError for a missing file and InputError (file:line:col, or the field) for text
// that is not a baseline.
[[nodiscard]] Baseline LoadBaseline(const std::filesystem::path& file);
[[nodiscard]] Baseline ParseBaseline(std::string_view text, const std::string& source_name);

// The baseline of an audit: its findings that are not suppressed (suppressions already say
// why they are accepted, and expire; a baseline does not).
[[nodiscard]] nlohmann::json BaselineToJson(const AuditResult& audit);

// Marks the findings whose fingerprint is in `baseline` (Finding::in_baseline); returns how many.
std::size_t MarkBaseline(AuditResult& audit, const Baseline& baseline);

}  // namespace rampart::compliance
