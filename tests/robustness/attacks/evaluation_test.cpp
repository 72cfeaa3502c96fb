// RunAudit's bookkeeping against a recount from the attack results, and the sanity checks on
// audits built to trip each of them.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/pgd.h>

namespace rampart::robustness {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

TEST(Evaluation, CountsAgreeWithARecount) {
  Executor executor(OnnxModel::Load(kDir + "mlp.onnx"), {.threads = 1});
  Dataset data = LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", 64);
  data.inputs.conservativeResize(50, Eigen::NoChange);
  data.labels.resize(50);
  AuditConfig config{.attacks = {"fgsm", "pgd"}, .epsilons = {0.02, 0.1}, .batch_size = 7};
  config.attack.steps = 5;
  config.attack.seed = 11;
  const AuditResult audit = RunAudit(executor, data, config);
  ASSERT_EQ(audit.runs.size(), 4U);
  EXPECT_EQ(audit.samples, 50);
  const std::vector<std::int64_t> clean = executor.Predict(data.inputs);
  EXPECT_EQ(audit.clean_predictions, clean);
  std::int64_t clean_correct = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) clean_correct += clean[i] == data.labels[i];
  EXPECT_DOUBLE_EQ(audit.clean_accuracy, static_cast<double>(clean_correct) / 50.0);
  for (const AttackRun& run : audit.runs) {
    std::int64_t robust = 0;
    std::int64_t per_class_total = 0;
    for (std::size_t i = 0; i < clean.size(); ++i) {
      // A clean mistake is never robust; a robust sample keeps its label under attack.
      if (clean[i] != data.labels[i]) {
        EXPECT_FALSE(run.robust[i]);
      }
      if (run.robust[i]) {
        EXPECT_EQ(run.predictions[i], data.labels[i]);
      }
      robust += run.robust[i] ? 1 : 0;
    }
    for (const ClassRobustness& c : run.per_class) per_class_total += c.robust;
    EXPECT_EQ(per_class_total, robust);
    std::int64_t confusion_total = 0;
    for (const auto& row : run.confusion)
      for (const std::int64_t v : row) confusion_total += v;
    EXPECT_EQ(confusion_total, 50);
    EXPECT_DOUBLE_EQ(run.robust_accuracy, static_cast<double>(robust) / 50.0);
    EXPECT_DOUBLE_EQ(run.attack_success_rate, static_cast<double>(clean_correct - robust) /
                                                  static_cast<double>(clean_correct));
    EXPECT_LE(run.robust_accuracy, audit.clean_accuracy);
  }
  // The worst case is robust only where every attack failed.
  for (std::size_t e = 0; e < 2; ++e) {
    std::int64_t both = 0;
    for (std::size_t i = 0; i < 50; ++i)
      both += audit.runs[e].robust[i] && audit.runs[2 + e].robust[i];
    EXPECT_DOUBLE_EQ(audit.worst_case[e].robust_accuracy, static_cast<double>(both) / 50.0);
  }
  // The batch size does not change any result.
  config.batch_size = 256;
  const AuditResult whole = RunAudit(executor, data, config);
  for (std::size_t r = 0; r < 4; ++r)
    EXPECT_EQ(whole.runs[r].predictions, audit.runs[r].predictions);
}

TEST(Evaluation, RejectsBadConfigurations) {
  Executor executor(OnnxModel::Load(kDir + "logreg.onnx"), {.threads = 1});
  const Dataset data = LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", 64);
  EXPECT_THROW(static_cast<void>(RunAudit(executor, data, {.attacks = {"cw"}, .epsilons = {0.1}})),
               InvalidArgumentError);
  EXPECT_THROW(static_cast<void>(RunAudit(executor, data, {.attacks = {"pgd"}, .epsilons = {}})),
               InvalidArgumentError);
  EXPECT_THROW(static_cast<void>(RunAudit(executor, data, {.epsilons = {-1.0}})),
               InvalidArgumentError);
  EXPECT_THROW(static_cast<void>(RunAudit(executor, data, {.epsilons = {0.1}, .batch_size = 0})),
               InvalidArgumentError);
}

AttackRun MakeRun(const std::string& attack, double eps, double accuracy) {
  AttackRun run;
  run.attack = attack;
  run.epsilon = eps;
  run.robust_accuracy = accuracy;
  return run;
}

TEST(Evaluation, SanityChecksFire) {
  AuditResult audit;
  audit.samples = 10;
  audit.input_size = 4;
  audit.runs = {MakeRun("fgsm", 0.1, 0.5), MakeRun("fgsm", 0.2, 0.6), MakeRun("pgd", 0.1, 0.7),
                MakeRun("pgd", 0.6, 0.4)};
  audit.runs[1].zero_gradient_samples = 3;
  audit.runs[2].nonfinite_gradient_samples = 1;
  const std::vector<std::string> warnings = SanityWarnings(audit, AuditConfig{});
  using ::testing::HasSubstr;
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("fgsm: robust accuracy rises")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("pgd is weaker than fgsm at eps=0.1")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("pgd_linf_0.6: robust accuracy 0.4000")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("all-zero loss gradient")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("non-finite")));
  EXPECT_EQ(warnings.size(), 5U);
  // A healthy audit raises nothing.
  audit.runs = {MakeRun("fgsm", 0.1, 0.5), MakeRun("fgsm", 0.6, 0.0), MakeRun("pgd", 0.1, 0.3),
                MakeRun("pgd", 0.6, 0.0)};
  EXPECT_THAT(SanityWarnings(audit, AuditConfig{}), ::testing::IsEmpty());
}

TEST(Evaluation, LargeEpsilonDrivesRealModelsToZero) {
  // At half the input range PGD must break everything on the fixture CNN: no warning.
  Executor executor(OnnxModel::Load(kDir + "cnn.onnx"), {.threads = 1});
  Dataset data =
      LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", executor.model().input_size());
  data.inputs.conservativeResize(20, Eigen::NoChange);
  data.labels.resize(20);
  AuditConfig config{.attacks = {"pgd"}, .epsilons = {0.5}};
  config.attack.steps = 10;
  const AuditResult audit = RunAudit(executor, data, config);
  EXPECT_EQ(audit.runs[0].robust_accuracy, 0.0);
  EXPECT_THAT(audit.warnings, ::testing::IsEmpty());
}

}  // namespace
}  // namespace rampart::robustness
