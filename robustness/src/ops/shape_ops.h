// Shape rules shared by the Reshape/Squeeze/Unsqueeze ops and by constant folding.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op.h"

namespace rampart::robustness::internal {

// ONNX Reshape: 0 copies the input dimension (unless allow_zero), -1 is inferred. kSymbolicBatch
// entries stand for the batch; `static_batch` (> 0) is the batch size a fixed-batch export wrote.
[[nodiscard]] Shape ReshapeTarget(const Shape& in, std::vector<std::int64_t> target,
                                  bool allow_zero, std::int64_t static_batch);
[[nodiscard]] Shape UnsqueezeShape(const Shape& in, const std::vector<std::int64_t>& axes);
[[nodiscard]] Shape SqueezeShape(const Shape& in, const std::vector<std::int64_t>& axes,
                                 bool has_axes);

}  // namespace rampart::robustness::internal
