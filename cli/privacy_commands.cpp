// `rampart privacy <verb>`: one Setup/Run pair per verb; the work is done by rampart::privacy.
//   calibrate  the noise scale (or σ) and grid of a mechanism for (ε, δ, sensitivity)
//   sample     released values value + noise, one per line (secure randomness unless --seed)
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/common/exit_codes.h>
#include <rampart/common/json_writer.h>
#include <rampart/common/report.h>
#include <rampart/privacy/any_mechanism.h>
#include <rampart/privacy/random.h>

#include "context.h"

namespace rampart::cli {

// Registered by privacy_accounting_commands.cpp: account and budget.
void SetupPrivacyAccountingCommands(CLI::App& privacy, Context& context);

namespace {

using privacy::AnyNoiseMechanism;
using privacy::MechanismSpec;

struct MechanismOptions {
  std::string mechanism;
  double epsilon = 0.0;
  std::optional<double> delta;
  double sensitivity = 0.0;
};

void AddMechanismOptions(CLI::App* verb, MechanismOptions& options) {
  verb->add_option("--mechanism", options.mechanism,
                   "laplace | gaussian | discrete-laplace | discrete-gaussian")
      ->required();
  verb->add_option("--epsilon", options.epsilon, "Privacy parameter epsilon > 0")->required();
  verb->add_option("--delta", options.delta,
                   "Privacy parameter delta in (0, 1); Gaussian family only");
  verb->add_option("--sensitivity", options.sensitivity,
                   "Sensitivity of the value (L1 for Laplace, L2 for Gaussian; an integer for the "
                   "discrete mechanisms)")
      ->required();
}

MechanismSpec ToSpec(const MechanismOptions& options) {
  return {.kind = privacy::ParseMechanismKind(options.mechanism),
          .epsilon = options.epsilon,
          .delta = options.delta,
          .sensitivity = options.sensitivity};
}

// ---- calibrate ---------------------------------------------------------------------------------

constexpr double kReportedLevel = 0.95;

int RunCalibrate(const Context& context, const MechanismOptions& options,
                 const OutputOptions& output) {
  const MechanismSpec spec = ToSpec(options);
  const AnyNoiseMechanism any = privacy::BuildMechanism(spec);
  const privacy::NoiseMechanism& m = privacy::AsNoiseMechanism(any);
  const char* scale_name = privacy::IsGaussianFamily(spec.kind) ? "sigma" : "scale";
  const privacy::NoiseInterval interval = m.NoiseConfidenceInterval(kReportedLevel);
  if (output.format == "json") {
    nlohmann::json doc = NewJsonDocument();
    doc["mechanism"] = std::string(m.name());
    doc["epsilon"] = m.epsilon();
    doc["delta"] = m.delta();
    doc["sensitivity"] = m.sensitivity();
    doc[scale_name] = m.scale();
    doc["granularity"] = m.granularity();
    doc["confidence_level"] = kReportedLevel;
    doc["noise_interval"] = {interval.low, interval.high};
    context.EmitResult(output, ToJsonText(doc));
    return kExitOk;
  }
  Table table{.headers = {"parameter", "value"}, .align = {Align::kLeft, Align::kRight}};
  table.rows = {{"mechanism", std::string(m.name())},
                {"epsilon", FormatNumber(m.epsilon())},
                {"delta", FormatNumber(m.delta())},
                {"sensitivity", FormatNumber(m.sensitivity())},
                {scale_name, FormatNumber(m.scale())},
                {"granularity", FormatNumber(m.granularity())},
                {"95% noise interval",
                 fmt::format("[{}, {}]", FormatNumber(interval.low), FormatNumber(interval.high))}};
  context.EmitResult(output, FormatTextTable(table));
  return kExitOk;
}

// ---- sample ------------------------------------------------------------------------------------

struct SampleOptions {
  MechanismOptions mechanism;
  double value = 0.0;
  std::int64_t count = 0;
  std::optional<std::uint64_t> seed;
};

// Buffered writing of one number per line to stdout.
class LineWriter {
 public:
  ~LineWriter() { Flush(); }
  LineWriter() = default;
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  template <class T>
  void Write(T number) {
    fmt::format_to(std::back_inserter(buffer_), "{}\n", number);
    if (buffer_.size() >= 64 * 1024) Flush();
  }
  void Flush() {
    if (buffer_.size() == 0) return;
    const std::size_t size = buffer_.size();
    const std::size_t written = std::fwrite(buffer_.data(), 1, size, stdout);
    buffer_.clear();
    if (written != size) throw IoError("cannot write to standard output");
  }

 private:
  fmt::memory_buffer buffer_;
};

template <class Source>
void EmitSamples(const AnyNoiseMechanism& any, const SampleOptions& options, Source& source) {
  privacy::RandomBits bits(source);
  LineWriter writer;
  std::visit(
      [&](const auto& mechanism) {
        using M = std::decay_t<decltype(mechanism)>;
        if constexpr (std::is_same_v<M, privacy::DiscreteLaplaceMechanism> ||
                      std::is_same_v<M, privacy::DiscreteGaussianMechanism>) {
          const double v = options.value;
          if (v != std::floor(v) || !(std::abs(v) < 0x1p63)) {
            throw InvalidArgumentError(
                fmt::format("--value must be an integer for {}, got {}", mechanism.name(), v),
                {.field = "value"});
          }
          const auto integer = static_cast<std::int64_t>(v);
          for (std::int64_t i = 0; i < options.count; ++i) {
            writer.Write(mechanism.AddNoise(integer, bits));
          }
        } else {
          for (std::int64_t i = 0; i < options.count; ++i) {
            writer.Write(mechanism.AddNoise(options.value, bits));
          }
        }
      },
      any);
  writer.Flush();
  std::fflush(stdout);
}

int RunSample(const Context& context, const SampleOptions& options) {
  const AnyNoiseMechanism any = privacy::BuildMechanism(ToSpec(options.mechanism));
  if (options.count < 1) {
    throw InvalidArgumentError(fmt::format("-n must be at least 1, got {}", options.count),
                               {.field = "n"});
  }
  if (std::isnan(options.value)) {
    throw InvalidArgumentError("--value must be a number, got nan", {.field = "value"});
  }
  if (options.seed) {
    context.Warn(
        "--seed makes the noise reproducible from the seed: this output is NOT differentially "
        "private (use it for tests and simulations only)");
    privacy::SeededRandom seeded(*options.seed);
    EmitSamples(any, options, seeded);
  } else {
    privacy::SecureRandom secure;
    EmitSamples(any, options, secure);
  }
  return kExitOk;
}

}  // namespace

void SetupPrivacyCommands(CLI::App& app, Context& context) {
  CLI::App* privacy =
      app.add_subcommand("privacy", "Differential privacy: noise, budgets, private SQL");

  auto calibrate_options = std::make_shared<MechanismOptions>();
  auto calibrate_output = std::make_shared<OutputOptions>();
  CLI::App* calibrate = privacy->add_subcommand(
      "calibrate", "Noise scale (or sigma) and output grid of a mechanism for (epsilon, delta)");
  calibrate->footer(
      "Example:\n  rampart privacy calibrate --mechanism gaussian --epsilon 1 --delta 1e-5 "
      "--sensitivity 1 --format json");
  AddMechanismOptions(calibrate, *calibrate_options);
  context.AddOutputOptions(calibrate, *calibrate_output, {"table", "json"});
  calibrate->callback([&context, calibrate_options, calibrate_output] {
    context.SetCommand([&context, calibrate_options, calibrate_output] {
      return RunCalibrate(context, *calibrate_options, *calibrate_output);
    });
  });

  auto sample_options = std::make_shared<SampleOptions>();
  CLI::App* sample = privacy->add_subcommand(
      "sample", "Release value + noise N times, one number per line (cryptographic randomness)");
  sample->footer(
      "Example:\n  rampart privacy sample --mechanism laplace --epsilon 0.5 --sensitivity 1 "
      "--value 42 -n 5\n--seed K uses a reproducible generator: the output is then NOT private.");
  AddMechanismOptions(sample, sample_options->mechanism);
  sample->add_option("--value", sample_options->value, "The true value (default 0)");
  sample->add_option("-n", sample_options->count, "Number of samples")->required();
  sample->add_option("--seed", sample_options->seed,
                     "Reproducible, NOT private: draw noise from a seeded Boost.Random engine");
  sample->callback([&context, sample_options] {
    context.SetCommand([&context, sample_options] { return RunSample(context, *sample_options); });
  });
  SetupPrivacyAccountingCommands(*privacy, context);
}

}  // namespace rampart::cli
