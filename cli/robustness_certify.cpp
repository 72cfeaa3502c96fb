// `rampart robustness certify`: certified L2 robustness of an ONNX classifier by randomized
// smoothing (Cohen et al. 2019), per sample and as certified accuracy against the radius, with a
// gate on the certified accuracy at a radius. The work is rampart::robustness::CertifyDataset;
// this file parses flags and renders the result.
#include "robustness_certify.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <rampart/common/error.h>
#include <rampart/common/html_writer.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/junit_writer.h>
#include <rampart/common/markdown_writer.h>
#include <rampart/common/progress.h>
#include <rampart/common/report.h>
#include <rampart/robustness/certification.h>
#include <rampart/robustness/dataset.h>
#include <rampart/robustness/executor.h>
#include <rampart/robustness/onnx_model.h>
#include <rampart/robustness/smoothing.h>

#include "robustness_inputs.h"

namespace rampart::cli {

namespace {

struct CertifyOptions {
  std::string model;
  std::string data;
  std::string labels;
  double sigma = 0.0;
  std::int64_t n0 = 100;
  std::int64_t n = 100000;
  double alpha = 0.001;
  std::vector<double> radii{0.0, 0.25, 0.5, 0.75};
  std::int64_t batch_size = 4096;
  std::uint64_t seed = 0;
  std::vector<std::string> gates;
  bool predict = false;
  OutputOptions output;
};

// `--predict`: the smoothed classifier's own decision (PREDICT) on every sample, with its own
// fresh n draws, next to the certificates.
struct PredictSummary {
  std::vector<robustness::SmoothedPrediction> predictions;
  double accuracy = 0.0;  // prediction == label over all samples (abstentions count against it)
  double abstain_rate = 0.0;
  std::int64_t evaluations = 0;
};

PredictSummary SummarizePredictions(std::vector<robustness::SmoothedPrediction> predictions,
                                    const std::vector<std::int64_t>& labels, std::int64_t n) {
  PredictSummary summary{.predictions = std::move(predictions)};
  std::int64_t correct = 0;
  std::int64_t abstained = 0;
  for (std::size_t i = 0; i < summary.predictions.size(); ++i) {
    const robustness::SmoothedPrediction& p = summary.predictions[i];
    abstained += p.abstained() ? 1 : 0;
    correct += !p.abstained() && p.prediction == labels[i] ? 1 : 0;
  }
  const auto samples = static_cast<std::int64_t>(summary.predictions.size());
  if (samples > 0) {
    summary.accuracy = static_cast<double>(correct) / static_cast<double>(samples);
    summary.abstain_rate = static_cast<double>(abstained) / static_cast<double>(samples);
  }
  summary.evaluations = samples * n;
  return summary;
}

std::string PredictionText(const robustness::SmoothedPrediction& p) {
  return p.abstained() ? "abstain" : std::to_string(p.prediction);
}

// One `--min-certified-accuracy X@R`: certified accuracy at radius R must be at least X.
struct CertifyGate {
  double min_accuracy = 0.0;
  double radius = 0.0;
  double certified_accuracy = 0.0;
  [[nodiscard]] bool passed() const { return certified_accuracy >= min_accuracy; }
  [[nodiscard]] std::string Name() const { return fmt::format("certified_accuracy@{}", radius); }
};

CertifyGate ParseGate(const std::string& text) {
  const auto fail = [&text]() {
    return InvalidArgumentError(
        fmt::format("--min-certified-accuracy must be X@R with X in [0, 1] and a radius R >= 0 "
                    "(e.g. 0.6@0.25), got '{}'",
                    text),
        {.field = "min-certified-accuracy"});
  };
  const std::size_t at = text.find('@');
  if (at == std::string::npos) throw fail();
  CertifyGate gate;
  try {
    std::size_t used_x = 0;
    std::size_t used_r = 0;
    const std::string x = text.substr(0, at);
    const std::string r = text.substr(at + 1);
    gate.min_accuracy = std::stod(x, &used_x);
    gate.radius = std::stod(r, &used_r);
    if (used_x != x.size() || used_r != r.size()) throw fail();
  } catch (const std::logic_error&) {
    throw fail();
  }
  if (!(gate.min_accuracy >= 0.0 && gate.min_accuracy <= 1.0) ||
      !(std::isfinite(gate.radius) && gate.radius >= 0.0)) {
    throw fail();
  }
  return gate;
}

std::string Percent(double fraction) {
  return fmt::format("{:.2f}%", 100.0 * fraction);
}

std::string RadiusKey(double radius) {
  return fmt::format("{}", radius);
}

bool GatesPassed(const std::vector<CertifyGate>& gates) {
  return std::all_of(gates.begin(), gates.end(), [](const CertifyGate& g) { return g.passed(); });
}

std::string GateLine(const std::vector<CertifyGate>& gates) {
  if (gates.empty()) return "No gate (--min-certified-accuracy not given).";
  std::vector<std::string> parts;
  parts.reserve(gates.size());
  for (const CertifyGate& g : gates) {
    parts.push_back(fmt::format("{} at radius {} (>= {}: {})", Percent(g.certified_accuracy),
                                g.radius, Percent(g.min_accuracy), g.passed() ? "pass" : "fail"));
  }
  return fmt::format("Gate on certified accuracy: {}: {}", fmt::join(parts, "; "),
                     GatesPassed(gates) ? "PASSED" : "FAILED");
}

nlohmann::json ToJson(const CertifyOptions& options, const robustness::CertificationResult& result,
                      const std::vector<CertifyGate>& gates, const ReportInputs& inputs,
                      const std::optional<PredictSummary>& predict) {
  nlohmann::json doc = NewJsonDocument();
  AddReportInputs(inputs, doc);
  doc["samples"] = result.samples;
  doc["classes"] = result.classes;
  doc["sigma"] = options.sigma;
  doc["n0"] = options.n0;
  doc["n"] = options.n;
  doc["alpha"] = options.alpha;
  doc["seed"] = options.seed;
  doc["noise"] = "gaussian, not clipped";
  doc["evaluations"] = result.evaluations;
  doc["clean_accuracy"] = result.clean_accuracy;
  doc["abstain_rate"] = result.abstain_rate;
  nlohmann::json curve = nlohmann::json::object();
  nlohmann::json radii = nlohmann::json::array();
  for (const robustness::CertifiedPoint& point : result.curve) {
    curve[RadiusKey(point.radius)] = point.certified_accuracy;
    radii.push_back(point.radius);
  }
  doc["radii"] = radii;
  doc["certified_accuracy"] = curve;
  nlohmann::json per_sample = nlohmann::json::array();
  for (std::size_t i = 0; i < result.certificates.size(); ++i) {
    const robustness::Certificate& c = result.certificates[i];
    per_sample.push_back(
        {{"index", i},
         {"label", result.labels[i]},
         {"prediction", c.abstained() ? nlohmann::json(nullptr) : nlohmann::json(c.prediction)},
         {"abstain", c.abstained()},
         {"radius", c.radius},
         {"correct", !c.abstained() && c.prediction == result.labels[i]},
         {"top_class", c.top_class},
         {"top_count", c.top_count},
         {"p_lower", c.p_lower},
         {"clean_prediction", result.clean_predictions[i]}});
    if (predict) {
      const robustness::SmoothedPrediction& p = predict->predictions[i];
      per_sample.back()["predict"] = {
          {"prediction", p.abstained() ? nlohmann::json(nullptr) : nlohmann::json(p.prediction)},
          {"abstain", p.abstained()},
          {"correct", !p.abstained() && p.prediction == result.labels[i]},
          {"top_class", p.top_class},
          {"top_count", p.top_count},
          {"runner_up", p.runner_up < 0 ? nlohmann::json(nullptr) : nlohmann::json(p.runner_up)},
          {"runner_up_count", p.runner_up_count},
          {"p_value", p.p_value}};
    }
  }
  doc["results"] = per_sample;
  if (predict) {
    doc["predict"] = {{"n", options.n},
                      {"alpha", options.alpha},
                      {"evaluations", predict->evaluations},
                      {"accuracy", predict->accuracy},
                      {"abstain_rate", predict->abstain_rate}};
  }
  nlohmann::json thresholds = nlohmann::json::array();
  for (const CertifyGate& g : gates) {
    thresholds.push_back({{"radius", g.radius},
                          {"min_certified_accuracy", g.min_accuracy},
                          {"certified_accuracy", g.certified_accuracy},
                          {"passed", g.passed()}});
  }
  doc["gate"] = {{"thresholds", thresholds}, {"passed", GatesPassed(gates)}};
  return doc;
}

Table CurveTable(const robustness::CertificationResult& result,
                 const std::vector<CertifyGate>& gates) {
  Table table;
  table.headers = {"L2 radius", "certified accuracy", "gate"};
  table.align = {Align::kRight, Align::kRight, Align::kLeft};
  for (const robustness::CertifiedPoint& point : result.curve) {
    std::string gate = "-";
    for (const CertifyGate& g : gates) {
      if (g.radius == point.radius) {
        gate = fmt::format("{} (>= {})", g.passed() ? "pass" : "fail", Percent(g.min_accuracy));
      }
    }
    table.rows.push_back(
        {fmt::format("{}", point.radius), Percent(point.certified_accuracy), gate});
  }
  return table;
}

std::string SummaryLine(const CertifyOptions& options,
                        const robustness::CertificationResult& result) {
  return fmt::format(
      "{} samples, sigma {}, n0 {}, n {}, alpha {}, seed {}: base classifier accuracy {}, "
      "smoothed classifier abstains on {}.",
      result.samples, options.sigma, options.n0, options.n, options.alpha, options.seed,
      Percent(result.clean_accuracy), Percent(result.abstain_rate));
}

constexpr const char* kMeaning =
    "A sample certified at radius r: with probability at least 1 - alpha over the noise, the "
    "smoothed classifier (the majority vote of the model under Gaussian noise of std sigma) "
    "predicts the same class for every input within L2 distance r.";

std::string PredictLine(const CertifyOptions& options, const PredictSummary& predict) {
  return fmt::format(
      "PREDICT (n {}, alpha {}): the smoothed classifier is correct on {} of the samples and "
      "abstains on {}; when it answers, it is wrong with probability at most alpha.",
      options.n, options.alpha, Percent(predict.accuracy), Percent(predict.abstain_rate));
}

Table PerSampleTable(const robustness::CertificationResult& result,
                     const std::optional<PredictSummary>& predict) {
  Table table;
  table.headers = {"index", "label", "prediction", "radius", "correct"};
  table.align = {Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kLeft};
  if (predict) {
    table.headers.emplace_back("PREDICT");
    table.align.push_back(Align::kRight);
  }
  for (std::size_t i = 0; i < result.certificates.size(); ++i) {
    const robustness::Certificate& c = result.certificates[i];
    table.rows.push_back({std::to_string(i), std::to_string(result.labels[i]),
                          c.abstained() ? "abstain" : std::to_string(c.prediction),
                          fmt::format("{:.4f}", c.radius),
                          !c.abstained() && c.prediction == result.labels[i] ? "yes" : "no"});
    if (predict) table.rows.back().push_back(PredictionText(predict->predictions[i]));
  }
  return table;
}

std::string RenderMarkdown(const CertifyOptions& options,
                           const robustness::CertificationResult& result,
                           const std::vector<CertifyGate>& gates,
                           const std::optional<PredictSummary>& predict) {
  MarkdownWriter md;
  md.Heading(2, fmt::format("Certified robustness: {}",
                            std::filesystem::path(options.model).filename().string()));
  md.Raw(fmt::format(
      "{} {}", GatesPassed(gates) ? ":white_check_mark:" : ":x:", EscapeMarkdown(GateLine(gates))));
  md.Paragraph(SummaryLine(options, result));
  if (predict) md.Paragraph(PredictLine(options, *predict));
  md.AddTable(CurveTable(result, gates));
  md.Paragraph(kMeaning);
  return md.str();
}

std::string RenderHtml(const CertifyOptions& options, const robustness::CertificationResult& result,
                       const std::vector<CertifyGate>& gates, const ReportInputs& inputs,
                       const std::optional<PredictSummary>& predict) {
  HtmlDocument page("Certified robustness");
  page.Heading(1, "Certified robustness (randomized smoothing)");
  std::vector<std::pair<std::string, std::string>> summary = ReportInputRows(inputs);
  summary.insert(
      summary.end(),
      {{"Samples", std::to_string(result.samples)},
       {"Sigma", fmt::format("{}", options.sigma)},
       {"n0 / n / alpha", fmt::format("{} / {} / {}", options.n0, options.n, options.alpha)},
       {"Seed", std::to_string(options.seed)},
       {"Base classifier accuracy", Percent(result.clean_accuracy)},
       {"Abstained", Percent(result.abstain_rate)},
       {"Gate", GateLine(gates)}});
  if (predict) {
    summary.insert(summary.end(),
                   {{"Smoothed classifier accuracy (PREDICT)", Percent(predict->accuracy)},
                    {"PREDICT abstained", Percent(predict->abstain_rate)}});
  }
  page.Summary(summary);
  page.Paragraph(kMeaning);
  if (predict) page.Paragraph(PredictLine(options, *predict));
  page.Heading(2, "Certified accuracy");
  const Table curve = CurveTable(result, gates);
  std::vector<std::vector<HtmlCell>> rows;
  for (const std::vector<std::string>& curve_row : curve.rows) {
    std::vector<HtmlCell> row;
    for (const std::string& cell : curve_row) {
      const bool fail = cell.rfind("fail", 0) == 0;
      const bool pass = cell.rfind("pass", 0) == 0;
      row.push_back({cell, fail ? "fail" : (pass ? "pass" : "")});
    }
    rows.push_back(std::move(row));
  }
  page.AddTable(curve.headers, rows);
  page.Heading(2, "Per sample");
  page.AddTable(PerSampleTable(result, predict));
  return page.str();
}

std::string RenderJUnit(const CertifyOptions& options,
                        const robustness::CertificationResult& result,
                        const std::vector<CertifyGate>& gates,
                        const std::optional<PredictSummary>& predict) {
  JUnitSuite suite;
  suite.name = "rampart.robustness.certify";
  const std::string model = std::filesystem::path(options.model).stem().string();
  suite.properties = {{"model", options.model},
                      {"samples", std::to_string(result.samples)},
                      {"sigma", fmt::format("{}", options.sigma)},
                      {"n0", std::to_string(options.n0)},
                      {"n", std::to_string(options.n)},
                      {"alpha", fmt::format("{}", options.alpha)},
                      {"seed", std::to_string(options.seed)},
                      {"abstain_rate", fmt::format("{}", result.abstain_rate)}};
  if (predict) {
    // PREDICT has no gate: its figures are properties, not test cases that could never fail.
    suite.properties.emplace_back("predict_accuracy", fmt::format("{}", predict->accuracy));
    suite.properties.emplace_back("predict_abstain_rate", fmt::format("{}", predict->abstain_rate));
  }
  for (const robustness::CertifiedPoint& point : result.curve) {
    JUnitCase test_case;
    test_case.classname = "rampart.robustness.certify." + model;
    test_case.name = fmt::format("certified_l2_radius={}", point.radius);
    test_case.system_out = fmt::format("certified_accuracy={}", point.certified_accuracy);
    for (const CertifyGate& g : gates) {
      if (g.radius == point.radius && !g.passed()) {
        test_case.failure =
            JUnitFailure{.message = fmt::format("certified_accuracy={:.4f} < {} at radius {}",
                                                g.certified_accuracy, g.min_accuracy, g.radius),
                         .type = "gate"};
      }
    }
    suite.cases.push_back(std::move(test_case));
  }
  return WriteJUnitXml({suite});
}

int RunCertifyCommand(const CertifyOptions& options, const Context& context) {
  std::vector<CertifyGate> gates;
  for (const std::string& text : options.gates) gates.push_back(ParseGate(text));
  robustness::CertificationConfig config;
  config.smoothing.sigma = options.sigma;
  config.smoothing.n0 = options.n0;
  config.smoothing.n = options.n;
  config.smoothing.alpha = options.alpha;
  config.smoothing.batch_size = options.batch_size;
  config.smoothing.seed = options.seed;
  config.radii = options.radii;
  // Every gated radius is on the curve, in increasing order with the requested ones.
  for (const CertifyGate& g : gates) {
    if (std::find(config.radii.begin(), config.radii.end(), g.radius) == config.radii.end()) {
      config.radii.push_back(g.radius);
    }
  }
  std::sort(config.radii.begin(), config.radii.end());
  // Flags first, so that a bad flag is reported before the model is read.
  robustness::ValidateSmoothingConfig(config.smoothing);
  for (const double r : config.radii) {
    if (!(std::isfinite(r) && r >= 0.0)) {
      throw InvalidArgumentError(fmt::format("--radii must be finite and >= 0, got {}", r),
                                 {.field = "radii"});
    }
  }
  robustness::Executor executor(robustness::OnnxModel::Load(options.model));
  const robustness::Dataset data = robustness::LoadDataset(
      options.data,
      options.labels.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.labels),
      executor.model().input_size());
  const ReportInputs inputs = HashReportInputs(options.model, options.data, options.labels);

  Progress progress(
      "certifying",
      data.inputs.rows() * (options.n0 + options.n + (options.predict ? options.n : 0)),
      context.ProgressEnabled());
  config.smoothing.on_progress = [&progress](std::int64_t rows) { progress.Advance(rows); };
  const auto start = std::chrono::steady_clock::now();
  const robustness::CertificationResult result = robustness::CertifyDataset(executor, data, config);
  std::optional<PredictSummary> predict;
  if (options.predict) {
    // PREDICT's noise comes from its own stream (phase 2), independent of CERTIFY's draws.
    robustness::SmoothedClassifier smoothed(executor, config.smoothing);
    predict = SummarizePredictions(smoothed.Predict(data.inputs), result.labels, options.n);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  progress.Finish();
  const std::int64_t evaluations = result.evaluations + (predict ? predict->evaluations : 0);
  context.Info(fmt::format("{} model evaluations in {:.2f} s ({:.0f}/s)", evaluations,
                           elapsed.count(),
                           static_cast<double>(evaluations) / std::max(elapsed.count(), 1e-9)));
  for (CertifyGate& g : gates) {
    g.certified_accuracy =
        robustness::CertifiedAccuracy(result.certificates, result.labels, g.radius);
  }
  std::string text;
  if (options.output.format == "markdown") {
    text = RenderMarkdown(options, result, gates, predict);
  } else if (options.output.format == "html") {
    text = RenderHtml(options, result, gates, inputs, predict);
  } else if (options.output.format == "junit") {
    text = RenderJUnit(options, result, gates, predict);
  } else {
    text = ToJsonText(ToJson(options, result, gates, inputs, predict));
  }
  context.EmitResult(options.output, text);
  return GatesPassed(gates) ? 0 : 1;
}

}  // namespace

void AddAuditCertifyOptions(CLI::App* audit, AuditCertifyOptions& options) {
  audit
      ->add_option("--certify-sigma", options.sigma,
                   "Also certify by randomized smoothing with this noise std: certified accuracy "
                   "(lower bound, smoothed model) next to the attacks' (upper bound)")
      ->check(CLI::PositiveNumber);
  audit->add_option("--certify-n", options.n, "Noise draws per sample for --certify-sigma")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

std::optional<AuditCertification> CertifyForAudit(const AuditCertifyOptions& options,
                                                  robustness::Executor& executor,
                                                  const robustness::Dataset& data,
                                                  const robustness::AuditResult& audit,
                                                  robustness::Norm norm, std::uint64_t seed,
                                                  const Context& context) {
  if (options.sigma == 0.0) return std::nullopt;
  AuditCertification certification{.options = options};
  robustness::CertificationConfig config;
  config.smoothing = {.sigma = options.sigma,
                      .n0 = options.n0,
                      .n = options.n,
                      .alpha = options.alpha,
                      .seed = seed};
  const double scale = norm == robustness::Norm::kL2
                           ? 1.0
                           : std::sqrt(static_cast<double>(executor.model().input_size()));
  config.radii.clear();
  for (const robustness::WorstCase& w : audit.worst_case) {
    certification.epsilons.push_back(w.epsilon);
    certification.l2_radii.push_back(w.epsilon * scale);
    certification.empirical.push_back(w.robust_accuracy);
    config.radii.push_back(w.epsilon * scale);
  }
  Progress progress("certifying", data.inputs.rows() * (options.n0 + options.n),
                    context.ProgressEnabled());
  config.smoothing.on_progress = [&progress](std::int64_t rows) { progress.Advance(rows); };
  certification.result = robustness::CertifyDataset(executor, data, config);
  progress.Finish();
  return certification;
}

nlohmann::json AuditCertificationJson(const AuditCertification& certification) {
  nlohmann::json per_epsilon = nlohmann::json::array();
  for (std::size_t i = 0; i < certification.epsilons.size(); ++i) {
    per_epsilon.push_back({{"epsilon", certification.epsilons[i]},
                           {"l2_radius", certification.l2_radii[i]},
                           {"certified_accuracy", certification.result.curve[i].certified_accuracy},
                           {"empirical_robust_accuracy", certification.empirical[i]}});
  }
  return {{"method", "randomized smoothing (Cohen et al. 2019), L2, of the smoothed model"},
          {"sigma", certification.options.sigma},
          {"n0", certification.options.n0},
          {"n", certification.options.n},
          {"alpha", certification.options.alpha},
          {"abstain_rate", certification.result.abstain_rate},
          {"results", per_epsilon}};
}

namespace {

std::string AuditCertificationLine(const AuditCertification& certification) {
  return fmt::format(
      "Lower bound: accuracy of the smoothed model (sigma {}, n {}, alpha {}) certified at each "
      "budget's L2 radius; upper bound: worst case over the attacks on the model itself. The "
      "smoothed model abstains on {}.",
      certification.options.sigma, certification.options.n, certification.options.alpha,
      Percent(certification.result.abstain_rate));
}

Table AuditCertificationTable(const AuditCertification& certification) {
  Table table;
  table.headers = {"epsilon", "L2 radius", "certified accuracy (at least)",
                   "robust accuracy under attack (at most)"};
  table.align = {Align::kRight, Align::kRight, Align::kRight, Align::kRight};
  for (std::size_t i = 0; i < certification.epsilons.size(); ++i) {
    table.rows.push_back({fmt::format("{}", certification.epsilons[i]),
                          fmt::format("{:.4g}", certification.l2_radii[i]),
                          Percent(certification.result.curve[i].certified_accuracy),
                          Percent(certification.empirical[i])});
  }
  return table;
}

}  // namespace

std::string AuditCertificationMarkdown(const AuditCertification& certification) {
  MarkdownWriter md;
  md.Heading(3, "Certified robustness (randomized smoothing)");
  md.Paragraph(AuditCertificationLine(certification));
  md.AddTable(AuditCertificationTable(certification));
  return md.str();
}

void AddAuditCertificationHtml(const AuditCertification& certification, HtmlDocument& page) {
  page.Heading(2, "Certified robustness (randomized smoothing)");
  page.Paragraph(AuditCertificationLine(certification));
  page.AddTable(AuditCertificationTable(certification));
  page.Paragraph(kMeaning);
}

std::vector<std::pair<double, double>> AuditCertifiedSeries(
    const AuditCertification& certification) {
  std::vector<std::pair<double, double>> series;
  series.reserve(certification.epsilons.size());
  for (std::size_t i = 0; i < certification.epsilons.size(); ++i) {
    series.emplace_back(certification.epsilons[i],
                        certification.result.curve[i].certified_accuracy);
  }
  return series;
}

JUnitSuite AuditCertificationJUnit(const AuditCertification& certification,
                                   const std::string& model_path) {
  JUnitSuite suite;
  suite.name = "rampart.robustness.certified";
  const AuditCertifyOptions& options = certification.options;
  suite.properties = {{"model", model_path},
                      {"sigma", fmt::format("{}", options.sigma)},
                      {"n0", std::to_string(options.n0)},
                      {"n", std::to_string(options.n)},
                      {"alpha", fmt::format("{}", options.alpha)},
                      {"abstain_rate", fmt::format("{}", certification.result.abstain_rate)}};
  const std::string model = std::filesystem::path(model_path).stem().string();
  // The audit has no gate on the certificate (its gate is on the attacks), so these cases report
  // the curve and never fail; `robustness certify --min-certified-accuracy` is the certified gate.
  for (std::size_t i = 0; i < certification.epsilons.size(); ++i) {
    JUnitCase test_case;
    test_case.classname = "rampart.robustness.certified." + model;
    test_case.name = fmt::format("certified_eps={}", certification.epsilons[i]);
    test_case.system_out =
        fmt::format("certified_accuracy={} l2_radius={} empirical_robust_accuracy={}",
                    certification.result.curve[i].certified_accuracy, certification.l2_radii[i],
                    certification.empirical[i]);
    suite.cases.push_back(std::move(test_case));
  }
  return suite;
}

void SetupRobustnessCertifyCommand(CLI::App& robustness, Context& context) {
  auto options = std::make_shared<CertifyOptions>();
  CLI::App* certify = robustness.add_subcommand(
      "certify",
      "Certify L2 robustness by randomized smoothing (Cohen et al. 2019)\n"
      "  example: rampart robustness certify --model net.onnx --data test.npy --labels y.npy \\\n"
      "             --sigma 0.25 --n 10000 --min-certified-accuracy 0.5@0.25 --format markdown\n"
      "  exit codes: 0 passed, 1 certified accuracy below the gate, 2 bad input");
  certify->add_option("--model", options->model, "ONNX model file")->required();
  certify
      ->add_option("--data", options->data,
                   "Samples: CSV (label, then the flattened input) or .npy (N, ...)")
      ->required();
  certify->add_option("--labels", options->labels, "Labels for .npy data (.npy of integers)");
  certify->add_option("--sigma", options->sigma, "Noise standard deviation (input units)")
      ->required();
  certify->add_option("--n0", options->n0, "Noise draws that choose the top class")
      ->capture_default_str();
  certify->add_option("--n", options->n, "Noise draws that bound its probability")
      ->capture_default_str();
  certify->add_option("--alpha", options->alpha, "Failure probability of each certificate")
      ->capture_default_str();
  certify->add_option("--radii", options->radii, "L2 radii of the certified-accuracy curve")
      ->delimiter(',')
      ->capture_default_str();
  certify->add_option("--batch-size", options->batch_size, "Noisy copies per model call")
      ->capture_default_str();
  certify->add_option("--seed", options->seed, "Random seed of the noise")->capture_default_str();
  certify->add_option("--min-certified-accuracy", options->gates,
                      "Gate X@R: exit 1 if the certified accuracy at L2 radius R is below X "
                      "(repeatable)");
  certify->add_flag("--predict", options->predict,
                    "Also run PREDICT: the smoothed classifier's class or abstention per sample "
                    "(n fresh draws, two-sided binomial test at level alpha)");
  context.AddOutputOptions(certify, options->output, {"json", "markdown", "html", "junit"});
  certify->callback([options, &context] {
    context.SetCommand([options, &context] { return RunCertifyCommand(*options, context); });
  });
}

}  // namespace rampart::cli
