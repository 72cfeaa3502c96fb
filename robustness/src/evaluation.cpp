// RunAudit and the sanity checks (see evaluation.h).
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/ensemble.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/minimal_perturbation.h>

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

namespace {

bool IsAuditAttack(const std::string& name) {
  return name == "ensemble" || IsAttackName(name);
}

std::string RunLoss(const std::string& attack, Loss configured) {
  if (attack == "apgd-ce") return "ce";
  if (attack == "apgd-dlr") return "dlr";
  if (attack == "ensemble") return "mixed";
  return std::string(LossName(configured));
}

}  // namespace

AuditResult RunAudit(Executor& executor, const Dataset& data, const AuditConfig& config) {
  if (config.attacks.empty()) {
    throw InvalidArgumentError("no attack given", {.field = "attack"});
  }
  for (const std::string& name : config.attacks) {
    if (!IsAuditAttack(name)) {
      throw InvalidArgumentError(
          fmt::format("unknown attack '{}' (expected fgsm, pgd, apgd-ce, apgd-dlr or ensemble)",
                      name),
          {.field = "attack"});
    }
  }
  for (const std::string& name : config.ensemble) {
    if (!IsAttackName(name)) {
      throw InvalidArgumentError(
          fmt::format("unknown ensemble member '{}' (expected fgsm, pgd, apgd-ce or apgd-dlr)",
                      name),
          {.field = "ensemble"});
    }
  }
  if (config.ensemble.empty() &&
      std::find(config.attacks.begin(), config.attacks.end(), "ensemble") != config.attacks.end()) {
    throw InvalidArgumentError("the ensemble has no members", {.field = "ensemble"});
  }
  if (config.epsilons.empty()) {
    throw InvalidArgumentError("no epsilon given", {.field = "eps"});
  }
  if (config.batch_size < 1) {
    throw InvalidArgumentError(fmt::format("batch size must be >= 1, got {}", config.batch_size),
                               {.field = "batch-size"});
  }
  if (config.apgd_steps < 1) {
    throw InvalidArgumentError(fmt::format("APGD steps must be >= 1, got {}", config.apgd_steps),
                               {.field = "apgd-steps"});
  }
  if (config.shard_count < 1 || config.shard_index < 0 ||
      config.shard_index >= config.shard_count) {
    throw InvalidArgumentError(fmt::format("shard {} of {} does not exist (1 <= I <= N)",
                                           config.shard_index + 1, config.shard_count),
                               {.field = "shard"});
  }
  if (config.minimal_perturbation_attack && !IsAttackName(*config.minimal_perturbation_attack)) {
    throw InvalidArgumentError(fmt::format("unknown attack '{}' for the minimal perturbation",
                                           *config.minimal_perturbation_attack),
                               {.field = "minimal-perturbation"});
  }
  if (!(std::isfinite(config.minimal_perturbation_tolerance) &&
        config.minimal_perturbation_tolerance > 0.0)) {
    throw InvalidArgumentError(fmt::format("the bisection tolerance must be > 0, got {}",
                                           config.minimal_perturbation_tolerance),
                               {.field = "minimal-perturbation-tolerance"});
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
    ValidateAttackConfig(check, 0);
  }
  const std::int64_t classes = executor.model().output_size();
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] < 0 || data.labels[i] >= classes) {
      throw InputError(fmt::format("label {} of sample {} is outside the model's {} classes",
                                   data.labels[i], i, classes),
                       {.field = "labels"});
    }
  }
  AuditResult audit;
  audit.classes = classes;
  audit.input_size = data.inputs.cols();
  audit.total_samples = data.inputs.rows();
  // This shard's rows: every shard_count-th sample, so shards stay balanced on sorted data.
  for (std::int64_t i = config.shard_index; i < audit.total_samples; i += config.shard_count) {
    audit.indices.push_back(i);
  }
  const auto n = static_cast<Eigen::Index>(audit.indices.size());
  audit.samples = n;
  Batch inputs(n, data.inputs.cols());
  for (Eigen::Index k = 0; k < n; ++k) {
    const std::int64_t i = audit.indices[static_cast<std::size_t>(k)];
    inputs.row(k) = data.inputs.row(i);
    audit.labels.push_back(data.labels[static_cast<std::size_t>(i)]);
  }
  const auto batch = static_cast<Eigen::Index>(config.batch_size);
  audit.clean_predictions.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index begin = 0; begin < n; begin += batch) {
    const Eigen::Index count = std::min(batch, n - begin);
    const std::vector<std::int64_t> chunk = executor.Predict(inputs.middleRows(begin, count));
    audit.clean_predictions.insert(audit.clean_predictions.end(), chunk.begin(), chunk.end());
  }
  std::vector<Eigen::Index> correct;  // clean-correct rows: the only ones attacked
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(i);
    if (audit.clean_predictions[row] == audit.labels[row]) {
      correct.push_back(i);
    }
  }
  // Gathers a batch of clean-correct rows [begin, end) with their labels and global ids.
  const auto gather = [&](std::size_t begin, std::size_t end, Batch& x,
                          std::vector<std::int64_t>& y, std::vector<std::int64_t>& ids) {
    x.resize(static_cast<Eigen::Index>(end - begin), inputs.cols());
    y.resize(end - begin);
    ids.resize(end - begin);
    for (std::size_t k = begin; k < end; ++k) {
      const auto row = static_cast<std::size_t>(correct[k]);
      x.row(static_cast<Eigen::Index>(k - begin)) = inputs.row(correct[k]);
      y[k - begin] = audit.labels[row];
      // Random streams keyed on the data set index: results depend on neither batch nor shard.
      ids[k - begin] = audit.indices[row];
    }
  };

  for (const std::string& name : config.attacks) {
    for (double eps : config.epsilons) {
      AttackConfig attack = config.attack;
      attack.epsilon = eps;
      const bool apgd = name.starts_with("apgd");
      if (apgd) attack.steps = config.apgd_steps;
      AttackRun run;
      run.attack = name;
      run.loss = RunLoss(name, attack.loss);
      run.norm = attack.norm;
      run.epsilon = eps;
      const bool ensemble = name == "ensemble";
      const bool iterative = name == "pgd" || apgd || ensemble;
      run.steps = iterative ? attack.steps : 1;
      // APGD adapts its step; the report shows its initial one (2 epsilon).
      run.step_size = name == "pgd" ? EffectiveStepSize(attack) : (apgd ? 2.0 * eps : eps);
      if (ensemble) {
        // The longest member's iterations; the members' steps differ, so no single step size.
        run.steps = 1;
        for (const std::string& member : config.ensemble) {
          run.steps = std::max(run.steps, member.starts_with("apgd")
                                              ? config.apgd_steps
                                              : (member == "pgd" ? config.attack.steps : 1));
        }
        run.step_size = 0.0;
      }
      run.random_start = iterative && attack.random_start;
      run.restarts = iterative ? attack.restarts : 1;
      run.predictions = audit.clean_predictions;
      run.robust.assign(static_cast<std::size_t>(n), false);
      for (std::size_t begin = 0; begin < correct.size();
           begin += static_cast<std::size_t>(batch)) {
        const std::size_t end = std::min(correct.size(), begin + static_cast<std::size_t>(batch));
        Batch x;
        std::vector<std::int64_t> labels;
        gather(begin, end, x, labels, attack.sample_ids);
        AttackResult result;
        if (name == "ensemble") {
          std::vector<EnsembleMember> members;
          for (const std::string& member : config.ensemble) {
            AttackConfig member_config = attack;
            member_config.steps =
                member.starts_with("apgd") ? config.apgd_steps : config.attack.steps;
            members.push_back({.attack = member, .config = member_config});
          }
          result = RunEnsemble(members, executor, x, labels);
        } else {
          result = RunAttack(name, executor, x, labels, attack);
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
      audit.runs.push_back(std::move(run));
    }
  }
  if (config.minimal_perturbation_attack) {
    audit.minimal_perturbation.assign(static_cast<std::size_t>(n), 0.0);
    MinimalPerturbationConfig minimal{
        .attack = *config.minimal_perturbation_attack,
        .attack_config = config.attack,
        .max_epsilon = *std::max_element(config.epsilons.begin(), config.epsilons.end()),
        .tolerance = config.minimal_perturbation_tolerance};
    if (minimal.attack.starts_with("apgd")) minimal.attack_config.steps = config.apgd_steps;
    for (std::size_t begin = 0; begin < correct.size(); begin += static_cast<std::size_t>(batch)) {
      const std::size_t end = std::min(correct.size(), begin + static_cast<std::size_t>(batch));
      Batch x;
      std::vector<std::int64_t> labels;
      gather(begin, end, x, labels, minimal.attack_config.sample_ids);
      const MinimalPerturbationResult result = MinimalPerturbation(executor, x, labels, minimal);
      for (std::size_t k = begin; k < end; ++k) {
        audit.minimal_perturbation[static_cast<std::size_t>(correct[k])] =
            result.distance[k - begin];
      }
    }
  }
  // Inputs outside the valid range mean the data and --clip disagree (e.g. normalised data with
  // the default 0:1): the attacks would be measured on a different threat model.
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = inputs.row(i);
    audit.outside_clip_samples +=
        (row.minCoeff() < config.attack.clip_min || row.maxCoeff() > config.attack.clip_max) ? 1
                                                                                             : 0;
  }
  SummarizeAudit(audit, config);
  return audit;
}

void SummarizeAudit(AuditResult& audit, const AuditConfig& config) {
  const auto n = static_cast<std::size_t>(audit.samples);
  const std::int64_t classes = audit.classes;
  if (audit.labels.size() != n || audit.clean_predictions.size() != n ||
      (!audit.minimal_perturbation.empty() && audit.minimal_perturbation.size() != n)) {
    throw InputError(fmt::format("per-sample results do not match the {} samples", n),
                     {.field = "per_sample"});
  }
  std::int64_t clean_correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (audit.labels[i] < 0 || audit.labels[i] >= classes) {
      throw InputError(fmt::format("label {} of sample {} is outside the {} classes",
                                   audit.labels[i], i, classes),
                       {.field = "labels"});
    }
    clean_correct += audit.clean_predictions[i] == audit.labels[i] ? 1 : 0;
  }
  const auto total = static_cast<std::int64_t>(n);
  audit.clean_accuracy = Fraction(clean_correct, total);
  for (AttackRun& run : audit.runs) {
    if (run.predictions.size() != n || run.robust.size() != n) {
      throw InputError(
          fmt::format("{}: per-sample results do not match the {} samples", run.Key(), n),
          {.field = "per_sample"});
    }
    std::int64_t robust = 0;
    run.per_class.assign(static_cast<std::size_t>(classes), ClassRobustness{});
    run.confusion.assign(static_cast<std::size_t>(classes),
                         std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
    for (std::int64_t c = 0; c < classes; ++c) {
      run.per_class[static_cast<std::size_t>(c)].label = c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      ClassRobustness& cls = run.per_class[static_cast<std::size_t>(audit.labels[i])];
      ++cls.samples;
      cls.clean_correct += audit.clean_predictions[i] == audit.labels[i] ? 1 : 0;
      cls.robust += run.robust[i] ? 1 : 0;
      robust += run.robust[i] ? 1 : 0;
      const std::int64_t predicted = run.predictions[i];
      if (predicted >= 0 && predicted < classes) {
        ++run.confusion[static_cast<std::size_t>(audit.labels[i])]
                       [static_cast<std::size_t>(predicted)];
      }
    }
    run.robust_accuracy = Fraction(robust, total);
    run.attack_success_rate = Fraction(clean_correct - robust, clean_correct);
  }
  audit.worst_case.clear();
  std::vector<double> epsilons;
  for (const AttackRun& run : audit.runs) {
    if (std::find(epsilons.begin(), epsilons.end(), run.epsilon) == epsilons.end()) {
      epsilons.push_back(run.epsilon);
    }
  }
  for (const double eps : epsilons) {
    std::int64_t robust = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bool all = true;
      for (const AttackRun& run : audit.runs) {
        all = all && (run.epsilon != eps || run.robust[i]);
      }
      robust += all ? 1 : 0;
    }
    audit.worst_case.push_back({.epsilon = eps, .robust_accuracy = Fraction(robust, total)});
  }
  audit.minimal_perturbation_summary.reset();
  if (config.minimal_perturbation_attack && !audit.minimal_perturbation.empty()) {
    std::vector<double> distances;
    for (std::size_t i = 0; i < n; ++i) {
      if (audit.clean_predictions[i] == audit.labels[i]) {
        distances.push_back(audit.minimal_perturbation[i]);
      }
    }
    MinimalPerturbationSummary summary{
        .attack = *config.minimal_perturbation_attack,
        .max_epsilon = config.epsilons.empty()
                           ? 0.0
                           : *std::max_element(config.epsilons.begin(), config.epsilons.end()),
        .tolerance = config.minimal_perturbation_tolerance,
        .attacked = static_cast<std::int64_t>(distances.size()),
        .median = MedianDistance(distances),
        .mean = MeanFiniteDistance(distances)};
    for (const double d : distances) summary.broken += std::isfinite(d) ? 1 : 0;
    audit.minimal_perturbation_summary = summary;
  }
  audit.warnings = SanityWarnings(audit, config);
  if (audit.outside_clip_samples > 0) {
    audit.warnings.push_back(fmt::format(
        "{} of {} samples lie outside the clip range [{}, {}]: set --clip to the model's input "
        "range",
        audit.outside_clip_samples, n, config.attack.clip_min, config.attack.clip_max));
  }
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
  // A DLR/margin attack far stronger than every cross-entropy one at the same epsilon: the CE
  // gradient is vanishing (saturated softmax, huge logits) while the scale-invariant DLR loss
  // still points somewhere. The tolerance leaves room for ordinary differences between losses.
  constexpr double kLossGap = 0.05;
  for (const AttackRun& scale_free : audit.runs) {
    if (scale_free.loss != "dlr" && scale_free.loss != "margin") continue;
    for (const AttackRun& ce : audit.runs) {
      // Iterative CE attacks only: a single FGSM step is legitimately weaker.
      if (ce.loss == "ce" && ce.attack != "fgsm" && ce.epsilon == scale_free.epsilon &&
          ce.robust_accuracy > scale_free.robust_accuracy + kLossGap) {
        warnings.push_back(fmt::format(
            "{} is weaker than {} at eps={} ({:.4f} > {:.4f} robust accuracy): the cross-entropy "
            "gradient looks masked (saturated softmax); trust the {} loss",
            ce.attack, scale_free.attack, ce.epsilon, ce.robust_accuracy,
            scale_free.robust_accuracy, scale_free.loss));
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
