// `rampart compliance <verb>`: one Setup/Run pair per verb; the work is done by
// rampart::compliance.
#include "context.h"

namespace rampart::cli {

void SetupComplianceCommands(CLI::App& app, Context& /*context*/) {
  app.add_subcommand("compliance",
                     "GDPR data minimization: find personal data, audit schemas, minimize");
}

}  // namespace rampart::cli
