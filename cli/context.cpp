#include "context.h"

#include <iostream>

#include <unistd.h>

#include <rampart/common/atomic_file.h>
#include <rampart/common/error.h>
#include <rampart/common/progress.h>
#include <rampart/common/terminal.h>

namespace rampart::cli {

void Context::AddOutputOptions(CLI::App* verb, OutputOptions& options,
                               const std::vector<std::string>& formats, bool with_output_file) {
  options.format = formats.front();
  std::string list;
  for (const auto& format : formats) list += (list.empty() ? "" : "|") + format;
  verb->add_option("--format", options.format, "Output format: " + list)
      ->check(CLI::IsMember(formats))
      ->envname("RAMPART_FORMAT")
      ->capture_default_str();
  if (with_output_file) {
    verb->add_option("-o,--output", options.output_path,
                     "Write the result to FILE (atomically) instead of stdout");
  }
}

void Context::EmitResult(const OutputOptions& options, std::string_view text) const {
  if (options.output_path.empty() || options.output_path == "-") {
    std::cout << text << std::flush;
    if (!std::cout) throw IoError("cannot write to standard output");
    return;
  }
  WriteFileAtomically(options.output_path, text);
}

void Context::Warn(std::string_view message) const {
  std::cerr << "rampart: warning: " << message << '\n';
}

void Context::Info(std::string_view message) const {
  if (!global.quiet) std::cerr << "rampart: " << message << '\n';
}

bool Context::ProgressEnabled() const {
  return Progress::ShouldDraw(global.quiet);
}

bool Context::ColorOnStderr() const {
  return ColorEnabled(STDERR_FILENO, global.no_color);
}

}  // namespace rampart::cli
