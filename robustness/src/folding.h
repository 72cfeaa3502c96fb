// Constant folding at load time (private): evaluates nodes whose inputs are all known, including
// integer shape arithmetic, so that PyTorch's Shape -> Gather -> Unsqueeze -> Concat -> Reshape
// chains become a constant Reshape target holding the symbolic batch size.
#pragma once

#include <optional>
#include <vector>

#include "ops/op.h"

namespace rampart::robustness::internal {

// The folded value of `node` given its constant inputs (nullptr where absent), or nullopt when the
// op has no structural folding rule (then a float kernel may still fold it).
[[nodiscard]] std::optional<ConstTensor> FoldStructural(const NodeInfo& node,
                                                        const std::vector<const ConstTensor*>& in);

// The Shape op applied to a (possibly symbolic) shape.
[[nodiscard]] ConstTensor FoldShape(const NodeInfo& node, const Shape& shape);

}  // namespace rampart::robustness::internal
