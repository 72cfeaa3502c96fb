// What every verb of the rampart executable shares: the global flags, the `--format`/`--output`
// pair (registered in one place so every verb behaves alike), result output (stdout, or a file
// written atomically) and diagnostics on stderr.
//
// A verb file registers its subcommand with Setup…(parent, context) and, when the verb is chosen,
// hands the context a function that runs it and returns the exit code (so that CLI11 parsing and
// running are separate and errors from running reach main's one handler).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace rampart::cli {

struct GlobalOptions {
  bool quiet = false;
  bool no_color = false;
  int verbosity = 0;
};

// The chosen output format and destination of one verb.
struct OutputOptions {
  std::string format;
  std::string output_path;  // empty: stdout
};

class Context {
 public:
  GlobalOptions global;

  // Adds `--format` (one of `formats`, default the first; also read from RAMPART_FORMAT) and,
  // if `with_output_file`, `-o,--output FILE` to `verb`, storing into `options`.
  void AddOutputOptions(CLI::App* verb, OutputOptions& options,
                        const std::vector<std::string>& formats, bool with_output_file = true);

  // The verb to run after parsing; set by the verb's CLI11 callback.
  void SetCommand(std::function<int()> command) { command_ = std::move(command); }
  [[nodiscard]] bool has_command() const { return static_cast<bool>(command_); }
  int RunCommand() const { return command_(); }

  // Writes the result to stdout, or atomically to options.output_path.
  void EmitResult(const OutputOptions& options, std::string_view text) const;
  // "rampart: warning: ..." on stderr (even with --quiet: warnings about privacy must be seen).
  void Warn(std::string_view message) const;
  // An informational line on stderr, unless --quiet.
  void Info(std::string_view message) const;
  [[nodiscard]] bool ProgressEnabled() const;
  [[nodiscard]] bool ColorOnStderr() const;

 private:
  std::function<int()> command_;
};

// Verb registration, one function per module (privacy_commands.cpp, ...).
void SetupPrivacyCommands(CLI::App& app, Context& context);
void SetupRobustnessCommands(CLI::App& app, Context& context);
void SetupComplianceCommands(CLI::App& app, Context& context);

}  // namespace rampart::cli
