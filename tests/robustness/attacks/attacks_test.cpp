// FGSM and PGD on the fixture models: the threat model holds for every adversarial, results are
// deterministic and batch-independent, restarts only add successes, targeted attacks reach their
// target, and on the logistic-regression fixture the attacks match an independent computation
// (for a linear model the strongest L-inf attack inside the input box is a closed-form linear
// program, so the set of breakable samples is known exactly).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/fgsm.h>
#include <rampart/robustness/pgd.h>

namespace rampart::robustness {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

struct Fixture {
  Executor executor;
  Dataset data;
};

Fixture Load(const std::string& name, Eigen::Index max_rows = 64) {
  Executor executor(OnnxModel::Load(kDir + name + ".onnx"), {.threads = 1});
  // The 50 demo samples (ten Gaussian blobs in [0, 1], the models' training distribution); the
  // per-model test files end in a saturated sample outside [0, 1].
  Dataset data =
      LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", executor.model().input_size());
  const Eigen::Index rows = std::min(max_rows, data.inputs.rows());
  data.inputs.conservativeResize(rows, Eigen::NoChange);
  data.labels.resize(static_cast<std::size_t>(rows));
  return {std::move(executor), std::move(data)};
}

// The weights of an affine model z = W x + b, recovered by forward passes alone.
struct Affine {
  Eigen::MatrixXd w;  // classes x inputs
  Eigen::VectorXd b;
};

Affine RecoverAffine(Executor& executor) {
  const Eigen::Index d = executor.model().input_size();
  Batch probes = Batch::Zero(d + 1, d);
  for (Eigen::Index j = 0; j < d; ++j) probes(j + 1, j) = 1.0F;
  const Batch z = executor.Logits(probes);
  Affine affine;
  affine.b = z.row(0).transpose().cast<double>();
  affine.w.resize(z.cols(), d);
  for (Eigen::Index j = 0; j < d; ++j) {
    affine.w.col(j) = (z.row(j + 1) - z.row(0)).transpose().cast<double>();
  }
  return affine;
}

// Largest achievable max_{j != y} (z_j - z_y) over ||delta||_inf <= eps, x + delta in [0, 1]:
// for each j a separable LP, solved coordinate-wise. `best_class` receives the maximising j.
double BestMargin(const Affine& f, const Eigen::RowVectorXf& x, std::int64_t y, double eps,
                  std::int64_t* best_class) {
  const Eigen::VectorXd xd = x.transpose().cast<double>();
  const Eigen::VectorXd z = f.w * xd + f.b;
  double best = -1e300;
  for (Eigen::Index j = 0; j < f.w.rows(); ++j) {
    if (j == y) continue;
    const Eigen::VectorXd v = f.w.row(j) - f.w.row(y);
    double gain = z[j] - z[y];
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      gain += v[k] > 0 ? v[k] * std::min(eps, 1.0 - xd[k]) : v[k] * -std::min(eps, xd[k]);
    }
    if (gain > best) {
      best = gain;
      *best_class = j;
    }
  }
  return best;
}

void ExpectThreatModel(const AttackResult& r, const Batch& x, Norm norm, double eps) {
  ASSERT_EQ(r.adversarial.rows(), x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const Eigen::RowVectorXf delta = r.adversarial.row(i) - x.row(i);
    EXPECT_LE(PerturbationNorm(norm, delta), eps * (1 + 1e-6) + 1e-7) << "row " << i;
    EXPECT_GE(r.adversarial.row(i).minCoeff(), 0.0F);
    EXPECT_LE(r.adversarial.row(i).maxCoeff(), 1.0F);
  }
}

TEST(Attacks, ThreatModelHoldsForEveryAdversarial) {
  for (const std::string name : {"mlp", "cnn"}) {
    Fixture f = Load(name, 24);
    for (const Norm norm : {Norm::kLinf, Norm::kL2}) {
      const double eps = norm == Norm::kLinf ? 0.1 : 1.0;
      AttackConfig config{.norm = norm, .epsilon = eps, .steps = 8, .restarts = 2, .seed = 3};
      ExpectThreatModel(Pgd(f.executor, f.data.inputs, f.data.labels, config), f.data.inputs, norm,
                        eps);
      ExpectThreatModel(Fgsm(f.executor, f.data.inputs, f.data.labels, config), f.data.inputs, norm,
                        eps);
      config.early_stop = false;
      config.step_size = 3 * eps;  // steps that overshoot must still be projected back
      ExpectThreatModel(Pgd(f.executor, f.data.inputs, f.data.labels, config), f.data.inputs, norm,
                        eps);
    }
  }
}

TEST(Attacks, ClipRangeIsRespected) {
  Fixture f = Load("mlp", 16);
  const AttackConfig config{
      .epsilon = 0.3, .steps = 5, .clip_min = 0.25F, .clip_max = 0.75F, .seed = 1};
  const Batch clipped = f.data.inputs.cwiseMax(0.25F).cwiseMin(0.75F);
  const AttackResult r = Pgd(f.executor, clipped, f.data.labels, config);
  EXPECT_GE(r.adversarial.minCoeff(), 0.25F);
  EXPECT_LE(r.adversarial.maxCoeff(), 0.75F);
}

TEST(Attacks, SuccessFlagsAgreeWithTheModel) {
  Fixture f = Load("cnn", 32);
  const AttackConfig config{.epsilon = 0.15, .steps = 10, .seed = 5};
  const AttackResult r = Pgd(f.executor, f.data.inputs, f.data.labels, config);
  const std::vector<std::int64_t> predicted = f.executor.Predict(r.adversarial);
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    EXPECT_EQ(predicted[i], r.predictions[i]);
    EXPECT_EQ(r.success[i], predicted[i] != f.data.labels[i]);
  }
}

TEST(Attacks, DeterministicForASeedAndIndependentOfBatching) {
  Fixture f = Load("mlp", 20);
  AttackConfig config{.norm = Norm::kL2, .epsilon = 0.8, .steps = 6, .restarts = 2, .seed = 42};
  const AttackResult whole = Pgd(f.executor, f.data.inputs, f.data.labels, config);
  const AttackResult again = Pgd(f.executor, f.data.inputs, f.data.labels, config);
  EXPECT_EQ(whole.adversarial, again.adversarial);
  // The second half attacked alone, keyed by its global indices, gives the same rows.
  config.sample_ids = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  const std::span<const std::int64_t> labels(f.data.labels);
  const AttackResult half =
      Pgd(f.executor, f.data.inputs.bottomRows(10), labels.subspan(10), config);
  // Same random streams; the GEMMs of a different batch size may round differently (1 ulp).
  EXPECT_TRUE(half.adversarial.isApprox(whole.adversarial.bottomRows(10), 1e-5F));
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(half.success[i], whole.success[10 + i]);
  config.sample_ids.clear();
  config.seed = 43;
  const AttackResult other = Pgd(f.executor, f.data.inputs, f.data.labels, config);
  EXPECT_NE(other.adversarial, whole.adversarial);
}

TEST(Attacks, RestartsNeverLowerStrength) {
  Fixture f = Load("mlp", 64);
  for (const Norm norm : {Norm::kLinf, Norm::kL2}) {
    AttackConfig config{
        .norm = norm, .epsilon = norm == Norm::kLinf ? 0.05 : 0.4, .steps = 3, .seed = 9};
    const AttackResult one = Pgd(f.executor, f.data.inputs, f.data.labels, config);
    config.restarts = 4;
    const AttackResult four = Pgd(f.executor, f.data.inputs, f.data.labels, config);
    int gained = 0;
    for (std::size_t i = 0; i < one.success.size(); ++i) {
      EXPECT_TRUE(!one.success[i] || four.success[i]) << "sample " << i;
      gained += four.success[i] && !one.success[i] ? 1 : 0;
    }
    EXPECT_GE(gained, 0);
  }
}

TEST(Attacks, TargetedAttacksReachTheTargetOnAnEasyModel) {
  Fixture f = Load("logreg", 40);
  std::vector<std::int64_t> targets;
  for (const std::int64_t y : f.data.labels) targets.push_back((y + 3) % 10);
  AttackConfig config{.epsilon = 1.0, .steps = 40, .random_start = false, .targets = targets};
  const AttackResult pgd = Pgd(f.executor, f.data.inputs, f.data.labels, config);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    EXPECT_TRUE(pgd.success[i]) << "sample " << i;
    EXPECT_EQ(pgd.predictions[i], targets[i]);
  }
  // Targeted FGSM moves toward the target: the target's logit rises for every sample.
  config.epsilon = 0.1;
  const AttackResult fgsm = Fgsm(f.executor, f.data.inputs, f.data.labels, config);
  const Batch before = f.executor.Logits(f.data.inputs);
  const Batch after = f.executor.Logits(fgsm.adversarial);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    const auto t = static_cast<Eigen::Index>(targets[i]);
    EXPECT_GT(after(r, t) - after.row(r).mean(), before(r, t) - before.row(r).mean());
    EXPECT_EQ(fgsm.success[i], fgsm.predictions[i] == targets[i]);
  }
}

TEST(Attacks, FgsmMatchesAnIndependentComputationOnLogisticRegression) {
  Fixture f = Load("logreg", 200);
  const Affine affine = RecoverAffine(f.executor);
  const double eps = 0.1;
  const AttackResult r =
      Fgsm(f.executor, f.data.inputs, f.data.labels, {.epsilon = eps, .random_start = false});
  int compared = 0;
  for (Eigen::Index i = 0; i < f.data.inputs.rows(); ++i) {
    const Eigen::VectorXd x = f.data.inputs.row(i).transpose().cast<double>();
    const Eigen::VectorXd z = affine.w * x + affine.b;
    Eigen::VectorXd p = (z.array() - z.maxCoeff()).exp();
    p /= p.sum();
    p[f.data.labels[static_cast<std::size_t>(i)]] -= 1.0;
    const Eigen::VectorXd g = affine.w.transpose() * p;  // d CE / d x in double
    const double scale = g.cwiseAbs().maxCoeff();
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      if (std::abs(g[k]) < 1e-4 * scale) continue;  // float32 sign ties
      const double expected = std::clamp(x[k] + eps * (g[k] > 0 ? 1.0 : -1.0), 0.0, 1.0);
      EXPECT_NEAR(r.adversarial(i, k), expected, 1e-6) << "sample " << i << " input " << k;
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(Attacks, PgdBreaksEveryBreakableSampleOfLogisticRegression) {
  // Untargeted PGD (CE, restarts) must find nearly every sample the LP says is breakable, never
  // claim one it says is not, and PGD aimed at the LP's class (targeted margin loss, which for
  // a linear model ascends exactly the LP objective) must reach every breakable sample.
  Fixture f = Load("logreg", 200);
  const Affine affine = RecoverAffine(f.executor);
  for (const double eps : {0.15, 0.2, 0.25}) {
    const AttackConfig config{.epsilon = eps, .steps = 50, .restarts = 3, .seed = 2};
    const AttackResult r = Pgd(f.executor, f.data.inputs, f.data.labels, config);
    std::vector<std::int64_t> best_class(f.data.labels.size());
    int breakable = 0;
    int found = 0;
    for (Eigen::Index i = 0; i < f.data.inputs.rows(); ++i) {
      const auto row = static_cast<std::size_t>(i);
      const double margin =
          BestMargin(affine, f.data.inputs.row(i), f.data.labels[row], eps, &best_class[row]);
      // A margin within float32 noise of zero could go either way.
      if (margin > 1e-3) {
        ++breakable;
        found += r.success[row] ? 1 : 0;
      } else if (margin < -1e-3) {
        EXPECT_FALSE(r.success[row]) << "eps " << eps << " sample " << i << " margin " << margin;
        best_class[row] = f.data.labels[row];  // nothing to aim at
      }
    }
    EXPECT_GT(breakable, 0) << "eps " << eps;
    // Cross-entropy is not the LP objective: untargeted CE-PGD misses some samples whose
    // breaking class is not the one CE pushes toward (measured: 22 of 38 at eps 0.2); the aimed
    // run below shows the steps, projection and clipping reach the optimum.
    EXPECT_GE(found, breakable / 2) << "eps " << eps;
    std::cout << "eps " << eps << ": LP-breakable " << breakable << ", untargeted CE-PGD found "
              << found << "\n";
    AttackConfig aimed{.epsilon = eps, .steps = 50, .random_start = false, .loss = Loss::kMargin};
    aimed.targets = best_class;
    const AttackResult t = Pgd(f.executor, f.data.inputs, f.data.labels, aimed);
    for (Eigen::Index i = 0; i < f.data.inputs.rows(); ++i) {
      const auto row = static_cast<std::size_t>(i);
      const double margin =
          BestMargin(affine, f.data.inputs.row(i), f.data.labels[row], eps, &best_class[row]);
      if (margin > 1e-3) {
        EXPECT_NE(t.predictions[row], f.data.labels[row])
            << "eps " << eps << " sample " << i << " margin " << margin;
      }
    }
  }
}

TEST(Attacks, InvalidSettingsAreRejected) {
  Fixture f = Load("logreg", 4);
  const auto attack = [&](const AttackConfig& c) {
    return Pgd(f.executor, f.data.inputs, f.data.labels, c);
  };
  EXPECT_THROW(attack({.epsilon = -0.1}), InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .steps = 0}), InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .restarts = 0}), InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .step_size = -1.0}), InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .step_size = 0.1, .step_fraction = 0.1}),
               InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .clip_min = 1.0F, .clip_max = 0.0F}), InvalidArgumentError);
  EXPECT_THROW(attack({.epsilon = 0.1, .targets = {1}}), InvalidArgumentError);
  EXPECT_THROW(static_cast<void>(ParseNorm("l3")), InvalidArgumentError);
  EXPECT_DOUBLE_EQ(EffectiveStepSize({.epsilon = 0.4, .steps = 10}), 0.1);
  EXPECT_DOUBLE_EQ(EffectiveStepSize({.epsilon = 0.4, .step_fraction = 0.5}), 0.2);
  EXPECT_DOUBLE_EQ(EffectiveStepSize({.epsilon = 0.4, .step_size = 0.01}), 0.01);
}

}  // namespace
}  // namespace rampart::robustness
