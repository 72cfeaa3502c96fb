// SHA-256 of a file, so that an audit report names exactly the model and data it measured.
//
//   std::string hex = rampart::robustness::Sha256OfFile("model.onnx");  // 64 hex digits
#pragma once

#include <filesystem>
#include <string>

namespace rampart::robustness {

// Lower-case hex digest. Throws NotFoundError / IoError when the file cannot be read.
[[nodiscard]] std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace rampart::robustness
