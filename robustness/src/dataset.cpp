#include <charconv>
#include <cmath>
#include <fstream>

#include <rampart/common/csv_reader.h>
#include <rampart/common/error.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/npy.h>

namespace rampart::robustness {

namespace {

bool ParseDouble(const std::string& text, double& value) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (begin < end && text[begin] == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + end, value);
  return ec == std::errc() && ptr == text.data() + end && begin < end;
}

std::int64_t ToLabel(double value, const SourceLocation& where) {
  if (!(value >= 0.0) || value != std::floor(value) || value > 1e15) {
    throw InputError("label must be a non-negative integer", where);
  }
  return static_cast<std::int64_t>(value);
}

Dataset LoadCsv(const std::filesystem::path& path, std::int64_t input_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw NotFoundError("data file not found", {.file = path.string()});
    throw IoError("cannot open the data file", {.file = path.string()});
  }
  CsvReader reader(in, {.source_name = path.string()});
  CsvRow row;
  std::vector<float> values;
  Dataset data;
  bool first = true;
  while (reader.ReadRow(row)) {
    const auto width = static_cast<std::int64_t>(row.fields.size());
    std::vector<double> parsed(row.fields.size());
    bool numeric = true;
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      numeric = numeric && ParseDouble(row.fields[i], parsed[i]);
    }
    if (first && !numeric) {  // a header row
      first = false;
      continue;
    }
    first = false;
    if (width != input_size + 1) {
      throw InputError("row has " + std::to_string(width) +
                           " fields but the model needs a label and " + std::to_string(input_size) +
                           " inputs",
                       {.file = path.string(), .line = row.line});
    }
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (!ParseDouble(row.fields[i], parsed[i]) || !std::isfinite(parsed[i])) {
        throw InputError(
            "field '" + row.fields[i] + "' is not a finite number",
            {.file = path.string(), .line = row.line, .column = static_cast<std::int64_t>(i) + 1});
      }
    }
    data.labels.push_back(
        ToLabel(parsed[0], {.file = path.string(), .line = row.line, .column = 1}));
    for (std::size_t i = 1; i < parsed.size(); ++i) values.push_back(static_cast<float>(parsed[i]));
  }
  const auto rows = static_cast<std::int64_t>(data.labels.size());
  data.inputs = Eigen::Map<const Batch>(values.data(), rows, input_size);
  return data;
}

Dataset LoadNpy(const std::filesystem::path& path,
                const std::optional<std::filesystem::path>& labels_path, std::int64_t input_size) {
  const NpyArray array = ReadNpy(path);
  if (array.dtype.substr(1) != "f4" && array.dtype.substr(1) != "f8") {
    throw InputError("inputs must be float32 or float64, not '" + array.dtype + "'",
                     {.file = path.string()});
  }
  if (array.shape.empty())
    throw InputError("inputs must have a sample dimension", {.file = path.string()});
  const std::int64_t rows = array.shape[0];
  const std::int64_t per_sample = ElementCount(Shape(array.shape.begin() + 1, array.shape.end()));
  if (per_sample != input_size) {
    throw InputError("samples of shape " +
                         ShapeToString(Shape(array.shape.begin() + 1, array.shape.end())) +
                         " hold " + std::to_string(per_sample) + " values but the model expects " +
                         std::to_string(input_size),
                     {.file = path.string()});
  }
  Dataset data;
  data.inputs.resize(rows, input_size);
  for (std::int64_t i = 0; i < rows * input_size; ++i) {
    data.inputs.data()[i] = static_cast<float>(array.values[static_cast<std::size_t>(i)]);
  }
  if (labels_path) {
    const NpyArray labels = ReadNpy(*labels_path);
    if (!labels.is_integer()) {
      throw InputError("labels must be integers, not '" + labels.dtype + "'",
                       {.file = labels_path->string()});
    }
    if (labels.shape.size() != 1 || labels.shape[0] != rows) {
      throw InputError("labels of shape " + ShapeToString(labels.shape) + " do not match " +
                           std::to_string(rows) + " samples",
                       {.file = labels_path->string()});
    }
    for (const double v : labels.values)
      data.labels.push_back(ToLabel(v, {.file = labels_path->string()}));
  }
  return data;
}

}  // namespace

Dataset LoadDataset(const std::filesystem::path& data_path,
                    const std::optional<std::filesystem::path>& labels_path,
                    std::int64_t input_size) {
  if (data_path.extension() == ".npy") return LoadNpy(data_path, labels_path, input_size);
  if (labels_path) {
    throw InvalidArgumentError("--labels is for .npy data; CSV data has its labels in column 1");
  }
  return LoadCsv(data_path, input_size);
}

}  // namespace rampart::robustness
