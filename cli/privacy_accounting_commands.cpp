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
#include <rampart/privacy/ledger.h>
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

void AddMechanismFlags(CLI::App* verb, MechanismFlags& flags, bool required = true) {
  verb->add_option("--mechanism", flags.mechanism, "gaussian, subsampled-gaussian or laplace")
      ->required(required)
      ->check(CLI::IsMember({"gaussian", "subsampled-gaussian", "laplace"}));
  verb->add_option("--noise-multiplier", flags.noise_multiplier,
                   "Noise standard deviation (Gaussian) or scale (Laplace) / sensitivity")
      ->required(required);
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

// ---- rampart privacy budget init|status|history|charge ----

struct BudgetOptions {
  std::string ledger;
  std::string dataset;
  OutputOptions output;
  // init
  double epsilon_cap = 0.0;
  double delta_cap = 0.0;
  std::string accountant = "pld";
  // charge
  MechanismFlags mechanism;
  std::optional<double> epsilon;
  std::optional<double> delta;
  std::string description;
  std::string fingerprint;
};

nlohmann::json StatusJson(const privacy::BudgetStatus& status) {
  nlohmann::json doc = NewJsonDocument();
  doc["dataset"] = status.budget.name;
  doc["epsilon_cap"] = status.budget.epsilon_cap;
  doc["delta_cap"] = status.budget.delta_cap;
  doc["epsilon_spent"] = status.epsilon_spent;
  doc["delta_spent"] = status.delta_spent;
  doc["epsilon_remaining"] = status.epsilon_remaining;
  doc["accountant"] = privacy::AccountantName(status.budget.accountant);
  doc["charges"] = status.charges;
  doc["reserved"] = status.reserved;
  doc["created_at"] = status.budget.created_at;
  return doc;
}

std::string StatusTable(const privacy::BudgetStatus& status) {
  Table table{.headers = {"dataset", "accountant", "epsilon cap", "epsilon spent",
                          "epsilon remaining", "delta cap", "charges", "reserved"},
              .align = {Align::kLeft, Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                        Align::kRight, Align::kRight, Align::kRight}};
  table.rows.push_back(
      {status.budget.name, std::string(privacy::AccountantName(status.budget.accountant)),
       FormatNumber(status.budget.epsilon_cap), FormatSignificant(status.epsilon_spent, 6),
       FormatSignificant(status.epsilon_remaining, 6), FormatNumber(status.budget.delta_cap),
       std::to_string(status.charges), std::to_string(status.reserved)});
  return FormatTextTable(table);
}

void EmitStatus(const BudgetOptions& options, const Context& context,
                const privacy::BudgetStatus& status,
                nlohmann::json extra = nlohmann::json::object()) {
  if (options.output.format == "json") {
    nlohmann::json doc = StatusJson(status);
    doc.update(extra);
    context.EmitResult(options.output, ToJsonText(doc));
  } else {
    context.EmitResult(options.output, StatusTable(status));
  }
}

privacy::Ledger OpenLedger(const BudgetOptions& options) {
  return WithFlag("--ledger", [&] { return privacy::Ledger::Open(options.ledger); });
}

int RunBudgetInit(const BudgetOptions& options, const Context& context) {
  const privacy::AccountantKind kind =
      WithFlag("--accountant", [&] { return privacy::ParseAccountantKind(options.accountant); });
  WithFlag("--epsilon", [&] { return privacy::CheckEpsilon(options.epsilon_cap, "epsilon cap"); });
  WithFlag("--delta", [&] {
    return privacy::CheckDelta(options.delta_cap, /*allow_zero=*/false, "delta cap");
  });
  privacy::Ledger ledger = OpenLedger(options);
  WithFlag("--dataset", [&] {
    ledger.CreateDataset(options.dataset, options.epsilon_cap, options.delta_cap, kind);
    return 0;
  });
  EmitStatus(options, context, ledger.Status(options.dataset));
  return 0;
}

int RunBudgetStatus(const BudgetOptions& options, const Context& context) {
  privacy::Ledger ledger = OpenLedger(options);
  EmitStatus(options, context, ledger.Status(options.dataset));
  return 0;
}

int RunBudgetHistory(const BudgetOptions& options, const Context& context) {
  privacy::Ledger ledger = OpenLedger(options);
  const std::vector<privacy::ChargeRecord> records = ledger.History(options.dataset);
  if (options.output.format == "json") {
    nlohmann::json doc = NewJsonDocument();
    doc["dataset"] = options.dataset;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : records) {
      list.push_back({{"id", r.id},
                      {"state", r.state},
                      {"created_at", r.created_at},
                      {"committed_at",
                       r.committed_at.empty() ? nlohmann::json() : nlohmann::json(r.committed_at)},
                      {"fingerprint", r.fingerprint},
                      {"description", r.description},
                      {"event", r.event}});
    }
    doc["charges"] = std::move(list);
    context.EmitResult(options.output, ToJsonText(doc));
    return 0;
  }
  Table table{.headers = {"id", "state", "created", "event", "description"},
              .align = {Align::kRight}};
  for (const auto& r : records) {
    table.rows.push_back(
        {std::to_string(r.id), r.state, r.created_at, r.event.dump(), r.description});
  }
  context.EmitResult(options.output, FormatTextTable(table));
  return 0;
}

int RunBudgetCharge(const BudgetOptions& options, const Context& context) {
  const bool has_mechanism = !options.mechanism.mechanism.empty();
  if (has_mechanism == options.epsilon.has_value()) {
    throw InvalidArgumentError(
        "give either --mechanism ... (a release to compose tightly) or --epsilon E [--delta D] "
        "(an opaque release)",
        {.field = "--mechanism"});
  }
  std::optional<PrivacyEvent> event;
  if (has_mechanism) {
    if (options.delta) {
      throw InvalidArgumentError("--delta goes with --epsilon (an opaque release)",
                                 {.field = "--delta"});
    }
    event = EventFromFlags(options.mechanism);
  } else {
    event = WithFlag("--epsilon", [&] {
      return PrivacyEvent::EpsilonDelta(*options.epsilon, options.delta.value_or(0.0));
    });
  }
  const std::string fingerprint =
      options.fingerprint.empty() ? privacy::EventFingerprint(*event) : options.fingerprint;
  privacy::Ledger ledger = OpenLedger(options);
  const std::int64_t id = ledger.Charge(options.dataset, *event, fingerprint, options.description);
  EmitStatus(options, context, ledger.Status(options.dataset),
             {{"charge_id", id}, {"fingerprint", fingerprint}, {"event", event->ToJson()}});
  return 0;
}

void SetupBudget(CLI::App& privacy, Context& context) {
  CLI::App* budget = privacy.add_subcommand(
      "budget", "Persistent per-dataset privacy budgets (SQLite file or PostgreSQL)");
  budget->require_subcommand(1);
  budget->footer(
      "Example:\n  rampart privacy budget init --ledger budget.db --dataset patients --epsilon 3 "
      "--delta 1e-5\n  rampart privacy budget charge --ledger budget.db --dataset patients \\\n"
      "    --mechanism subsampled-gaussian --sampling-rate 0.01 --noise-multiplier 1.1 --steps "
      "1000\n  rampart privacy budget status --ledger budget.db --dataset patients --format json\n"
      "charge exits 3, changing nothing, when the release would exceed the cap.");
  const auto common = [&context](CLI::App* verb, BudgetOptions& options) {
    verb->add_option("--ledger", options.ledger,
                     "Ledger: a SQLite file path, sqlite:PATH or postgresql://...")
        ->required();
    verb->add_option("--dataset", options.dataset, "Dataset name")->required();
    context.AddOutputOptions(verb, options.output, {"table", "json"});
  };
  using Runner = int (*)(const BudgetOptions&, const Context&);
  const auto bind = [&context](CLI::App* verb, const std::shared_ptr<BudgetOptions>& options,
                               Runner run) {
    verb->callback([options, &context, run] {
      context.SetCommand([options, &context, run] { return run(*options, context); });
    });
  };

  auto init_options = std::make_shared<BudgetOptions>();
  CLI::App* init = budget->add_subcommand("init", "Create a dataset with its caps and accountant");
  common(init, *init_options);
  init->add_option("--epsilon", init_options->epsilon_cap, "Epsilon cap")->required();
  init->add_option("--delta", init_options->delta_cap, "Delta cap, in (0, 1)")->required();
  init->add_option("--accountant", init_options->accountant,
                   "Accountant that adds up the charges: basic, advanced, zcdp, rdp or pld")
      ->capture_default_str()
      ->check(CLI::IsMember({"basic", "advanced", "zcdp", "rdp", "pld"}));
  bind(init, init_options, RunBudgetInit);

  auto status_options = std::make_shared<BudgetOptions>();
  CLI::App* status = budget->add_subcommand("status", "Caps, spent and remaining budget");
  common(status, *status_options);
  bind(status, status_options, RunBudgetStatus);

  auto history_options = std::make_shared<BudgetOptions>();
  CLI::App* history = budget->add_subcommand("history", "Every charge of a dataset");
  common(history, *history_options);
  bind(history, history_options, RunBudgetHistory);

  auto charge_options = std::make_shared<BudgetOptions>();
  CLI::App* charge =
      budget->add_subcommand("charge", "Record a release; exits 3 if it would exceed the cap");
  common(charge, *charge_options);
  AddMechanismFlags(charge, charge_options->mechanism, /*required=*/false);
  charge->add_option("--epsilon", charge_options->epsilon, "Opaque release: its epsilon");
  charge->add_option("--delta", charge_options->delta, "Opaque release: its delta (default 0)");
  charge->add_option("--description", charge_options->description, "What was released");
  charge->add_option("--fingerprint", charge_options->fingerprint,
                     "Query fingerprint (default: SHA-256 of the event)");
  bind(charge, charge_options, RunBudgetCharge);
}

}  // namespace

void SetupPrivacyAccountingCommands(CLI::App& privacy, Context& context) {
  SetupAccount(privacy, context);
  SetupBudget(privacy, context);
}

}  // namespace rampart::cli
