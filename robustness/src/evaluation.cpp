// RunAudit and the sanity checks (see evaluation.h).
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/fgsm.h>
#include <rampart/robustness/pgd.h>

namespace rampart::robustness {

double ClassRobustness::robust_accuracy() const {
  return samples == 0 ? 0.0 : static_cast<double>(robust) / static_cast<double>(samples);
}

std::string AttackRun::Key() const {
  return fmt::format("{}_{}_{}", attack, NormName(norm), epsilon);
}

namespace {

double Fraction(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// A robust accuracy above this at an epsilon that covers half the input range means the attack
// is not working (Carlini et al. 2019, section 5.2: unbounded attacks must reach 0%).
constexpr double kLargeEpsilonAccuracy = 0.1;

}  // namespace

AuditResult RunAudit(Executor& executor, const Dataset& data, const AuditConfig& config) {
  if (config.attacks.empty()) {
    throw InvalidArgumentError("no attack given", {.field = "attack"});
  }
  for (const std::string& name : config.attacks) {
    if (name != "fgsm" && name != "pgd") {
      throw InvalidArgumentError(fmt::format("unknown attack '{}' (expected fgsm or pgd)", name),
                                 {.field = "attack"});
    }
  }
  if (config.epsilons.empty()) {
    throw InvalidArgumentError("no epsilon given", {.field = "eps"});
  }
  if (config.batch_size < 1) {
    throw InvalidArgumentError(fmt::format("batch size must be >= 1, got {}", config.batch_size),
                               {.field = "batch-size"});
  }
  if (!data.has_labels()) {
    throw InvalidArgumentError("the data has no labels (give --labels for .npy data)",
                               {.field = "labels"});
  }
  if (!config.attack.targets.empty()) {
    throw InvalidArgumentError("audits are untargeted", {.field = "targets"});
  }
  for (double eps : config.epsilons) {
    AttackConfig check = config.attack;
    check.epsilon = eps;
    ValidateAttackConfig(check, data.inputs.rows());
  }
  const std::int64_t classes = executor.model().output_size();
  AuditResult audit;
  audit.samples = data.inputs.rows();
  audit.classes = classes;
  audit.input_size = data.inputs.cols();
  audit.labels = data.labels;
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] < 0 || data.labels[i] >= classes) {
      throw InputError(fmt::format("label {} of sample {} is outside the model's {} classes",
                                   data.labels[i], i, classes),
                       {.field = "labels"});
    }
  }
  const Eigen::Index n = data.inputs.rows();
  const auto batch = static_cast<Eigen::Index>(config.batch_size);
  audit.clean_predictions.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index begin = 0; begin < n; begin += batch) {
    const Eigen::Index count = std::min(batch, n - begin);
    const std::vector<std::int64_t> chunk = executor.Predict(data.inputs.middleRows(begin, count));
    audit.clean_predictions.insert(audit.clean_predictions.end(), chunk.begin(), chunk.end());
  }
  std::vector<Eigen::Index> correct;  // clean-correct rows: the only ones attacked
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(i);
    if (audit.clean_predictions[row] == data.labels[row]) {
      correct.push_back(i);
    }
  }
  const auto clean_correct = static_cast<std::int64_t>(correct.size());
  audit.clean_accuracy = Fraction(clean_correct, n);

  for (const std::string& name : config.attacks) {
    for (double eps : config.epsilons) {
      AttackConfig attack = config.attack;
      attack.epsilon = eps;
      AttackRun run;
      run.attack = name;
      run.norm = attack.norm;
      run.epsilon = eps;
      const bool pgd = name == "pgd";
      run.steps = pgd ? attack.steps : 1;
      run.step_size = pgd ? EffectiveStepSize(attack) : eps;
      run.random_start = pgd && attack.random_start;
      run.restarts = pgd ? attack.restarts : 1;
      run.predictions = audit.clean_predictions;
      run.robust.assign(static_cast<std::size_t>(n), false);
      for (std::size_t begin = 0; begin < correct.size();
           begin += static_cast<std::size_t>(batch)) {
        const std::size_t end = std::min(correct.size(), begin + static_cast<std::size_t>(batch));
        Batch inputs(static_cast<Eigen::Index>(end - begin), data.inputs.cols());
        std::vector<std::int64_t> labels(end - begin);
        for (std::size_t k = begin; k < end; ++k) {
          inputs.row(static_cast<Eigen::Index>(k - begin)) = data.inputs.row(correct[k]);
          labels[k - begin] = data.labels[static_cast<std::size_t>(correct[k])];
        }
        // Random streams keyed on the data set index: results do not depend on the batching.
        attack.sample_ids.assign(correct.begin() + static_cast<std::ptrdiff_t>(begin),
                                 correct.begin() + static_cast<std::ptrdiff_t>(end));
        AttackResult result;
        if (pgd) {
          result = Pgd(executor, inputs, labels, attack);
        } else {
          result = Fgsm(executor, inputs, labels, attack);
        }
        run.zero_gradient_samples += result.zero_gradient_samples;
        run.nonfinite_gradient_samples += result.nonfinite_gradient_samples;
        for (std::size_t k = begin; k < end; ++k) {
          const auto row = static_cast<std::size_t>(correct[k]);
          run.predictions[row] = result.predictions[k - begin];
          run.robust[row] = !result.success[k - begin];
        }
        if (config.on_progress) {
          config.on_progress(static_cast<std::int64_t>(end - begin));
        }
      }
      std::int64_t robust = 0;
      run.per_class.resize(static_cast<std::size_t>(classes));
      run.confusion.assign(static_cast<std::size_t>(classes),
                           std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
      for (std::int64_t c = 0; c < classes; ++c) {
        run.per_class[static_cast<std::size_t>(c)].label = c;
      }
      for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
        ClassRobustness& cls = run.per_class[static_cast<std::size_t>(data.labels[i])];
        ++cls.samples;
        cls.clean_correct += audit.clean_predictions[i] == data.labels[i] ? 1 : 0;
        cls.robust += run.robust[i] ? 1 : 0;
        robust += run.robust[i] ? 1 : 0;
        const std::int64_t predicted = run.predictions[i];
        if (predicted >= 0 && predicted < classes) {
          ++run.confusion[static_cast<std::size_t>(data.labels[i])]
                         [static_cast<std::size_t>(predicted)];
        }
      }
      run.robust_accuracy = Fraction(robust, n);
      run.attack_success_rate = Fraction(clean_correct - robust, clean_correct);
      audit.runs.push_back(std::move(run));
    }
  }
  for (std::size_t e = 0; e < config.epsilons.size(); ++e) {
    std::int64_t robust = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      bool all = true;
      for (std::size_t a = 0; a < config.attacks.size(); ++a) {
        all = all && audit.runs[a * config.epsilons.size() + e].robust[i];
      }
      robust += all ? 1 : 0;
    }
    audit.worst_case.push_back(
        {.epsilon = config.epsilons[e], .robust_accuracy = Fraction(robust, n)});
  }
  audit.warnings = SanityWarnings(audit, config);
  // Inputs outside the valid range mean the data and --clip disagree (e.g. normalised data with
  // the default 0:1): the attacks would be measured on a different threat model.
  std::int64_t outside = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = data.inputs.row(i);
    outside += (row.minCoeff() < config.attack.clip_min || row.maxCoeff() > config.attack.clip_max)
                   ? 1
                   : 0;
  }
  if (outside > 0) {
    audit.warnings.push_back(fmt::format(
        "{} of {} samples lie outside the clip range [{}, {}]: set --clip to the model's input "
        "range",
        outside, n, config.attack.clip_min, config.attack.clip_max));
  }
  return audit;
}

std::vector<std::string> SanityWarnings(const AuditResult& audit, const AuditConfig& config) {
  std::vector<std::string> warnings;
  // Group runs by attack, sorted by epsilon.
  std::map<std::string, std::vector<const AttackRun*>> by_attack;
  for (const AttackRun& run : audit.runs) {
    by_attack[run.attack].push_back(&run);
  }
  for (auto& [name, runs] : by_attack) {
    std::sort(runs.begin(), runs.end(),
              [](const AttackRun* a, const AttackRun* b) { return a->epsilon < b->epsilon; });
    for (std::size_t k = 1; k < runs.size(); ++k) {
      if (runs[k]->robust_accuracy > runs[k - 1]->robust_accuracy) {
        warnings.push_back(fmt::format(
            "{}: robust accuracy rises with epsilon ({:.4f} at eps={} < {:.4f} at eps={}); a "
            "correct attack can only get stronger with a larger budget (gradient masking or too "
            "few steps)",
            name, runs[k - 1]->robust_accuracy, runs[k - 1]->epsilon, runs[k]->robust_accuracy,
            runs[k]->epsilon));
      }
    }
  }
  if (by_attack.contains("fgsm") && by_attack.contains("pgd")) {
    for (const AttackRun* pgd : by_attack["pgd"]) {
      for (const AttackRun* fgsm : by_attack["fgsm"]) {
        if (fgsm->epsilon == pgd->epsilon && pgd->robust_accuracy > fgsm->robust_accuracy) {
          warnings.push_back(fmt::format(
              "pgd is weaker than fgsm at eps={} ({:.4f} > {:.4f} robust accuracy): an iterative "
              "attack should dominate a single step (increase steps or check for gradient "
              "masking)",
              pgd->epsilon, pgd->robust_accuracy, fgsm->robust_accuracy));
        }
      }
    }
  }
  const double range =
      static_cast<double>(config.attack.clip_max) - static_cast<double>(config.attack.clip_min);
  for (const AttackRun& run : audit.runs) {
    // Half the range in every coordinate; in L2 that is a ball of radius 0.5 * range * sqrt(d).
    const double large = run.norm == Norm::kLinf
                             ? 0.5 * range
                             : 0.5 * range * std::sqrt(static_cast<double>(audit.input_size));
    if (audit.samples > 0 && run.epsilon >= large && run.robust_accuracy > kLargeEpsilonAccuracy) {
      warnings.push_back(fmt::format(
          "{}: robust accuracy {:.4f} at eps={} (half the input range) should be near zero; the "
          "attack is failing (gradient masking?)",
          run.Key(), run.robust_accuracy, run.epsilon));
    }
    if (run.nonfinite_gradient_samples > 0) {
      warnings.push_back(fmt::format("{}: {} samples had non-finite loss gradients", run.Key(),
                                     run.nonfinite_gradient_samples));
    }
    if (run.zero_gradient_samples > 0) {
      warnings.push_back(fmt::format(
          "{}: {} samples had an all-zero loss gradient (vanishing gradients mask attacks)",
          run.Key(), run.zero_gradient_samples));
    }
  }
  return warnings;
}

}  // namespace rampart::robustness
