// `rampart robustness <verb>`: one Setup/Run pair per verb; the work is done by
// rampart::robustness.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <rampart/common/json_writer.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/onnx_model.h>

#include "context.h"

namespace rampart::cli {

namespace {

struct PredictOptions {
  std::string model;
  std::string data;
  std::string labels;
  OutputOptions output;
};

// Samples per Executor call: bounds memory on large data sets while keeping GEMMs large.
constexpr Eigen::Index kPredictBatch = 256;

int RunPredict(const PredictOptions& options, const Context& context) {
  robustness::Executor executor(robustness::OnnxModel::Load(options.model));
  const robustness::OnnxModel& model = executor.model();
  const robustness::Dataset data = robustness::LoadDataset(
      options.data,
      options.labels.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.labels),
      model.input_size());
  if (model.ends_in_softmax()) {
    context.Warn("the model ends in Softmax: gradients are taken on its logits");
  }
  std::vector<std::int64_t> predictions;
  for (Eigen::Index begin = 0; begin < data.inputs.rows(); begin += kPredictBatch) {
    const Eigen::Index count = std::min(kPredictBatch, data.inputs.rows() - begin);
    const std::vector<std::int64_t> chunk = executor.Predict(data.inputs.middleRows(begin, count));
    predictions.insert(predictions.end(), chunk.begin(), chunk.end());
  }
  const bool labelled = !data.labels.empty();
  std::int64_t correct = 0;
  for (std::size_t i = 0; labelled && i < predictions.size(); ++i) {
    correct += predictions[i] == data.labels[i] ? 1 : 0;
  }
  std::string text;
  if (options.output.format == "csv") {
    text = "index,label,prediction\n";
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      text += fmt::format("{},{},{}\n", i, labelled ? std::to_string(data.labels[i]) : "",
                          predictions[i]);
    }
  } else {
    nlohmann::json doc = NewJsonDocument();
    doc["model"] = options.model;
    doc["samples"] = predictions.size();
    doc["predictions"] = predictions;
    doc["ends_in_softmax"] = model.ends_in_softmax();
    if (labelled) {
      doc["labels"] = data.labels;
      doc["accuracy"] = predictions.empty() ? 0.0
                                            : static_cast<double>(correct) /
                                                  static_cast<double>(predictions.size());
    }
    text = ToJsonText(doc);
  }
  context.EmitResult(options.output, text);
  return 0;
}

}  // namespace

void SetupRobustnessAuditCommands(CLI::App& robustness, Context& context);
void SetupRobustnessCertifyCommand(CLI::App& robustness, Context& context);

void SetupRobustnessCommands(CLI::App& app, Context& context) {
  CLI::App* robustness = app.add_subcommand(
      "robustness", "Adversarial robustness: attacks, audits, certificates of ONNX models");
  robustness->require_subcommand(1);

  auto options = std::make_shared<PredictOptions>();
  CLI::App* predict = robustness->add_subcommand(
      "predict", "Run an ONNX classifier on a data set and print its predicted classes");
  predict->add_option("--model", options->model, "ONNX model file")->required();
  predict
      ->add_option("--data", options->data,
                   "Samples: CSV (label, then the flattened input) or .npy (N, ...)")
      ->required();
  predict->add_option("--labels", options->labels, "Labels for .npy data (.npy of integers)");
  context.AddOutputOptions(predict, options->output, {"json", "csv"});
  predict->callback([options, &context] {
    context.SetCommand([options, &context] { return RunPredict(*options, context); });
  });
  SetupRobustnessAuditCommands(*robustness, context);
  SetupRobustnessCertifyCommand(*robustness, context);
}

}  // namespace rampart::cli
