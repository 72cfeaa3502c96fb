// Data files of compliance/data/, compiled into the library by CMake (generated
// embedded_data.cpp), so the library finds them in the build tree and when installed.
#pragma once

#include <cstddef>
#include <string_view>

namespace rampart::compliance::internal {

struct EmbeddedFile {
  std::string_view name;  // "names_en.tsv"
  std::string_view text;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace rampart::compliance::internal
