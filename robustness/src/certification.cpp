#include <cmath>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/certification.h>

namespace rampart::robustness {

namespace {

// Clean inputs per Executor call for the base classifier's own predictions.
constexpr Eigen::Index kCleanBatch = 256;

}  // namespace

double CertifiedAccuracy(std::span<const Certificate> certificates,
                         std::span<const std::int64_t> labels, double radius) {
  if (certificates.size() != labels.size()) {
    throw InvalidArgumentError(
        fmt::format("{} certificates for {} labels", certificates.size(), labels.size()));
  }
  if (certificates.empty()) return 0.0;
  std::int64_t certified = 0;
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    const Certificate& c = certificates[i];
    certified += (!c.abstained() && c.prediction == labels[i] && c.radius >= radius) ? 1 : 0;
  }
  return static_cast<double>(certified) / static_cast<double>(certificates.size());
}

CertificationResult CertifyDataset(Executor& executor, const Dataset& data,
                                   const CertificationConfig& config) {
  ValidateSmoothingConfig(config.smoothing);
  for (const double r : config.radii) {
    if (!(std::isfinite(r) && r >= 0.0)) {
      throw InvalidArgumentError(fmt::format("radii must be finite and >= 0, got {}", r),
                                 {.field = "radii"});
    }
  }
  if (data.inputs.rows() == 0) {
    throw InputError("the data set has no samples", {.field = "data"});
  }
  if (!data.has_labels()) {
    throw InvalidArgumentError("the data has no labels (give --labels for .npy data)",
                               {.field = "labels"});
  }
  const std::int64_t classes = executor.model().output_size();
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] < 0 || data.labels[i] >= classes) {
      throw InputError(fmt::format("label {} of sample {} is outside the model's {} classes",
                                   data.labels[i], i, classes),
                       {.field = "labels"});
    }
  }
  CertificationResult result;
  result.samples = data.inputs.rows();
  result.classes = classes;
  result.labels = data.labels;
  std::int64_t clean_correct = 0;
  for (Eigen::Index begin = 0; begin < data.inputs.rows(); begin += kCleanBatch) {
    const Eigen::Index count = std::min(kCleanBatch, data.inputs.rows() - begin);
    const std::vector<std::int64_t> chunk = executor.Predict(data.inputs.middleRows(begin, count));
    result.clean_predictions.insert(result.clean_predictions.end(), chunk.begin(), chunk.end());
  }
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    clean_correct += result.clean_predictions[i] == data.labels[i] ? 1 : 0;
  }
  result.clean_accuracy = static_cast<double>(clean_correct) / static_cast<double>(result.samples);

  SmoothedClassifier smoothed(executor, config.smoothing);
  result.certificates = smoothed.Certify(data.inputs);
  std::int64_t abstained = 0;
  for (const Certificate& c : result.certificates) abstained += c.abstained() ? 1 : 0;
  result.abstain_rate = static_cast<double>(abstained) / static_cast<double>(result.samples);
  for (const double r : config.radii) {
    result.curve.push_back(
        {.radius = r,
         .certified_accuracy = CertifiedAccuracy(result.certificates, result.labels, r)});
  }
  result.evaluations = result.samples * (config.smoothing.n0 + config.smoothing.n);
  return result;
}

}  // namespace rampart::robustness
