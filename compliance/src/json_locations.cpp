#include "json_locations.h"

#include <vector>

namespace rampart::compliance::internal {

std::string PointerEscape(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back(c);
  }
  return out;
}

std::unordered_map<std::string, SourceLocation> JsonKeyLocations(std::string_view text,
                                                                 const std::string& file) {
  std::unordered_map<std::string, SourceLocation> locations;
  struct Frame {
    bool is_array = false;
    std::size_t pointer_length = 0;  // length of the container's own pointer
    std::size_t next_index = 0;
  };
  std::vector<Frame> stack;
  std::string pointer;  // pointer of the value being read
  std::int64_t line = 1;
  std::int64_t column = 1;
  bool expect_key = false;
  std::string pending_key;
  auto advance = [&](char c) {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  };
  // Before a value inside an array, extend the pointer with its index.
  auto begin_value = [&] {
    if (!stack.empty() && stack.back().is_array) {
      pointer.resize(stack.back().pointer_length);
      pointer += "/" + std::to_string(stack.back().next_index++);
    }
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::int64_t start_line = line;
      const std::int64_t start_column = column;
      std::string value;
      advance(c);
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          advance(text[i]);
          ++i;
          value.push_back(text[i] == '"' || text[i] == '\\' || text[i] == '/' ? text[i] : '?');
        } else {
          value.push_back(text[i]);
        }
        advance(text[i]);
      }
      if (i < text.size()) advance(text[i]);
      if (expect_key) {
        pending_key = value;
        pointer.resize(stack.back().pointer_length);
        pointer += "/" + PointerEscape(value);
        locations.emplace(pointer,
                          SourceLocation{.file = file, .line = start_line, .column = start_column});
        expect_key = false;
      } else {
        begin_value();
      }
      continue;
    }
    if (c == '{' || c == '[') {
      begin_value();
      stack.push_back({.is_array = c == '[', .pointer_length = pointer.size()});
      expect_key = c == '{';
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) {
        pointer.resize(stack.back().pointer_length);
        stack.pop_back();
      }
      expect_key = false;
    } else if (c == ',') {
      if (!stack.empty()) {
        pointer.resize(stack.back().pointer_length);
        expect_key = !stack.back().is_array;
      }
    } else if (c != ':' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      // A scalar (number, true, false, null): only its first character matters here.
      const bool first = i == 0 || text[i - 1] == ':' || text[i - 1] == '[' || text[i - 1] == ',' ||
                         text[i - 1] == ' ' || text[i - 1] == '\n' || text[i - 1] == '\t' ||
                         text[i - 1] == '\r';
      if (first) begin_value();
    }
    advance(c);
  }
  return locations;
}

}  // namespace rampart::compliance::internal
