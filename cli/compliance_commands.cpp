// `rampart compliance <verb>`: one Setup/Run pair per verb; the work is done by
// rampart::compliance.
#include "context.h"

namespace rampart::cli {

void SetupComplianceMinimizeCommands(CLI::App& compliance, Context& context);

void SetupComplianceCommands(CLI::App& app, Context& context) {
  CLI::App* compliance = app.add_subcommand(
      "compliance", "GDPR data minimization: find personal data, audit schemas, minimize");
  SetupComplianceMinimizeCommands(*compliance, context);
}

}  // namespace rampart::cli
