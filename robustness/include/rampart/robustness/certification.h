// Certified accuracy of a classifier on a labelled data set by randomized smoothing (see
// smoothing.h): every sample's certificate and the certified accuracy at each L2 radius, the
// lower-bound counterpart of the empirical robust accuracy of an audit (evaluation.h).
//
//   CertificationConfig config{.smoothing = {.sigma = 0.25, .n = 10000, .seed = 1},
//                              .radii = {0.0, 0.25, 0.5}};
//   CertificationResult result = rampart::robustness::CertifyDataset(executor, data, config);
//   result.curve[1].certified_accuracy;  // fraction of all samples classified correctly by the
//                                        // smoothed classifier with a certified radius >= 0.25
//
// As in Cohen et al. (analyze.py), a sample counts as certified at radius r when it is not
// abstained on, its prediction equals its label, and its certified radius is at least r; the
// fraction is over all samples (abstentions and mistakes count against it).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/smoothing.h>

namespace rampart::robustness {

struct CertificationConfig {
  SmoothingConfig smoothing;
  std::vector<double> radii = {0.0, 0.25, 0.5, 0.75};
};

struct CertifiedPoint {
  double radius = 0.0;
  double certified_accuracy = 0.0;
};

struct CertificationResult {
  std::int64_t samples = 0;
  std::int64_t classes = 0;
  std::vector<std::int64_t> labels;
  std::vector<Certificate> certificates;        // one per sample
  std::vector<std::int64_t> clean_predictions;  // the base classifier on the clean inputs
  double clean_accuracy = 0.0;                  // of the base classifier
  double abstain_rate = 0.0;                    // abstained samples / samples
  std::vector<CertifiedPoint> curve;            // one per radius, in the given order
  // Model evaluations: samples x (n0 + n) noisy copies.
  std::int64_t evaluations = 0;
};

// Fraction of samples with prediction == label and radius >= `radius`.
[[nodiscard]] double CertifiedAccuracy(std::span<const Certificate> certificates,
                                       std::span<const std::int64_t> labels, double radius);

// Throws InvalidArgumentError for unlabelled data, an empty data set, a negative or non-finite
// radius, or the errors of ValidateSmoothingConfig; InputError for a label outside the model's
// classes.
[[nodiscard]] CertificationResult CertifyDataset(Executor& executor, const Dataset& data,
                                                 const CertificationConfig& config);

}  // namespace rampart::robustness
