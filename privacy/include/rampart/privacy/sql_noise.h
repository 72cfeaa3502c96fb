// The production noise of a DP SQL release: every planned statistic (counts, fixed-point sums,
// histogram bins: all integers) gets secure discrete Laplace noise calibrated to the plan's
// epsilon share and L1 sensitivity, and partition selection thresholds a discrete-Laplace noisy
// count of distinct units. The ledger event of a plan is built from the same mechanisms, so what
// is charged is exactly what is added.
//
//   const auto plan = rampart::privacy::MakePrivacyPlan(query, {.epsilon = 1.0, .delta = 1e-6});
//   ledger.Reserve("shop", rampart::privacy::PlanEvent(plan), ...);   // before any release
//   rampart::privacy::MechanismNoiseSource noise;        // SecureRandom (OpenSSL)
//   const auto table = rampart::privacy::ReleaseQuery(query, plan, bounded, noise);
//
// A fixed-point sum in units of 2^-k with discrete Laplace noise is the grid Laplace mechanism
// with grid step 2^-k (laplace.h), without the extra rounding step: the SQL already rounded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <tuple>
#include <variant>

#include <rampart/privacy/discrete_laplace.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/random.h>
#include <rampart/privacy/sql_plan.h>
#include <rampart/privacy/sql_release.h>

namespace rampart::privacy {

class MechanismNoiseSource final : public NoiseSource {
 public:
  // Secure randomness (SecureRandom): the production default.
  MechanismNoiseSource();
  // Reproducible pseudo-randomness (SeededRandom): for tests and demos only, NOT private.
  explicit MechanismNoiseSource(std::uint64_t seed);

  [[nodiscard]] std::int64_t AddNoise(std::int64_t value,
                                      const PlannedStatistic& statistic) override;
  // Returns units + Z - shift with Z discrete Laplace of scale >= selection.laplace_scale and
  // the integer shift >= 0 that makes P(1 + Z - shift > threshold) <= delta_p for the scale the
  // sampler really uses (rounded up), so the plan's delta holds exactly.
  [[nodiscard]] double AddSelectionNoise(std::int64_t units,
                                         const PartitionSelectionPlan& selection) override;
  // Exact: p rounded down to a multiple of 2^-120 (exact for p >= 2^-67), then a lazy
  // comparison with a uniform (samplers.h SampleBernoulli).
  [[nodiscard]] bool Bernoulli(double probability) override;
  // The secure exponential mechanism (exponential.h): P(i) proportional to
  // exp(epsilon scores[i] / (2 sensitivity)).
  [[nodiscard]] std::size_t SelectCandidate(std::span<const double> scores, double epsilon,
                                            double sensitivity) override;
  [[nodiscard]] double HalfWidth(const PlannedStatistic& statistic,
                                 double confidence) const override;

 private:
  const DiscreteLaplaceMechanism& MechanismFor(double epsilon, std::int64_t l1) const;
  template <class F>
  auto WithBits(F&& f);

  std::unique_ptr<SecureRandom> secure_;
  std::unique_ptr<SeededRandom> seeded_;
  std::variant<RandomBits<SecureRandom>, RandomBits<SeededRandom>> bits_;
  mutable std::map<std::tuple<double, std::int64_t>, DiscreteLaplaceMechanism> mechanisms_;
};

// The discrete Laplace mechanism a MechanismNoiseSource uses for `statistic`.
[[nodiscard]] DiscreteLaplaceMechanism StatisticMechanism(const PlannedStatistic& statistic);

// The event a release of `plan` runs: per statistic, EventOf(its discrete Laplace mechanism)
// (the L1 sensitivity covers all groups); partition selection as EpsilonDelta(epsilon, delta).
[[nodiscard]] PrivacyEvent PlanEvent(const PrivacyPlan& plan);

}  // namespace rampart::privacy
