// `rampart robustness certify` end to end: the JSON contract, every format, the gate's exit
// codes, reproducibility from the seed, and one clear line for bad flags.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "../../cli/run_command.h"

namespace rampart::testing {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

std::vector<std::string> Certify(std::vector<std::string> extra) {
  std::vector<std::string> args{"robustness", "certify",
                                "--model",    kDir + "mlp.onnx",
                                "--data",     kDir + "demo_x.npy",
                                "--labels",   kDir + "demo_y.npy",
                                "--sigma",    "0.25",
                                "--n0",       "20",
                                "--n",        "200",
                                "--seed",     "3"};
  // A flag given in `extra` replaces its default above.
  const auto defaults_end = static_cast<std::ptrdiff_t>(args.size());
  for (std::size_t i = 0; i < extra.size(); ++i) {
    const auto found = std::find(args.begin(), args.begin() + defaults_end, extra[i]);
    if (found != args.begin() + defaults_end && i + 1 < extra.size()) {
      *(found + 1) = extra[++i];
    } else {
      args.push_back(extra[i]);
    }
  }
  return args;
}

TEST(CliCertify, JsonCarriesTheContractFieldsAndIsReproducible) {
  const RunResult r = RunRampart(Certify({"--format", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema_version"], 1);
  for (const char* key : {"model", "samples", "sigma", "n0", "n", "alpha", "abstain_rate",
                          "certified_accuracy", "results", "gate", "seed", "model_sha256"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(doc["sigma"].get<double>(), 0.25);
  EXPECT_EQ(doc["n"], 200);
  EXPECT_DOUBLE_EQ(doc["alpha"].get<double>(), 0.001);
  const auto samples = doc["samples"].get<std::size_t>();
  ASSERT_GT(samples, 0U);
  ASSERT_EQ(doc["results"].size(), samples);
  // The default radii, keyed as written.
  for (const char* radius : {"0", "0.25", "0.5", "0.75"}) {
    ASSERT_TRUE(doc["certified_accuracy"].contains(radius)) << radius;
  }
  // Recompute the curve and the abstain rate from the per-sample results.
  std::size_t abstained = 0;
  std::size_t certified_at_quarter = 0;
  for (const auto& s : doc["results"]) {
    const bool abstain = s["abstain"].get<bool>();
    abstained += abstain ? 1U : 0U;
    EXPECT_EQ(s["prediction"].is_null(), abstain);
    EXPECT_EQ(abstain, s["p_lower"].get<double>() < 0.5);
    if (abstain) {
      EXPECT_EQ(s["radius"].get<double>(), 0.0);
      EXPECT_FALSE(s["correct"].get<bool>());
    } else {
      EXPECT_EQ(s["correct"].get<bool>(), s["prediction"] == s["label"]);
      // n = 200 at alpha = 0.001 bounds pA by 0.001^(1/200): radius <= 0.25·Φ⁻¹(0.96605).
      EXPECT_LE(s["radius"].get<double>(), 0.25 * 1.82550 + 1e-4);
    }
    certified_at_quarter += s["correct"].get<bool>() && s["radius"].get<double>() >= 0.25 ? 1U : 0U;
  }
  EXPECT_DOUBLE_EQ(doc["abstain_rate"].get<double>(),
                   static_cast<double>(abstained) / static_cast<double>(samples));
  EXPECT_DOUBLE_EQ(doc["certified_accuracy"]["0.25"].get<double>(),
                   static_cast<double>(certified_at_quarter) / static_cast<double>(samples));
  EXPECT_GE(doc["certified_accuracy"]["0"].get<double>(),
            doc["certified_accuracy"]["0.75"].get<double>());
  EXPECT_TRUE(doc["gate"]["passed"].get<bool>());
  // Same seed, same report, whatever the batch size.
  const RunResult again = RunRampart(Certify({"--format", "json", "--batch-size", "77"}));
  EXPECT_EQ(again.out, r.out);
  const RunResult other_seed = RunRampart(Certify({"--format", "json", "--seed", "4"}));
  EXPECT_NE(other_seed.out, r.out);
}

TEST(CliCertify, GateExitCodesAndTheGatedRadiusJoinsTheCurve) {
  const RunResult pass = RunRampart(Certify({"--min-certified-accuracy", "0@0.3"}));
  EXPECT_EQ(pass.exit_code, 0) << pass.err;
  const nlohmann::json ok = nlohmann::json::parse(pass.out);
  EXPECT_TRUE(ok["certified_accuracy"].contains("0.3"));
  EXPECT_TRUE(ok["gate"]["passed"].get<bool>());
  // n = 200 at alpha = 0.001 cannot certify beyond 0.25·Φ⁻¹(0.001^(1/200)) ≈ 0.456.
  const RunResult fail = RunRampart(Certify({"--min-certified-accuracy", "0.01@0.5"}));
  EXPECT_EQ(fail.exit_code, 1) << fail.err;
  const nlohmann::json doc = nlohmann::json::parse(fail.out);
  EXPECT_FALSE(doc["gate"]["passed"].get<bool>());
  ASSERT_EQ(doc["gate"]["thresholds"].size(), 1U);
  EXPECT_DOUBLE_EQ(doc["gate"]["thresholds"][0]["radius"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(doc["gate"]["thresholds"][0]["certified_accuracy"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(doc["certified_accuracy"]["0.5"].get<double>(), 0.0);
  // Two gates: both are reported, one failure fails the run.
  const RunResult two = RunRampart(
      Certify({"--min-certified-accuracy", "0@0.1", "--min-certified-accuracy", "0.01@0.5"}));
  EXPECT_EQ(two.exit_code, 1) << two.err;
  EXPECT_EQ(nlohmann::json::parse(two.out)["gate"]["thresholds"].size(), 2U);
}

TEST(CliCertify, MarkdownHtmlAndJUnit) {
  const RunResult md = RunRampart(Certify({"--format", "markdown"}));
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| L2 radius | certified accuracy | gate |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("Certified robustness: mlp.onnx"), std::string::npos);
  const RunResult html = RunRampart(Certify({"--format", "html"}));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_EQ(html.out.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_NE(html.out.find("Per sample"), std::string::npos);
  const RunResult junit =
      RunRampart(Certify({"--format", "junit", "--min-certified-accuracy", "1@0.5"}));
  EXPECT_EQ(junit.exit_code, 1) << junit.err;
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(junit.out.c_str())) << junit.out;
  const pugi::xpath_node_set cases = xml.select_nodes("//testcase");
  ASSERT_EQ(cases.size(), 4U);
  int failures = 0;
  for (const pugi::xpath_node& node : cases) {
    EXPECT_STREQ(node.node().attribute("classname").value(), "rampart.robustness.certify.mlp");
    failures += node.node().child("failure") ? 1 : 0;
  }
  EXPECT_EQ(failures, 1);
}

TEST(CliCertify, BadFlagsExitTwoWithOneClearLine) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--sigma", "0"}, "sigma"},
      {{"--sigma", "-1"}, "sigma"},
      {{"--n", "0"}, "n must be in [1, 10^12]"},
      {{"--n0", "2000000000000"}, "n0 must be in [1, 10^12]"},
      {{"--alpha", "1.5"}, "alpha"},
      {{"--batch-size", "0"}, "batch size"},
      {{"--radii", "0,-0.5"}, "radii"},
      {{"--min-certified-accuracy", "0.5"}, "X@R"},
      {{"--min-certified-accuracy", "2@0.5"}, "X@R"},
      {{"--min-certified-accuracy", "0.5@x"}, "X@R"},
      {{"--format", "csv"}, "format"},
  };
  for (const auto& [extra, expected] : cases) {
    const RunResult r = RunRampart(Certify(extra));
    EXPECT_EQ(r.exit_code, 2) << extra[0] << " " << extra[1] << ": " << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  const RunResult no_sigma = RunRampart(
      {"robustness", "certify", "--model", kDir + "mlp.onnx", "--data", kDir + "demo_x.npy"});
  EXPECT_EQ(no_sigma.exit_code, 2);
  EXPECT_NE(no_sigma.err.find("--sigma"), std::string::npos) << no_sigma.err;
  const RunResult no_labels = RunRampart({"robustness", "certify", "--model", kDir + "mlp.onnx",
                                          "--data", kDir + "demo_x.npy", "--sigma", "0.25"});
  EXPECT_EQ(no_labels.exit_code, 2);
  EXPECT_NE(no_labels.err.find("labels"), std::string::npos) << no_labels.err;
  EXPECT_EQ(CountLines(no_labels.err), 1) << no_labels.err;
}

TEST(CliCertify, AuditReportsTheCertifiedCurveNextToTheEmpiricalOne) {
  const std::vector<std::string> audit{"robustness", "audit",
                                       "--model",    kDir + "mlp.onnx",
                                       "--data",     kDir + "demo_x.npy",
                                       "--labels",   kDir + "demo_y.npy",
                                       "--eps",      "0.02,0.05",
                                       "--steps",    "5",
                                       "--seed",     "3"};
  std::vector<std::string> args = audit;
  for (const char* extra : {"--certify-sigma", "0.25", "--certify-n", "200", "--format", "json"}) {
    args.emplace_back(extra);
  }
  const RunResult r = RunRampart(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc.contains("certified"));
  const nlohmann::json& certified = doc["certified"];
  EXPECT_DOUBLE_EQ(certified["sigma"].get<double>(), 0.25);
  EXPECT_EQ(certified["n"], 200);
  ASSERT_EQ(certified["results"].size(), 2U);
  // L∞ budgets are certified through the L2 ball that contains them: radius ε·√64.
  EXPECT_DOUBLE_EQ(certified["results"][1]["l2_radius"].get<double>(), 0.05 * 8);
  EXPECT_DOUBLE_EQ(certified["results"][1]["empirical_robust_accuracy"].get<double>(),
                   doc["worst_case"][1]["robust_accuracy"].get<double>());
  // The same data, seed and n through `certify` give the same certified accuracy.
  const RunResult direct =
      RunRampart(Certify({"--radii", "0.4", "--n0", "100", "--format", "json"}));
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_DOUBLE_EQ(certified["results"][1]["certified_accuracy"].get<double>(),
                   nlohmann::json::parse(direct.out)["certified_accuracy"]["0.4"].get<double>());
  // Without the flag the report has no certified section; a bad sigma is a usage error.
  EXPECT_FALSE(nlohmann::json::parse(RunRampart(audit).out).contains("certified"));
  args = audit;
  args.emplace_back("--certify-sigma");
  args.emplace_back("-1");
  EXPECT_EQ(RunRampart(args).exit_code, 2);
}

TEST(CliCertify, AuditHtmlAndJUnitCarryTheCertifiedCurve) {
  const std::vector<std::string> audit{"robustness",      "audit",
                                       "--model",         kDir + "mlp.onnx",
                                       "--data",          kDir + "demo_x.npy",
                                       "--labels",        kDir + "demo_y.npy",
                                       "--eps",           "0.05,0.2",
                                       "--steps",         "5",
                                       "--seed",          "3",
                                       "--certify-sigma", "0.25",
                                       "--certify-n",     "200"};
  const auto run = [&audit](std::vector<std::string> extra) {
    std::vector<std::string> args = audit;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRampart(args);
  };
  const RunResult json = run({"--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json certified = nlohmann::json::parse(json.out)["certified"];
  ASSERT_EQ(certified["results"].size(), 2U);
  const auto percent = [](const nlohmann::json& value) {
    return fmt::format("{:.2f}%", 100.0 * value.get<double>());
  };

  const RunResult html = run({"--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string& page = html.out;
  const std::size_t section = page.find("<h2>Certified robustness (randomized smoothing)</h2>");
  ASSERT_NE(section, std::string::npos) << page;
  // Each row: epsilon, L2 radius (ε·√64), certified accuracy, the worst case under attack.
  for (const nlohmann::json& point : certified["results"]) {
    const std::string row = fmt::format(
        R"(<td class="num">{}</td><td class="num">{:.4g}</td><td class="num">{}</td>)"
        R"(<td class="num">{}</td>)",
        point["epsilon"].get<double>(), point["l2_radius"].get<double>(),
        percent(point["certified_accuracy"]), percent(point["empirical_robust_accuracy"]));
    EXPECT_NE(page.find(row, section), std::string::npos) << row << "\n" << page;
  }
  // The curve gains a dashed series with its legend entry.
  const std::size_t svg = page.find("<svg");
  ASSERT_NE(svg, std::string::npos);
  const std::size_t series = page.find(R"(<polyline class="certified")", svg);
  ASSERT_NE(series, std::string::npos);
  EXPECT_LT(series, page.find("</svg>", svg));
  EXPECT_NE(page.find("certified σ 0.25</text>", svg), std::string::npos);

  // JUnit: a second suite, one passing case per epsilon (the audit has no certified gate), even
  // when the attacks' gate fails the run (robust accuracy 6% at epsilon 0.2, certified 0%).
  const RunResult junit = run({"--format", "junit", "--min-robust-accuracy", "0.5"});
  EXPECT_EQ(junit.exit_code, 1) << junit.err;
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(junit.out.c_str())) << junit.out;
  const pugi::xpath_node_set cases =
      xml.select_nodes("//testsuite[@name='rampart.robustness.certified']/testcase");
  ASSERT_EQ(cases.size(), 2U) << junit.out;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const pugi::xml_node node = cases[i].node();
    const nlohmann::json& point = certified["results"][i];
    EXPECT_STREQ(node.attribute("classname").value(), "rampart.robustness.certified.mlp");
    EXPECT_EQ(node.attribute("name").value(),
              fmt::format("certified_eps={}", point["epsilon"].get<double>()));
    EXPECT_FALSE(node.child("failure"));
    EXPECT_EQ(
        std::string(node.child_value("system-out")),
        fmt::format("certified_accuracy={} l2_radius={} empirical_robust_accuracy={}",
                    point["certified_accuracy"].get<double>(), point["l2_radius"].get<double>(),
                    point["empirical_robust_accuracy"].get<double>()));
  }
  EXPECT_GT(xml.select_nodes("//testsuite[@name='rampart.robustness']/testcase/failure").size(),
            0U);

  // Without --certify-sigma neither report has the certified parts.
  std::vector<std::string> plain(audit.begin(), audit.end() - 4);
  plain.insert(plain.end(), {"--format", "html"});
  const RunResult plain_html = RunRampart(plain);
  ASSERT_EQ(plain_html.exit_code, 0) << plain_html.err;
  EXPECT_EQ(plain_html.out.find("Certified robustness"), std::string::npos);
  EXPECT_EQ(plain_html.out.find("certified"), std::string::npos);
  plain.back() = "junit";
  EXPECT_EQ(RunRampart(plain).out.find("rampart.robustness.certified"), std::string::npos);
}

// Two-sided binomial test of k successes out of m against 1/2, summed term by term in log space
// (independent of the library's incomplete-beta formula).
double BinomialTwoSided(std::int64_t k, std::int64_t m) {
  const std::int64_t extreme = std::max(k, m - k);
  if (2 * extreme == m) return 1.0;
  double tail = 0.0;
  for (std::int64_t j = extreme; j <= m; ++j) {
    const auto md = static_cast<double>(m);
    const auto jd = static_cast<double>(j);
    tail += std::exp(std::lgamma(md + 1) - std::lgamma(jd + 1) - std::lgamma(md - jd + 1) -
                     md * std::log(2.0));
  }
  return std::min(1.0, 2.0 * tail);
}

TEST(CliCertify, PredictWithTinyNoiseIsTheBaseModel) {
  // At sigma 1e-4 no draw leaves the base model's decision region, so every one of the n draws
  // votes for the clean prediction and the p-value is 2·2^-n: PREDICT answers the base class.
  const RunResult r = RunRampart(Certify({"--sigma", "0.0001", "--predict", "--format", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc.contains("predict"));
  EXPECT_EQ(doc["predict"]["n"], 200);
  EXPECT_EQ(doc["predict"]["evaluations"], 200 * doc["samples"].get<int>());
  EXPECT_DOUBLE_EQ(doc["predict"]["abstain_rate"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(doc["predict"]["accuracy"].get<double>(), doc["clean_accuracy"].get<double>());
  for (const nlohmann::json& s : doc["results"]) {
    const nlohmann::json& p = s["predict"];
    EXPECT_EQ(p["prediction"], s["clean_prediction"]);
    EXPECT_FALSE(p["abstain"].get<bool>());
    EXPECT_EQ(p["top_count"], 200);
    EXPECT_EQ(p["runner_up_count"], 0);
    EXPECT_DOUBLE_EQ(p["p_value"].get<double>(), 2.0 * std::pow(0.5, 200));
    EXPECT_EQ(p["correct"].get<bool>(), s["clean_prediction"] == s["label"]);
  }
  // Without the flag there is no PREDICT in the report.
  const nlohmann::json plain =
      nlohmann::json::parse(RunRampart(Certify({"--sigma", "0.0001"})).out);
  EXPECT_FALSE(plain.contains("predict"));
  EXPECT_FALSE(plain["results"][0].contains("predict"));
}

TEST(CliCertify, PredictAbstainsExactlyWhenTheBinomialTestDoesNotReject) {
  // Heavy noise and few draws: the top two classes are often close, so some samples abstain.
  const std::vector<std::string> flags{"--sigma", "1.5",  "--n",      "30",
                                       "--alpha", "0.05", "--predict"};
  std::vector<std::string> json_flags = flags;
  json_flags.insert(json_flags.end(), {"--format", "json"});
  const RunResult r = RunRampart(Certify(json_flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  std::size_t abstained = 0;
  std::size_t correct = 0;
  for (const nlohmann::json& s : doc["results"]) {
    const nlohmann::json& p = s["predict"];
    const auto top = p["top_count"].get<std::int64_t>();
    const auto second = p["runner_up_count"].get<std::int64_t>();
    ASSERT_GE(top, second);
    ASSERT_LE(top + second, 30);
    const double p_value = BinomialTwoSided(top, top + second);
    EXPECT_NEAR(p["p_value"].get<double>(), p_value, 1e-12 + 1e-9 * p_value) << s;
    const bool abstain = p_value > 0.05;
    EXPECT_EQ(p["abstain"].get<bool>(), abstain) << s;
    EXPECT_EQ(p["prediction"], abstain ? nlohmann::json(nullptr) : p["top_class"]) << s;
    abstained += abstain ? 1U : 0U;
    correct += !abstain && p["top_class"] == s["label"] ? 1U : 0U;
    EXPECT_EQ(p["correct"].get<bool>(), !abstain && p["top_class"] == s["label"]);
  }
  const auto samples = static_cast<double>(doc["results"].size());
  // Both branches of the rule are exercised.
  EXPECT_GT(abstained, 0U);
  EXPECT_LT(static_cast<double>(abstained), samples);
  EXPECT_DOUBLE_EQ(doc["predict"]["abstain_rate"].get<double>(),
                   static_cast<double>(abstained) / samples);
  EXPECT_DOUBLE_EQ(doc["predict"]["accuracy"].get<double>(),
                   static_cast<double>(correct) / samples);
  // Reproducible from the seed whatever the batch size.
  std::vector<std::string> rebatched = json_flags;
  rebatched.insert(rebatched.end(), {"--batch-size", "7"});
  EXPECT_EQ(RunRampart(Certify(rebatched)).out, r.out);

  // The other formats carry the same figures.
  const auto percent = [](const nlohmann::json& value) {
    return fmt::format("{:.2f}%", 100.0 * value.get<double>());
  };
  std::vector<std::string> md_flags = flags;
  md_flags.insert(md_flags.end(), {"--format", "markdown"});
  const RunResult md = RunRampart(Certify(md_flags));
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find(fmt::format("PREDICT (n 30, alpha 0.05): the smoothed classifier is "
                                    "correct on {} of the samples and abstains on {}",
                                    percent(doc["predict"]["accuracy"]),
                                    percent(doc["predict"]["abstain_rate"]))),
            std::string::npos)
      << md.out;
  std::vector<std::string> html_flags = flags;
  html_flags.insert(html_flags.end(), {"--format", "html"});
  const RunResult html = RunRampart(Certify(html_flags));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<th>PREDICT</th>"), std::string::npos);
  EXPECT_NE(html.out.find("<dt>Smoothed classifier accuracy (PREDICT)</dt><dd>" +
                          percent(doc["predict"]["accuracy"]) + "</dd>"),
            std::string::npos);
  std::vector<std::string> junit_flags = flags;
  junit_flags.insert(junit_flags.end(), {"--format", "junit"});
  const RunResult junit = RunRampart(Certify(junit_flags));
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(junit.out.c_str())) << junit.out;
  EXPECT_EQ(xml.select_node("//property[@name='predict_abstain_rate']")
                .node()
                .attribute("value")
                .as_string(),
            fmt::format("{}", doc["predict"]["abstain_rate"].get<double>()));
}

}  // namespace
}  // namespace rampart::testing
