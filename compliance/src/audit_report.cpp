#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include <rampart/common/html_writer.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/junit_writer.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/report.h>
#include <rampart/common/sarif_writer.h>
#include <rampart/common/version.h>
#include <rampart/compliance/audit_report.h>
#include <rampart/compliance/rules/catalog.h>
#include <rampart/compliance/scan_report.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

constexpr Severity kSeverities[] = {Severity::kCritical, Severity::kHigh, Severity::kMedium,
                                    Severity::kLow, Severity::kInfo};

std::string LawfulBasisText(LawfulBasis basis) {
  const char letter = static_cast<char>('a' + static_cast<int>(basis));
  return fmt::format("{} (Art. 6(1)({}))", LawfulBasisName(basis), letter);
}

std::string Status(const Finding& f) {
  if (f.suppressed) {
    return "suppressed until " +
           (f.suppression_expires ? f.suppression_expires->ToString() : std::string("?"));
  }
  return f.in_baseline ? "in baseline" : "active";
}

std::string ArticleOf(const Finding& f) {
  const Rule* rule = FindRule(f.rule);
  return rule != nullptr ? std::string(rule->article) : "";
}

// Findings per severity among the active ones.
std::map<Severity, std::size_t> ActiveBySeverity(const AuditResult& audit) {
  std::map<Severity, std::size_t> counts;
  for (const Finding& f : audit.findings) {
    if (!f.suppressed && !f.in_baseline) ++counts[f.severity];
  }
  return counts;
}

std::size_t CountIf(const AuditResult& audit, bool (*pred)(const Finding&)) {
  return static_cast<std::size_t>(
      std::count_if(audit.findings.begin(), audit.findings.end(), pred));
}

std::string SummaryLine(const ScanResult& scan, const Policy* policy, const AuditResult& audit) {
  return fmt::format(
      "{} columns in {} sources, {} personal; {} findings ({} active, {} suppressed, {} in the "
      "baseline); policy: {}.",
      scan.columns.size(), scan.sources.size(), scan.PersonalCount(), audit.findings.size(),
      audit.ActiveCount(), CountIf(audit, [](const Finding& f) { return f.suppressed; }),
      CountIf(audit, [](const Finding& f) { return f.in_baseline && !f.suppressed; }),
      policy != nullptr ? policy->source : std::string("none"));
}

std::string EvidenceText(const ColumnResult& c) {
  std::string text;
  for (const Evidence& e : c.evidence) text += (text.empty() ? "" : "; ") + e.detail;
  return text;
}

std::string EntityText(const ColumnResult& c) {
  return std::string(EntityName(c.entity)) + (c.subtype.empty() ? "" : " (" + c.subtype + ")");
}

// The rules that fired (actively), for the recommendations section.
std::vector<const Rule*> FiredRules(const AuditResult& audit) {
  std::vector<const Rule*> fired;
  for (const Rule& rule : AllRules()) {
    for (const Finding& f : audit.findings) {
      if (f.rule == rule.id && !f.suppressed && !f.in_baseline) {
        fired.push_back(&rule);
        break;
      }
    }
  }
  return fired;
}

// Percent-encodes what a URI reference may not hold; '/' stays a separator.
std::string UriEscape(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// A file's URI relative to `base` (absolute paths outside it become file:// URIs).
std::string FileUri(const std::string& file, const std::filesystem::path& base) {
  std::filesystem::path path(file);
  if (path.is_absolute()) {
    std::error_code error;
    const std::filesystem::path root = base.empty() ? std::filesystem::current_path(error) : base;
    const std::filesystem::path relative = path.lexically_relative(root);
    if (!error && !relative.empty()) path = relative;
  }
  path = path.lexically_normal();
  if (path.is_absolute()) return "file://" + UriEscape(path.generic_string());
  return UriEscape(path.generic_string());
}

std::string ArtifactUri(const SourceLocation& location, const std::filesystem::path& base) {
  if (location.file.empty() || location.line <= 0) return "";
  return FileUri(location.file, base);
}

// Database URLs ("sqlite:shop.db", "postgresql://host/db") name no artifact of the repository.
bool IsDatabaseUrl(std::string_view name) {
  return name.find("://") != std::string_view::npos || name.rfind("sqlite:", 0) == 0 ||
         name.rfind("postgres:", 0) == 0 || name.rfind("postgresql:", 0) == 0;
}

SarifLevel LevelOf(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
    case Severity::kHigh:
      return SarifLevel::kError;
    case Severity::kMedium:
      return SarifLevel::kWarning;
    case Severity::kLow:
    case Severity::kInfo:
      return SarifLevel::kNote;
  }
  return SarifLevel::kWarning;
}

// GitHub code scanning reads "security-severity" as CVSS-like: >= 9 critical, >= 7 high, >= 4
// medium, else low.
double SecuritySeverity(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return 9.5;
    case Severity::kHigh:
      return 8.0;
    case Severity::kMedium:
      return 5.5;
    case Severity::kLow:
      return 3.0;
    case Severity::kInfo:
      return 1.0;
  }
  return 5.5;
}

}  // namespace

std::vector<ProcessingRecord> RecordsOfProcessing(const ScanResult& scan, const Policy* policy) {
  std::map<std::string, const ColumnResult*> by_key;
  for (const ColumnResult& c : scan.columns)
    by_key.emplace(internal::AsciiLower(c.table + "." + c.column), &c);
  std::map<std::string, std::string> retention;
  if (policy != nullptr) {
    for (const Retention& r : policy->retention)
      retention[internal::AsciiLower(r.table)] = r.period.text;
  }
  std::set<std::string> declared;
  std::vector<ProcessingRecord> records;
  const auto add_retention = [&](ProcessingRecord& record, const std::string& table) {
    const auto it = retention.find(internal::AsciiLower(table));
    const std::string entry = table + ": " + (it != retention.end() ? it->second : "not set");
    if (std::find(record.retention.begin(), record.retention.end(), entry) ==
        record.retention.end()) {
      record.retention.push_back(entry);
    }
  };
  const auto add_category = [](ProcessingRecord& record, const ColumnResult& c) {
    if (!c.personal) return;
    const std::string entity(EntityName(c.entity));
    if (std::find(record.categories.begin(), record.categories.end(), entity) ==
        record.categories.end()) {
      record.categories.push_back(entity);
    }
  };
  if (policy != nullptr) {
    for (const Purpose& p : policy->purposes) {
      ProcessingRecord record;
      record.purpose = p.name;
      record.lawful_basis = LawfulBasisText(p.lawful_basis);
      if (p.special_category_condition) {
        record.special_condition =
            fmt::format("{} (Art. {})", SpecialCategoryConditionName(*p.special_category_condition),
                        SpecialCategoryConditionArticle(*p.special_category_condition));
      }
      for (const std::string& column : p.columns) {
        declared.insert(internal::AsciiLower(column));
        const auto it = by_key.find(internal::AsciiLower(column));
        if (it == by_key.end()) {
          record.missing.push_back(column);
          continue;
        }
        record.columns.push_back(it->second->table + "." + it->second->column);
        add_category(record, *it->second);
        add_retention(record, it->second->table);
      }
      records.push_back(std::move(record));
    }
  }
  ProcessingRecord undeclared;
  undeclared.purpose = "(no declared purpose)";
  for (const ColumnResult& c : scan.columns) {
    if (!c.personal || declared.count(internal::AsciiLower(c.table + "." + c.column)) != 0)
      continue;
    undeclared.columns.push_back(c.table + "." + c.column);
    add_category(undeclared, c);
    add_retention(undeclared, c.table);
  }
  if (!undeclared.columns.empty()) records.push_back(std::move(undeclared));
  return records;
}

nlohmann::json AuditToJson(const ScanResult& scan, const Policy* policy, const AuditResult& audit) {
  nlohmann::json doc = ScanResultToJson(scan);
  for (const Finding& f : audit.findings) {
    nlohmann::json j = {{"rule", f.rule},
                        {"severity", SeverityName(f.severity)},
                        {"message", f.message},
                        {"location", f.location.ToString()},
                        {"file", f.location.file},
                        {"target", f.target},
                        {"article", ArticleOf(f)},
                        {"help_uri", RuleHelpUri(f.rule)},
                        {"fingerprint", f.fingerprint},
                        {"suppressed", f.suppressed},
                        {"baseline", f.in_baseline ? "unchanged" : "new"}};
    if (f.location.line > 0) j["line"] = f.location.line;
    if (f.location.column > 0) j["column"] = f.location.column;
    if (f.suppressed) {
      j["suppression"] = {
          {"reason", f.suppression_reason},
          {"expires", f.suppression_expires ? f.suppression_expires->ToString() : std::string()}};
    }
    if (!f.columns.empty()) {
      j["quasi_identifiers"] = f.columns;
      if (f.sensitive) j["sensitive"] = *f.sensitive;
      j["rows_sampled"] = f.rows_sampled;
      j["smallest_class"] = f.smallest_class;
      j["classes_below_k"] = f.classes_below;
      j["rows_below_k"] = f.rows_below;
      j[f.rule == kRuleLDiversityBelowTarget ? "l_target" : "k_target"] = f.target_value;
      if (f.sensitive) j["l_diversity"] = f.achieved_l;
    }
    doc["findings"].push_back(std::move(j));
  }
  nlohmann::json rules = nlohmann::json::array();
  for (const Rule& rule : AllRules()) {
    rules.push_back({{"id", rule.id},
                     {"name", rule.name},
                     {"severity", SeverityName(rule.severity)},
                     {"article", rule.article},
                     {"summary", rule.summary},
                     {"help", rule.help},
                     {"help_uri", RuleHelpUri(rule.id)}});
  }
  doc["rules"] = std::move(rules);
  doc["policy"] = policy != nullptr ? nlohmann::json(policy->source) : nlohmann::json(nullptr);
  nlohmann::json records = nlohmann::json::array();
  for (const ProcessingRecord& r : RecordsOfProcessing(scan, policy)) {
    records.push_back({{"purpose", r.purpose},
                       {"lawful_basis", r.lawful_basis},
                       {"special_category_condition", r.special_condition},
                       {"columns", r.columns},
                       {"categories", r.categories},
                       {"retention", r.retention},
                       {"missing_columns", r.missing}});
  }
  doc["records_of_processing"] = std::move(records);
  nlohmann::json by_severity = nlohmann::json::object();
  const auto counts = ActiveBySeverity(audit);
  for (const Severity s : kSeverities) {
    const auto it = counts.find(s);
    by_severity[std::string(SeverityName(s))] = it == counts.end() ? 0 : it->second;
  }
  doc["summary"]["findings"] = {
      {"total", audit.findings.size()},
      {"active", audit.ActiveCount()},
      {"suppressed", CountIf(audit, [](const Finding& f) { return f.suppressed; })},
      {"baseline", CountIf(audit, [](const Finding& f) { return f.in_baseline && !f.suppressed; })},
      {"active_by_severity", by_severity}};
  return doc;
}

std::string AuditToMarkdown(const ScanResult& scan, const Policy* policy,
                            const AuditResult& audit) {
  MarkdownWriter md;
  md.Heading(1, "Compliance audit");
  md.Paragraph(SummaryLine(scan, policy, audit));
  rampart::Table severity{.headers = {"severity", "active findings"},
                          .align = {Align::kLeft, Align::kRight}};
  const auto counts = ActiveBySeverity(audit);
  for (const Severity s : kSeverities) {
    const auto it = counts.find(s);
    severity.rows.push_back(
        {std::string(SeverityName(s)), std::to_string(it == counts.end() ? 0 : it->second)});
  }
  md.AddTable(severity);
  md.Heading(2, "Findings");
  rampart::Table findings{
      .headers = {"severity", "rule", "article", "location", "message", "status"}};
  for (const Finding& f : audit.findings) {
    findings.rows.push_back({std::string(SeverityName(f.severity)), f.rule, ArticleOf(f),
                             f.location.ToString(), f.message, Status(f)});
  }
  if (findings.rows.empty()) {
    md.Paragraph("No findings.");
  } else {
    md.AddTable(findings);
  }
  const auto fired = FiredRules(audit);
  if (!fired.empty()) {
    md.Heading(2, "Recommendations");
    std::vector<std::string> items;
    items.reserve(fired.size());
    for (const Rule* rule : fired) {
      items.push_back(fmt::format("{} ({}): {}", rule->id, rule->article, rule->help));
    }
    md.Bullets(items);
  }
  md.Heading(2, "Record of processing (Art. 30)");
  rampart::Table records{.headers = {"purpose", "lawful basis", "Art. 9(2) condition", "columns",
                                     "personal data", "retention"}};
  for (const ProcessingRecord& r : RecordsOfProcessing(scan, policy)) {
    records.rows.push_back({r.purpose, r.lawful_basis, r.special_condition, Join(r.columns),
                            Join(r.categories), Join(r.retention)});
  }
  md.AddTable(records);
  md.Heading(2, "Personal data");
  rampart::Table columns{
      .headers = {"location", "column", "category", "entity", "confidence", "evidence",
                  "recommendation"},
      .align = {Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight}};
  for (const ColumnResult& c : scan.columns) {
    if (!c.personal) continue;
    columns.rows.push_back({c.location.ToString(), c.table + "." + c.column,
                            std::string(CategoryName(c.category)), EntityText(c),
                            FormatSignificant(c.confidence, 2), EvidenceText(c), c.recommendation});
  }
  if (columns.rows.empty()) {
    md.Paragraph("No personal data found.");
  } else {
    md.AddTable(columns);
  }
  if (!scan.errors.empty()) {
    md.Heading(2, "Errors");
    std::vector<std::string> items;
    for (const ScanError& e : scan.errors)
      items.push_back(e.location.ToString() + ": " + e.message);
    md.Bullets(items);
  }
  return md.str();
}

std::string AuditToHtml(const ScanResult& scan, const Policy* policy, const AuditResult& audit) {
  HtmlDocument page("Compliance audit");
  page.Heading(1, "Compliance audit");
  page.Summary(
      {{"sources", std::to_string(scan.sources.size())},
       {"columns", std::to_string(scan.columns.size())},
       {"personal columns", std::to_string(scan.PersonalCount())},
       {"policy", policy != nullptr ? policy->source : "none (every rule still runs)"},
       {"findings", fmt::format("{} ({} active)", audit.findings.size(), audit.ActiveCount())},
       {"rampart", kVersion}});
  page.Heading(2, "Summary by severity");
  std::vector<std::vector<HtmlCell>> severity_rows;
  const auto counts = ActiveBySeverity(audit);
  for (const Severity s : kSeverities) {
    const auto it = counts.find(s);
    const std::string name(SeverityName(s));
    severity_rows.push_back(
        {{name, "sev-" + name}, {std::to_string(it == counts.end() ? 0 : it->second), ""}});
  }
  page.AddTable({"severity", "active findings"}, severity_rows);

  page.Heading(2, "Findings");
  std::vector<std::vector<HtmlCell>> finding_rows;
  for (const Finding& f : audit.findings) {
    const std::string name(SeverityName(f.severity));
    const bool active = !f.suppressed && !f.in_baseline;
    finding_rows.push_back({{name, active ? "sev-" + name : "muted"},
                            {f.rule, ""},
                            {ArticleOf(f), ""},
                            {f.location.ToString(), ""},
                            {f.message, active ? "" : "muted"},
                            {Status(f) + (f.suppressed ? ": " + f.suppression_reason : ""),
                             active ? "fail" : "muted"}});
  }
  if (finding_rows.empty()) {
    page.Paragraph("No findings.");
  } else {
    page.AddTable({"severity", "rule", "article", "location", "message", "status"}, finding_rows);
  }

  const auto fired = FiredRules(audit);
  page.Heading(2, "Recommendations");
  if (fired.empty()) {
    page.Paragraph("Nothing to do: no active findings.");
  } else {
    std::vector<std::string> items;
    items.reserve(fired.size());
    for (const Rule* rule : fired) {
      items.push_back(
          fmt::format("{} ({}): {} {}", rule->id, rule->article, rule->summary, rule->help));
    }
    page.Bullets(items);
  }

  page.Heading(2, "Record of processing activities (GDPR Art. 30)");
  page.Paragraph(
      "Per purpose: the legal grounds, the categories of personal data found in its columns and "
      "the retention periods, as the policy declares them and the scan found them. Art. 30 also "
      "asks for the controller, recipients and transfers, which the policy does not hold.");
  std::vector<std::vector<HtmlCell>> record_rows;
  for (const ProcessingRecord& r : RecordsOfProcessing(scan, policy)) {
    const bool undeclared = r.lawful_basis.empty();
    record_rows.push_back(
        {{r.purpose, undeclared ? "fail" : ""},
         {undeclared ? "none" : r.lawful_basis, undeclared ? "fail" : ""},
         {r.special_condition, ""},
         {Join(r.columns), ""},
         {Join(r.categories), ""},
         {Join(r.retention), ""},
         {r.missing.empty() ? "" : "not in the schema: " + Join(r.missing), "warn"}});
  }
  page.AddTable({"purpose", "lawful basis", "Art. 9(2) condition", "columns", "personal data",
                 "retention", "drift"},
                record_rows);

  page.Heading(2, "Columns");
  std::vector<std::vector<HtmlCell>> column_rows;
  for (const ColumnResult& c : scan.columns) {
    const std::string category(CategoryName(c.category));
    column_rows.push_back(
        {{c.location.ToString(), ""},
         {c.table + "." + c.column, ""},
         {c.personal ? "personal" : "not personal", c.personal ? "warn" : "muted"},
         {category, c.category == Category::kSpecialCategory ? "sev-high" : ""},
         {c.personal ? EntityText(c) : "", ""},
         {FormatSignificant(c.confidence, 2), ""},
         {EvidenceText(c), ""},
         {c.recommendation, ""}});
  }
  page.AddTable({"location", "column", "personal", "category", "entity", "confidence", "evidence",
                 "recommendation"},
                column_rows);
  if (!scan.errors.empty()) {
    page.Heading(2, "Errors");
    std::vector<std::string> items;
    for (const ScanError& e : scan.errors)
      items.push_back(e.location.ToString() + ": " + e.message);
    page.Bullets(items);
  }
  page.Paragraph(
      "rampart classifies and checks; it does not give legal advice. Whether a purpose, a lawful "
      "basis, an Art. 9(2) condition or a retention period holds is for the controller and the "
      "data-protection officer to decide.");
  return page.str();
}

nlohmann::json AuditToSarif(const ScanResult& scan, const AuditResult& audit,
                            const std::filesystem::path& base_directory) {
  SarifLog log({.name = "rampart", .version = kVersion, .information_uri = kHomepage});
  for (const Rule& rule : AllRules()) {
    log.AddRule({.id = std::string(rule.id),
                 .name = std::string(rule.name),
                 .short_description = std::string(rule.summary),
                 .full_description = fmt::format("{} ({})", rule.summary, rule.article),
                 .help_uri = RuleHelpUri(rule.id),
                 .help_text = std::string(rule.help),
                 .default_level = LevelOf(rule.severity),
                 .security_severity = SecuritySeverity(rule.severity),
                 .tags = {"security", "privacy", "gdpr"}});
  }
  for (const Finding& f : audit.findings) {
    SarifResult result{.rule_id = f.rule,
                       .level = LevelOf(f.severity),
                       .message = f.message,
                       .uri = ArtifactUri(f.location, base_directory),
                       .line = f.location.line,
                       .column = f.location.column,
                       .fingerprint = f.fingerprint};
    if (result.uri.empty()) {
      result.line = 0;
      result.column = 0;
    }
    if (f.suppressed) {
      result.suppression = SarifSuppression{
          .justification = fmt::format(
              "{} (until {})", f.suppression_reason,
              f.suppression_expires ? f.suppression_expires->ToString() : std::string("?")),
          .kind = "external"};
    }
    result.properties = {{"severity", SeverityName(f.severity)},
                         {"target", f.target},
                         {"baseline", f.in_baseline ? "unchanged" : "new"}};
    if (!f.location.field.empty() || f.location.line <= 0) {
      result.properties["where"] = f.location.ToString();
    }
    log.AddResult(std::move(result));
  }
  // Inputs that could not be read are not findings about them: they are why the run is
  // incomplete, which SARIF says in the invocation (executionSuccessful false).
  for (const ScanError& e : scan.errors) {
    SarifNotification notification{
        .message = e.message.empty() ? std::string("input could not be read") : e.message,
        .level = SarifLevel::kError,
        .descriptor_id = e.kind};
    if (!e.location.file.empty() && !IsDatabaseUrl(e.location.file)) {
      notification.uri = FileUri(e.location.file, base_directory);
      notification.line = e.location.line;
      notification.column = e.location.line > 0 ? e.location.column : 0;
    }
    if (notification.uri.empty() && !e.location.empty()) {
      notification.message = e.location.ToString() + ": " + e.message;
    }
    log.AddExecutionNotification(std::move(notification));
  }
  return log.ToJson();
}

std::string AuditToJUnit(const ScanResult& scan, const AuditResult& audit) {
  JUnitSuite suite{.name = "rampart.compliance"};
  suite.properties = {{"sources", std::to_string(scan.sources.size())},
                      {"columns", std::to_string(scan.columns.size())},
                      {"personal", std::to_string(scan.PersonalCount())}};
  for (const Rule& rule : AllRules()) {
    const std::string classname = "rampart.compliance." + std::string(rule.id);
    bool any = false;
    for (const Finding& f : audit.findings) {
      if (f.rule != rule.id) continue;
      any = true;
      JUnitCase test{.classname = classname, .name = f.target};
      if (f.suppressed) {
        test.skipped = "suppressed: " + f.suppression_reason;
      } else if (f.in_baseline) {
        test.skipped = "in the baseline";
      } else {
        test.failure =
            JUnitFailure{.message = fmt::format("[{}] {}", SeverityName(f.severity), f.message),
                         .type = std::string(rule.id),
                         .text = fmt::format("{}\n{} ({})\n{}", f.location.ToString(), rule.summary,
                                             rule.article, rule.help)};
      }
      suite.cases.push_back(std::move(test));
    }
    if (!any) suite.cases.push_back({.classname = classname, .name = std::string(rule.id)});
  }
  return WriteJUnitXml({suite});
}

}  // namespace rampart::compliance
