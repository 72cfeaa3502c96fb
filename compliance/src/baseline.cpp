#include <fstream>
#include <sstream>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/compliance/rules/baseline.h>
#include <rampart/compliance/schema.h>

namespace rampart::compliance {
namespace {

constexpr std::string_view kKind = "rampart-compliance-baseline";

bool IsFingerprint(const std::string& text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Baseline ParseBaseline(std::string_view text, const std::string& source_name) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    throw InputError("not a JSON baseline: " + std::string(e.what()),
                     LocationAt(source_name, text, std::min(offset, text.size())));
  }
  const auto fail = [&](const std::string& message, const std::string& field) {
    throw InputError(message, {.file = source_name, .field = field});
  };
  if (!doc.is_object()) fail("a baseline is a JSON object", "");
  if (!doc.contains("kind") || doc["kind"] != kKind) {
    fail("not a rampart compliance baseline (kind is not \"" + std::string(kKind) + "\")", "kind");
  }
  if (!doc.contains("findings") || !doc["findings"].is_array()) {
    fail("the baseline has no findings array", "findings");
  }
  Baseline baseline;
  std::size_t i = 0;
  for (const nlohmann::json& f : doc["findings"]) {
    const std::string field = "findings[" + std::to_string(i++) + "].fingerprint";
    if (!f.is_object() || !f.contains("fingerprint") || !f["fingerprint"].is_string() ||
        !IsFingerprint(f["fingerprint"].get<std::string>())) {
      fail("expected a fingerprint of 32 lowercase hex digits", field);
    }
    baseline.fingerprints.insert(f["fingerprint"].get<std::string>());
  }
  return baseline;
}

Baseline LoadBaseline(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw NotFoundError("cannot open the baseline", {.file = file.string()});
  std::ostringstream text;
  text << in.rdbuf();
  return ParseBaseline(text.str(), file.string());
}

nlohmann::json BaselineToJson(const AuditResult& audit) {
  nlohmann::json doc = NewJsonDocument();
  doc["kind"] = kKind;
  nlohmann::json findings = nlohmann::json::array();
  std::set<std::string> seen;
  for (const Finding& f : audit.findings) {
    if (f.suppressed || !seen.insert(f.fingerprint).second) continue;
    findings.push_back({{"fingerprint", f.fingerprint},
                        {"rule", f.rule},
                        {"severity", SeverityName(f.severity)},
                        {"target", f.target}});
  }
  doc["findings"] = std::move(findings);
  return doc;
}

std::size_t MarkBaseline(AuditResult& audit, const Baseline& baseline) {
  std::size_t marked = 0;
  for (Finding& f : audit.findings) {
    f.in_baseline = baseline.fingerprints.count(f.fingerprint) != 0;
    if (f.in_baseline) ++marked;
  }
  return marked;
}

}  // namespace rampart::compliance
