// `rampart privacy <verb>`: one Setup/Run pair per verb; the work is done by rampart::privacy.
#include "context.h"

namespace rampart::cli {

void SetupPrivacyCommands(CLI::App& app, Context& /*context*/) {
  app.add_subcommand("privacy", "Differential privacy: noise, budgets, private SQL");
}

}  // namespace rampart::cli
