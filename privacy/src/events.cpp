#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {
namespace {

// Counts are kept exact in a double as well (accountants multiply them), hence 2^53.
constexpr std::int64_t kMaxCount = std::int64_t{1} << 53;

std::int64_t CheckIntegerSensitivity(std::int64_t sensitivity) {
  if (sensitivity < 1) {
    throw InvalidArgumentError(
        fmt::format("sensitivity of a discrete mechanism must be an integer >= 1, got {}",
                    sensitivity),
        {.field = "sensitivity"});
  }
  return sensitivity;
}

// JSON reading with the path of each field in the error message.
const nlohmann::json& Field(const nlohmann::json& json, const char* name, const std::string& path) {
  const auto it = json.find(name);
  if (it == json.end()) {
    throw InputError(fmt::format("missing field '{}'", name), {.field = path + "." + name});
  }
  return *it;
}

double NumberField(const nlohmann::json& json, const char* name, const std::string& path) {
  const nlohmann::json& value = Field(json, name, path);
  if (!value.is_number()) {
    throw InputError(fmt::format("field '{}' must be a number", name),
                     {.field = path + "." + name});
  }
  return value.get<double>();
}

double OptionalNumberField(const nlohmann::json& json, const char* name, const std::string& path,
                           double fallback) {
  return json.contains(name) ? NumberField(json, name, path) : fallback;
}

std::int64_t IntegerField(const nlohmann::json& json, const char* name, const std::string& path,
                          std::int64_t fallback, bool required) {
  if (!json.contains(name)) {
    if (required) Field(json, name, path);  // throws
    return fallback;
  }
  const nlohmann::json& value = json.at(name);
  if (!value.is_number_integer()) {
    throw InputError(fmt::format("field '{}' must be an integer", name),
                     {.field = path + "." + name});
  }
  return value.get<std::int64_t>();
}

// Re-throws a validation error of a factory as an input error located at the JSON path.
template <typename Make>
PrivacyEvent Build(const std::string& path, Make make) {
  try {
    return make();
  } catch (const InvalidArgumentError& error) {
    const std::string field = error.location().field.empty() ? "" : "." + error.location().field;
    throw InputError(error.message(), {.field = path + field});
  }
}

PrivacyEvent FromJsonAt(const nlohmann::json& json, const std::string& path) {
  if (!json.is_object()) throw InputError("a privacy event must be a JSON object", {.field = path});
  const nlohmann::json& type_value = Field(json, "type", path);
  if (!type_value.is_string()) {
    throw InputError("field 'type' must be a string", {.field = path + ".type"});
  }
  const auto type = type_value.get<std::string>();
  if (type == "laplace") {
    const double scale = NumberField(json, "scale", path);
    const double sensitivity = OptionalNumberField(json, "sensitivity", path, 1.0);
    return Build(path, [&] { return PrivacyEvent::Laplace(scale, sensitivity); });
  }
  if (type == "gaussian") {
    const double sigma = NumberField(json, "sigma", path);
    const double sensitivity = OptionalNumberField(json, "sensitivity", path, 1.0);
    return Build(path, [&] { return PrivacyEvent::Gaussian(sigma, sensitivity); });
  }
  if (type == "discrete_laplace") {
    const double scale = NumberField(json, "scale", path);
    const std::int64_t sensitivity = IntegerField(json, "sensitivity", path, 1, false);
    return Build(path, [&] { return PrivacyEvent::DiscreteLaplace(scale, sensitivity); });
  }
  if (type == "discrete_gaussian") {
    const double sigma = NumberField(json, "sigma", path);
    const std::int64_t sensitivity = IntegerField(json, "sensitivity", path, 1, false);
    return Build(path, [&] { return PrivacyEvent::DiscreteGaussian(sigma, sensitivity); });
  }
  if (type == "epsilon_delta") {
    const double epsilon = NumberField(json, "epsilon", path);
    const double delta = OptionalNumberField(json, "delta", path, 0.0);
    return Build(path, [&] { return PrivacyEvent::EpsilonDelta(epsilon, delta); });
  }
  if (type == "poisson_subsampled") {
    const double rate = NumberField(json, "sampling_rate", path);
    PrivacyEvent inner = FromJsonAt(Field(json, "event", path), path + ".event");
    return Build(path, [&] { return PrivacyEvent::PoissonSubsampled(std::move(inner), rate); });
  }
  if (type == "self_composed") {
    const std::int64_t count = IntegerField(json, "count", path, 0, true);
    PrivacyEvent inner = FromJsonAt(Field(json, "event", path), path + ".event");
    return Build(path, [&] { return PrivacyEvent::SelfComposed(std::move(inner), count); });
  }
  if (type == "composed") {
    const nlohmann::json& list = Field(json, "events", path);
    if (!list.is_array()) {
      throw InputError("field 'events' must be an array", {.field = path + ".events"});
    }
    std::vector<PrivacyEvent> events;
    events.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      events.push_back(FromJsonAt(list[i], fmt::format("{}.events[{}]", path, i)));
    }
    return PrivacyEvent::Composed(std::move(events));
  }
  throw InputError(fmt::format("unknown privacy event type '{}'", type), {.field = path + ".type"});
}

void Flatten(const PrivacyEvent& event, std::int64_t multiplicity,
             std::vector<std::pair<PrivacyEvent, std::int64_t>>& atoms) {
  switch (event.kind()) {
    case EventKind::kSelfComposed: {
      if (event.count() > kMaxCount / multiplicity) {
        throw InvalidArgumentError("composition count exceeds 2^53", {.field = "count"});
      }
      Flatten(event.children().front(), multiplicity * event.count(), atoms);
      return;
    }
    case EventKind::kComposed:
      for (const PrivacyEvent& child : event.children()) Flatten(child, multiplicity, atoms);
      return;
    default:
      for (auto& [atom, count] : atoms) {
        if (atom == event) {
          if (count > kMaxCount - multiplicity) {
            throw InvalidArgumentError("composition count exceeds 2^53", {.field = "count"});
          }
          count += multiplicity;
          return;
        }
      }
      atoms.emplace_back(event, multiplicity);
  }
}

}  // namespace

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kLaplace:
      return "laplace";
    case EventKind::kGaussian:
      return "gaussian";
    case EventKind::kDiscreteLaplace:
      return "discrete_laplace";
    case EventKind::kDiscreteGaussian:
      return "discrete_gaussian";
    case EventKind::kEpsilonDelta:
      return "epsilon_delta";
    case EventKind::kPoissonSubsampled:
      return "poisson_subsampled";
    case EventKind::kSelfComposed:
      return "self_composed";
    case EventKind::kComposed:
      return "composed";
  }
  return "unknown";
}

PrivacyEvent PrivacyEvent::Laplace(double scale, double sensitivity) {
  PrivacyEvent event(EventKind::kLaplace);
  event.noise_ = CheckPositive(scale, "scale");
  event.sensitivity_ = CheckPositive(sensitivity, "sensitivity");
  return event;
}

PrivacyEvent PrivacyEvent::Gaussian(double sigma, double sensitivity) {
  PrivacyEvent event(EventKind::kGaussian);
  event.noise_ = CheckPositive(sigma, "sigma");
  event.sensitivity_ = CheckPositive(sensitivity, "sensitivity");
  return event;
}

PrivacyEvent PrivacyEvent::DiscreteLaplace(double scale, std::int64_t sensitivity) {
  PrivacyEvent event(EventKind::kDiscreteLaplace);
  event.noise_ = CheckPositive(scale, "scale");
  event.sensitivity_ = static_cast<double>(CheckIntegerSensitivity(sensitivity));
  return event;
}

PrivacyEvent PrivacyEvent::DiscreteGaussian(double sigma, std::int64_t sensitivity) {
  PrivacyEvent event(EventKind::kDiscreteGaussian);
  event.noise_ = CheckPositive(sigma, "sigma");
  event.sensitivity_ = static_cast<double>(CheckIntegerSensitivity(sensitivity));
  return event;
}

PrivacyEvent PrivacyEvent::EpsilonDelta(double epsilon, double delta) {
  PrivacyEvent event(EventKind::kEpsilonDelta);
  // epsilon = 0 is a legitimate (if useless) release; only negative or non-finite is wrong.
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  event.epsilon_ = epsilon;
  event.delta_ = CheckDelta(delta, /*allow_zero=*/true);
  return event;
}

PrivacyEvent PrivacyEvent::PoissonSubsampled(PrivacyEvent event, double sampling_rate) {
  if (!std::isfinite(sampling_rate) || sampling_rate <= 0.0 || sampling_rate > 1.0) {
    throw InvalidArgumentError(
        fmt::format("sampling rate must lie in (0, 1], got {}", sampling_rate),
        {.field = "sampling_rate"});
  }
  PrivacyEvent result(EventKind::kPoissonSubsampled);
  result.sampling_rate_ = sampling_rate;
  result.children_.push_back(std::move(event));
  return result;
}

PrivacyEvent PrivacyEvent::SelfComposed(PrivacyEvent event, std::int64_t count) {
  if (count < 1 || count > kMaxCount) {
    throw InvalidArgumentError(fmt::format("count must lie in [1, 2^53], got {}", count),
                               {.field = "count"});
  }
  PrivacyEvent result(EventKind::kSelfComposed);
  result.count_ = count;
  result.children_.push_back(std::move(event));
  return result;
}

PrivacyEvent PrivacyEvent::Composed(std::vector<PrivacyEvent> events) {
  PrivacyEvent result(EventKind::kComposed);
  result.children_ = std::move(events);
  return result;
}

nlohmann::json PrivacyEvent::ToJson() const {
  nlohmann::json json{{"type", EventKindName(kind_)}};
  switch (kind_) {
    case EventKind::kLaplace:
    case EventKind::kDiscreteLaplace:
      json["scale"] = noise_;
      break;
    case EventKind::kGaussian:
    case EventKind::kDiscreteGaussian:
      json["sigma"] = noise_;
      break;
    case EventKind::kEpsilonDelta:
      json["epsilon"] = epsilon_;
      json["delta"] = delta_;
      break;
    case EventKind::kPoissonSubsampled:
      json["sampling_rate"] = sampling_rate_;
      json["event"] = children_.front().ToJson();
      break;
    case EventKind::kSelfComposed:
      json["count"] = count_;
      json["event"] = children_.front().ToJson();
      break;
    case EventKind::kComposed: {
      nlohmann::json list = nlohmann::json::array();
      for (const PrivacyEvent& child : children_) list.push_back(child.ToJson());
      json["events"] = std::move(list);
      break;
    }
  }
  if (kind_ == EventKind::kLaplace || kind_ == EventKind::kGaussian) {
    json["sensitivity"] = sensitivity_;
  } else if (kind_ == EventKind::kDiscreteLaplace || kind_ == EventKind::kDiscreteGaussian) {
    json["sensitivity"] = static_cast<std::int64_t>(sensitivity_);
  }
  return json;
}

PrivacyEvent PrivacyEvent::FromJson(const nlohmann::json& json) {
  return FromJsonAt(json, "event");
}

bool operator==(const PrivacyEvent& a, const PrivacyEvent& b) {
  return a.kind_ == b.kind_ && a.noise_ == b.noise_ && a.sensitivity_ == b.sensitivity_ &&
         a.epsilon_ == b.epsilon_ && a.delta_ == b.delta_ && a.sampling_rate_ == b.sampling_rate_ &&
         a.count_ == b.count_ && a.children_ == b.children_;
}

std::vector<std::pair<PrivacyEvent, std::int64_t>> FlattenEvent(const PrivacyEvent& event) {
  std::vector<std::pair<PrivacyEvent, std::int64_t>> atoms;
  Flatten(event, 1, atoms);
  return atoms;
}

}  // namespace rampart::privacy
