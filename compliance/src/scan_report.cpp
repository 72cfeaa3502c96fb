#include <map>

#include <fmt/format.h>

#include <rampart/common/json_writer.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/report.h>
#include <rampart/compliance/scan_report.h>

namespace rampart::compliance {
namespace {

nlohmann::json LocationJson(const SourceLocation& location) {
  nlohmann::json j = {{"file", location.file}};
  if (location.line > 0) j["line"] = location.line;
  if (location.column > 0) j["column"] = location.column;
  if (!location.field.empty()) j["field"] = location.field;
  return j;
}

}  // namespace

nlohmann::json ScanResultToJson(const ScanResult& result) {
  nlohmann::json doc = NewJsonDocument();
  doc["sources"] = result.sources;
  nlohmann::json tables = nlohmann::json::array();
  for (const TableResult& t : result.tables) {
    tables.push_back(
        {{"source", t.source}, {"table", t.table}, {"location", LocationJson(t.location)}});
  }
  doc["tables"] = std::move(tables);
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnResult& c : result.columns) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const Evidence& e : c.evidence)
      evidence.push_back({{"kind", e.kind}, {"detail", e.detail}});
    nlohmann::json column = {
        {"source", c.source},
        {"table", c.table},
        {"column", c.column},
        {"type", c.type},
        {"location", LocationJson(c.location)},
        {"personal", c.personal},
        {"category", CategoryName(c.category)},
        {"entity", EntityName(c.entity)},
        {"subtype", c.subtype},
        {"confidence", c.confidence},
        {"evidence", evidence},
        {"recommendation", c.recommendation},
    };
    if (c.values_sampled > 0) {
      column["values_sampled"] = c.values_sampled;
      column["values_matched"] = c.values_matched;
    }
    columns.push_back(std::move(column));
  }
  doc["columns"] = std::move(columns);
  // Findings: for now the scan's input errors (the audit rules add policy findings).
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (const ScanError& e : result.errors) {
    findings.push_back({{"rule", "input-error"},
                        {"severity", "high"},
                        {"message", e.message},
                        {"location", e.location.ToString()}});
    nlohmann::json error = LocationJson(e.location);
    error["kind"] = e.kind;
    error["message"] = e.message;
    errors.push_back(std::move(error));
  }
  doc["findings"] = std::move(findings);
  doc["errors"] = std::move(errors);
  std::map<std::string, int> by_category;
  for (const ColumnResult& c : result.columns) ++by_category[std::string(CategoryName(c.category))];
  doc["summary"] = {{"columns", result.columns.size()},
                    {"personal", result.PersonalCount()},
                    {"by_category", by_category},
                    {"errors", result.errors.size()}};
  return doc;
}

std::string ScanResultToMarkdown(const ScanResult& result) {
  MarkdownWriter md;
  md.Heading(1, "Personal data scan");
  md.Paragraph(fmt::format("{} columns in {} sources; {} hold personal data; {} errors.",
                           result.columns.size(), result.sources.size(), result.PersonalCount(),
                           result.errors.size()));
  rampart::Table personal{
      .headers = {"location", "column", "category", "entity", "confidence", "evidence"},
      .align = {Align::kLeft, Align::kLeft, Align::kLeft, Align::kLeft, Align::kRight,
                Align::kLeft}};
  for (const ColumnResult& c : result.columns) {
    if (!c.personal) continue;
    std::string evidence;
    for (const Evidence& e : c.evidence) evidence += (evidence.empty() ? "" : "; ") + e.detail;
    personal.rows.push_back(
        {c.location.ToString(), c.table + "." + c.column, std::string(CategoryName(c.category)),
         std::string(EntityName(c.entity)) + (c.subtype.empty() ? "" : " (" + c.subtype + ")"),
         FormatSignificant(c.confidence, 2), evidence});
  }
  md.Heading(2, "Personal data");
  if (personal.rows.empty()) {
    md.Paragraph("No personal data found.");
  } else {
    md.AddTable(personal);
  }
  rampart::Table negatives{.headers = {"column", "why not personal"}};
  for (const ColumnResult& c : result.columns) {
    if (c.personal || c.evidence.empty()) continue;
    std::string why;
    for (const Evidence& e : c.evidence) why += (why.empty() ? "" : "; ") + e.detail;
    negatives.rows.push_back({c.table + "." + c.column, why});
  }
  if (!negatives.rows.empty()) {
    md.Heading(2, "Look-alikes ruled out");
    md.AddTable(negatives);
  }
  if (!result.errors.empty()) {
    md.Heading(2, "Errors");
    std::vector<std::string> items;
    for (const ScanError& e : result.errors)
      items.push_back(e.location.ToString() + ": " + e.message);
    md.Bullets(items);
  }
  return md.str();
}

}  // namespace rampart::compliance
