#include "robustness_inputs.h"

#include <rampart/robustness/file_hash.h>

namespace rampart::cli {

ReportInputs HashReportInputs(const std::string& model, const std::string& data,
                              const std::string& labels) {
  ReportInputs inputs{.model = model,
                      .model_sha256 = robustness::Sha256OfFile(model),
                      .data = data,
                      .data_sha256 = robustness::Sha256OfFile(data),
                      .labels = labels,
                      .labels_sha256 = {}};
  if (!labels.empty()) inputs.labels_sha256 = robustness::Sha256OfFile(labels);
  return inputs;
}

void AddReportInputs(const ReportInputs& inputs, nlohmann::json& doc) {
  doc["model"] = inputs.model;
  doc["model_sha256"] = inputs.model_sha256;
  doc["data"] = inputs.data;
  doc["data_sha256"] = inputs.data_sha256;
  if (!inputs.labels.empty()) {
    doc["labels"] = inputs.labels;
    doc["labels_sha256"] = inputs.labels_sha256;
  }
}

std::vector<std::pair<std::string, std::string>> ReportInputRows(const ReportInputs& inputs) {
  return {{"Model", inputs.model},
          {"Model SHA-256", inputs.model_sha256},
          {"Data", inputs.data},
          {"Data SHA-256", inputs.data_sha256}};
}

}  // namespace rampart::cli
