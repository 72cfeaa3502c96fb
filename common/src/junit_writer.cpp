#include <chrono>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include <rampart/common/junit_writer.h>

#include "markup_escape.h"

namespace rampart {
namespace {

std::string NowIso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void AppendOutcome(std::string& xml, std::string_view tag, const JUnitFailure& outcome) {
  xml += fmt::format("      <{} message=\"{}\" type=\"{}\"", tag, EscapeXml(outcome.message),
                     EscapeXml(outcome.type));
  if (outcome.text.empty()) {
    xml += "/>\n";
  } else {
    xml += fmt::format(">{}</{}>\n", EscapeXml(outcome.text), tag);
  }
}

}  // namespace

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;  // not allowed in XML 1.0
    internal::AppendEscapedMarkup(out, c, "&apos;");
  }
  return out;
}

std::string WriteJUnitXml(const std::vector<JUnitSuite>& suites) {
  std::size_t total_tests = 0;
  std::size_t total_failures = 0;
  std::size_t total_errors = 0;
  std::size_t total_skipped = 0;
  double total_time = 0.0;
  std::string body;
  for (const auto& suite : suites) {
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::size_t skipped = 0;
    double time = 0.0;
    for (const auto& test : suite.cases) {
      failures += test.failure ? 1U : 0U;
      errors += test.error ? 1U : 0U;
      skipped += test.skipped ? 1U : 0U;
      time += test.time_seconds;
    }
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{:.3f}\" timestamp=\"{}\">\n",
        EscapeXml(suite.name), suite.cases.size(), failures, errors, skipped, time,
        EscapeXml(suite.timestamp.empty() ? NowIso8601() : suite.timestamp));
    if (!suite.properties.empty()) {
      body += "    <properties>\n";
      for (const auto& [name, value] : suite.properties) {
        body += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", EscapeXml(name),
                            EscapeXml(value));
      }
      body += "    </properties>\n";
    }
    for (const auto& test : suite.cases) {
      body += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                          EscapeXml(test.classname), EscapeXml(test.name), test.time_seconds);
      if (!test.failure && !test.error && !test.skipped && test.system_out.empty()) {
        body += "/>\n";
        continue;
      }
      body += ">\n";
      if (test.failure) AppendOutcome(body, "failure", *test.failure);
      if (test.error) AppendOutcome(body, "error", *test.error);
      if (test.skipped)
        body += fmt::format("      <skipped message=\"{}\"/>\n", EscapeXml(*test.skipped));
      if (!test.system_out.empty()) {
        body += "      <system-out>" + EscapeXml(test.system_out) + "</system-out>\n";
      }
      body += "    </testcase>\n";
    }
    body += "  </testsuite>\n";
    total_tests += suite.cases.size();
    total_failures += failures;
    total_errors += errors;
    total_skipped += skipped;
    total_time += time;
  }
  return fmt::format(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<testsuites tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
             "time=\"{:.3f}\">\n",
             total_tests, total_failures, total_errors, total_skipped, total_time) +
         body + "</testsuites>\n";
}

}  // namespace rampart
