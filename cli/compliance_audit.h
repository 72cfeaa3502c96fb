// The audit half of `rampart compliance scan` (--policy, --fail-on, --baseline, the html, sarif
// and junit formats) and the `rampart compliance baseline` verb; compliance_commands.cpp keeps
// the scan itself.
#pragma once

#include <optional>
#include <string>

#include <rampart/common/report.h>
#include <rampart/compliance/policy.h>
#include <rampart/compliance/rules/baseline.h>
#include <rampart/compliance/rules/row_sampler.h>
#include <rampart/compliance/scanner.h>

#include "context.h"

namespace rampart::cli {

struct AuditFlags {
  std::string policy;
  std::string fail_on;
  std::string baseline;
};

// The formats `compliance scan` writes.
inline const std::vector<std::string> kAuditFormats = {"json", "markdown", "html", "sarif",
                                                       "junit"};

void AddAuditOptions(CLI::App* verb, AuditFlags& flags);

struct AuditInputs {
  std::optional<compliance::Policy> policy;
  std::optional<compliance::Baseline> baseline;
  std::optional<Severity> fail_on;
};

// Reads the policy and the baseline and checks --fail-on, before anything is scanned, so that a
// typo fails at once. Throws InputError / NotFoundError / InvalidArgumentError.
[[nodiscard]] AuditInputs LoadAuditInputs(const AuditFlags& flags);

// Runs the rules, writes the report in `output.format`, and returns the gate's exit code:
// kExitGateFailed when an active finding (not suppressed, not in the baseline) reaches
// --fail-on (with --baseline alone: any new finding), else kExitOk.
[[nodiscard]] int EmitAudit(const compliance::ScanResult& scan, const AuditInputs& inputs,
                            const compliance::RowSamplerOptions& sampling,
                            const OutputOptions& output, const Context& context);

// Registers `rampart compliance baseline`.
void SetupComplianceBaselineCommand(CLI::App& compliance, Context& context);

}  // namespace rampart::cli
