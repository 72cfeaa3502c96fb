// Small private helpers shared by the readers: whole-file reading with typed errors and ASCII
// case handling.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rampart::compliance::internal {

// Reads a file as bytes; NotFoundError if missing, IoError if unreadable.
[[nodiscard]] std::string ReadTextFile(const std::filesystem::path& path);

[[nodiscard]] std::string AsciiLower(std::string_view text);
[[nodiscard]] bool EqualsIgnoreCase(std::string_view a, std::string_view b);
[[nodiscard]] std::string_view Trim(std::string_view text);

}  // namespace rampart::compliance::internal
