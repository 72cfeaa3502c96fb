// Renders a ScanResult for people and programs: the JSON document of DESIGN.md
// (schema_version, columns[], findings[], errors[]) and a Markdown report.
//
//   std::cout << ToJsonText(ScanResultToJson(result));
//   std::cout << ScanResultToMarkdown(result);
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <rampart/compliance/scanner.h>

namespace rampart::compliance {

[[nodiscard]] nlohmann::json ScanResultToJson(const ScanResult& result);
[[nodiscard]] std::string ScanResultToMarkdown(const ScanResult& result);

}  // namespace rampart::compliance
