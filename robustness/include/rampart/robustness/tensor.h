// Tensor shapes for the model runtime: dimensions, element counts with overflow checks, and the
// text form used in error messages ("[1, 3, 32, 32]").
//
//   rampart::robustness::Shape shape{1, 3, 32, 32};
//   std::int64_t n = rampart::robustness::ElementCount(shape);   // 3072
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::robustness {

using Shape = std::vector<std::int64_t>;

// Product of the dimensions (1 for a scalar). Throws InputError on a negative dimension or when
// the product overflows 64 bits.
[[nodiscard]] std::int64_t ElementCount(const Shape& shape);

[[nodiscard]] std::string ShapeToString(const Shape& shape);

}  // namespace rampart::robustness
