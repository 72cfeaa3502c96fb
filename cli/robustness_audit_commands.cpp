// `rampart robustness audit`: attack an ONNX classifier with FGSM/PGD/APGD (and their worst-case
// ensemble) over a list of epsilons, gate on the robust accuracy, and report in JSON, Markdown,
// HTML or JUnit. `--shard I/N` audits every N-th sample and writes the per-sample results, and
// `rampart robustness merge` puts shard reports back together into the report of one run. The
// measurements are rampart::robustness::RunAudit / SummarizeAudit; this file parses flags,
// reads and writes reports, and renders.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <rampart/common/atomic_file.h>
#include <rampart/common/error.h>
#include <rampart/common/html_writer.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/junit_writer.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/progress.h>
#include <rampart/common/report.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/evaluation.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/loss.h>
#include <rampart/robustness/onnx_model.h>

#include "context.h"
#include "robustness_certify.h"
#include "robustness_inputs.h"

namespace rampart::cli {

namespace {

struct AuditOptions {
  std::string model;
  std::string data;
  std::string labels;
  std::vector<std::string> attacks{"fgsm", "pgd"};
  std::string norm = "linf";
  std::string loss = "ce";
  int apgd_steps = 100;
  std::vector<std::string> ensemble{"apgd-ce", "apgd-dlr"};
  std::string minimal_perturbation;
  double minimal_perturbation_tolerance = 1e-3;
  std::string shard;
  std::vector<double> epsilons;
  int steps = 10;
  double step_size = 0.0;
  double step_fraction = 0.0;
  bool step_size_given = false;
  bool step_fraction_given = false;
  bool no_random_start = false;
  bool no_early_stop = false;
  int restarts = 1;
  std::uint64_t seed = 0;
  std::string clip = "0:1";
  std::int64_t batch_size = 256;
  double min_robust_accuracy = 0.0;
  bool gate_given = false;
  std::string per_sample;
  std::string baseline;
  double max_drop = 0.0;
  bool max_drop_given = false;
  AuditCertifyOptions certify;
  OutputOptions output;
};

robustness::Loss ParseLoss(const std::string& text) {
  for (const robustness::Loss loss :
       {robustness::Loss::kCrossEntropy, robustness::Loss::kMargin, robustness::Loss::kDlr}) {
    if (robustness::LossName(loss) == text) {
      return loss;
    }
  }
  throw InvalidArgumentError(fmt::format("unknown loss '{}' (expected ce, margin or dlr)", text),
                             {.field = "loss"});
}

// "I/N" with 1 <= I <= N, as 0-based index and count.
std::pair<std::int64_t, std::int64_t> ParseShard(const std::string& text) {
  const std::size_t slash = text.find('/');
  try {
    if (slash == std::string::npos) {
      throw std::invalid_argument("no slash");
    }
    std::size_t used_i = 0;
    std::size_t used_n = 0;
    const std::string i_text = text.substr(0, slash);
    const std::string n_text = text.substr(slash + 1);
    const long long index = std::stoll(i_text, &used_i);
    const long long count = std::stoll(n_text, &used_n);
    if (used_i != i_text.size() || used_n != n_text.size() || count < 1 || index < 1 ||
        index > count) {
      throw std::invalid_argument("out of range");
    }
    return {index - 1, count};
  } catch (const std::exception&) {
    throw InvalidArgumentError(
        fmt::format("--shard must be I/N with 1 <= I <= N (e.g. 2/4), got '{}'", text),
        {.field = "shard"});
  }
}

std::pair<float, float> ParseClip(const std::string& text) {
  const std::size_t colon = text.find(':');
  try {
    if (colon == std::string::npos) {
      throw std::invalid_argument("no colon");
    }
    std::size_t used_lo = 0;
    std::size_t used_hi = 0;
    const std::string lo_text = text.substr(0, colon);
    const std::string hi_text = text.substr(colon + 1);
    const float lo = std::stof(lo_text, &used_lo);
    const float hi = std::stof(hi_text, &used_hi);
    if (used_lo != lo_text.size() || used_hi != hi_text.size()) {
      throw std::invalid_argument("trailing characters");
    }
    return {lo, hi};
  } catch (const std::exception&) {
    throw InvalidArgumentError(fmt::format("--clip must be LO:HI (e.g. 0:1), got '{}'", text),
                               {.field = "clip"});
  }
}

std::string Percent(double fraction) {
  return fmt::format("{:.2f}%", 100.0 * fraction);
}

struct Gate {
  std::optional<double> threshold;
  bool passed = true;
  [[nodiscard]] bool Fails(const robustness::AttackRun& run) const {
    return threshold && run.robust_accuracy < *threshold;
  }
};

// The comparison with a previous audit's JSON report: a regression is an attack x norm x epsilon
// present in both whose robust accuracy dropped by more than max_drop.
struct Regression {
  std::string key;
  double baseline = 0.0;
  double current = 0.0;
};

struct BaselineCheck {
  std::string path;
  double max_drop = 0.0;
  std::int64_t compared = 0;
  std::vector<Regression> regressions;
  [[nodiscard]] bool passed() const { return regressions.empty(); }
  [[nodiscard]] const Regression* Find(const std::string& key) const {
    for (const Regression& r : regressions) {
      if (r.key == key) {
        return &r;
      }
    }
    return nullptr;
  }
};

BaselineCheck CompareWithBaseline(const std::string& path, double max_drop,
                                  const robustness::AuditResult& audit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw NotFoundError("cannot open baseline report", {.file = path});
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("baseline is not JSON: {}", e.what()), {.file = path});
  }
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
    throw InputError("baseline has no 'results' array (is it a robustness audit JSON report?)",
                     {.file = path, .field = "results"});
  }
  std::map<std::string, double> previous;
  for (std::size_t i = 0; i < doc["results"].size(); ++i) {
    const nlohmann::json& entry = doc["results"][i];
    const std::string field = fmt::format("results[{}]", i);
    if (!entry.is_object() || !entry.contains("attack") || !entry["attack"].is_string() ||
        !entry.contains("norm") || !entry["norm"].is_string() || !entry.contains("epsilon") ||
        !entry["epsilon"].is_number() || !entry.contains("robust_accuracy") ||
        !entry["robust_accuracy"].is_number()) {
      throw InputError("needs attack, norm, epsilon and robust_accuracy",
                       {.file = path, .field = field});
    }
    previous[fmt::format("{}_{}_{}", entry["attack"].get<std::string>(),
                         entry["norm"].get<std::string>(), entry["epsilon"].get<double>())] =
        entry["robust_accuracy"].get<double>();
  }
  BaselineCheck check{.path = path, .max_drop = max_drop};
  for (const robustness::AttackRun& run : audit.runs) {
    const auto found = previous.find(run.Key());
    if (found == previous.end()) {
      continue;
    }
    ++check.compared;
    if (found->second - run.robust_accuracy > max_drop) {
      check.regressions.push_back(
          {.key = run.Key(), .baseline = found->second, .current = run.robust_accuracy});
    }
  }
  return check;
}

std::string JUnitName(const robustness::AttackRun& run) {
  return fmt::format("{}_{}_eps={}", run.attack, robustness::NormName(run.norm), run.epsilon);
}

nlohmann::json ToJson(const AuditOptions& options, const robustness::AuditConfig& config,
                      const robustness::AuditResult& audit, const Gate& gate,
                      const std::optional<BaselineCheck>& baseline, const ReportInputs& inputs) {
  nlohmann::json doc = NewJsonDocument();
  AddReportInputs(inputs, doc);
  doc["samples"] = audit.samples;
  doc["classes"] = audit.classes;
  doc["input_size"] = audit.input_size;
  doc["clean_accuracy"] = audit.clean_accuracy;
  doc["seed"] = config.attack.seed;
  doc["parameters"] = {
      {"attacks", config.attacks},
      {"norm", robustness::NormName(config.attack.norm)},
      {"epsilons", config.epsilons},
      {"steps", config.attack.steps},
      {"step_size", config.attack.step_size ? nlohmann::json(*config.attack.step_size)
                                            : nlohmann::json(nullptr)},
      {"step_fraction", config.attack.step_fraction ? nlohmann::json(*config.attack.step_fraction)
                                                    : nlohmann::json(nullptr)},
      {"random_start", config.attack.random_start},
      {"restarts", config.attack.restarts},
      {"seed", config.attack.seed},
      {"clip", {config.attack.clip_min, config.attack.clip_max}},
      {"batch_size", config.batch_size},
      {"loss", robustness::LossName(config.attack.loss)},
      {"early_stop", config.attack.early_stop},
      {"apgd_steps", config.apgd_steps},
      {"ensemble", config.ensemble},
      {"minimal_perturbation_attack", config.minimal_perturbation_attack
                                          ? nlohmann::json(*config.minimal_perturbation_attack)
                                          : nlohmann::json(nullptr)},
      {"minimal_perturbation_tolerance", config.minimal_perturbation_tolerance},
  };
  nlohmann::json results = nlohmann::json::array();
  for (const robustness::AttackRun& run : audit.runs) {
    nlohmann::json per_class = nlohmann::json::array();
    for (const robustness::ClassRobustness& cls : run.per_class) {
      per_class.push_back({{"label", cls.label},
                           {"samples", cls.samples},
                           {"clean_correct", cls.clean_correct},
                           {"robust", cls.robust},
                           {"robust_accuracy", cls.robust_accuracy()}});
    }
    results.push_back({{"attack", run.attack},
                       {"loss", run.loss},
                       {"norm", robustness::NormName(run.norm)},
                       {"epsilon", run.epsilon},
                       {"steps", run.steps},
                       {"step_size", run.step_size},
                       {"random_start", run.random_start},
                       {"restarts", run.restarts},
                       {"robust_accuracy", run.robust_accuracy},
                       {"attack_success_rate", run.attack_success_rate},
                       {"per_class", per_class},
                       {"confusion", run.confusion},
                       {"zero_gradient_samples", run.zero_gradient_samples},
                       {"nonfinite_gradient_samples", run.nonfinite_gradient_samples},
                       {"passed", !gate.Fails(run)}});
  }
  doc["results"] = results;
  nlohmann::json worst = nlohmann::json::array();
  for (const robustness::WorstCase& w : audit.worst_case) {
    worst.push_back({{"epsilon", w.epsilon}, {"robust_accuracy", w.robust_accuracy}});
  }
  doc["worst_case"] = worst;
  if (audit.minimal_perturbation_summary) {
    const robustness::MinimalPerturbationSummary& m = *audit.minimal_perturbation_summary;
    doc["minimal_perturbation"] = {
        {"attack", m.attack},           {"norm", robustness::NormName(config.attack.norm)},
        {"max_epsilon", m.max_epsilon}, {"tolerance", m.tolerance},
        {"attacked", m.attacked},       {"broken", m.broken},
        {"median", m.median},           {"mean", m.mean}};
  }
  doc["warnings"] = audit.warnings;
  doc["gate"] = {
      {"threshold", gate.threshold ? nlohmann::json(*gate.threshold) : nlohmann::json(nullptr)},
      {"passed", gate.passed}};
  if (baseline) {
    nlohmann::json regressions = nlohmann::json::array();
    for (const Regression& r : baseline->regressions) {
      regressions.push_back({{"result", r.key},
                             {"baseline_robust_accuracy", r.baseline},
                             {"robust_accuracy", r.current},
                             {"drop", r.baseline - r.current}});
    }
    doc["baseline"] = {{"file", baseline->path},
                       {"max_drop", baseline->max_drop},
                       {"compared", baseline->compared},
                       {"regressions", regressions},
                       {"passed", baseline->passed()}};
  }
  if (!options.shard.empty()) {
    // Everything `robustness merge` needs to rebuild the unsharded audit exactly.
    doc["shard"] = {{"index", config.shard_index + 1},
                    {"count", config.shard_count},
                    {"total_samples", audit.total_samples}};
    nlohmann::json runs = nlohmann::json::array();
    for (const robustness::AttackRun& run : audit.runs) {
      runs.push_back({{"result", run.Key()},
                      {"prediction", run.predictions},
                      {"robust", run.robust},
                      {"zero_gradient_samples", run.zero_gradient_samples},
                      {"nonfinite_gradient_samples", run.nonfinite_gradient_samples}});
    }
    doc["per_sample"] = {{"index", audit.indices},
                         {"label", audit.labels},
                         {"clean_prediction", audit.clean_predictions},
                         {"outside_clip_samples", audit.outside_clip_samples},
                         {"minimal_perturbation", audit.minimal_perturbation},
                         {"runs", runs}};
  }
  return doc;
}

Table ResultsTable(const robustness::AuditResult& audit, const Gate& gate) {
  Table table;
  table.headers = {
      "attack", "norm", "epsilon", "steps", "step size", "robust accuracy", "attack success rate",
      "gate"};
  table.align = {Align::kLeft,  Align::kLeft,  Align::kRight, Align::kRight,
                 Align::kRight, Align::kRight, Align::kRight, Align::kLeft};
  for (const robustness::AttackRun& run : audit.runs) {
    table.rows.push_back(
        {run.attack, std::string(robustness::NormName(run.norm)), fmt::format("{}", run.epsilon),
         std::to_string(run.steps),
         run.attack == "ensemble" ? std::string("-") : fmt::format("{:.4g}", run.step_size),
         Percent(run.robust_accuracy), Percent(run.attack_success_rate),
         !gate.threshold ? "-" : (gate.Fails(run) ? "fail" : "pass")});
  }
  return table;
}

Table WorstCaseTable(const robustness::AuditResult& audit) {
  Table table;
  table.headers = {"epsilon", "worst-case robust accuracy (all attacks)"};
  table.align = {Align::kRight, Align::kRight};
  for (const robustness::WorstCase& w : audit.worst_case) {
    table.rows.push_back({fmt::format("{}", w.epsilon), Percent(w.robust_accuracy)});
  }
  return table;
}

Table PerClassTable(const robustness::AuditResult& audit) {
  Table table;
  table.headers = {"class", "samples"};
  for (const robustness::AttackRun& run : audit.runs) {
    table.headers.push_back(run.Key());
  }
  for (std::size_t c = 0; c < static_cast<std::size_t>(audit.classes); ++c) {
    std::vector<std::string> row{
        std::to_string(c),
        audit.runs.empty() ? "0" : std::to_string(audit.runs[0].per_class[c].samples)};
    for (const robustness::AttackRun& run : audit.runs) {
      row.push_back(run.per_class[c].samples == 0 ? "-"
                                                  : Percent(run.per_class[c].robust_accuracy()));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string Distance(double value) {
  return std::isfinite(value) ? fmt::format("{:.4g}", value) : std::string("unbroken");
}

std::string MinimalPerturbationLine(const robustness::MinimalPerturbationSummary& m) {
  return fmt::format(
      "Minimal perturbation ({}, bisection to {} up to eps {}): median {}, mean {} over the {} "
      "of {} clean-correct samples broken within eps {}.",
      m.attack, m.tolerance, m.max_epsilon, Distance(m.median), Distance(m.mean), m.broken,
      m.attacked, m.max_epsilon);
}

std::string GateLine(const Gate& gate) {
  if (!gate.threshold) {
    return "No gate (--min-robust-accuracy not given).";
  }
  return fmt::format("Gate: robust accuracy >= {} for every attack and epsilon: {}",
                     Percent(*gate.threshold), gate.passed ? "PASSED" : "FAILED");
}

std::string BaselineLine(const BaselineCheck& baseline) {
  return fmt::format("Baseline {}: {} results compared, max drop {}: {}", baseline.path,
                     baseline.compared, Percent(baseline.max_drop),
                     baseline.passed()
                         ? "no regression"
                         : fmt::format("{} regressions", baseline.regressions.size()));
}

std::vector<std::string> RegressionLines(const BaselineCheck& baseline) {
  std::vector<std::string> lines;
  for (const Regression& r : baseline.regressions) {
    lines.push_back(fmt::format("{}: {} -> {} (drop {})", r.key, Percent(r.baseline),
                                Percent(r.current), Percent(r.baseline - r.current)));
  }
  return lines;
}

std::string RenderMarkdown(const AuditOptions& options, const robustness::AuditResult& audit,
                           const Gate& gate, const std::optional<BaselineCheck>& baseline) {
  MarkdownWriter md;
  md.Heading(2, fmt::format("Robustness audit: {}",
                            std::filesystem::path(options.model).filename().string()));
  md.Raw(fmt::format("{} {}",
                     gate.passed ? ":white_check_mark:" : ":x:", EscapeMarkdown(GateLine(gate))));
  md.Paragraph(fmt::format("{} samples, clean accuracy {}, seed {}.", audit.samples,
                           Percent(audit.clean_accuracy), options.seed));
  if (baseline) {
    md.Paragraph(BaselineLine(*baseline));
    md.Bullets(RegressionLines(*baseline));
  }
  md.AddTable(ResultsTable(audit, gate));
  md.AddTable(WorstCaseTable(audit));
  if (audit.minimal_perturbation_summary) {
    md.Paragraph(MinimalPerturbationLine(*audit.minimal_perturbation_summary));
  }
  if (!audit.warnings.empty()) {
    md.Heading(3, "Sanity-check warnings");
    md.Bullets(audit.warnings);
  }
  return md.str();
}

// An inline SVG line chart of robust accuracy against epsilon, one line per attack plus the
// worst case, and with --certify-sigma the certified accuracy of the smoothed model (dashed).
std::string RobustnessCurveSvg(const robustness::AuditResult& audit,
                               const std::optional<AuditCertification>& certification) {
  constexpr double kWidth = 520;
  constexpr double kHeight = 300;
  constexpr double kLeft = 50;
  constexpr double kBottom = 40;
  constexpr double kTop = 15;
  constexpr double kRight = 130;
  double max_eps = 0.0;
  for (const robustness::WorstCase& w : audit.worst_case) {
    max_eps = std::max(max_eps, w.epsilon);
  }
  if (max_eps <= 0.0) {
    max_eps = 1.0;
  }
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double eps) { return kLeft + plot_w * eps / max_eps; };
  const auto py = [&](double acc) { return kTop + plot_h * (1.0 - acc); };
  std::string svg =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" )"
                  R"(aria-label="robust accuracy against epsilon">)",
                  kWidth, kHeight);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999"/>)",
                     kLeft, kTop, plot_w, plot_h);
  for (int tick = 0; tick <= 4; ++tick) {
    const double acc = tick / 4.0;
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" font-size="11" text-anchor="end">{:.0f}%</text>)",
                       kLeft - 5, py(acc) + 4, acc * 100);
  }
  svg +=
      fmt::format(R"(<text x="{}" y="{}" font-size="11">0</text>)", kLeft, kHeight - kBottom + 15);
  svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>)",
                     kLeft + plot_w, kHeight - kBottom + 15, max_eps);
  svg += fmt::format(R"(<text x="{}" y="{}" font-size="12" text-anchor="middle">epsilon</text>)",
                     kLeft + plot_w / 2, kHeight - 8);
  std::map<std::string, std::vector<std::pair<double, double>>> lines;
  for (const robustness::AttackRun& run : audit.runs) {
    lines[run.attack].emplace_back(run.epsilon, run.robust_accuracy);
  }
  for (const robustness::WorstCase& w : audit.worst_case) {
    lines["worst case"].emplace_back(w.epsilon, w.robust_accuracy);
  }
  const std::vector<std::string> colors{"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  std::size_t index = 0;
  for (auto& [name, points] : lines) {
    std::sort(points.begin(), points.end());
    const std::string& color = colors[index % colors.size()];
    std::string path;
    for (const auto& [eps, acc] : points) {
      path += fmt::format("{:.1f},{:.1f} ", px(eps), py(acc));
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>)", px(eps), py(acc),
                         color);
    }
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>)", color,
                       path);
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="12" fill="{}">{}</text>)",
                       kLeft + plot_w + 10, kTop + 15 + 18 * static_cast<double>(index), color,
                       EscapeHtml(name));
    ++index;
  }
  if (certification) {
    // Another model (the smoothed one) and a lower bound: its own colour, dashed.
    constexpr const char* kCertifiedColor = "#ff7f0e";
    std::string path;
    for (const auto& [eps, acc] : AuditCertifiedSeries(*certification)) {
      path += fmt::format("{:.1f},{:.1f} ", px(eps), py(acc));
      svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="6" height="6" fill="{}"/>)",
                         px(eps) - 3, py(acc) - 3, kCertifiedColor);
    }
    svg += fmt::format(R"(<polyline class="certified" fill="none" stroke="{}" stroke-width="2" )"
                       R"(stroke-dasharray="6,4" points="{}"/>)",
                       kCertifiedColor, path);
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="12" fill="{}">certified σ {}</text>)",
                       kLeft + plot_w + 10, kTop + 15 + 18 * static_cast<double>(index),
                       kCertifiedColor, certification->options.sigma);
  }
  svg += "</svg>";
  return svg;
}

std::string RenderHtml(const AuditOptions& options, const robustness::AuditResult& audit,
                       const Gate& gate, const std::optional<BaselineCheck>& baseline,
                       const ReportInputs& inputs,
                       const std::optional<AuditCertification>& certification) {
  HtmlDocument page("Robustness audit");
  page.Heading(1, "Robustness audit");
  std::vector<std::pair<std::string, std::string>> summary = ReportInputRows(inputs);
  summary.insert(summary.end(), {{"Samples", std::to_string(audit.samples)},
                                 {"Clean accuracy", Percent(audit.clean_accuracy)},
                                 {"Seed", std::to_string(options.seed)},
                                 {"Gate", GateLine(gate)}});
  page.Summary(summary);
  if (baseline) {
    page.Heading(2, "Comparison with the baseline");
    page.Paragraph(BaselineLine(*baseline));
    page.Bullets(RegressionLines(*baseline));
  }
  page.Heading(2, "Robustness curve");
  page.RawHtml(RobustnessCurveSvg(audit, certification));
  page.Heading(2, "Results");
  const Table results = ResultsTable(audit, gate);
  std::vector<std::vector<HtmlCell>> rows;
  for (const std::vector<std::string>& result_row : results.rows) {
    std::vector<HtmlCell> row;
    row.reserve(result_row.size());
    for (const std::string& cell : result_row) {
      row.push_back({cell, cell == "fail" ? "fail" : (cell == "pass" ? "pass" : "")});
    }
    rows.push_back(std::move(row));
  }
  page.AddTable(results.headers, rows);
  page.Heading(2, "Worst case over attacks");
  page.AddTable(WorstCaseTable(audit));
  if (audit.minimal_perturbation_summary) {
    page.Heading(2, "Minimal perturbation");
    page.Paragraph(MinimalPerturbationLine(*audit.minimal_perturbation_summary));
  }
  if (certification) {
    AddAuditCertificationHtml(*certification, page);
  }
  page.Heading(2, "Robust accuracy per class");
  page.AddTable(PerClassTable(audit));
  if (!audit.warnings.empty()) {
    page.Heading(2, "Sanity-check warnings");
    page.Bullets(audit.warnings);
  }
  return page.str();
}

std::string RenderJUnit(const AuditOptions& options, const robustness::AuditResult& audit,
                        const Gate& gate, const std::optional<BaselineCheck>& baseline,
                        const std::optional<AuditCertification>& certification) {
  JUnitSuite suite;
  suite.name = "rampart.robustness";
  const std::string model = std::filesystem::path(options.model).stem().string();
  suite.properties = {{"model", options.model},
                      {"samples", std::to_string(audit.samples)},
                      {"clean_accuracy", fmt::format("{}", audit.clean_accuracy)},
                      {"seed", std::to_string(options.seed)}};
  for (const robustness::AttackRun& run : audit.runs) {
    JUnitCase test_case;
    test_case.classname = "rampart.robustness." + model;
    test_case.name = JUnitName(run);
    test_case.system_out = fmt::format("robust_accuracy={} attack_success_rate={}",
                                       run.robust_accuracy, run.attack_success_rate);
    std::vector<std::string> problems;
    if (gate.Fails(run)) {
      problems.push_back(
          fmt::format("robust_accuracy={:.4f} < {}", run.robust_accuracy, *gate.threshold));
    }
    const Regression* regression = baseline ? baseline->Find(run.Key()) : nullptr;
    if (regression != nullptr) {
      problems.push_back(fmt::format("robust_accuracy dropped from {:.4f} to {:.4f} (max drop {})",
                                     regression->baseline, regression->current,
                                     baseline->max_drop));
    }
    if (!problems.empty()) {
      test_case.failure = JUnitFailure{.message = fmt::format("{}", fmt::join(problems, "; ")),
                                       .type = regression != nullptr ? "regression" : "gate"};
    }
    suite.cases.push_back(std::move(test_case));
  }
  if (certification) {
    return WriteJUnitXml({suite, AuditCertificationJUnit(*certification, options.model)});
  }
  return WriteJUnitXml({suite});
}

std::string PerSampleCsv(const robustness::AuditResult& audit) {
  std::string csv = "index,label,clean_prediction";
  for (const robustness::AttackRun& run : audit.runs) {
    csv += "," + run.Key();
  }
  const bool minimal = !audit.minimal_perturbation.empty();
  csv += minimal ? ",minimal_perturbation\n" : "\n";
  for (std::size_t i = 0; i < static_cast<std::size_t>(audit.samples); ++i) {
    csv += fmt::format("{},{},{}", audit.indices[i], audit.labels[i], audit.clean_predictions[i]);
    for (const robustness::AttackRun& run : audit.runs) {
      csv += fmt::format(",{}", run.predictions[i]);
    }
    if (minimal) {
      // Empty when no adversarial was found within the largest epsilon.
      csv += std::isfinite(audit.minimal_perturbation[i])
                 ? fmt::format(",{}", audit.minimal_perturbation[i])
                 : std::string(",");
    }
    csv += "\n";
  }
  return csv;
}

void ValidateGateOptions(const AuditOptions& options);
int EmitAudit(const AuditOptions& options, const robustness::AuditConfig& config,
              const robustness::AuditResult& audit, const ReportInputs& inputs,
              const Context& context,
              const std::optional<AuditCertification>& certification = std::nullopt);

int RunAuditCommand(const AuditOptions& options, const Context& context) {
  robustness::AuditConfig config;
  config.attacks = options.attacks;
  config.epsilons = options.epsilons;
  config.batch_size = options.batch_size;
  config.attack.norm = robustness::ParseNorm(options.norm);
  config.attack.steps = options.steps;
  if (options.step_size_given) {
    config.attack.step_size = options.step_size;
  }
  if (options.step_fraction_given) {
    config.attack.step_fraction = options.step_fraction;
  }
  config.attack.random_start = !options.no_random_start;
  config.attack.early_stop = !options.no_early_stop;
  config.attack.restarts = options.restarts;
  config.attack.seed = options.seed;
  config.attack.loss = ParseLoss(options.loss);
  config.apgd_steps = options.apgd_steps;
  config.ensemble = options.ensemble;
  if (!options.minimal_perturbation.empty()) {
    config.minimal_perturbation_attack = options.minimal_perturbation;
  }
  config.minimal_perturbation_tolerance = options.minimal_perturbation_tolerance;
  if (!options.shard.empty()) {
    std::tie(config.shard_index, config.shard_count) = ParseShard(options.shard);
    if (options.certify.sigma > 0.0) {
      // A shard's certificate would cover every sample while its attacks cover only the shard.
      throw InvalidArgumentError("--certify-sigma cannot be combined with --shard",
                                 {.field = "certify-sigma"});
    }
  }
  std::tie(config.attack.clip_min, config.attack.clip_max) = ParseClip(options.clip);
  ValidateGateOptions(options);
  robustness::Executor executor(robustness::OnnxModel::Load(options.model));
  const robustness::Dataset data = robustness::LoadDataset(
      options.data,
      options.labels.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.labels),
      executor.model().input_size());
  if (executor.model().ends_in_softmax()) {
    context.Warn("the model ends in Softmax: attacks take gradients on its logits");
  }
  const ReportInputs inputs = HashReportInputs(options.model, options.data, options.labels);
  const std::int64_t shard_rows =
      (data.inputs.rows() - config.shard_index + config.shard_count - 1) / config.shard_count;
  Progress progress("attacking",
                    std::max<std::int64_t>(shard_rows, 0) *
                        static_cast<std::int64_t>(config.attacks.size() * config.epsilons.size()),
                    context.ProgressEnabled());
  config.on_progress = [&progress](std::int64_t done) { progress.Advance(done); };
  const robustness::AuditResult audit = robustness::RunAudit(executor, data, config);
  progress.Finish();
  const std::optional<AuditCertification> certification = CertifyForAudit(
      options.certify, executor, data, audit, config.attack.norm, options.seed, context);
  return EmitAudit(options, config, audit, inputs, context, certification);
}

void ValidateGateOptions(const AuditOptions& options) {
  if (options.gate_given &&
      !(options.min_robust_accuracy >= 0.0 && options.min_robust_accuracy <= 1.0)) {
    throw InvalidArgumentError(
        fmt::format("--min-robust-accuracy must be in [0, 1], got {}", options.min_robust_accuracy),
        {.field = "min-robust-accuracy"});
  }
  if (options.max_drop_given && options.baseline.empty()) {
    throw InvalidArgumentError("--max-drop needs --baseline PREVIOUS.json", {.field = "max-drop"});
  }
  if (!(std::isfinite(options.max_drop) && options.max_drop >= 0.0 && options.max_drop <= 1.0)) {
    throw InvalidArgumentError(
        fmt::format("--max-drop must be in [0, 1], got {}", options.max_drop),
        {.field = "max-drop"});
  }
}

// Gate, baseline comparison, per-sample CSV and the report: shared by audit and merge.
int EmitAudit(const AuditOptions& options, const robustness::AuditConfig& config,
              const robustness::AuditResult& audit, const ReportInputs& inputs,
              const Context& context, const std::optional<AuditCertification>& certification) {
  for (const std::string& warning : audit.warnings) {
    context.Warn(warning);
  }
  Gate gate;
  if (options.gate_given) {
    gate.threshold = options.min_robust_accuracy;
    for (const robustness::AttackRun& run : audit.runs) {
      gate.passed = gate.passed && !gate.Fails(run);
    }
  }
  std::optional<BaselineCheck> baseline;
  if (!options.baseline.empty()) {
    baseline = CompareWithBaseline(options.baseline, options.max_drop, audit);
    for (const std::string& line : RegressionLines(*baseline)) {
      context.Warn("regression: " + line);
    }
  }
  if (!options.per_sample.empty()) {
    WriteFileAtomically(options.per_sample, PerSampleCsv(audit));
  }
  std::string text;
  if (options.output.format == "markdown") {
    text = RenderMarkdown(options, audit, gate, baseline) +
           (certification ? "\n" + AuditCertificationMarkdown(*certification) : "");
  } else if (options.output.format == "html") {
    text = RenderHtml(options, audit, gate, baseline, inputs, certification);
  } else if (options.output.format == "junit") {
    text = RenderJUnit(options, audit, gate, baseline, certification);
  } else {
    nlohmann::json doc = ToJson(options, config, audit, gate, baseline, inputs);
    if (certification) doc["certified"] = AuditCertificationJson(*certification);
    text = ToJsonText(doc);
  }
  context.EmitResult(options.output, text);
  return gate.passed && (!baseline || baseline->passed()) ? 0 : 1;
}

// --- rampart robustness merge ----------------------------------------------------------------

struct MergeOptions {
  std::vector<std::string> shards;
  AuditOptions gate;  // gate, baseline, per-sample and output options; the rest from the shards
};

nlohmann::json ReadShard(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw NotFoundError("cannot open shard report", {.file = path});
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("shard report is not JSON: {}", e.what()), {.file = path});
  }
  for (const char* key : {"shard", "per_sample", "results", "parameters", "model", "data",
                          "model_sha256", "data_sha256", "classes", "input_size", "seed"}) {
    if (!doc.is_object() || !doc.contains(key)) {
      throw InputError("not a shard report of `rampart robustness audit --shard I/N --format json`",
                       {.file = path, .field = key});
    }
  }
  return doc;
}

// Reads a field with a clear error naming the file and the field.
template <typename T>
T Field(const nlohmann::json& doc, const std::string& path,
        const nlohmann::json::json_pointer& at) {
  try {
    return doc.at(at).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError("missing or of the wrong type", {.file = path, .field = at.to_string()});
  }
}

// The audit settings a report was made with (what SummarizeAudit and the renderers need).
robustness::AuditConfig ConfigFromReport(const nlohmann::json& doc, const std::string& path) {
  using Ptr = nlohmann::json::json_pointer;
  robustness::AuditConfig config;
  config.attacks = Field<std::vector<std::string>>(doc, path, Ptr("/parameters/attacks"));
  config.epsilons = Field<std::vector<double>>(doc, path, Ptr("/parameters/epsilons"));
  config.attack.norm =
      robustness::ParseNorm(Field<std::string>(doc, path, Ptr("/parameters/norm")));
  config.attack.steps = Field<int>(doc, path, Ptr("/parameters/steps"));
  const nlohmann::json& parameters = doc["parameters"];
  if (parameters.contains("step_size") && parameters["step_size"].is_number()) {
    config.attack.step_size = parameters["step_size"].get<double>();
  }
  if (parameters.contains("step_fraction") && parameters["step_fraction"].is_number()) {
    config.attack.step_fraction = parameters["step_fraction"].get<double>();
  }
  config.attack.random_start = Field<bool>(doc, path, Ptr("/parameters/random_start"));
  config.attack.restarts = Field<int>(doc, path, Ptr("/parameters/restarts"));
  config.attack.seed = Field<std::uint64_t>(doc, path, Ptr("/parameters/seed"));
  const auto clip = Field<std::vector<float>>(doc, path, Ptr("/parameters/clip"));
  if (clip.size() != 2) {
    throw InputError("needs [lo, hi]", {.file = path, .field = "/parameters/clip"});
  }
  config.attack.clip_min = clip[0];
  config.attack.clip_max = clip[1];
  config.batch_size = Field<std::int64_t>(doc, path, Ptr("/parameters/batch_size"));
  config.attack.loss = ParseLoss(Field<std::string>(doc, path, Ptr("/parameters/loss")));
  config.attack.early_stop = Field<bool>(doc, path, Ptr("/parameters/early_stop"));
  config.apgd_steps = Field<int>(doc, path, Ptr("/parameters/apgd_steps"));
  config.ensemble = Field<std::vector<std::string>>(doc, path, Ptr("/parameters/ensemble"));
  if (parameters.contains("minimal_perturbation_attack") &&
      parameters["minimal_perturbation_attack"].is_string()) {
    config.minimal_perturbation_attack =
        parameters["minimal_perturbation_attack"].get<std::string>();
  }
  config.minimal_perturbation_tolerance =
      Field<double>(doc, path, Ptr("/parameters/minimal_perturbation_tolerance"));
  return config;
}

int RunMergeCommand(const MergeOptions& options, const Context& context) {
  using Ptr = nlohmann::json::json_pointer;
  ValidateGateOptions(options.gate);
  if (options.shards.empty()) {
    throw InvalidArgumentError("no shard reports given", {.field = "shards"});
  }
  std::vector<nlohmann::json> docs;
  for (const std::string& path : options.shards) {
    docs.push_back(ReadShard(path));
  }
  const nlohmann::json& first = docs.front();
  const std::string& first_path = options.shards.front();
  const auto count = Field<std::int64_t>(first, first_path, Ptr("/shard/count"));
  const auto total = Field<std::int64_t>(first, first_path, Ptr("/shard/total_samples"));
  std::vector<std::string> seen(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  for (std::size_t k = 0; k < docs.size(); ++k) {
    const nlohmann::json& doc = docs[k];
    const std::string& path = options.shards[k];
    // Shards of one audit: same model, data, labels and settings.
    for (const char* key : {"model_sha256", "data_sha256", "labels_sha256", "parameters", "seed",
                            "classes", "input_size"}) {
      if (doc.value(key, nlohmann::json()) != first.value(key, nlohmann::json())) {
        throw InputError(
            fmt::format("'{}' differs from {}: not a shard of the same audit", key, first_path),
            {.file = path, .field = key});
      }
    }
    if (Field<std::int64_t>(doc, path, Ptr("/shard/count")) != count ||
        Field<std::int64_t>(doc, path, Ptr("/shard/total_samples")) != total) {
      throw InputError(fmt::format("shard count or sample count differs from {}", first_path),
                       {.file = path, .field = "shard"});
    }
    const auto index = Field<std::int64_t>(doc, path, Ptr("/shard/index"));
    if (index < 1 || index > count) {
      throw InputError(fmt::format("shard index {} outside 1..{}", index, count),
                       {.file = path, .field = "shard/index"});
    }
    std::string& slot = seen[static_cast<std::size_t>(index - 1)];
    if (!slot.empty()) {
      throw InputError(fmt::format("shard {}/{} given twice (also {})", index, count, slot),
                       {.file = path, .field = "shard/index"});
    }
    slot = path;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i].empty()) {
      throw InputError(fmt::format("shard {}/{} is missing", i + 1, count), {.field = "shards"});
    }
  }

  const robustness::AuditConfig config = ConfigFromReport(first, first_path);
  robustness::AuditResult audit;
  audit.samples = total;
  audit.total_samples = total;
  audit.classes = Field<std::int64_t>(first, first_path, Ptr("/classes"));
  audit.input_size = Field<std::int64_t>(first, first_path, Ptr("/input_size"));
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(total, 0));
  audit.indices.resize(n);
  for (std::size_t i = 0; i < n; ++i) audit.indices[i] = static_cast<std::int64_t>(i);
  audit.labels.assign(n, -1);
  audit.clean_predictions.assign(n, -1);
  const bool minimal = config.minimal_perturbation_attack.has_value();
  if (minimal) {
    audit.minimal_perturbation.assign(n, 0.0);
  }
  // The runs' settings from the first shard, their per-sample results from every shard.
  for (const nlohmann::json& result : first["results"]) {
    robustness::AttackRun run;
    run.attack = result.value("attack", "");
    run.loss = result.value("loss", "");
    run.norm = robustness::ParseNorm(result.value("norm", "linf"));
    run.epsilon = result.value("epsilon", 0.0);
    run.steps = result.value("steps", 1);
    run.step_size = result.value("step_size", 0.0);
    run.random_start = result.value("random_start", false);
    run.restarts = result.value("restarts", 1);
    run.predictions.assign(n, -1);
    run.robust.assign(n, false);
    audit.runs.push_back(std::move(run));
  }
  std::vector<bool> filled(n, false);
  for (std::size_t k = 0; k < docs.size(); ++k) {
    const nlohmann::json& doc = docs[k];
    const std::string& path = options.shards[k];
    const auto indices = Field<std::vector<std::int64_t>>(doc, path, Ptr("/per_sample/index"));
    const auto labels = Field<std::vector<std::int64_t>>(doc, path, Ptr("/per_sample/label"));
    const auto clean =
        Field<std::vector<std::int64_t>>(doc, path, Ptr("/per_sample/clean_prediction"));
    const nlohmann::json& runs = doc["per_sample"]["runs"];
    if (labels.size() != indices.size() || clean.size() != indices.size() || !runs.is_array() ||
        runs.size() != audit.runs.size()) {
      throw InputError("per-sample arrays disagree in size", {.file = path, .field = "per_sample"});
    }
    // Distances are >= 0; JSON has no infinity, so null means unbroken.
    std::vector<double> distances;
    if (minimal) {
      const nlohmann::json& values = doc["per_sample"]["minimal_perturbation"];
      if (!values.is_array() || values.size() != indices.size()) {
        throw InputError("needs one distance per sample",
                         {.file = path, .field = "per_sample/minimal_perturbation"});
      }
      for (const nlohmann::json& v : values) {
        distances.push_back(v.is_number() ? v.get<double>()
                                          : std::numeric_limits<double>::infinity());
      }
    }
    audit.outside_clip_samples +=
        Field<std::int64_t>(doc, path, Ptr("/per_sample/outside_clip_samples"));
    for (std::size_t r = 0; r < audit.runs.size(); ++r) {
      robustness::AttackRun& run = audit.runs[r];
      const std::string field = fmt::format("/per_sample/runs/{}", r);
      if (Field<std::string>(doc, path, Ptr(field + "/result")) != run.Key()) {
        throw InputError(fmt::format("expected {}", run.Key()), {.file = path, .field = field});
      }
      const auto predictions =
          Field<std::vector<std::int64_t>>(doc, path, Ptr(field + "/prediction"));
      const auto robust = Field<std::vector<bool>>(doc, path, Ptr(field + "/robust"));
      if (predictions.size() != indices.size() || robust.size() != indices.size()) {
        throw InputError("needs one value per sample", {.file = path, .field = field});
      }
      run.zero_gradient_samples +=
          Field<std::int64_t>(doc, path, Ptr(field + "/zero_gradient_samples"));
      run.nonfinite_gradient_samples +=
          Field<std::int64_t>(doc, path, Ptr(field + "/nonfinite_gradient_samples"));
      for (std::size_t j = 0; j < indices.size(); ++j) {
        const auto i = static_cast<std::size_t>(indices[j]);
        run.predictions[i] = predictions[j];
        run.robust[i] = robust[j];
      }
    }
    for (std::size_t j = 0; j < indices.size(); ++j) {
      if (indices[j] < 0 || indices[j] >= total || filled[static_cast<std::size_t>(indices[j])]) {
        throw InputError(fmt::format("sample index {} out of range or repeated", indices[j]),
                         {.file = path, .field = "per_sample/index"});
      }
      const auto i = static_cast<std::size_t>(indices[j]);
      filled[i] = true;
      audit.labels[i] = labels[j];
      audit.clean_predictions[i] = clean[j];
      if (minimal) audit.minimal_perturbation[i] = distances[j];
    }
  }
  if (std::find(filled.begin(), filled.end(), false) != filled.end()) {
    throw InputError(fmt::format("the shards do not cover all {} samples", total),
                     {.field = "shards"});
  }
  robustness::SummarizeAudit(audit, config);

  AuditOptions report = options.gate;
  report.model = Field<std::string>(first, first_path, Ptr("/model"));
  report.data = Field<std::string>(first, first_path, Ptr("/data"));
  report.labels = first.value("labels", "");
  report.seed = config.attack.seed;
  report.shard.clear();
  ReportInputs inputs{.model = report.model,
                      .model_sha256 = Field<std::string>(first, first_path, Ptr("/model_sha256")),
                      .data = report.data,
                      .data_sha256 = Field<std::string>(first, first_path, Ptr("/data_sha256")),
                      .labels = report.labels,
                      .labels_sha256 = {}};
  if (!report.labels.empty()) {
    inputs.labels_sha256 = Field<std::string>(first, first_path, Ptr("/labels_sha256"));
  }
  return EmitAudit(report, config, audit, inputs, context);
}

void AddGateOptions(CLI::App* verb, AuditOptions& options, CLI::Option*& gate,
                    CLI::Option*& max_drop) {
  gate = verb->add_option("--min-robust-accuracy", options.min_robust_accuracy,
                          "Exit 1 if any attack x eps is below this (0..1)");
  verb->add_option("--per-sample", options.per_sample,
                   "Write per-sample predictions under every attack to this CSV");
  verb->add_option("--baseline", options.baseline,
                   "Previous audit (JSON) to compare with: exit 1 on a regression");
  max_drop = verb->add_option(
      "--max-drop", options.max_drop,
      "Largest allowed drop of robust accuracy against --baseline (0..1, default 0)");
}

}  // namespace

void SetupRobustnessAuditCommands(CLI::App& robustness, Context& context) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* audit = robustness.add_subcommand(
      "audit",
      "Attack an ONNX classifier with FGSM/PGD/APGD and gate on its robust accuracy\n"
      "  example: rampart robustness audit --model net.onnx --data test.csv --attack fgsm,pgd \\\n"
      "             --norm linf --eps 0.03,0.1 --min-robust-accuracy 0.5 --format markdown\n"
      "  exit codes: 0 passed, 1 below the gate or a regression against --baseline, 2 bad input");
  audit->add_option("--model", options->model, "ONNX model file")->required();
  audit
      ->add_option("--data", options->data,
                   "Samples: CSV (label, then the flattened input) or .npy (N, ...)")
      ->required();
  audit->add_option("--labels", options->labels, "Labels for .npy data (.npy of integers)");
  audit->add_option("--attack", options->attacks, "Attacks: fgsm,pgd,apgd-ce,apgd-dlr,ensemble")
      ->delimiter(',')
      ->capture_default_str();
  audit->add_option("--norm", options->norm, "Threat model: linf or l2")->capture_default_str();
  audit->add_option("--eps", options->epsilons, "Perturbation budgets, e.g. 0.03,0.1")
      ->delimiter(',')
      ->required();
  audit->add_option("--steps", options->steps, "PGD iterations")->capture_default_str();
  audit->add_option("--apgd-steps", options->apgd_steps, "APGD iterations (AutoAttack: 100)")
      ->capture_default_str();
  audit->add_option("--loss", options->loss, "Loss of fgsm and pgd: ce, margin or dlr")
      ->capture_default_str();
  audit
      ->add_option("--ensemble", options->ensemble,
                   "Members of the 'ensemble' attack, run in order (worst case per sample)")
      ->delimiter(',')
      ->capture_default_str();
  audit->add_option("--minimal-perturbation", options->minimal_perturbation,
                    "Also find each sample's smallest breaking eps with this attack (bisection "
                    "up to the largest --eps); reports median and mean");
  audit
      ->add_option("--minimal-perturbation-tolerance", options->minimal_perturbation_tolerance,
                   "Bisection stops when the bracket is narrower than this")
      ->capture_default_str();
  audit->add_option("--shard", options->shard,
                    "Audit only shard I of N (every N-th sample from I-1); merge the JSON "
                    "reports with `rampart robustness merge`");
  CLI::Option* step_size =
      audit->add_option("--step-size", options->step_size, "PGD step, absolute");
  CLI::Option* step_fraction =
      audit->add_option("--step-fraction", options->step_fraction,
                        "PGD step as a fraction of eps (default 2.5/steps)");
  step_size->excludes(step_fraction);
  audit->add_flag("--no-random-start", options->no_random_start,
                  "Start PGD at the clean input instead of a random point in the ball");
  audit->add_flag("--no-early-stop", options->no_early_stop,
                  "Run every PGD/APGD step on every sample (torchattacks/ART semantics) instead "
                  "of stopping a sample at its first adversarial");
  audit->add_option("--restarts", options->restarts, "PGD restarts (first adversarial kept)")
      ->capture_default_str();
  audit->add_option("--seed", options->seed, "Random seed")->capture_default_str();
  audit->add_option("--clip", options->clip, "Valid input range LO:HI")->capture_default_str();
  audit->add_option("--batch-size", options->batch_size, "Samples per batch")
      ->capture_default_str();
  CLI::Option* gate = nullptr;
  CLI::Option* max_drop = nullptr;
  AddGateOptions(audit, *options, gate, max_drop);
  AddAuditCertifyOptions(audit, options->certify);
  context.AddOutputOptions(audit, options->output, {"json", "markdown", "html", "junit"});
  audit->callback([options, &context, step_size, step_fraction, gate, max_drop] {
    options->max_drop_given = max_drop->count() > 0;
    options->step_size_given = step_size->count() > 0;
    options->step_fraction_given = step_fraction->count() > 0;
    options->gate_given = gate->count() > 0;
    context.SetCommand([options, &context] { return RunAuditCommand(*options, context); });
  });

  auto merge_options = std::make_shared<MergeOptions>();
  CLI::App* merge = robustness.add_subcommand(
      "merge",
      "Merge the JSON reports of `robustness audit --shard I/N` into the report of one run\n"
      "  example: rampart robustness merge shard1.json shard2.json --min-robust-accuracy 0.5 \\\n"
      "             --format markdown\n"
      "  exit codes: 0 passed, 1 below the gate or a regression against --baseline, 2 bad input");
  merge->add_option("shards", merge_options->shards, "Shard reports (JSON), one per shard")
      ->required();
  CLI::Option* merge_gate = nullptr;
  CLI::Option* merge_max_drop = nullptr;
  AddGateOptions(merge, merge_options->gate, merge_gate, merge_max_drop);
  context.AddOutputOptions(merge, merge_options->gate.output,
                           {"json", "markdown", "html", "junit"});
  merge->callback([merge_options, &context, merge_gate, merge_max_drop] {
    merge_options->gate.gate_given = merge_gate->count() > 0;
    merge_options->gate.max_drop_given = merge_max_drop->count() > 0;
    context.SetCommand(
        [merge_options, &context] { return RunMergeCommand(*merge_options, context); });
  });
}

}  // namespace rampart::cli
