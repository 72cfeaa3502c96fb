// Randomized smoothing (Cohen, Rosenfeld & Kolter, "Certified Adversarial Robustness via
// Randomized Smoothing", ICML 2019): the smoothed classifier g(x) = argmax_c P(f(x + ε) = c),
// ε ~ N(0, σ²I), its certified L2 radius (CERTIFY) and its prediction with abstention (PREDICT),
// both estimated by Monte Carlo through the runtime.
//
//   Executor executor(OnnxModel::Load("net.onnx"));
//   SmoothedClassifier smoothed(executor, {.sigma = 0.25, .n0 = 100, .n = 100000, .seed = 1});
//   std::vector<Certificate> certs = smoothed.Certify(inputs);
//   certs[i].prediction;  // a class, or kAbstain
//   certs[i].radius;      // g is constant on the L2 ball of this radius around input i,
//                         // with probability at least 1 - alpha over the noise draws
//
// CERTIFY draws n0 noisy copies to choose the top class ĉA, then n fresh copies to count nA; the
// one-sided Clopper-Pearson bound pA at level alpha gives radius σ·Φ⁻¹(pA), and the sample is
// abstained on when pA < 0.5. PREDICT draws n copies, takes the two most frequent classes and
// abstains unless the two-sided binomial test rejects "they are equally likely" at level alpha.
// The noise is not clipped to the input range (the theorem needs the Gaussian, and the model's
// own normalisation must be inside the ONNX graph).
//
// Noise streams are keyed by (seed, sample index, phase, block of 64 draws): certificates do not
// depend on the batch size or on the thread count, so a report is reproduced from its seed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <rampart/robustness/executor.h>
#include <rampart/robustness/tensor.h>

namespace rampart::robustness {

inline constexpr std::int64_t kAbstain = -1;

struct SmoothingConfig {
  double sigma = 0.25;      // noise standard deviation, in input units
  std::int64_t n0 = 100;    // CERTIFY: draws that choose the top class
  std::int64_t n = 100000;  // CERTIFY: draws that bound its probability; PREDICT: all draws
  double alpha = 0.001;     // failure probability of the certificate / level of PREDICT's test
  // Noisy copies per model call. Large batches keep the GEMMs big and every thread busy; copies
  // of several samples share a batch when n is small.
  std::int64_t batch_size = 4096;
  std::uint64_t seed = 0;
  // Threads that draw the noise (the executor runs the model with its own). 0: all cores.
  int threads = 0;
  // Called after every model call with the number of noisy copies just classified.
  std::function<void(std::int64_t)> on_progress;
};

// Throws InvalidArgumentError (naming the field) for sigma not finite and > 0, n0 or n outside
// [1, 10^12], alpha outside (0, 1), batch_size < 1 or threads < 0.
void ValidateSmoothingConfig(const SmoothingConfig& config);

struct Certificate {
  std::int64_t prediction = kAbstain;  // ĉA when certified, else kAbstain
  double radius = 0.0;                 // certified L2 radius, 0 when abstaining
  std::int64_t top_class = 0;          // ĉA, the most frequent class among the n0 draws
  std::int64_t top_count = 0;          // nA: draws among the n that fell on ĉA
  double p_lower = 0.0;                // one-sided Clopper-Pearson lower bound on P(f = ĉA)
  [[nodiscard]] bool abstained() const { return prediction == kAbstain; }
};

struct SmoothedPrediction {
  std::int64_t prediction = kAbstain;  // the top class, or kAbstain
  std::int64_t top_class = 0;
  std::int64_t top_count = 0;
  std::int64_t runner_up = -1;  // -1 for a one-class model
  std::int64_t runner_up_count = 0;
  double p_value = 1.0;  // two-sided binomial test of top_count out of top + runner-up counts
  [[nodiscard]] bool abstained() const { return prediction == kAbstain; }
};

// The one-sided (1 - alpha) Clopper-Pearson lower confidence bound on a binomial proportion from
// `successes` out of `trials`: the alpha quantile of Beta(successes, trials - successes + 1),
// 0 when successes = 0. Equals statsmodels' proportion_confint(successes, trials, 2·alpha,
// "beta")[0], which the reference implementation uses.
[[nodiscard]] double ClopperPearsonLower(std::int64_t successes, std::int64_t trials, double alpha);

// The two-sided binomial test of H0: p = 1/2 for `successes` out of `trials` (scipy's
// binom_test(successes, trials, 0.5)): min(1, 2·P(X ≥ max(k, trials - k))), X ~ Bin(trials, 1/2).
[[nodiscard]] double BinomialTestPValue(std::int64_t successes, std::int64_t trials);

// σ·Φ⁻¹(p_lower): the L2 radius certified by a lower bound p_lower > 1/2 on the top class's
// probability (Cohen et al., Theorem 1 with pB = 1 - pA). 0 for p_lower <= 1/2.
[[nodiscard]] double CertifiedRadius(double sigma, double p_lower);

class SmoothedClassifier {
 public:
  // Validates `config` (see ValidateSmoothingConfig). The executor must outlive this object.
  SmoothedClassifier(Executor& executor, SmoothingConfig config);

  [[nodiscard]] const SmoothingConfig& config() const { return config_; }
  [[nodiscard]] std::int64_t classes() const;

  // CERTIFY for every row of `inputs`. Row r draws its noise from the streams of sample index
  // `first_index + r`, so a data set certified in pieces gives the same certificates as at once.
  [[nodiscard]] std::vector<Certificate> Certify(const Eigen::Ref<const Batch>& inputs,
                                                 std::int64_t first_index = 0);

  // PREDICT (with config().n draws) for every row of `inputs`.
  [[nodiscard]] std::vector<SmoothedPrediction> Predict(const Eigen::Ref<const Batch>& inputs,
                                                        std::int64_t first_index = 0);

  // Class counts of the base classifier on `draws` noisy copies of every row, from noise stream
  // `phase` (0: CERTIFY's selection, 1: CERTIFY's estimation, 2: PREDICT): result[r][c].
  [[nodiscard]] std::vector<std::vector<std::int64_t>> SampleCounts(
      const Eigen::Ref<const Batch>& inputs, std::int64_t draws, int phase,
      std::int64_t first_index = 0);

 private:
  Executor* executor_;
  SmoothingConfig config_;
  int threads_;
};

}  // namespace rampart::robustness
