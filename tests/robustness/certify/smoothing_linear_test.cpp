// CERTIFY and PREDICT on models whose smoothed classifier is known exactly.
//
// For a two-class linear model f(x) = [w·x + c > 0 ? 0 : 1], the noisy score w·(x + ε) + c is
// normal with mean w·x + c and standard deviation σ‖w‖, so P(f(x + ε) = f(x)) = Φ(d/σ) with d the
// distance from x to the hyperplane: the smoothed classifier equals f and its exact certified
// radius is σ·Φ⁻¹(Φ(d/σ)) = d, which the exact minimal attack (a step of d across the
// hyperplane) shows cannot be exceeded.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/certification.h>
#include <rampart/robustness/npy.h>
#include <rampart/robustness/smoothing.h>

#include "../model_builder.h"

namespace rampart::robustness {
namespace {

using testing::AttrInt;
using testing::ModelBuilder;

// w has norm 3; w[3] = 0 and w·(2, 1, 2, 0) = 0 span the hyperplane's directions used below.
const std::vector<double> kW{1.0, 2.0, -2.0, 0.0};
constexpr double kC = 0.3;
constexpr double kWNorm = 3.0;

OnnxModel LinearModel() {
  ModelBuilder b({4});
  std::vector<float> weights;
  for (const double v : kW) weights.push_back(static_cast<float>(v));
  for (const double v : kW) weights.push_back(static_cast<float>(-v));
  b.Floats("W", {2, 4}, weights);
  b.Floats("b", {2}, {static_cast<float>(kC), static_cast<float>(-kC)});
  auto& node = b.Node("Gemm", {"x", "W", "b"}, {"y"});
  AttrInt(node, "transB", 1);
  b.Output("y");
  return b.Build();
}

double SignedDistance(const Eigen::RowVectorXf& x) {
  double score = kC;
  for (Eigen::Index j = 0; j < 4; ++j)
    score += kW[static_cast<std::size_t>(j)] * static_cast<double>(x(j));
  return score / kWNorm;
}

// A point at signed distance s from the hyperplane (class 0 for s > 0), off the normal line.
Eigen::RowVectorXf PointAt(double s) {
  Eigen::RowVectorXf x(4);
  for (Eigen::Index j = 0; j < 4; ++j) {
    const double along = kW[static_cast<std::size_t>(j)] / kWNorm;
    const double base = -kC * kW[static_cast<std::size_t>(j)] / (kWNorm * kWNorm);
    const double in_plane =
        0.3 * std::vector<double>{2, 1, 2, 0}[static_cast<std::size_t>(j)] + (j == 3 ? 1.5 : 0.0);
    x(j) = static_cast<float>(base + in_plane + s * along);
  }
  return x;
}

double NormalCdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// The certified radius CERTIFY returns for nA = k out of n (0 when it abstains).
double RadiusFor(std::int64_t k, std::int64_t n, double alpha, double sigma) {
  const double p = ClopperPearsonLower(k, n, alpha);
  return p < 0.5 ? 0.0 : CertifiedRadius(sigma, p);
}

TEST(SmoothingLinear, CertifiedRadiusIsTheDistanceToTheHyperplaneWithinMonteCarloError) {
  Executor executor(LinearModel(), {.threads = 2});
  const SmoothingConfig config{.sigma = 0.5, .n0 = 100, .n = 20000, .alpha = 0.001, .seed = 3};
  SmoothedClassifier smoothed(executor, config);
  const std::vector<double> distances{-0.6, -0.25, -0.1, 0.05, 0.2, 0.4, 0.8};
  Batch inputs(static_cast<Eigen::Index>(distances.size()), 4);
  for (std::size_t i = 0; i < distances.size(); ++i) {
    inputs.row(static_cast<Eigen::Index>(i)) = PointAt(distances[i]);
  }
  const std::vector<Certificate> certs = smoothed.Certify(inputs);
  ASSERT_EQ(certs.size(), distances.size());
  for (std::size_t i = 0; i < distances.size(); ++i) {
    const double d = std::abs(distances[i]);
    const std::int64_t expected_class = distances[i] > 0 ? 0 : 1;
    const double p_a = NormalCdf(d / config.sigma);
    const auto n = static_cast<double>(config.n);
    const double sd = std::sqrt(n * p_a * (1 - p_a));
    // nA ~ Bin(n, pA): outside 5 standard deviations has probability < 1e-6.
    EXPECT_NEAR(static_cast<double>(certs[i].top_count), n * p_a, 5 * sd) << d;
    EXPECT_EQ(certs[i].top_class, expected_class) << d;
    const auto lo = static_cast<std::int64_t>(std::floor(std::max(0.0, n * p_a - 5 * sd)));
    const auto hi = static_cast<std::int64_t>(std::ceil(std::min(n, n * p_a + 5 * sd)));
    const double r_lo = RadiusFor(lo, config.n, config.alpha, config.sigma);
    const double r_hi = RadiusFor(hi, config.n, config.alpha, config.sigma);
    EXPECT_GE(certs[i].radius, r_lo) << d;
    EXPECT_LE(certs[i].radius, r_hi) << d;
    EXPECT_LE(certs[i].radius, d) << "certified beyond the exact radius at " << d;
    if (!certs[i].abstained()) {
      EXPECT_EQ(certs[i].prediction, expected_class);
    }
    // The Monte-Carlo gap to the exact radius is small at n = 20000 (about 0.05 here).
    if (d >= 0.2) {
      EXPECT_FALSE(certs[i].abstained()) << d;
      EXPECT_GT(certs[i].radius, d - 0.06) << d;
    }
  }
}

TEST(SmoothingLinear, NoSampleIsCertifiedBeyondTheExactMinimalAttack) {
  Executor executor(LinearModel(), {.threads = 1});
  const SmoothingConfig config{.sigma = 0.25, .n0 = 64, .n = 2000, .alpha = 0.001, .seed = 11};
  SmoothedClassifier smoothed(executor, config);
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0F, 0.4F);
  Batch inputs(100, 4);
  for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
    for (Eigen::Index j = 0; j < 4; ++j) inputs(i, j) = normal(rng);
  }
  const std::vector<Certificate> certs = smoothed.Certify(inputs);
  const std::vector<std::int64_t> clean = executor.Predict(inputs);
  int certified = 0;
  for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
    const Certificate& cert = certs[static_cast<std::size_t>(i)];
    const double s = SignedDistance(inputs.row(i));
    // The exact minimal L2 attack: step just across the hyperplane along its normal.
    const double step = std::abs(s) + 1e-3;
    Eigen::RowVectorXf adversarial = inputs.row(i);
    for (Eigen::Index j = 0; j < 4; ++j) {
      adversarial(j) -=
          static_cast<float>((s > 0 ? 1 : -1) * step * kW[static_cast<std::size_t>(j)] / kWNorm);
    }
    Batch one = adversarial;
    ASSERT_NE(executor.Predict(one)[0], clean[static_cast<std::size_t>(i)]) << i;
    EXPECT_EQ(cert.abstained(), cert.p_lower < 0.5) << i;
    if (cert.abstained()) {
      EXPECT_EQ(cert.radius, 0.0);
      continue;
    }
    ++certified;
    EXPECT_EQ(cert.prediction, clean[static_cast<std::size_t>(i)]) << i;
    EXPECT_LT(cert.radius, step) << "sample " << i << " certified at " << cert.radius
                                 << " but an attack of norm " << step << " succeeds";
    EXPECT_LE(cert.radius, std::abs(s)) << i;
  }
  EXPECT_GT(certified, 50);
}

TEST(SmoothingLinear, AbstainsOnTheHyperplaneAndWhenNIsTooSmall) {
  Executor executor(LinearModel(), {.threads = 1});
  Batch inputs(2, 4);
  inputs.row(0) = PointAt(0.0);
  inputs.row(1) = PointAt(5.0);  // pA = Φ(20): every draw lands on class 0
  {
    SmoothedClassifier smoothed(executor, {.sigma = 0.25, .n0 = 100, .n = 10000, .seed = 1});
    const std::vector<Certificate> certs = smoothed.Certify(inputs);
    EXPECT_TRUE(certs[0].abstained());
    EXPECT_EQ(certs[0].radius, 0.0);
    EXPECT_LT(certs[0].p_lower, 0.5);
    EXPECT_EQ(certs[1].prediction, 0);
    EXPECT_EQ(certs[1].top_count, 10000);
    EXPECT_NEAR(certs[1].radius, RadiusFor(10000, 10000, 0.001, 0.25), 1e-12);
    const std::vector<SmoothedPrediction> predictions = smoothed.Predict(inputs);
    EXPECT_TRUE(predictions[0].abstained());
    EXPECT_GT(predictions[0].p_value, 0.001);
    EXPECT_EQ(predictions[1].prediction, 0);
    EXPECT_EQ(predictions[1].top_count, 10000);
    EXPECT_EQ(predictions[1].runner_up_count, 0);
  }
  // alpha^(1/n) < 1/2 for n <= 9 at alpha = 0.001: even a point no noise can move is abstained
  // on (locuslab/smoothing#8); at n = 10 it is certified at σ·Φ⁻¹(0.001^0.1).
  {
    SmoothedClassifier smoothed(executor, {.sigma = 0.25, .n0 = 10, .n = 9, .seed = 1});
    EXPECT_TRUE(smoothed.Certify(inputs)[1].abstained());
    // PREDICT: 9 of 9 gives p = 2/512 > 0.001, abstain as well.
    EXPECT_TRUE(smoothed.Predict(inputs)[1].abstained());
  }
  {
    SmoothedClassifier smoothed(executor, {.sigma = 0.25, .n0 = 10, .n = 10, .seed = 1});
    const Certificate cert = smoothed.Certify(inputs)[1];
    EXPECT_EQ(cert.prediction, 0);
    EXPECT_NEAR(cert.radius, CertifiedRadius(0.25, std::pow(0.001, 0.1)), 1e-12);
    EXPECT_GT(cert.radius, 0.0);
  }
}

TEST(SmoothingLinear, ReproducibleFromTheSeedWhateverTheBatchSizeAndThreads) {
  Batch inputs(5, 4);
  for (Eigen::Index i = 0; i < 5; ++i) {
    inputs.row(i) = PointAt(0.05 * static_cast<double>(i - 2));
  }
  std::vector<Certificate> reference;
  for (const int threads : {1, 2}) {
    for (const std::int64_t batch : {1, 37, 64, 4096}) {
      Executor executor(LinearModel(), {.threads = threads});
      SmoothedClassifier smoothed(
          executor,
          {.sigma = 0.5, .n0 = 50, .n = 700, .batch_size = batch, .seed = 42, .threads = threads});
      const std::vector<Certificate> certs = smoothed.Certify(inputs);
      if (reference.empty()) {
        reference = certs;
        continue;
      }
      for (std::size_t i = 0; i < certs.size(); ++i) {
        EXPECT_EQ(certs[i].top_class, reference[i].top_class) << threads << " " << batch;
        EXPECT_EQ(certs[i].top_count, reference[i].top_count) << threads << " " << batch;
        EXPECT_EQ(certs[i].radius, reference[i].radius);
      }
    }
  }
  // Certifying rows one at a time with their data-set index gives the same certificates.
  Executor executor(LinearModel(), {.threads = 1});
  SmoothedClassifier smoothed(executor, {.sigma = 0.5, .n0 = 50, .n = 700, .seed = 42});
  for (Eigen::Index i = 0; i < 5; ++i) {
    const Certificate cert = smoothed.Certify(inputs.middleRows(i, 1), i)[0];
    EXPECT_EQ(cert.top_count, reference[static_cast<std::size_t>(i)].top_count);
  }
  // Another seed draws other noise.
  SmoothedClassifier other(executor, {.sigma = 0.5, .n0 = 50, .n = 700, .seed = 43});
  const std::vector<Certificate> certs = other.Certify(inputs);
  bool differs = false;
  for (std::size_t i = 0; i < certs.size(); ++i) {
    differs = differs || certs[i].top_count != reference[i].top_count;
  }
  EXPECT_TRUE(differs);
}

TEST(SmoothingLinear, NoiseIsGaussianWithTheGivenSigma) {
  // Along any unit direction u, the fraction of draws with u·ε > σ·z is 1 - Φ(z): counted
  // through the model by moving the hyperplane to distance σ·z from x.
  Executor executor(LinearModel(), {.threads = 2});
  SmoothedClassifier smoothed(executor, {.sigma = 0.3, .n = 40000, .seed = 9});
  Batch inputs(3, 4);
  const std::vector<double> z{0.0, 1.0, 2.0};
  for (std::size_t i = 0; i < z.size(); ++i) {
    inputs.row(static_cast<Eigen::Index>(i)) = PointAt(0.3 * z[i]);
  }
  const auto counts = smoothed.SampleCounts(inputs, 40000, 2);
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double p = 1 - NormalCdf(z[i]);  // probability of crossing to class 1
    EXPECT_EQ(counts[i][0] + counts[i][1], 40000);
    EXPECT_NEAR(static_cast<double>(counts[i][1]), 40000 * p, 5 * std::sqrt(40000 * p * (1 - p)))
        << z[i];
  }
}

TEST(SmoothingConfig, BadSettingsAreRejectedNamingTheField) {
  const auto field = [](const SmoothingConfig& config) {
    try {
      ValidateSmoothingConfig(config);
    } catch (const InvalidArgumentError& e) {
      return e.location().field;
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field({}), "accepted");
  EXPECT_EQ(field({.sigma = 0.0}), "sigma");
  EXPECT_EQ(field({.sigma = std::nan("")}), "sigma");
  EXPECT_EQ(field({.n0 = 0}), "n0");
  EXPECT_EQ(field({.n = 0}), "n");
  EXPECT_EQ(field({.n = 2'000'000'000'000}), "n");
  EXPECT_EQ(field({.alpha = 0.0}), "alpha");
  EXPECT_EQ(field({.alpha = 1.0}), "alpha");
  EXPECT_EQ(field({.batch_size = 0}), "batch-size");
  EXPECT_EQ(field({.threads = -1}), "threads");
}

TEST(CertifyDataset, CurveCountsCorrectCertifiedSamplesOverAll) {
  std::vector<Certificate> certs(4);
  certs[0] = {.prediction = 1, .radius = 0.3};
  certs[1] = {.prediction = 0, .radius = 0.6};
  certs[2] = {.prediction = kAbstain, .radius = 0.0};
  certs[3] = {.prediction = 2, .radius = 0.9};  // wrong class: never counts
  const std::vector<std::int64_t> labels{1, 0, 1, 1};
  EXPECT_DOUBLE_EQ(CertifiedAccuracy(certs, labels, 0.0), 0.5);
  EXPECT_DOUBLE_EQ(CertifiedAccuracy(certs, labels, 0.3), 0.5);
  EXPECT_DOUBLE_EQ(CertifiedAccuracy(certs, labels, 0.31), 0.25);
  EXPECT_DOUBLE_EQ(CertifiedAccuracy(certs, labels, 0.7), 0.0);
}

TEST(CertifyDataset, TinyNoiseOnTheFixtureCnnCertifiesEveryCleanPrediction) {
  const std::string dir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";
  Executor executor(OnnxModel::Load(dir + "cnn.onnx"));
  const NpyArray x = ReadNpy(dir + "demo_x.npy");
  Dataset data;
  data.inputs.resize(6, 64);
  for (Eigen::Index i = 0; i < 6; ++i) {
    for (Eigen::Index j = 0; j < 64; ++j) {
      data.inputs(i, j) = static_cast<float>(x.values[static_cast<std::size_t>(i * 64 + j)]);
    }
  }
  const std::vector<std::int64_t> clean = executor.Predict(data.inputs);
  data.labels = clean;
  data.labels[0] = (clean[0] + 1) % 10;  // one wrong label
  std::int64_t evaluated = 0;
  const CertificationConfig config{
      .smoothing = {.sigma = 1e-4,
                    .n0 = 20,
                    .n = 200,
                    .seed = 1,
                    .on_progress = [&evaluated](std::int64_t rows) { evaluated += rows; }},
      .radii = {0.0, 1e-4, 2e-4}};
  const CertificationResult result = CertifyDataset(executor, data, config);
  EXPECT_EQ(evaluated, 6 * 220);
  EXPECT_EQ(result.evaluations, 6 * 220);
  // 1e-4·Φ⁻¹(0.001^(1/200)) ≈ 1.83e-4: between the second and third radius.
  const double radius = RadiusFor(200, 200, 0.001, 1e-4);
  ASSERT_GT(radius, 1e-4);
  ASSERT_LT(radius, 2e-4);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(result.certificates[i].prediction, clean[i]);
    EXPECT_NEAR(result.certificates[i].radius, radius, 1e-15);
  }
  EXPECT_DOUBLE_EQ(result.clean_accuracy, 5.0 / 6);
  EXPECT_DOUBLE_EQ(result.abstain_rate, 0.0);
  ASSERT_EQ(result.curve.size(), 3U);
  EXPECT_DOUBLE_EQ(result.curve[0].certified_accuracy, 5.0 / 6);
  EXPECT_DOUBLE_EQ(result.curve[1].certified_accuracy, 5.0 / 6);
  EXPECT_DOUBLE_EQ(result.curve[2].certified_accuracy, 0.0);
  data.labels[1] = 10;
  EXPECT_THROW((void)CertifyDataset(executor, data, config), InputError);
}

}  // namespace
}  // namespace rampart::robustness
