// `rampart privacy <verb>`: one Setup/Run pair per verb; the work is done by rampart::privacy.
#include "context.h"

namespace rampart::cli {

void SetupPrivacyAccountingCommands(CLI::App& privacy,
                                    Context& context);  // privacy_accounting_commands.cpp

void SetupPrivacyCommands(CLI::App& app, Context& context) {
  CLI::App* privacy =
      app.add_subcommand("privacy", "Differential privacy: noise, budgets, private SQL");
  SetupPrivacyAccountingCommands(*privacy, context);
}

}  // namespace rampart::cli
