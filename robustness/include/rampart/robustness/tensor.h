// Tensor shapes and batches for the model runtime: dimensions, element counts with overflow
// checks, the text form used in error messages ("[1, 3, 32, 32]"), and the batch type of the API.
//
//   rampart::robustness::Shape shape{1, 3, 32, 32};
//   std::int64_t n = rampart::robustness::ElementCount(shape);   // 3072
//   rampart::robustness::Batch inputs(32, n);                   // 32 samples, one per row
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace rampart::robustness {

using Shape = std::vector<std::int64_t>;

// A batch at the API: one flattened sample per row, row-major so that each sample is contiguous
// (the layout the runtime computes in, so no copy is needed).
using Batch = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Product of the dimensions (1 for a scalar). Throws InputError on a negative dimension or when
// the product overflows 64 bits.
[[nodiscard]] std::int64_t ElementCount(const Shape& shape);

[[nodiscard]] std::string ShapeToString(const Shape& shape);

}  // namespace rampart::robustness
