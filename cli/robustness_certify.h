// The certified side of `rampart robustness audit --certify-sigma S`: randomized smoothing on the
// audited data, reported per audit epsilon next to the empirical (attack) robust accuracy. The
// audit verb calls these functions; everything else stays in robustness_certify.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <rampart/common/html_writer.h>
#include <rampart/common/junit_writer.h>
#include <rampart/robustness/certification.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/executor.h>

#include "context.h"

namespace rampart::cli {

struct AuditCertifyOptions {
  double sigma = 0.0;  // 0: no certification
  std::int64_t n = 10000;
  std::int64_t n0 = 100;
  double alpha = 0.001;
};

// The certificate of the smoothed model at each audit epsilon, as an L2 radius: epsilon itself for
// --norm l2, epsilon·√d for --norm linf (an L∞ ball of radius ε lies in the L2 ball of ε·√d).
struct AuditCertification {
  AuditCertifyOptions options;
  robustness::CertificationResult result;
  std::vector<double> epsilons;
  std::vector<double> l2_radii;
  std::vector<double> empirical;  // worst-case robust accuracy of the audit at each epsilon
};

// Registers --certify-sigma and --certify-n on the audit verb.
void AddAuditCertifyOptions(CLI::App* audit, AuditCertifyOptions& options);

// Runs the certification when options.sigma > 0 (seeded with the audit's seed).
[[nodiscard]] std::optional<AuditCertification> CertifyForAudit(
    const AuditCertifyOptions& options, robustness::Executor& executor,
    const robustness::Dataset& data, const robustness::AuditResult& audit, robustness::Norm norm,
    std::uint64_t seed, const Context& context);

// The `certified` object of the audit's JSON report.
[[nodiscard]] nlohmann::json AuditCertificationJson(const AuditCertification& certification);

// A Markdown section for the audit report: certified (lower bound) next to empirical (upper
// bound) accuracy per epsilon.
[[nodiscard]] std::string AuditCertificationMarkdown(const AuditCertification& certification);

// The same section for the audit's HTML report.
void AddAuditCertificationHtml(const AuditCertification& certification, HtmlDocument& page);

// (epsilon, certified accuracy) points, for the audit's robustness curve.
[[nodiscard]] std::vector<std::pair<double, double>> AuditCertifiedSeries(
    const AuditCertification& certification);

// A JUnit suite with one case per audit epsilon. The audit has no gate on the certificate, so
// the cases carry the figures and do not fail.
[[nodiscard]] JUnitSuite AuditCertificationJUnit(const AuditCertification& certification,
                                                 const std::string& model_path);

}  // namespace rampart::cli
