// JSON output conventions (DESIGN.md): numbers as JSON numbers at full precision (nlohmann/json
// writes the shortest text that round-trips a double), a `schema_version` on every document, and
// invalid UTF-8 in user data replaced instead of aborting the whole report.
//
//   nlohmann::json doc = rampart::NewJsonDocument();
//   doc["epsilon"] = 1.0;
//   std::cout << rampart::ToJsonText(doc);
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rampart {

// Version of the JSON documents rampart writes; bumped only on incompatible changes.
inline constexpr int kJsonSchemaVersion = 1;

// An object holding {"schema_version": kJsonSchemaVersion}.
[[nodiscard]] nlohmann::json NewJsonDocument();

// Pretty-printed (indent 2) unless `indent` < 0 (one line, as for JSON Lines), with a trailing
// newline. Non-finite numbers become null, as JSON has no NaN or infinity.
[[nodiscard]] std::string ToJsonText(const nlohmann::json& document, int indent = 2);

}  // namespace rampart
