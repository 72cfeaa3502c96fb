#include <cmath>
#include <utility>
#include <vector>

#include <rampart/common/error.h>
#include <rampart/privacy/exponential.h>
#include <rampart/privacy/samplers.h>
#include <rampart/privacy/sql_noise.h>

namespace rampart::privacy {

MechanismNoiseSource::MechanismNoiseSource()
    : secure_(std::make_unique<SecureRandom>()), bits_(RandomBits<SecureRandom>(*secure_)) {}

MechanismNoiseSource::MechanismNoiseSource(std::uint64_t seed)
    : seeded_(std::make_unique<SeededRandom>(seed)), bits_(RandomBits<SeededRandom>(*seeded_)) {}

template <class F>
auto MechanismNoiseSource::WithBits(F&& f) {
  return std::visit([&](auto& bits) { return f(bits); }, bits_);
}

DiscreteLaplaceMechanism StatisticMechanism(const PlannedStatistic& statistic) {
  return DiscreteLaplaceMechanism::Builder()
      .SetEpsilon(statistic.epsilon)
      .SetSensitivity(statistic.l1)
      .Build();
}

const DiscreteLaplaceMechanism& MechanismNoiseSource::MechanismFor(double epsilon,
                                                                   std::int64_t l1) const {
  const auto key = std::make_tuple(epsilon, l1);
  auto found = mechanisms_.find(key);
  if (found == mechanisms_.end()) {
    found =
        mechanisms_
            .emplace(
                key,
                DiscreteLaplaceMechanism::Builder().SetEpsilon(epsilon).SetSensitivity(l1).Build())
            .first;
  }
  return found->second;
}

std::int64_t MechanismNoiseSource::AddNoise(std::int64_t value, const PlannedStatistic& statistic) {
  const DiscreteLaplaceMechanism& mechanism = MechanismFor(statistic.epsilon, statistic.l1);
  return WithBits([&](auto& bits) { return mechanism.AddNoise(value, bits); });
}

double MechanismNoiseSource::AddSelectionNoise(std::int64_t units,
                                               const PartitionSelectionPlan& selection) {
  const DiscreteLaplaceMechanism& mechanism = MechanismFor(selection.epsilon, selection.l0);
  // A group with one unit is released iff 1 + Z - shift > threshold, i.e. Z >= m0 + shift with
  // m0 = floor(threshold - 1) + 1; for the two-sided geometric P(Z >= m) = q^m / (1 + q),
  // q = e^{-s/t}. The plan's threshold assumed the unrounded scale, so the shift restores
  // P <= delta_p for the (slightly larger) scale the sampler really uses.
  const double delta_group =
      -std::expm1(std::log1p(-selection.delta) / static_cast<double>(selection.l0));
  const double log_q = -static_cast<double>(mechanism.scale_denominator()) /
                       static_cast<double>(mechanism.scale_numerator());
  const double log_1pq = std::log1p(std::exp(log_q));
  const double m0 = std::floor(selection.threshold - 1.0) + 1.0;
  double m = m0;
  // The closed form, then whole steps with a relative safety margin against rounding.
  const double needed = std::ceil((std::log(delta_group) + log_1pq) / log_q);
  if (needed > m) m = needed;
  const double bound = std::log(delta_group) - 1e-12 * std::abs(std::log(delta_group));
  while (m * log_q - log_1pq > bound) m += 1.0;
  const auto shift = static_cast<std::int64_t>(m - m0);
  const std::int64_t noisy = WithBits([&](auto& bits) { return mechanism.AddNoise(units, bits); });
  return static_cast<double>(internal::SaturatingAdd(noisy, -shift));
}

bool MechanismNoiseSource::Bernoulli(double probability) {
  if (!(probability > 0.0)) return false;
  if (probability >= 1.0) return true;
  constexpr int kBits = 120;
  const auto numerator = static_cast<UInt128>(std::floor(std::ldexp(probability, kBits)));
  const UInt128 denominator = static_cast<UInt128>(1) << kBits;
  return WithBits([&](auto& bits) { return SampleBernoulli(bits, numerator, denominator); });
}

std::size_t MechanismNoiseSource::SelectCandidate(std::span<const double> scores, double epsilon,
                                                  double sensitivity) {
  const ExponentialMechanism mechanism =
      ExponentialMechanism::Builder().SetEpsilon(epsilon).SetSensitivity(sensitivity).Build();
  return WithBits([&](auto& bits) { return mechanism.Select(scores, bits); });
}

double MechanismNoiseSource::HalfWidth(const PlannedStatistic& statistic, double confidence) const {
  return MechanismFor(statistic.epsilon, statistic.l1).NoiseConfidenceInterval(confidence).high;
}

PrivacyEvent PlanEvent(const PrivacyPlan& plan) {
  std::vector<PrivacyEvent> events;
  for (const ApproxBoundsStep& step : plan.approx_bounds) {
    events.push_back(EventOf(StatisticMechanism(step.statistic)));
  }
  for (const PlannedStatistic& statistic : plan.statistics) {
    // With bounds from ApproxBounds the sensitivity is unknown when the ledger is charged (before
    // the data is read), so the charge is the pure epsilon-DP guarantee of the discrete Laplace
    // mechanism, which holds for any sensitivity: the same event before and after the search.
    // Quantiles: exponential mechanisms, epsilon / L0 in each of the L0 groups a unit reaches.
    const bool pure = statistic.approx_bounds || statistic.statistic == SqlStatistic::kQuantile;
    events.push_back(pure ? PrivacyEvent::EpsilonDelta(statistic.epsilon, 0.0)
                          : EventOf(StatisticMechanism(statistic)));
  }
  if (plan.partition_selection.enabled) {
    events.push_back(PrivacyEvent::EpsilonDelta(plan.partition_selection.epsilon,
                                                plan.partition_selection.delta));
  }
  if (events.size() == 1) return std::move(events.front());
  return PrivacyEvent::Composed(std::move(events));
}

}  // namespace rampart::privacy
