// `rampart robustness certify` end to end: the JSON contract, every format, the gate's exit
// codes, reproducibility from the seed, and one clear line for bad flags.
#include <algorithm>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace rampart::testing
