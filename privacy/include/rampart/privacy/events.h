// Privacy events: a small algebra that describes what was released, so that any accountant can
// add it up (the shape of dp_accounting's DpEvent, written for C++).
//
//   using rampart::privacy::PrivacyEvent;
//   // 10 000 DP-SGD steps: Poisson sampling at rate 0.01, Gaussian noise with multiplier 1.1.
//   PrivacyEvent step = PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01);
//   PrivacyEvent run = PrivacyEvent::SelfComposed(step, 10000);
//   nlohmann::json text = run.ToJson();            // stored by the ledger
//   PrivacyEvent back = PrivacyEvent::FromJson(text);  // back == run
//
// Events are immutable values, validated when built (a built event is always valid), compared
// by value, and serialized to JSON with a "type" field.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rampart::privacy {

enum class EventKind {
  kLaplace,            // additive Laplace noise of `scale` on a query of L1 `sensitivity`
  kGaussian,           // additive Gaussian noise of std `sigma` on a query of L2 `sensitivity`
  kDiscreteLaplace,    // two-sided geometric noise, P(x) ∝ exp(-|x|/scale), integer sensitivity
  kDiscreteGaussian,   // discrete Gaussian N_Z(0, sigma^2) (Canonne, Kamath & Steinke 2020)
  kEpsilonDelta,       // an opaque (epsilon, delta)-DP release
  kPoissonSubsampled,  // the inner event run on a Poisson sample: each record kept w.p. q
  kSelfComposed,       // the inner event run `count` times (adaptively)
  kComposed,           // each event of a list run once (adaptively)
};

// "laplace", "gaussian", "discrete_laplace", "discrete_gaussian", "epsilon_delta",
// "poisson_subsampled", "self_composed", "composed" (the JSON "type").
[[nodiscard]] std::string_view EventKindName(EventKind kind);

class PrivacyEvent {
 public:
  // Factories validate their arguments and throw InvalidArgumentError naming the field.
  [[nodiscard]] static PrivacyEvent Laplace(double scale, double sensitivity = 1.0);
  [[nodiscard]] static PrivacyEvent Gaussian(double sigma, double sensitivity = 1.0);
  [[nodiscard]] static PrivacyEvent DiscreteLaplace(double scale, std::int64_t sensitivity = 1);
  [[nodiscard]] static PrivacyEvent DiscreteGaussian(double sigma, std::int64_t sensitivity = 1);
  [[nodiscard]] static PrivacyEvent EpsilonDelta(double epsilon, double delta = 0.0);
  [[nodiscard]] static PrivacyEvent PoissonSubsampled(PrivacyEvent event, double sampling_rate);
  [[nodiscard]] static PrivacyEvent SelfComposed(PrivacyEvent event, std::int64_t count);
  [[nodiscard]] static PrivacyEvent Composed(std::vector<PrivacyEvent> events);

  [[nodiscard]] EventKind kind() const { return kind_; }
  // Laplace family: the scale b; Gaussian family: sigma. 0 for other kinds.
  [[nodiscard]] double noise() const { return noise_; }
  // Noise kinds: the query's sensitivity (an integer for the discrete kinds). 0 otherwise.
  [[nodiscard]] double sensitivity() const { return sensitivity_; }
  // kEpsilonDelta only.
  [[nodiscard]] double epsilon() const { return epsilon_; }
  [[nodiscard]] double delta() const { return delta_; }
  // kPoissonSubsampled only.
  [[nodiscard]] double sampling_rate() const { return sampling_rate_; }
  // kSelfComposed only.
  [[nodiscard]] std::int64_t count() const { return count_; }
  // The inner event (kPoissonSubsampled, kSelfComposed: one; kComposed: the list).
  [[nodiscard]] const std::vector<PrivacyEvent>& children() const { return children_; }

  // {"type": "...", ...fields...}; numbers as JSON numbers.
  [[nodiscard]] nlohmann::json ToJson() const;
  // Throws InputError naming the JSON path of the offending field ("event.events[2].sigma").
  [[nodiscard]] static PrivacyEvent FromJson(const nlohmann::json& json);

  friend bool operator==(const PrivacyEvent& a, const PrivacyEvent& b);

 private:
  explicit PrivacyEvent(EventKind kind) : kind_(kind) {}

  EventKind kind_;
  double noise_ = 0.0;
  double sensitivity_ = 0.0;
  double epsilon_ = 0.0;
  double delta_ = 0.0;
  double sampling_rate_ = 0.0;
  std::int64_t count_ = 0;
  std::vector<PrivacyEvent> children_;
};

// The event as a multiset of "atoms" (every event that is not kSelfComposed or kComposed, i.e.
// the noise kinds, kEpsilonDelta and kPoissonSubsampled(...)), each with how many times it runs.
// Equal atoms are merged, so a homogeneous composition comes back as one entry. Throws
// InvalidArgumentError if a count overflows 2^53.
[[nodiscard]] std::vector<std::pair<PrivacyEvent, std::int64_t>> FlattenEvent(
    const PrivacyEvent& event);

}  // namespace rampart::privacy
