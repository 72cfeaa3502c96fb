#include <cctype>

#include <rampart/compliance/identifier_tokens.h>

namespace rampart::compliance {
namespace {
bool IsUpper(char c) {
  return std::isupper(static_cast<unsigned char>(c)) != 0;
}
bool IsLower(char c) {
  return std::islower(static_cast<unsigned char>(c)) != 0;
}
bool IsDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool IsAsciiAlnum(char c) {
  return IsUpper(c) || IsLower(c) || IsDigit(c);
}
}  // namespace

std::vector<std::string> SplitIdentifier(std::string_view identifier) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < identifier.size(); ++i) {
    const char c = identifier[i];
    // Non-ASCII bytes (UTF-8 letters such as in "straße") belong to the word they are in.
    const bool non_ascii = (static_cast<unsigned char>(c) & 0x80U) != 0;
    if (!non_ascii && !IsAsciiAlnum(c)) {
      flush();
      continue;
    }
    if (!current.empty() && !non_ascii) {
      const char previous = identifier[i - 1];
      const bool lower_to_upper = IsUpper(c) && (IsLower(previous) || IsDigit(previous));
      // "HTTPServer": the S starts a new word because the next letter is lowercase.
      const bool acronym_end = IsUpper(c) && IsUpper(previous) && i + 1 < identifier.size() &&
                               IsLower(identifier[i + 1]);
      const bool digit_boundary = IsDigit(c) != IsDigit(previous) && IsAsciiAlnum(previous);
      if (lower_to_upper || acronym_end || digit_boundary) flush();
    }
    current.push_back(non_ascii ? c
                                : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  flush();
  return tokens;
}

}  // namespace rampart::compliance
