// Finds where each object key of a JSON document is written, by JSON Pointer ("/properties/email"
// -> its line and column), because nlohmann/json keeps no positions. The text must already be
// valid JSON (parse it with nlohmann first); this pass only tracks nesting.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include <rampart/common/error.h>

namespace rampart::compliance::internal {

[[nodiscard]] std::unordered_map<std::string, SourceLocation> JsonKeyLocations(
    std::string_view text, const std::string& file);

// Escapes a key for a JSON Pointer (~ -> ~0, / -> ~1).
[[nodiscard]] std::string PointerEscape(std::string_view key);

}  // namespace rampart::compliance::internal
