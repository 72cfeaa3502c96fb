// JUnit XML, the de-facto test report format that GitLab, Jenkins, GitHub and Azure read:
// <testsuites> > <testsuite> > <testcase> with <failure>, <error> or <skipped>.
// The report never decides the job status; the exit code does (DESIGN.md, exit codes).
//
//   rampart::JUnitSuite suite{.name = "rampart.robustness"};
//   suite.cases.push_back({.classname = "rampart.robustness.net", .name = "pgd_linf_eps=0.03",
//                          .failure = rampart::JUnitFailure{.message = "robust_accuracy=0.31 <
//                          0.5"}});
//   std::string xml = rampart::WriteJUnitXml({suite});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rampart {

struct JUnitFailure {
  std::string message;
  std::string type = "failure";
  std::string text;
};

struct JUnitCase {
  std::string classname;
  std::string name;
  double time_seconds = 0.0;
  std::optional<JUnitFailure> failure;
  std::optional<JUnitFailure> error;
  std::optional<std::string> skipped;  // the skip message
  std::string system_out;
};

struct JUnitSuite {
  std::string name;
  std::string timestamp;  // ISO 8601; empty = now (UTC)
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<JUnitCase> cases;
};

// Escapes & < > " ' and drops the characters XML 1.0 forbids (controls other than tab, LF, CR).
[[nodiscard]] std::string EscapeXml(std::string_view text);

[[nodiscard]] std::string WriteJUnitXml(const std::vector<JUnitSuite>& suites);

}  // namespace rampart
