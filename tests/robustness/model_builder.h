// Builds small ONNX models in memory for op tests (one graph input "x" with a symbolic batch).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <onnx/onnx_pb.h>

#include <rampart/robustness/onnx_model.h>

namespace rampart::robustness::testing {

class ModelBuilder {
 public:
  explicit ModelBuilder(std::vector<std::int64_t> sample_shape, int opset = 13) {
    model_.set_ir_version(8);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    auto* input = model_.mutable_graph()->add_input();
    input->set_name("x");
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    type->mutable_shape()->add_dim()->set_dim_param("batch");
    for (const std::int64_t d : sample_shape) type->mutable_shape()->add_dim()->set_dim_value(d);
  }

  ModelBuilder& Floats(const std::string& name, const std::vector<std::int64_t>& dims,
                       const std::vector<float>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (const std::int64_t d : dims) t->add_dims(d);
    for (const float v : values) t->add_float_data(v);
    return *this;
  }

  ModelBuilder& Ints(const std::string& name, const std::vector<std::int64_t>& dims,
                     const std::vector<std::int64_t>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (const std::int64_t d : dims) t->add_dims(d);
    for (const std::int64_t v : values) t->add_int64_data(v);
    return *this;
  }

  // Adds a node; attributes are added with the Attr* helpers on the returned proto.
  onnx::NodeProto& Node(const std::string& op_type, std::vector<std::string> inputs,
                        std::vector<std::string> outputs, const std::string& name = "") {
    auto* node = model_.mutable_graph()->add_node();
    node->set_op_type(op_type);
    node->set_name(name.empty() ? op_type + "_" + std::to_string(++count_) : name);
    for (const auto& in : inputs) node->add_input(in);
    for (const auto& out : outputs) node->add_output(out);
    return *node;
  }

  ModelBuilder& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }

  [[nodiscard]] std::string Bytes() const { return model_.SerializeAsString(); }
  [[nodiscard]] OnnxModel Build() const { return OnnxModel::FromBytes(Bytes(), "test.onnx"); }
  onnx::ModelProto& proto() { return model_; }

 private:
  onnx::ModelProto model_;
  int count_ = 0;
};

inline void AttrInt(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

inline void AttrFloat(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

inline void AttrInts(onnx::NodeProto& node, const std::string& name,
                     const std::vector<std::int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (const std::int64_t v : values) a->add_ints(v);
}

inline void AttrString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

}  // namespace rampart::robustness::testing
