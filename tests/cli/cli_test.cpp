// The executable's frame: version, help with exit codes, usage errors mapped to exit 2 with one
// clear line, and every module's subcommand present.
#include <gtest/gtest.h>

#include "run_command.h"

namespace rampart::testing {
namespace {

TEST(CliTest, VersionPrintsNameAndVersion) {
  const RunResult r = RunRampart({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("rampart ", 0), 0U) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliTest, HelpDocumentsExitCodesAndModules) {
  const RunResult r = RunRampart({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text :
       {"Exit codes:", "privacy", "robustness", "compliance", "70", "privacy budget exhausted"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << "help lacks " << text << ":\n" << r.out;
  }
}

TEST(CliTest, ModuleHelpWorks) {
  for (const char* module : {"privacy", "robustness", "compliance"}) {
    const RunResult r = RunRampart({module, "--help"});
    EXPECT_EQ(r.exit_code, 0) << module << ": " << r.err;
    EXPECT_NE(r.out.find(module), std::string::npos) << r.out;
  }
}

TEST(CliTest, UnknownFlagExitsTwoWithOneErrorLine) {
  const RunResult r = RunRampart({"--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("rampart: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
  EXPECT_EQ(CountLines(r.err), 2) << r.err;  // the error, then "Run with --help ..."
}

TEST(CliTest, UnknownSubcommandExitsTwo) {
  const RunResult r = RunRampart({"privacy", "no-such-verb"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("rampart: error: ", 0), 0U) << r.err;
}

TEST(CliTest, NoCommandIsAUsageError) {
  const RunResult r = RunRampart({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(CliTest, ModuleWithoutVerbIsAUsageError) {
  const RunResult r = RunRampart({"compliance"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("rampart: error: ", 0), 0U) << r.err;
}

}  // namespace
}  // namespace rampart::testing
