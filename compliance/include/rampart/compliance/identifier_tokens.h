// Splits schema identifiers into lowercase word tokens, the first step of name classification:
// snake_case, camelCase, PascalCase, kebab-case, dotted paths and digit runs.
//
//   SplitIdentifier("customerEmail_2")   -> {"customer", "email", "2"}
//   SplitIdentifier("HTTPServerIP")      -> {"http", "server", "ip"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rampart::compliance {

[[nodiscard]] std::vector<std::string> SplitIdentifier(std::string_view identifier);

}  // namespace rampart::compliance
