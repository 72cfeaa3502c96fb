#include <limits>

#include <rampart/common/error.h>
#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

std::int64_t ElementCount(const Shape& shape) {
  std::int64_t count = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0) throw InputError("negative dimension in shape " + ShapeToString(shape));
    if (dim != 0 && count > std::numeric_limits<std::int64_t>::max() / dim) {
      throw InputError("shape " + ShapeToString(shape) + " has too many elements");
    }
    count *= dim;
  }
  return count;
}

std::string ShapeToString(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace rampart::robustness
