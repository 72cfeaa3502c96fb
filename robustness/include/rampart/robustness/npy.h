// Reading NumPy .npy files (format versions 1-3): little-endian float32/float64/int32/int64 (and
// uint8) arrays in C order. Values are returned as doubles, which hold all of these exactly
// (int64 up to 2^53).
//
//   rampart::robustness::NpyArray a = rampart::robustness::ReadNpy("x.npy");
//   a.shape;   // {100, 1, 28, 28}
//   a.dtype;   // "<f4"
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

struct NpyArray {
  Shape shape;
  std::string dtype;  // as in the header, e.g. "<f4"
  std::vector<double> values;
  [[nodiscard]] bool is_integer() const;
};

// Throws NotFoundError/IoError if the file cannot be read, InputError (with the file name) on a
// bad magic string, header, unsupported dtype, Fortran order or a size that does not match.
[[nodiscard]] NpyArray ReadNpy(const std::filesystem::path& path);
[[nodiscard]] NpyArray ParseNpy(std::string_view bytes, const std::string& source_name);

}  // namespace rampart::robustness
