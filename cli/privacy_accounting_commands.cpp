// `rampart privacy account`: the privacy spent by a series of releases (e.g. a DP-SGD run),
// according to one of the accountants of rampart::privacy; and `rampart privacy budget`, the
// persistent per-dataset ledger. The work is done by the library.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/parameters.h>

#include "context.h"

namespace rampart::cli {
namespace {

using privacy::PrivacyEvent;

// The release described by the mechanism flags shared by `account` and `budget charge`.
struct MechanismFlags {
  std::string mechanism;
  double noise_multiplier = 0.0;
  std::optional<double> sampling_rate;
  std::int64_t steps = 1;
};

// Re-throws a library validation error naming the flag the user typed.
template <typename Make>
auto WithFlag(const char* flag, Make make) {
  try {
    return make();
  } catch (const InvalidArgumentError& error) {
    throw InvalidArgumentError(error.message(), {.field = flag});
  }
}

PrivacyEvent EventFromFlags(const MechanismFlags& flags) {
  if (flags.steps < 1) {
    throw InvalidArgumentError(fmt::format("must be an integer >= 1, got {}", flags.steps),
                               {.field = "--steps"});
  }
  WithFlag("--noise-multiplier",
           [&] { return privacy::CheckPositive(flags.noise_multiplier, "noise multiplier"); });
  PrivacyEvent step = PrivacyEvent::Gaussian(1.0);
  if (flags.mechanism == "subsampled-gaussian") {
    if (!flags.sampling_rate) {
      throw InvalidArgumentError("subsampled-gaussian needs --sampling-rate Q in (0, 1]",
                                 {.field = "--sampling-rate"});
    }
    step = WithFlag("--sampling-rate", [&] {
      return PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(flags.noise_multiplier),
                                             *flags.sampling_rate);
    });
  } else {
    if (flags.sampling_rate) {
      throw InvalidArgumentError(
          fmt::format("applies only to --mechanism subsampled-gaussian, not {}", flags.mechanism),
          {.field = "--sampling-rate"});
    }
    // Sensitivity 1: the noise multiplier is the noise scale in units of the sensitivity.
    step = flags.mechanism == "laplace" ? PrivacyEvent::Laplace(flags.noise_multiplier)
                                        : PrivacyEvent::Gaussian(flags.noise_multiplier);
  }
  return flags.steps == 1 ? step : PrivacyEvent::SelfComposed(step, flags.steps);
}

void AddMechanismFlags(CLI::App* verb, MechanismFlags& flags) {
  verb->add_option("--mechanism", flags.mechanism, "gaussian, subsampled-gaussian or laplace")
      ->required()
      ->check(CLI::IsMember({"gaussian", "subsampled-gaussian", "laplace"}));
  verb->add_option("--noise-multiplier", flags.noise_multiplier,
                   "Noise standard deviation (Gaussian) or scale (Laplace) / sensitivity")
      ->required();
  verb->add_option("--sampling-rate", flags.sampling_rate,
                   "Poisson sampling rate q in (0, 1] (subsampled-gaussian)");
  verb->add_option("--steps", flags.steps, "Number of releases (e.g. training steps)")
      ->capture_default_str();
}

struct AccountOptions {
  MechanismFlags mechanism;
  std::optional<double> delta;
  std::optional<double> epsilon;
  std::string accountant;
  OutputOptions output;
};

std::string FormatOptional(const std::optional<double>& value) {
  return value ? FormatSignificant(*value, 4) : "";
}

int RunAccount(const AccountOptions& options, const Context& context) {
  const PrivacyEvent event = EventFromFlags(options.mechanism);
  const privacy::AccountantKind kind =
      WithFlag("--accountant", [&] { return privacy::ParseAccountantKind(options.accountant); });
  if (options.delta.has_value() == options.epsilon.has_value()) {
    throw InvalidArgumentError("give exactly one of --delta D or --epsilon E",
                               {.field = "--delta"});
  }
  const auto accountant = privacy::MakeAccountant(kind);
  const privacy::PrivacyGuarantee g =
      options.delta ? WithFlag("--delta",
                               [&] {
                                 privacy::CheckDelta(*options.delta, /*allow_zero=*/false);
                                 return accountant->EpsilonFor(event, *options.delta);
                               })
                    : WithFlag("--epsilon", [&] {
                        privacy::CheckEpsilon(*options.epsilon);
                        return accountant->DeltaFor(event, *options.epsilon);
                      });
  if (options.output.format == "json") {
    nlohmann::json doc = NewJsonDocument();
    doc["accountant"] = privacy::AccountantName(kind);
    doc["mechanism"] = options.mechanism.mechanism;
    doc["noise_multiplier"] = options.mechanism.noise_multiplier;
    if (options.mechanism.sampling_rate) doc["sampling_rate"] = *options.mechanism.sampling_rate;
    doc["steps"] = options.mechanism.steps;
    doc["epsilon"] = g.epsilon;
    doc["delta"] = g.delta;
    doc["given"] = options.delta ? "delta" : "epsilon";
    if (g.order) doc["order"] = *g.order;
    if (g.rho) doc["rho"] = *g.rho;
    doc["method"] = g.method;
    doc["event"] = event.ToJson();
    context.EmitResult(options.output, ToJsonText(doc));
    return 0;
  }
  Table table{
      .headers = {"accountant", "mechanism", "steps", "epsilon", "delta", "order", "method"},
      .align = {Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                Align::kRight, Align::kLeft}};
  table.rows.push_back({std::string(privacy::AccountantName(kind)), options.mechanism.mechanism,
                        std::to_string(options.mechanism.steps), FormatSignificant(g.epsilon, 6),
                        FormatNumber(g.delta), FormatOptional(g.order), g.method});
  context.EmitResult(options.output, FormatTextTable(table));
  return 0;
}

void SetupAccount(CLI::App& privacy, Context& context) {
  auto options = std::make_shared<AccountOptions>();
  CLI::App* verb = privacy.add_subcommand(
      "account", "Privacy spent by repeated releases (e.g. DP-SGD) under an accountant");
  verb->footer(
      "Example:\n  rampart privacy account --mechanism subsampled-gaussian --sampling-rate 0.01 "
      "\\\n"
      "    --noise-multiplier 1.1 --steps 10000 --delta 1e-5 --accountant pld --format json\n"
      "Accountants: basic (sum), advanced (DRV / Kairouz-Oh-Viswanath), zcdp (CKS20),\n"
      "rdp (Renyi DP), pld (privacy-loss distributions, the tightest).");
  AddMechanismFlags(verb, options->mechanism);
  CLI::Option* delta = verb->add_option("--delta", options->delta, "Report epsilon for this delta");
  CLI::Option* epsilon =
      verb->add_option("--epsilon", options->epsilon, "Report delta for this epsilon");
  delta->excludes(epsilon);
  verb->add_option("--accountant", options->accountant, "basic, advanced, zcdp, rdp or pld")
      ->required()
      ->check(CLI::IsMember({"basic", "advanced", "zcdp", "rdp", "pld"}));
  context.AddOutputOptions(verb, options->output, {"table", "json"});
  verb->callback([options, &context] {
    context.SetCommand([options, &context] { return RunAccount(*options, context); });
  });
}

}  // namespace

void SetupPrivacyAccountingCommands(CLI::App& privacy, Context& context) {
  SetupAccount(privacy, context);
}

}  // namespace rampart::cli
