// The input files of a robustness report (model, data, optional labels), each with its SHA-256.
// `robustness audit`, `robustness certify` and `robustness merge` all write them the same way, so
// that a report can be reproduced and `merge` can check that every shard read the same inputs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rampart::cli {

struct ReportInputs {
  std::string model;
  std::string model_sha256;
  std::string data;
  std::string data_sha256;
  std::string labels;  // empty when the data file carries the labels
  std::string labels_sha256;
};

// Hashes the files as they are now (the paths are kept as given, for the report).
[[nodiscard]] ReportInputs HashReportInputs(const std::string& model, const std::string& data,
                                            const std::string& labels);

// Writes model, model_sha256, data, data_sha256 and, with labels, labels and labels_sha256.
void AddReportInputs(const ReportInputs& inputs, nlohmann::json& doc);

// The rows a human-readable summary shows: the model and the data with their hashes.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> ReportInputRows(
    const ReportInputs& inputs);

}  // namespace rampart::cli
