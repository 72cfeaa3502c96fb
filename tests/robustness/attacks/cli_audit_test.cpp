// `rampart robustness audit` end to end: every format, the gate's exit codes, per-sample CSV,
// and bad input.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "../../cli/run_command.h"

namespace rampart::testing {
namespace {

const std::string kDir = std::string(RAMPART_TESTDATA_DIR) + "/robustness/";

std::vector<std::string> Audit(std::vector<std::string> extra) {
  std::vector<std::string> args{"robustness", "audit",
                                "--model",    kDir + "mlp.onnx",
                                "--data",     kDir + "demo_x.npy",
                                "--labels",   kDir + "demo_y.npy",
                                "--eps",      "0.1,0.2",
                                "--steps",    "5",
                                "--seed",     "7"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CliAudit, JsonCarriesTheContractFields) {
  const RunResult r = RunRampart(Audit({"--format", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema_version"], 1);
  for (const char* key : {"model", "samples", "clean_accuracy", "results", "gate", "model_sha256",
                          "data_sha256", "seed", "parameters", "worst_case"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_EQ(doc["model_sha256"].get<std::string>().size(), 64U);
  ASSERT_EQ(doc["results"].size(), 4U);
  for (const auto& result : doc["results"]) {
    for (const char* key : {"attack", "norm", "epsilon", "steps", "step_size", "random_start",
                            "robust_accuracy", "attack_success_rate", "per_class"}) {
      EXPECT_TRUE(result.contains(key)) << key;
    }
    EXPECT_LE(result["robust_accuracy"].get<double>(), doc["clean_accuracy"].get<double>());
  }
  EXPECT_EQ(doc["results"][3]["attack"], "pgd");
  EXPECT_DOUBLE_EQ(doc["results"][3]["step_size"].get<double>(), 0.2 * 2.5 / 5);
  EXPECT_TRUE(doc["gate"]["passed"].get<bool>());
  EXPECT_TRUE(doc["gate"]["threshold"].is_null());
  // Same seed, same report.
  const RunResult again = RunRampart(Audit({"--format", "json"}));
  EXPECT_EQ(again.out, r.out);
}

TEST(CliAudit, GateExitCodes) {
  const RunResult pass = RunRampart(Audit({"--min-robust-accuracy", "0", "--format", "json"}));
  EXPECT_EQ(pass.exit_code, 0) << pass.err;
  EXPECT_TRUE(nlohmann::json::parse(pass.out)["gate"]["passed"].get<bool>());
  const RunResult fail = RunRampart(Audit({"--min-robust-accuracy", "0.99", "--format", "json"}));
  EXPECT_EQ(fail.exit_code, 1) << fail.err;
  const nlohmann::json doc = nlohmann::json::parse(fail.out);
  EXPECT_FALSE(doc["gate"]["passed"].get<bool>());
  EXPECT_DOUBLE_EQ(doc["gate"]["threshold"].get<double>(), 0.99);
}

TEST(CliAudit, JUnitHasOneCasePerAttackAndEpsilon) {
  const RunResult r = RunRampart(Audit({"--min-robust-accuracy", "0.5", "--format", "junit"}));
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(r.out.c_str())) << r.out;
  const pugi::xpath_node_set cases = xml.select_nodes("//testcase");
  ASSERT_EQ(cases.size(), 4U);
  int failures = 0;
  for (const pugi::xpath_node& node : cases) {
    EXPECT_STREQ(node.node().attribute("classname").value(), "rampart.robustness.mlp");
    failures += node.node().child("failure") ? 1 : 0;
  }
  EXPECT_STREQ(cases[0].node().attribute("name").value(), "fgsm_linf_eps=0.1");
  EXPECT_STREQ(cases[3].node().attribute("name").value(), "pgd_linf_eps=0.2");
  EXPECT_EQ(r.exit_code, failures > 0 ? 1 : 0);
  EXPECT_GT(failures, 0);  // eps 0.2 breaks the small MLP well below 50%
}

TEST(CliAudit, MarkdownAndHtml) {
  const RunResult md = RunRampart(Audit({"--format", "markdown"}));
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| pgd |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("worst-case robust accuracy"), std::string::npos);
  const RunResult html = RunRampart(Audit({"--format", "html", "--norm", "l2"}));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<svg"), std::string::npos);
  EXPECT_NE(html.out.find("<polyline"), std::string::npos);
  EXPECT_NE(html.out.find("<table"), std::string::npos);
  EXPECT_NE(html.out.find("pgd_l2_0.1"), std::string::npos);  // per-class table header
}

TEST(CliAudit, PerSampleCsv) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("rampart_audit_" + std::to_string(::getpid()) + ".csv");
  const RunResult r = RunRampart(Audit({"--attack", "pgd", "--per-sample", path.string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = ReadWholeFile(path);
  std::filesystem::remove(path);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "index,label,clean_prediction,pgd_linf_0.1,pgd_linf_0.2");
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')),
            doc["samples"].get<std::size_t>() + 1);
}

TEST(CliAudit, BaselineRegressionGate) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rampart_audit_baseline_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const RunResult first = RunRampart(Audit({"--output", (dir / "base.json").string()}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // The same audit again: nothing dropped.
  const RunResult same = RunRampart(Audit({"--baseline", (dir / "base.json").string()}));
  EXPECT_EQ(same.exit_code, 0) << same.err;
  const nlohmann::json same_doc = nlohmann::json::parse(same.out);
  EXPECT_EQ(same_doc["baseline"]["compared"], 4);
  EXPECT_TRUE(same_doc["baseline"]["passed"].get<bool>());
  // A baseline where pgd at 0.2 was perfectly robust: a drop beyond any max-drop < 1 - current.
  nlohmann::json better = nlohmann::json::parse(ReadWholeFile(dir / "base.json"));
  const double current = better["results"][3]["robust_accuracy"].get<double>();
  better["results"][3]["robust_accuracy"] = 1.0;
  std::ofstream(dir / "better.json") << better.dump();
  const RunResult worse = RunRampart(Audit(
      {"--baseline", (dir / "better.json").string(), "--max-drop", "0.001", "--format", "junit"}));
  EXPECT_EQ(worse.exit_code, 1) << worse.err;
  EXPECT_NE(worse.out.find("dropped from 1.0000"), std::string::npos) << worse.out;
  // Within the allowed drop: passes.
  const RunResult tolerated =
      RunRampart(Audit({"--baseline", (dir / "better.json").string(), "--max-drop",
                        fmt::format("{}", 1.0 - current + 1e-9)}));
  EXPECT_EQ(tolerated.exit_code, 0) << tolerated.err;
  std::ofstream(dir / "bad.json") << "{not json";
  EXPECT_EQ(RunRampart(Audit({"--baseline", (dir / "bad.json").string()})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--max-drop", "0.1"})).exit_code, 2);
  std::filesystem::remove_all(dir);
}

TEST(CliAudit, BadInputExitsTwo) {
  EXPECT_EQ(RunRampart(Audit({"--norm", "l7"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--attack", "cw"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--clip", "1"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--step-size", "0.1", "--step-fraction", "0.2"})).exit_code, 2);
  const RunResult missing = RunRampart({"robustness", "audit", "--model", kDir + "nope.onnx",
                                        "--data", kDir + "demo_x.npy", "--eps", "0.1"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.onnx"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace rampart::testing

namespace rampart::testing {
namespace {

std::vector<std::string> ShardAudit(std::vector<std::string> extra) {
  std::vector<std::string> args =
      Audit({"--attack", "fgsm,pgd,apgd-dlr,ensemble", "--apgd-steps", "8", "--ensemble",
             "pgd,apgd-ce", "--minimal-perturbation", "pgd"});
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CliAudit, ShardsMergeIntoTheUnshardedReport) {
  const auto dir = std::filesystem::temp_directory_path() / "rampart_shard_test";
  std::filesystem::create_directories(dir);
  const RunResult whole = RunRampart(ShardAudit({"--format", "json"}));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  std::vector<std::string> merge{"robustness", "merge"};
  for (const std::string shard : {"2/3", "1/3", "3/3"}) {
    const std::string file = (dir / fmt::format("shard{}.json", shard[0])).string();
    const RunResult r = RunRampart(ShardAudit({"--shard", shard, "--output", file}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(ReadWholeFile(file));
    EXPECT_EQ(doc["shard"]["count"], 3);
    EXPECT_EQ(doc["per_sample"]["index"][0], shard[0] - '1');
    merge.push_back(file);
  }
  const nlohmann::json expected = nlohmann::json::parse(whole.out);
  EXPECT_EQ(expected["results"].size(), 8U);
  EXPECT_TRUE(expected.contains("minimal_perturbation"));
  EXPECT_FALSE(expected.contains("per_sample"));
  std::vector<std::string> json_merge = merge;
  json_merge.insert(json_merge.end(), {"--format", "json"});
  const RunResult merged = RunRampart(json_merge);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(nlohmann::json::parse(merged.out), expected);
  EXPECT_EQ(merged.out, whole.out);
  // Every format and the gate come out as from one run.
  std::vector<std::string> gated = merge;
  gated.insert(gated.end(), {"--format", "markdown", "--min-robust-accuracy", "0.99"});
  const RunResult markdown = RunRampart(gated);
  const RunResult direct =
      RunRampart(ShardAudit({"--format", "markdown", "--min-robust-accuracy", "0.99"}));
  EXPECT_EQ(markdown.exit_code, 1);
  EXPECT_EQ(direct.exit_code, 1);
  EXPECT_EQ(markdown.out, direct.out);
  // A missing or repeated shard, or a shard of another audit, is refused.
  const RunResult missing = RunRampart({"robustness", "merge", merge[2], merge[3]});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("shard 3/3 is missing"), std::string::npos) << missing.err;
  const RunResult twice = RunRampart({"robustness", "merge", merge[2], merge[2], merge[3]});
  EXPECT_EQ(twice.exit_code, 2);
  const std::string other = (dir / "other.json").string();
  ASSERT_EQ(RunRampart(Audit({"--shard", "1/3", "--restarts", "2", "--output", other})).exit_code,
            0);
  const RunResult mixed = RunRampart({"robustness", "merge", other, merge[3], merge[4]});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--shard", "4/3"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--shard", "x"})).exit_code, 2);
  std::filesystem::remove_all(dir);
}

TEST(CliAudit, ApgdAndLossFlags) {
  const std::string per_sample =
      (std::filesystem::temp_directory_path() / "rampart_apgd_flags_per_sample.csv").string();
  const RunResult r = RunRampart(
      Audit({"--attack", "apgd-ce,pgd", "--loss", "margin", "--apgd-steps", "5", "--format", "json",
             "--minimal-perturbation", "apgd-ce", "--per-sample", per_sample}));
  std::filesystem::remove(per_sample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["results"][0]["attack"], "apgd-ce");
  EXPECT_EQ(doc["results"][0]["loss"], "ce");
  EXPECT_EQ(doc["results"][0]["steps"], 5);
  EXPECT_DOUBLE_EQ(doc["results"][0]["step_size"].get<double>(), 0.2);
  EXPECT_EQ(doc["results"][2]["loss"], "margin");
  EXPECT_EQ(doc["parameters"]["apgd_steps"], 5);
  EXPECT_TRUE(doc["parameters"]["early_stop"].get<bool>());
  const RunResult full = RunRampart(Audit({"--attack", "pgd", "--no-early-stop"}));
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_FALSE(nlohmann::json::parse(full.out)["parameters"]["early_stop"].get<bool>());
  EXPECT_EQ(doc["minimal_perturbation"]["attack"], "apgd-ce");
  EXPECT_LE(doc["minimal_perturbation"]["broken"].get<int>(),
            doc["minimal_perturbation"]["attacked"].get<int>());
  EXPECT_EQ(RunRampart(Audit({"--loss", "hinge"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--attack", "apgd-xx"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--attack", "ensemble", "--ensemble", "square"})).exit_code, 2);
  EXPECT_EQ(RunRampart(Audit({"--minimal-perturbation", "deepfool"})).exit_code, 2);
}

}  // namespace
}  // namespace rampart::testing
