// Runs the real rampart executable for CLI tests: arguments are shell-quoted, stdin can be fed,
// and stdout, stderr and the exit code come back separately.
//
//   RunResult r = RunRampart({"privacy", "--help"});
//   EXPECT_EQ(r.exit_code, 0);
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace rampart::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (const char c : arg) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted.push_back(c);
  }
  return quoted + "'";
}

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `env` entries are "NAME=value" prefixes for the command line.
inline RunResult RunRampart(const std::vector<std::string>& args,
                            const std::string& stdin_text = "",
                            const std::vector<std::string>& env = {}) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("rampart_cli_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  const auto in_path = dir / "stdin";
  const auto out_path = dir / "stdout";
  const auto err_path = dir / "stderr";
  std::ofstream(in_path, std::ios::binary) << stdin_text;
  std::string command = "env";
  for (const auto& e : env) command += " " + ShellQuote(e);
  command += " " + ShellQuote(RAMPART_EXE);
  for (const auto& arg : args) command += " " + ShellQuote(arg);
  command += " < " + ShellQuote(in_path.string()) + " > " + ShellQuote(out_path.string()) + " 2> " +
             ShellQuote(err_path.string());
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

inline int CountLines(const std::string& text) {
  int lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

}  // namespace rampart::testing
