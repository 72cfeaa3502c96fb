// `rampart robustness <verb>`: one Setup/Run pair per verb; the work is done by
// rampart::robustness.
#include "context.h"

namespace rampart::cli {

void SetupRobustnessCommands(CLI::App& app, Context& /*context*/) {
  app.add_subcommand("robustness",
                     "Adversarial robustness: attacks, audits, certificates of ONNX models");
}

}  // namespace rampart::cli
