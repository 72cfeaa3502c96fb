// A fixture model with its outputs multiplied by a constant: the same classifier with a
// temperature. A huge factor saturates the softmax in float32 (every probability but one rounds
// to 0, so the cross-entropy gradient is exactly zero): gradient masking without changing a
// single decision.
#pragma once

#include <fstream>
#include <iterator>
#include <string>

#include <onnx/onnx_pb.h>

#include <rampart/robustness/onnx_model.h>

namespace rampart::robustness::testing {

inline OnnxModel ScaledModel(const std::string& path, float scale) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  onnx::ModelProto model;
  model.ParseFromString(bytes);
  onnx::GraphProto* graph = model.mutable_graph();
  const std::string logits = graph->output(0).name();
  const std::string renamed = logits + "_unscaled";
  for (onnx::NodeProto& node : *graph->mutable_node()) {
    for (std::string& output : *node.mutable_output()) {
      if (output == logits) output = renamed;
    }
  }
  onnx::TensorProto* factor = graph->add_initializer();
  factor->set_name("temperature_factor");
  factor->set_data_type(onnx::TensorProto::FLOAT);
  factor->add_float_data(scale);
  onnx::NodeProto* mul = graph->add_node();
  mul->set_op_type("Mul");
  mul->set_name("temperature");
  mul->add_input(renamed);
  mul->add_input("temperature_factor");
  mul->add_output(logits);
  return OnnxModel::FromBytes(model.SerializeAsString(), path + " (scaled)");
}

}  // namespace rampart::robustness::testing
