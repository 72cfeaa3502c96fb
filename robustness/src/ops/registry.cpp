// The op registry and the shape helpers every op uses.
#include <algorithm>
#include <string>
#include <utility>

#include <rampart/common/error.h>

#include "ops/op.h"

namespace rampart::robustness::internal {

namespace {

const std::map<std::string, OpFactory, std::less<>>& Registry() {
  static const auto* const registry = [] {
    auto* map = new std::map<std::string, OpFactory, std::less<>>();
    RegisterLinearOps(*map);
    RegisterElementwiseOps(*map);
    RegisterSoftmaxOps(*map);
    RegisterConvOps(*map);
    RegisterPoolOps(*map);
    RegisterNormalizationOps(*map);
    RegisterShapeOps(*map);
    return map;
  }();
  return *registry;
}

const Attribute* FindAttribute(const NodeInfo& node, const std::string& key) {
  const auto it = node.attributes.find(key);
  return it == node.attributes.end() ? nullptr : &it->second;
}

}  // namespace

const OpFactory* FindOp(const std::string& op_type) {
  const auto& registry = Registry();
  const auto it = registry.find(op_type);
  return it == registry.end() ? nullptr : &it->second;
}

std::vector<std::string> SupportedOps() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

bool NodeInfo::HasAttribute(const std::string& key) const {
  return FindAttribute(*this, key) != nullptr;
}

std::int64_t NodeInfo::Int(const std::string& key, std::int64_t fallback) const {
  const Attribute* attribute = FindAttribute(*this, key);
  if (attribute == nullptr) return fallback;
  if (attribute->kind != Attribute::Kind::kInt) {
    throw InputError("attribute '" + key + "' must be an integer");
  }
  return attribute->i;
}

float NodeInfo::Float(const std::string& key, float fallback) const {
  const Attribute* attribute = FindAttribute(*this, key);
  if (attribute == nullptr) return fallback;
  if (attribute->kind != Attribute::Kind::kFloat) {
    throw InputError("attribute '" + key + "' must be a float");
  }
  return attribute->f;
}

std::string NodeInfo::String(const std::string& key, const std::string& fallback) const {
  const Attribute* attribute = FindAttribute(*this, key);
  if (attribute == nullptr) return fallback;
  if (attribute->kind != Attribute::Kind::kString) {
    throw InputError("attribute '" + key + "' must be a string");
  }
  return attribute->s;
}

std::vector<std::int64_t> NodeInfo::Ints(const std::string& key,
                                         std::vector<std::int64_t> fallback) const {
  const Attribute* attribute = FindAttribute(*this, key);
  if (attribute == nullptr) return fallback;
  if (attribute->kind != Attribute::Kind::kInts) {
    throw InputError("attribute '" + key + "' must be a list of integers");
  }
  return attribute->ints;
}

std::vector<std::int64_t> NodeInfo::ConstantInts(std::size_t index, const std::string& what) const {
  if (!HasInput(index)) throw InputError("missing input " + what);
  const ConstTensor* tensor = constant_inputs[index];
  if (tensor == nullptr) {
    throw UnsupportedError("input " + what + " must be a constant (initializer or folded)");
  }
  if (tensor->type != DataType::kInt64) throw InputError("input " + what + " must be integers");
  return tensor->ints;
}

const ConstTensor& NodeInfo::ConstantFloats(std::size_t index, const std::string& what) const {
  if (!HasInput(index)) throw InputError("missing input " + what);
  const ConstTensor* tensor = constant_inputs[index];
  if (tensor == nullptr) {
    throw UnsupportedError("input " + what + " must be a constant (initializer or folded)");
  }
  if (tensor->type != DataType::kFloat) throw InputError("input " + what + " must be floats");
  return *tensor;
}

std::int64_t MultiplyDims(std::int64_t a, std::int64_t b) {
  if (IsBatch(a) || IsBatch(b)) {
    if (IsBatch(a) && b == 1) return a;
    if (IsBatch(b) && a == 1) return b;
    throw UnsupportedError("the batch dimension would be merged with other dimensions");
  }
  if (a != 0 && b > std::numeric_limits<std::int64_t>::max() / a) {
    throw InputError("tensor too large");
  }
  return a * b;
}

std::int64_t ProductOfDims(const Shape& dims, std::size_t begin, std::size_t end) {
  std::int64_t product = 1;
  for (std::size_t i = begin; i < end && i < dims.size(); ++i) {
    product = MultiplyDims(product, dims[i]);
  }
  return product;
}

Shape BroadcastShapes(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const std::int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      throw InputError("shapes " + DimsToString(a) + " and " + DimsToString(b) +
                       " do not broadcast");
    }
  }
  return out;
}

std::int64_t NormalizeAxis(std::int64_t axis, std::int64_t rank) {
  if (axis < -rank || axis >= rank) {
    throw InputError("axis " + std::to_string(axis) + " out of range for rank " +
                     std::to_string(rank));
  }
  return axis < 0 ? axis + rank : axis;
}

std::string DimsToString(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += IsBatch(shape[i]) ? std::string("batch") : std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace rampart::robustness::internal
