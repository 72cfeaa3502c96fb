// Loading an ONNX model: protobuf parsing, initializers, topological order with cycle detection,
// constant folding (symbolic batch), op construction and shape checking.
#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <sstream>

#include <onnx/onnx_pb.h>

#include <rampart/common/error.h>
#include <rampart/robustness/onnx_model.h>

#include "folding.h"
#include "graph.h"

namespace rampart::robustness {

namespace {

using internal::Attribute;
using internal::ConstTensor;
using internal::DataType;
using internal::Graph;
using internal::InputRef;
using internal::kSymbolicBatch;
using internal::NodeInfo;

constexpr int kMinOpset = 9;
constexpr int kMaxOpset = 17;
// Per-sample size limit of any intermediate tensor: far above the models audits run on, low
// enough that a hostile file cannot make the planner allocate without bound.
constexpr std::int64_t kMaxValueElements = std::int64_t{1} << 26;

std::string DataTypeName(int type) {
  return onnx::TensorProto_DataType_IsValid(type)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type))
             : std::to_string(type);
}

template <typename T>
std::vector<T> FromRaw(const std::string& raw, std::int64_t count, const std::string& what) {
  if (static_cast<std::int64_t>(raw.size()) != count * static_cast<std::int64_t>(sizeof(T))) {
    throw InputError(what + " declares " + std::to_string(count) + " elements but raw_data holds " +
                     std::to_string(raw.size()) + " bytes");
  }
  std::vector<T> values(static_cast<std::size_t>(count));
  if (count > 0) std::memcpy(values.data(), raw.data(), raw.size());
  return values;
}

template <typename Field>
void CheckCount(const Field& field, std::int64_t count, const std::string& what) {
  if (static_cast<std::int64_t>(field.size()) != count) {
    throw InputError(what + " declares " + std::to_string(count) + " elements but holds " +
                     std::to_string(field.size()));
  }
}

ConstTensor ConvertTensor(const onnx::TensorProto& proto, const std::string& what) {
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    throw UnsupportedError(what + " uses external data files");
  }
  ConstTensor tensor;
  for (const std::int64_t dim : proto.dims()) {
    if (dim < 0) throw InputError(what + " has a negative dimension");
    tensor.shape.push_back(dim);
  }
  const std::int64_t count = ElementCount(tensor.shape);
  const bool raw = proto.has_raw_data();
  switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT:
      tensor.type = DataType::kFloat;
      if (raw) {
        tensor.floats = FromRaw<float>(proto.raw_data(), count, what);
      } else {
        CheckCount(proto.float_data(), count, what);
        tensor.floats.assign(proto.float_data().begin(), proto.float_data().end());
      }
      break;
    case onnx::TensorProto::DOUBLE: {
      tensor.type = DataType::kFloat;
      std::vector<double> values;
      if (raw) {
        values = FromRaw<double>(proto.raw_data(), count, what);
      } else {
        CheckCount(proto.double_data(), count, what);
        values.assign(proto.double_data().begin(), proto.double_data().end());
      }
      for (const double v : values) tensor.floats.push_back(static_cast<float>(v));
      break;
    }
    case onnx::TensorProto::INT64:
      tensor.type = DataType::kInt64;
      if (raw) {
        tensor.ints = FromRaw<std::int64_t>(proto.raw_data(), count, what);
      } else {
        CheckCount(proto.int64_data(), count, what);
        tensor.ints.assign(proto.int64_data().begin(), proto.int64_data().end());
      }
      break;
    case onnx::TensorProto::INT32: {
      tensor.type = DataType::kInt64;
      std::vector<std::int32_t> values;
      if (raw) {
        values = FromRaw<std::int32_t>(proto.raw_data(), count, what);
      } else {
        CheckCount(proto.int32_data(), count, what);
        values.assign(proto.int32_data().begin(), proto.int32_data().end());
      }
      tensor.ints.assign(values.begin(), values.end());
      break;
    }
    default:
      throw UnsupportedError(what + " has data type " + DataTypeName(proto.data_type()) +
                             " (supported: FLOAT, DOUBLE, INT64, INT32)");
  }
  return tensor;
}

Attribute ConvertAttribute(const onnx::AttributeProto& proto, const std::string& what) {
  Attribute attribute;
  switch (proto.type()) {
    case onnx::AttributeProto::INT:
      attribute.kind = Attribute::Kind::kInt;
      attribute.i = proto.i();
      break;
    case onnx::AttributeProto::FLOAT:
      attribute.kind = Attribute::Kind::kFloat;
      attribute.f = proto.f();
      break;
    case onnx::AttributeProto::STRING:
      attribute.kind = Attribute::Kind::kString;
      attribute.s = proto.s();
      break;
    case onnx::AttributeProto::INTS:
      attribute.kind = Attribute::Kind::kInts;
      attribute.ints.assign(proto.ints().begin(), proto.ints().end());
      break;
    case onnx::AttributeProto::FLOATS:
      attribute.kind = Attribute::Kind::kFloats;
      attribute.floats.assign(proto.floats().begin(), proto.floats().end());
      break;
    case onnx::AttributeProto::TENSOR:
      attribute.kind = Attribute::Kind::kTensor;
      attribute.tensor = std::make_shared<const ConstTensor>(
          ConvertTensor(proto.t(), what + " attribute '" + proto.name() + "'"));
      break;
    default:
      attribute.kind = Attribute::Kind::kOther;
      break;
  }
  return attribute;
}

// The tensor of a Constant node.
ConstTensor ConstantValue(const NodeInfo& node) {
  const auto find = [&node](const char* key) -> const Attribute* {
    const auto it = node.attributes.find(key);
    return it == node.attributes.end() ? nullptr : &it->second;
  };
  ConstTensor tensor;
  if (const Attribute* a = find("value"); a != nullptr && a->tensor) return *a->tensor;
  if (const Attribute* a = find("value_float"); a != nullptr) {
    tensor.floats = {a->f};
    return tensor;
  }
  if (const Attribute* a = find("value_floats"); a != nullptr) {
    tensor.floats = a->floats;
    tensor.shape = {static_cast<std::int64_t>(a->floats.size())};
    return tensor;
  }
  tensor.type = DataType::kInt64;
  if (const Attribute* a = find("value_int"); a != nullptr) {
    tensor.ints = {a->i};
    return tensor;
  }
  if (const Attribute* a = find("value_ints"); a != nullptr) {
    tensor.ints = a->ints;
    tensor.shape = {static_cast<std::int64_t>(a->ints.size())};
    return tensor;
  }
  throw UnsupportedError("Constant without a supported value attribute");
}

std::string NodeLabel(const onnx::NodeProto& node, int index) {
  const std::string name = node.name().empty() ? "#" + std::to_string(index) : node.name();
  return "node '" + name + "' (" + node.op_type() + ")";
}

// Where a value comes from while the graph is built.
struct Source {
  bool constant = false;
  std::size_t index = 0;  // constant index or value index
};

class Loader {
 public:
  explicit Loader(std::string source) : source_(std::move(source)) {}

  std::shared_ptr<const Graph> Build(const onnx::ModelProto& model) {
    graph_ = std::make_shared<Graph>();
    graph_->source = source_;
    ReadOpset(model);
    if (!model.has_graph()) Fail("the model has no graph");
    const onnx::GraphProto& g = model.graph();
    ReadInitializers(g);
    ReadInput(g);
    if (g.output_size() < 1) Fail("the graph has no output");
    const std::string& output_name = g.output(0).name();
    const std::vector<int> order = TopologicalOrder(g, output_name);
    for (const int index : order) ProcessNode(g.node(index), index);
    FinishOutput(output_name);
    return graph_;
  }

 private:
  [[noreturn]] void Fail(const std::string& message) const {
    throw InputError(message, {.file = source_});
  }

  void ReadOpset(const onnx::ModelProto& model) {
    for (const auto& opset : model.opset_import()) {
      if (opset.domain().empty() || opset.domain() == "ai.onnx") {
        graph_->opset = static_cast<int>(std::clamp<std::int64_t>(opset.version(), 0, INT_MAX));
      }
    }
    if (graph_->opset == 0) Fail("the model imports no opset of the default ONNX domain");
    if (graph_->opset < kMinOpset || graph_->opset > kMaxOpset) {
      throw UnsupportedError("opset " + std::to_string(graph_->opset) +
                                 " (supported: " + std::to_string(kMinOpset) + " to " +
                                 std::to_string(kMaxOpset) + ")",
                             {.file = source_});
    }
  }

  void ReadInitializers(const onnx::GraphProto& g) {
    for (const onnx::TensorProto& init : g.initializer()) {
      if (init.name().empty()) Fail("an initializer has no name");
      if (sources_.count(init.name()) != 0) Fail("initializer '" + init.name() + "' is repeated");
      const std::string what = "initializer '" + init.name() + "'";
      ConstTensor tensor;
      try {
        tensor = ConvertTensor(init, what);
      } catch (const Error& e) {
        throw Error(e.kind(), e.message(), {.file = source_, .field = what});
      }
      sources_[init.name()] = {true, AddConstant(std::move(tensor))};
    }
    if (g.sparse_initializer_size() > 0) {
      throw UnsupportedError("sparse initializers", {.file = source_});
    }
  }

  void ReadInput(const onnx::GraphProto& g) {
    const onnx::ValueInfoProto* input = nullptr;
    for (const onnx::ValueInfoProto& candidate : g.input()) {
      if (sources_.count(candidate.name()) != 0) continue;  // an initializer listed as input
      if (input != nullptr) {
        throw UnsupportedError("the graph has more than one runtime input ('" + input->name() +
                                   "', '" + candidate.name() + "')",
                               {.file = source_});
      }
      input = &candidate;
    }
    if (input == nullptr) Fail("the graph has no runtime input");
    const std::string what = "graph input '" + input->name() + "'";
    if (!input->type().has_tensor_type()) Fail(what + " is not a tensor");
    const auto& tensor_type = input->type().tensor_type();
    if (tensor_type.elem_type() != onnx::TensorProto::FLOAT) {
      throw UnsupportedError(
          what + " has element type " + DataTypeName(tensor_type.elem_type()) + " (only FLOAT)",
          {.file = source_});
    }
    if (!tensor_type.has_shape() || tensor_type.shape().dim_size() < 1) {
      Fail(what + " has no shape (rampart needs [batch, ...] with static sample dimensions)");
    }
    const auto& dims = tensor_type.shape().dim();
    Shape shape{kSymbolicBatch};
    if (dims[0].has_dim_value()) static_batch_ = dims[0].dim_value();
    for (int i = 1; i < dims.size(); ++i) {
      if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0) {
        throw UnsupportedError(what + " has a symbolic or invalid dimension " + std::to_string(i) +
                                   " (only the batch may be symbolic)",
                               {.file = source_});
      }
      shape.push_back(dims[i].dim_value());
      graph_->sample_shape.push_back(dims[i].dim_value());
    }
    if (ElementCount(graph_->sample_shape) > kMaxValueElements) Fail(what + " is too large");
    sources_[input->name()] = {false, AddValue(input->name(), shape)};
  }

  // Kahn's algorithm over the nodes the output depends on; a cycle leaves nodes unordered.
  std::vector<int> TopologicalOrder(const onnx::GraphProto& g, const std::string& output_name) {
    std::map<std::string, int> producer;
    for (int i = 0; i < g.node_size(); ++i) {
      for (const std::string& out : g.node(i).output()) {
        if (out.empty()) continue;
        if (producer.count(out) != 0 || sources_.count(out) != 0) {
          throw InputError("value '" + out + "' is produced twice",
                           {.file = source_, .field = NodeLabel(g.node(i), i)});
        }
        producer[out] = i;
      }
    }
    // Nodes the output needs.
    std::vector<bool> needed(static_cast<std::size_t>(g.node_size()), false);
    std::vector<std::string> stack{output_name};
    if (producer.count(output_name) == 0 && sources_.count(output_name) == 0) {
      Fail("graph output '" + output_name + "' is produced by no node");
    }
    while (!stack.empty()) {
      const std::string name = stack.back();
      stack.pop_back();
      const auto it = producer.find(name);
      if (it == producer.end()) continue;
      const auto index = static_cast<std::size_t>(it->second);
      if (needed[index]) continue;
      needed[index] = true;
      for (const std::string& in : g.node(it->second).input()) stack.push_back(in);
    }
    std::vector<int> pending(static_cast<std::size_t>(g.node_size()), 0);
    std::map<int, std::vector<int>> consumers;
    std::queue<int> ready;
    for (int i = 0; i < g.node_size(); ++i) {
      if (!needed[static_cast<std::size_t>(i)]) continue;
      for (const std::string& in : g.node(i).input()) {
        if (in.empty() || sources_.count(in) != 0) continue;
        const auto it = producer.find(in);
        if (it == producer.end()) {
          throw InputError("input '" + in +
                               "' is not produced by any node, initializer or graph "
                               "input (missing initializer?)",
                           {.file = source_, .field = NodeLabel(g.node(i), i)});
        }
        ++pending[static_cast<std::size_t>(i)];
        consumers[it->second].push_back(i);
      }
      if (pending[static_cast<std::size_t>(i)] == 0) ready.push(i);
    }
    std::vector<int> order;
    while (!ready.empty()) {
      const int i = ready.front();
      ready.pop();
      order.push_back(i);
      for (const int c : consumers[i]) {
        if (--pending[static_cast<std::size_t>(c)] == 0) ready.push(c);
      }
    }
    for (int i = 0; i < g.node_size(); ++i) {
      if (needed[static_cast<std::size_t>(i)] && pending[static_cast<std::size_t>(i)] > 0) {
        throw InputError("the graph has a cycle through this node",
                         {.file = source_, .field = NodeLabel(g.node(i), i)});
      }
    }
    return order;
  }

  void ProcessNode(const onnx::NodeProto& proto, int index) {
    const std::string label = NodeLabel(proto, index);
    try {
      Process(proto, label);
    } catch (const Error& e) {
      if (!e.location().field.empty()) throw;
      throw Error(e.kind(), e.message(), {.file = source_, .field = label});
    }
  }

  void Process(const onnx::NodeProto& proto, const std::string& label) {
    if (!proto.domain().empty() && proto.domain() != "ai.onnx") {
      throw UnsupportedError("op domain '" + proto.domain() + "'");
    }
    NodeInfo node;
    node.name = proto.name();
    node.op_type = proto.op_type();
    node.opset = graph_->opset;
    node.static_batch = static_batch_;
    for (const onnx::AttributeProto& a : proto.attribute()) {
      node.attributes[a.name()] = ConvertAttribute(a, label);
    }
    std::vector<Source> inputs;
    bool all_constant = true;
    for (const std::string& in : proto.input()) {
      if (in.empty()) {
        node.input_present.push_back(false);
        node.constant_inputs.push_back(nullptr);
        inputs.push_back({});
        continue;
      }
      const auto found = sources_.find(in);
      if (found == sources_.end()) {
        // Ordered inputs are all known, so this is a secondary output (MaxPool indices,
        // BatchNormalization statistics, a Dropout mask), which the runtime does not compute.
        const auto extra = extra_outputs_.find(in);
        throw UnsupportedError("reads '" + in + "', a secondary output" +
                               (extra == extra_outputs_.end() ? "" : " of " + extra->second));
      }
      const Source source = found->second;
      node.input_present.push_back(true);
      node.constant_inputs.push_back(source.constant ? graph_->constants[source.index].get()
                                                     : nullptr);
      all_constant = all_constant && source.constant;
      inputs.push_back(source);
    }
    if (proto.output_size() < 1 || proto.output(0).empty()) throw InputError("node has no output");
    for (int i = 1; i < proto.output_size(); ++i) {
      if (!proto.output(i).empty()) extra_outputs_[proto.output(i)] = label;
    }
    const std::string& output = proto.output(0);

    if (node.op_type == "Constant") {
      sources_[output] = {true, AddConstant(ConstantValue(node))};
      return;
    }
    if (node.op_type == "Shape") {
      if (inputs.empty() || !node.input_present[0]) throw InputError("Shape needs an input");
      const Shape& shape = inputs[0].constant ? graph_->constants[inputs[0].index]->shape
                                              : graph_->value_shapes[inputs[0].index];
      sources_[output] = {true, AddConstant(internal::FoldShape(node, shape))};
      return;
    }
    const internal::OpFactory* factory = internal::FindOp(node.op_type);
    if (all_constant) {
      if (std::optional<ConstTensor> folded =
              internal::FoldStructural(node, node.constant_inputs)) {
        sources_[output] = {true, AddConstant(std::move(*folded))};
        return;
      }
    }
    if (factory == nullptr) {
      throw UnsupportedError("unsupported op '" + node.op_type + "'");
    }
    std::unique_ptr<internal::Op> op = (*factory)(node);
    std::vector<Shape> shapes;
    shapes.reserve(inputs.size());
    for (const Source& source : inputs) {
      shapes.push_back(source.constant ? graph_->constants[source.index]->shape
                                       : graph_->value_shapes[source.index]);
    }
    const Shape out_shape = op->InferShape(shapes);
    if (all_constant) {
      // A float op on constants: run its kernel once now.
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (node.input_present[i] && node.constant_inputs[i]->type != DataType::kFloat && i == 0) {
          throw UnsupportedError("integer input to a float op");
        }
      }
      ConstTensor folded;
      folded.shape = out_shape;
      folded.floats.resize(static_cast<std::size_t>(CheckedCount(out_shape)));
      std::vector<const float*> pointers;
      for (const ConstTensor* c : node.constant_inputs) {
        pointers.push_back(c != nullptr && c->type == DataType::kFloat ? c->floats.data()
                                                                       : nullptr);
      }
      std::vector<float> scratch(static_cast<std::size_t>(op->ScratchSize(shapes, out_shape)));
      op->Forward({pointers, shapes, folded.floats.data(), out_shape, scratch.data()});
      sources_[output] = {true, AddConstant(std::move(folded))};
      return;
    }
    if (out_shape.empty() || !internal::IsBatch(out_shape[0])) {
      throw UnsupportedError("output " + internal::DimsToString(out_shape) +
                             " no longer has the batch as its first dimension");
    }
    for (std::size_t i = 1; i < out_shape.size(); ++i) {
      if (internal::IsBatch(out_shape[i])) {
        throw UnsupportedError("the batch dimension moved to position " + std::to_string(i));
      }
    }
    if (CheckedCount(Shape(out_shape.begin() + 1, out_shape.end())) > kMaxValueElements) {
      throw UnsupportedError("output " + internal::DimsToString(out_shape) + " is too large");
    }
    internal::Node built;
    built.name = proto.name();
    built.op_type = node.op_type;
    built.op = std::move(op);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      InputRef ref;
      if (node.input_present[i]) {
        ref.kind = inputs[i].constant ? InputRef::Kind::kConstant : InputRef::Kind::kValue;
        ref.index = inputs[i].index;
      }
      built.inputs.push_back(ref);
    }
    built.output = AddValue(output, out_shape);
    sources_[output] = {false, built.output};
    graph_->nodes.push_back(std::move(built));
  }

  static std::int64_t CheckedCount(const Shape& shape) {
    const std::int64_t count = ElementCount(shape);
    if (count > kMaxValueElements) throw UnsupportedError("tensor too large");
    return count;
  }

  void FinishOutput(const std::string& output_name) {
    const auto extra = extra_outputs_.find(output_name);
    if (extra != extra_outputs_.end()) {
      throw UnsupportedError("the graph output is a secondary output of " + extra->second,
                             {.file = source_});
    }
    const Source source = sources_.at(output_name);
    if (source.constant) Fail("graph output '" + output_name + "' does not depend on the input");
    graph_->output_value = source.index;
    const Shape& shape = graph_->value_shapes[source.index];
    graph_->output_size = ElementCount(Shape(shape.begin() + 1, shape.end()));
    graph_->logits_value = source.index;
    graph_->logits_node_count = graph_->nodes.size();
    if (!graph_->nodes.empty()) {
      const internal::Node& last = graph_->nodes.back();
      if (last.output == source.index && last.op_type == "Softmax" && shape.size() == 2 &&
          last.inputs[0].kind == InputRef::Kind::kValue) {
        graph_->ends_in_softmax = true;
        graph_->logits_value = last.inputs[0].index;
        graph_->logits_node_count = graph_->nodes.size() - 1;
      }
    }
  }

  std::size_t AddConstant(ConstTensor tensor) {
    graph_->constants.push_back(std::make_shared<const ConstTensor>(std::move(tensor)));
    return graph_->constants.size() - 1;
  }

  std::size_t AddValue(const std::string& name, const Shape& shape) {
    graph_->value_names.push_back(name);
    graph_->value_shapes.push_back(shape);
    return graph_->value_shapes.size() - 1;
  }

  std::string source_;
  std::shared_ptr<Graph> graph_;
  std::map<std::string, Source> sources_;
  std::map<std::string, std::string> extra_outputs_;  // secondary outputs -> producing node
  std::int64_t static_batch_ = 0;
};

}  // namespace

OnnxModel OnnxModel::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      throw NotFoundError("model file not found", {.file = path.string()});
    }
    throw IoError("cannot open the model file", {.file = path.string()});
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return FromBytes(bytes, path.string());
}

OnnxModel OnnxModel::FromBytes(std::string_view bytes, const std::string& source_name) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw UnsupportedError("model larger than 2 GiB", {.file = source_name});
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw InputError("not a valid ONNX model: the protobuf is truncated or malformed",
                     {.file = source_name});
  }
  Loader loader(source_name);
  return OnnxModel(loader.Build(model));
}

const Shape& OnnxModel::input_shape() const {
  return graph_->sample_shape;
}
std::int64_t OnnxModel::input_size() const {
  return ElementCount(graph_->sample_shape);
}
std::int64_t OnnxModel::output_size() const {
  return graph_->output_size;
}
bool OnnxModel::ends_in_softmax() const {
  return graph_->ends_in_softmax;
}
std::int64_t OnnxModel::activation_size() const {
  std::int64_t total = 0;
  for (const Shape& shape : graph_->value_shapes) {
    total += ElementCount(Shape(shape.begin() + 1, shape.end()));
  }
  return total;
}
int OnnxModel::opset() const {
  return graph_->opset;
}
std::size_t OnnxModel::node_count() const {
  return graph_->nodes.size();
}
const std::string& OnnxModel::source() const {
  return graph_->source;
}

std::vector<std::string> SupportedOnnxOps() {
  return internal::SupportedOps();
}

}  // namespace rampart::robustness
