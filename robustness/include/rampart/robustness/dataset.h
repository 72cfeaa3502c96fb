// Labelled samples for the runtime, read from CSV or NumPy files and checked against the model's
// input size.
//
//   rampart::robustness::Dataset data =
//       rampart::robustness::LoadDataset("test.npy", "labels.npy", model.input_size());
//   executor.Predict(data.inputs);
//
// CSV (DESIGN.md): one row per sample, the label in the first column, then the flattened input;
// a header row is optional (recognised by a non-numeric field). NumPy: an array of shape
// (N, ...) of float32/float64 in C order whose trailing dimensions hold input_size values, with
// labels from a second .npy of N integers (int64/int32/uint8).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

struct Dataset {
  Batch inputs;                      // one flattened sample per row
  std::vector<std::int64_t> labels;  // empty when the data has no labels
  [[nodiscard]] bool has_labels() const { return !labels.empty() || inputs.rows() == 0; }
};

// `labels_path` is for .npy data (CSV carries its labels). Throws InputError with the file (and
// line for CSV) when a value does not parse or the sizes do not fit input_size.
[[nodiscard]] Dataset LoadDataset(const std::filesystem::path& data_path,
                                  const std::optional<std::filesystem::path>& labels_path,
                                  std::int64_t input_size);

}  // namespace rampart::robustness
