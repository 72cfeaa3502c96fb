// A real gradient-masking model: the fixture MLP with its logits multiplied by 10^4. Every
// decision is unchanged, but the softmax saturates in float32, so the cross-entropy gradient
// of (almost) every sample is exactly zero and CE attacks stall. The sanity checks must flag it,
// and the scale-free losses (DLR, margin) must still break it as they break the original model.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/robustness/dataset.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/executor.h>

#include "scaled_model.h"

namespace rampart::robustness {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

double Accuracy(const AuditResult& audit, const std::string& attack) {
  for (const AttackRun& run : audit.runs) {
    if (run.attack == attack) return run.robust_accuracy;
  }
  ADD_FAILURE() << "no run " << attack;
  return -1.0;
}

TEST(GradientMasking, SaturatedSoftmaxIsFlaggedAndBrokenByScaleFreeLosses) {
  const Dataset data = LoadDataset(kDir + "demo_x.npy", kDir + "demo_y.npy", 64);
  AuditConfig config{.attacks = {"pgd", "apgd-dlr"}, .epsilons = {0.3}, .apgd_steps = 30};
  config.attack.steps = 20;
  config.attack.random_start = false;
  config.attack.seed = 3;
  AuditConfig margin = config;
  margin.attacks = {"pgd"};
  margin.attack.loss = Loss::kMargin;

  Executor original(OnnxModel::Load(kDir + "mlp.onnx"), {.threads = 1});
  const AuditResult plain = RunAudit(original, data, config);
  const AuditResult plain_margin = RunAudit(original, data, margin);
  Executor masked(testing::ScaledModel(kDir + "mlp.onnx", 1e4F), {.threads = 1});
  const AuditResult hidden = RunAudit(masked, data, config);
  const AuditResult hidden_margin = RunAudit(masked, data, margin);

  std::cout << "clean " << plain.clean_accuracy << " / " << hidden.clean_accuracy << "; PGD-CE "
            << Accuracy(plain, "pgd") << " -> " << Accuracy(hidden, "pgd") << "; APGD-DLR "
            << Accuracy(plain, "apgd-dlr") << " -> " << Accuracy(hidden, "apgd-dlr")
            << "; PGD-margin " << Accuracy(plain_margin, "pgd") << " -> "
            << Accuracy(hidden_margin, "pgd") << "\n";
  // Same decisions.
  EXPECT_EQ(plain.clean_predictions, hidden.clean_predictions);
  // CE-PGD is fooled: it breaks (almost) nothing on the masked model while it breaks the
  // original; the scale-free attacks are as strong as on the original model.
  EXPECT_LT(Accuracy(plain, "pgd"), hidden.clean_accuracy - 0.2);
  EXPECT_GE(Accuracy(hidden, "pgd"), hidden.clean_accuracy - 0.05);
  EXPECT_LE(Accuracy(hidden, "apgd-dlr"), Accuracy(plain, "apgd-dlr") + 0.04);
  EXPECT_LE(Accuracy(hidden_margin, "pgd"), Accuracy(plain_margin, "pgd") + 0.04);
  EXPECT_LT(Accuracy(hidden, "apgd-dlr"), Accuracy(hidden, "pgd") - 0.2);

  using ::testing::Contains;
  using ::testing::HasSubstr;
  EXPECT_THAT(hidden.warnings, Contains(HasSubstr("all-zero loss gradient")));
  EXPECT_THAT(hidden.warnings, Contains(HasSubstr("cross-entropy gradient looks masked")));
  EXPECT_THAT(plain.warnings, ::testing::Not(Contains(HasSubstr("looks masked"))));
  EXPECT_THAT(plain.warnings, ::testing::Not(Contains(HasSubstr("all-zero"))));
}

}  // namespace
}  // namespace rampart::robustness
