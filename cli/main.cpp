// The rampart executable: argument parsing, one handler that maps errors to exit codes, nothing
// else. Every verb's work is done by a library (DESIGN.md, "Architecture").
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include <rampart/common/error.h>
#include <rampart/common/exit_codes.h>
#include <rampart/common/version.h>

#include "context.h"

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0   success
  1   a gate failed (audit below threshold, findings at or above --fail-on)
  2   usage or input error (bad flag, malformed file, unsupported model or query)
  3   privacy budget exhausted (nothing was released)
  70  internal error (a bug: please report it)

Examples:
  rampart privacy --help
  rampart robustness --help
  rampart compliance --help

Environment: RAMPART_FORMAT sets the default --format; NO_COLOR disables colour.)";

int Run(int argc, char** argv) {
  rampart::cli::Context context;
  CLI::App app{"rampart: make ML systems private, robust and compliant.", "rampart"};
  app.set_version_flag("--version", std::string("rampart ") + rampart::kVersion);
  app.footer(kFooter);
  app.fallthrough();  // global flags may follow the verb: `rampart privacy calibrate -q ...`
  app.set_config("--config", "", "Read options from a TOML file ([privacy.calibrate] sections)");
  app.add_flag("-q,--quiet", context.global.quiet, "No progress or informational messages");
  app.add_flag("--no-color", context.global.no_color, "Never use colour (also: NO_COLOR=1)");
  app.add_flag("-v,--verbose", context.global.verbosity, "More diagnostics on stderr (repeatable)");
  app.failure_message([](const CLI::App* /*app*/, const CLI::Error& error) {
    return std::string("rampart: error: ") + error.what() +
           "\nRun with --help for more information.\n";
  });

  rampart::cli::SetupPrivacyCommands(app, context);
  rampart::cli::SetupRobustnessCommands(app, context);
  rampart::cli::SetupComplianceCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11's own codes (105, 109, ...) are not ours: help and version are 0, the rest usage (2).
    return app.exit(error) == 0 ? rampart::kExitOk : rampart::kExitUsage;
  }
  if (!context.has_command()) {
    // No verb was given: name the module the user chose, if any, so the hint is precise.
    std::string chosen = "rampart";
    for (const CLI::App* level = &app; !level->get_subcommands().empty();) {
      level = level->get_subcommands().front();
      chosen += " " + level->get_name();
    }
    std::cerr << "rampart: error: " << (chosen == "rampart" ? "a module" : "a verb")
              << " is required\nRun '" << chosen << " --help' for the list.\n";
    return rampart::kExitUsage;
  }
  return context.RunCommand();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const rampart::Error& error) {
    std::cerr << "rampart: error: " << error.what() << '\n';
    return rampart::ExitCodeFor(error.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "rampart: error: out of memory\n";
    return rampart::kExitInternal;
  } catch (const std::exception& error) {
    std::cerr << "rampart: internal error: " << error.what() << '\n';
    return rampart::kExitInternal;
  }
}
