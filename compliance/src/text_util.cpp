#include "text_util.h"

#include <fstream>
#include <sstream>

#include <rampart/common/error.h>

namespace rampart::compliance::internal {

std::string ReadTextFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw NotFoundError("no such file", {.file = path.string()});
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("is a directory, not a file", {.file = path.string()});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open for reading", {.file = path.string()});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("read failed", {.file = path.string()});
  return text.str();
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace rampart::compliance::internal
