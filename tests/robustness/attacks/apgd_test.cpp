// APGD-CE / APGD-DLR, the worst-case ensemble and the minimal perturbation by bisection:
// the checkpoint schedule of the paper, strength against PGD on the fixture models, the exact
// optimum on linear models (where the best point of the ball is known in closed form), the
// scale invariance of DLR, the ensemble's per-sample worst case, and minimal distances against
// the closed-form distance to a linear decision boundary.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/apgd.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/ensemble.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/minimal_perturbation.h>
#include <rampart/robustness/pgd.h>

#include "../model_builder.h"
#include "scaled_model.h"

namespace rampart::robustness {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

Dataset Demo(std::int64_t input_size) {
  return LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", input_size);
}

// z = W x + b with W (classes x d) and b given; one Gemm node with transB as PyTorch exports.
OnnxModel LinearModel(const Eigen::MatrixXf& w, const Eigen::VectorXf& b) {
  testing::ModelBuilder builder({w.cols()});
  std::vector<float> weights;
  for (Eigen::Index r = 0; r < w.rows(); ++r)
    for (Eigen::Index c = 0; c < w.cols(); ++c) weights.push_back(w(r, c));
  builder.Floats("w", {w.rows(), w.cols()}, weights);
  builder.Floats("b", {b.size()}, std::vector<float>(b.data(), b.data() + b.size()));
  auto& node = builder.Node("Gemm", {"x", "w", "b"}, {"z"});
  testing::AttrInt(node, "transB", 1);
  builder.Output("z");
  return builder.Build();
}

struct LinearProblem {
  Eigen::MatrixXf w;
  Eigen::VectorXf b;
  Batch x;
  std::vector<std::int64_t> y;
};

// Two classes, d inputs, n samples uniform in [0, 1], labelled with the model's own class so
// that every sample is clean-correct.
LinearProblem TwoClassProblem(Eigen::Index d, Eigen::Index n, std::uint64_t seed) {
  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  LinearProblem p;
  p.w.resize(2, d);
  for (Eigen::Index r = 0; r < 2; ++r)
    for (Eigen::Index c = 0; c < d; ++c) p.w(r, c) = uniform(rng);
  p.b = Eigen::VectorXf::Zero(2);
  p.x.resize(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index c = 0; c < d; ++c) p.x(i, c) = 0.5F * (uniform(rng) + 1.0F);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::VectorXf z = p.w * p.x.row(i).transpose() + p.b;
    p.y.push_back(z[1] > z[0] ? 1 : 0);
  }
  return p;
}

TEST(Apgd, CheckpointsFollowThePaper) {
  // p = 0, 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99 (Croce & Hein 2020, section 3.2).
  EXPECT_EQ(ApgdCheckpoints(100), (std::vector<int>{22, 41, 57, 70, 80, 87, 93, 99}));
  EXPECT_EQ(ApgdCheckpoints(10), (std::vector<int>{2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(ApgdCheckpoints(1), (std::vector<int>{1}));
}

TEST(Apgd, AtLeastAsStrongAsPgdOnTheFixtures) {
  for (const std::string name : {"mlp", "cnn"}) {
    Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = 1});
    const Dataset data = Demo(executor.model().input_size());
    for (const Norm norm : {Norm::kLinf, Norm::kL2}) {
      for (const double eps :
           norm == Norm::kLinf ? std::vector<double>{0.1, 0.25} : std::vector<double>{0.6, 1.2}) {
        AttackConfig config{.norm = norm, .epsilon = eps, .steps = 10, .seed = 4};
        const AttackResult pgd = Pgd(executor, data.inputs, data.labels, config);
        config.steps = 50;
        const AttackResult ce =
            Apgd(executor, data.inputs, data.labels, config, Loss::kCrossEntropy);
        const AttackResult dlr = Apgd(executor, data.inputs, data.labels, config, Loss::kDlr);
        const auto broken = [](const AttackResult& r) {
          return std::count(r.success.begin(), r.success.end(), true);
        };
        std::cout << name << " " << NormName(norm) << " eps " << eps << ": broken by PGD-10 "
                  << broken(pgd) << ", APGD-CE-50 " << broken(ce) << ", APGD-DLR-50 " << broken(dlr)
                  << " of " << data.labels.size() << "\n";
        EXPECT_GE(broken(ce), broken(pgd)) << name << " eps " << eps;
        for (const AttackResult* r : {&ce, &dlr}) {
          // The threat model holds and the success flags are the model's verdict.
          const std::vector<std::int64_t> predicted = executor.Predict(r->adversarial);
          for (Eigen::Index i = 0; i < data.inputs.rows(); ++i) {
            const auto row = static_cast<std::size_t>(i);
            const Eigen::RowVectorXf delta = r->adversarial.row(i) - data.inputs.row(i);
            EXPECT_LE(PerturbationNorm(norm, delta), eps * (1 + 1e-6) + 1e-7);
            EXPECT_GE(r->adversarial.row(i).minCoeff(), 0.0F);
            EXPECT_LE(r->adversarial.row(i).maxCoeff(), 1.0F);
            EXPECT_EQ(predicted[row], r->predictions[row]);
            EXPECT_EQ(r->success[row], predicted[row] != data.labels[row]);
          }
        }
      }
    }
  }
}

TEST(Apgd, ReachesTheClosedFormOptimumOfALinearModel) {
  // For two classes CE = softplus(v . x + c) with v = w_other - w_y: increasing in v . x, so the
  // best point of the L-inf ball within [0, 1] moves every coordinate to the end of its
  // interval on the side of sign(v), and the best point of an L2 ball that stays inside the
  // range is x0 + eps v / ||v||.
  const LinearProblem p = TwoClassProblem(16, 40, 7);
  Executor executor(LinearModel(p.w, p.b), {.threads = 1});
  for (const double eps : {0.05, 0.3}) {
    const AttackConfig config{.norm = Norm::kLinf,
                              .epsilon = eps,
                              .steps = 20,
                              .random_start = true,
                              .seed = 1,
                              .early_stop = false};
    const AttackResult r = Apgd(executor, p.x, p.y, config, Loss::kCrossEntropy);
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
      const auto y = static_cast<Eigen::Index>(p.y[static_cast<std::size_t>(i)]);
      const Eigen::VectorXd v = (p.w.row(1 - y) - p.w.row(y)).transpose().cast<double>();
      for (Eigen::Index k = 0; k < v.size(); ++k) {
        const double x0 = p.x(i, k);
        const double expected = v[k] > 0 ? std::min(1.0, x0 + eps) : std::max(0.0, x0 - eps);
        EXPECT_NEAR(r.adversarial(i, k), expected, 1e-6) << "eps " << eps << " sample " << i;
      }
    }
  }
  // L2 from the clean input: the first step lands on the optimum. From a random point on the
  // sphere the iterates turn toward it until the float32 loss stops telling them apart: the
  // linear objective v . delta then equals its maximum eps ||v|| to float precision.
  for (const bool random_start : {false, true}) {
    for (const double eps : {0.1, 0.5}) {
      const AttackConfig config{.norm = Norm::kL2,
                                .epsilon = eps,
                                .steps = 50,
                                .random_start = random_start,
                                .clip_min = -10.0F,
                                .clip_max = 10.0F,
                                .seed = 1,
                                .early_stop = false};
      const AttackResult r = Apgd(executor, p.x, p.y, config, Loss::kCrossEntropy);
      double worst_point = 0.0;
      double worst_gain = 0.0;
      for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        const auto y = static_cast<Eigen::Index>(p.y[static_cast<std::size_t>(i)]);
        const Eigen::VectorXd v = (p.w.row(1 - y) - p.w.row(y)).transpose().cast<double>();
        const Eigen::VectorXd x0 = p.x.row(i).transpose().cast<double>();
        const Eigen::VectorXd expected = x0 + eps * v / v.norm();
        const Eigen::VectorXd got = r.adversarial.row(i).transpose().cast<double>();
        worst_point = std::max(worst_point, (got - expected).norm() / eps);
        worst_gain = std::max(worst_gain, 1.0 - v.dot(got - x0) / (eps * v.norm()));
      }
      std::cout << "L2 eps " << eps << (random_start ? " random start" : " clean start")
                << ": distance to the optimum / eps " << worst_point
                << ", objective gap (relative) " << worst_gain << "\n";
      EXPECT_LT(worst_gain, 1e-5) << "eps " << eps;
      if (!random_start) {
        EXPECT_LT(worst_point, 1e-5) << "eps " << eps;
      }
    }
  }
}

TEST(Apgd, DlrIsInvariantToLogitScaling) {
  Executor executor(OnnxModel::Load(kDir + "mlp.onnx"), {.threads = 1});
  const Dataset data = Demo(64);
  const Batch logits = executor.Logits(data.inputs);
  Batch grad;
  const Eigen::VectorXf loss = LossOnLogits(Loss::kDlr, logits, data.labels, &grad);
  for (const float scale : {0.25F, 3.0F, 1000.0F}) {
    Batch scaled_grad;
    const Batch scaled = logits * scale;
    const Eigen::VectorXf scaled_loss = LossOnLogits(Loss::kDlr, scaled, data.labels, &scaled_grad);
    for (Eigen::Index i = 0; i < loss.size(); ++i) {
      EXPECT_NEAR(scaled_loss[i], loss[i], 1e-5F * std::max(1.0F, std::abs(loss[i])));
      // d DLR(c z) / dz = (1/c) dDLR/dz at z: the input gradient of the scaled model is equal.
      EXPECT_TRUE((scaled_grad.row(i) * scale).isApprox(grad.row(i), 1e-4F)) << "sample " << i;
    }
  }
  // The whole attack: APGD-DLR on the model with logits times 1024 (exact in float) breaks
  // exactly the same samples at the same points.
  Executor scaled(testing::ScaledModel(kDir + "mlp.onnx", 1024.0F), {.threads = 1});
  const AttackConfig config{.epsilon = 0.08, .steps = 30, .seed = 2};
  const AttackResult a = Apgd(executor, data.inputs, data.labels, config, Loss::kDlr);
  const AttackResult b = Apgd(scaled, data.inputs, data.labels, config, Loss::kDlr);
  EXPECT_EQ(a.success, b.success);
  EXPECT_TRUE(a.adversarial.isApprox(b.adversarial, 1e-5F));
}

TEST(Apgd, DeterministicAndRestartsNeverLowerStrength) {
  Executor executor(OnnxModel::Load(kDir + "mlp.onnx"), {.threads = 1});
  const Dataset data = Demo(64);
  AttackConfig config{.norm = Norm::kL2, .epsilon = 0.3, .steps = 10, .seed = 5};
  const AttackResult one = Apgd(executor, data.inputs, data.labels, config, Loss::kCrossEntropy);
  const AttackResult again = Apgd(executor, data.inputs, data.labels, config, Loss::kCrossEntropy);
  EXPECT_EQ(one.adversarial, again.adversarial);
  config.restarts = 3;
  const AttackResult three = Apgd(executor, data.inputs, data.labels, config, Loss::kCrossEntropy);
  for (std::size_t i = 0; i < one.success.size(); ++i) {
    EXPECT_TRUE(!one.success[i] || three.success[i]) << "sample " << i;
  }
}

TEST(Ensemble, ASampleIsRobustOnlyIfNoMemberBreaksIt) {
  Executor executor(OnnxModel::Load(kDir + "cnn.onnx"), {.threads = 1});
  const Dataset data = Demo(64);
  const AttackConfig config{.epsilon = 0.07, .steps = 20, .seed = 8};
  const std::vector<EnsembleMember> members = {{.attack = "fgsm", .config = config},
                                               {.attack = "apgd-ce", .config = config},
                                               {.attack = "apgd-dlr", .config = config}};
  const EnsembleResult ensemble = RunEnsemble(members, executor, data.inputs, data.labels);
  std::vector<AttackResult> alone;
  for (const EnsembleMember& m : members) {
    alone.push_back(RunAttack(m.attack, executor, data.inputs, data.labels, m.config));
  }
  std::int64_t robust = 0;
  for (std::size_t i = 0; i < ensemble.success.size(); ++i) {
    // The first member sees every sample, as alone.
    EXPECT_EQ(ensemble.broken_by[i] == 0, static_cast<bool>(alone[0].success[i]));
    EXPECT_EQ(ensemble.success[i], ensemble.broken_by[i] >= 0);
    robust += ensemble.success[i] ? 0 : 1;
  }
  const std::vector<EnsembleMember> defaults = DefaultEnsemble(config);
  ASSERT_EQ(defaults.size(), 2U);
  EXPECT_EQ(defaults[0].attack, "apgd-ce");
  EXPECT_EQ(defaults[1].attack, "apgd-dlr");
  for (const AttackResult& r : alone) {
    const auto member_robust =
        static_cast<std::int64_t>(std::count(r.success.begin(), r.success.end(), false));
    EXPECT_LE(robust, member_robust);
  }
  EXPECT_THROW(static_cast<void>(RunEnsemble({}, executor, data.inputs, data.labels)),
               InvalidArgumentError);
  EXPECT_THROW(static_cast<void>(RunAttack("cw", executor, data.inputs, data.labels, config)),
               InvalidArgumentError);
}

TEST(MinimalPerturbation, MatchesTheDistanceToALinearBoundary) {
  // For z = W x + b with two classes the boundary is v . x + c = 0 (v = w_other - w_y); from a
  // correctly classified x0 its distance is margin / ||v||_1 in L-inf and margin / ||v||_2 in
  // L2 (dual norms), margin = z_y - z_other, as long as the input range does not bind.
  const LinearProblem p = TwoClassProblem(12, 30, 3);
  Executor executor(LinearModel(p.w, p.b), {.threads = 1});
  for (const Norm norm : {Norm::kLinf, Norm::kL2}) {
    for (const std::string attack : {"pgd", "apgd-ce"}) {
      MinimalPerturbationConfig config{.attack = attack, .max_epsilon = 4.0, .tolerance = 1e-4};
      config.attack_config = {.norm = norm,
                              .steps = 20,
                              .random_start = false,
                              .clip_min = -100.0F,
                              .clip_max = 100.0F};
      const MinimalPerturbationResult r = MinimalPerturbation(executor, p.x, p.y, config);
      std::vector<double> exact;
      for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        const auto row = static_cast<std::size_t>(i);
        const auto y = static_cast<Eigen::Index>(p.y[row]);
        const Eigen::VectorXd v = (p.w.row(1 - y) - p.w.row(y)).transpose().cast<double>();
        const Eigen::VectorXd x0 = p.x.row(i).transpose().cast<double>();
        const double margin = -(v.dot(x0) + static_cast<double>(p.b[1 - y] - p.b[y]));
        const double distance = margin / (norm == Norm::kLinf ? v.lpNorm<1>() : v.norm());
        exact.push_back(distance);
        if (distance >= config.max_epsilon) continue;
        // Never below the exact distance (float32 logits can cross a hair early: 1e-5
        // relative), and within the bisection's tolerance above it.
        EXPECT_GE(r.distance[row], distance * (1 - 1e-5)) << attack << " sample " << i;
        EXPECT_LE(r.distance[row], distance + 2 * config.tolerance) << attack << " sample " << i;
        const Eigen::RowVectorXf delta = r.adversarial.row(i) - p.x.row(i);
        EXPECT_NEAR(PerturbationNorm(norm, delta), r.distance[row], 1e-9);
        EXPECT_NE(executor.Predict(r.adversarial.row(i))[0], p.y[row]);
      }
      EXPECT_NEAR(MedianDistance(r.distance), MedianDistance(exact), 3 * config.tolerance);
    }
  }
  // Beyond max_epsilon: +infinity; a clean mistake: 0.
  MinimalPerturbationConfig tiny{.attack = "pgd", .max_epsilon = 1e-6};
  std::vector<std::int64_t> wrong = p.y;
  wrong[0] = 1 - wrong[0];
  const MinimalPerturbationResult r = MinimalPerturbation(executor, p.x, wrong, tiny);
  EXPECT_EQ(r.distance[0], 0.0);
  EXPECT_TRUE(std::isinf(r.distance[1]));
  const std::vector<double> values{1.0, std::numeric_limits<double>::infinity(), 3.0, 2.0};
  EXPECT_DOUBLE_EQ(MedianDistance(values), 2.5);
  EXPECT_DOUBLE_EQ(MeanFiniteDistance(values), 2.0);
  EXPECT_THROW(static_cast<void>(MinimalPerturbation(executor, p.x, p.y, {.max_epsilon = 0.0})),
               InvalidArgumentError);
}

}  // namespace
}  // namespace rampart::robustness
