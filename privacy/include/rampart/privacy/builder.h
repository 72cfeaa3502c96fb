// The parameters every mechanism's Builder shares: ε, the sensitivity and, for approximate DP, δ.
// A Builder derives from one of these and adds its own setters; Build() validates everything, so
// the setters can be called in any order and only store.
//
//   class Builder : public internal::MechanismBuilder<Builder> {  // SetEpsilon, SetSensitivity
//    public:
//     [[nodiscard]] MyMechanism Build() const;                    // reads epsilon_, sensitivity_
//   };
#pragma once

#include <cstdint>
#include <optional>

namespace rampart::privacy::internal {

// Sensitivity is double for the real-valued mechanisms and std::int64_t for the integer ones.
template <typename Derived, typename Sensitivity = double>
class MechanismBuilder {
 public:
  Derived& SetEpsilon(double epsilon) {
    epsilon_ = epsilon;
    return static_cast<Derived&>(*this);
  }
  Derived& SetSensitivity(Sensitivity sensitivity) {
    sensitivity_ = sensitivity;
    return static_cast<Derived&>(*this);
  }

 protected:
  std::optional<double> epsilon_;
  std::optional<Sensitivity> sensitivity_;
};

// (ε, δ) mechanisms: SetDelta besides SetEpsilon and SetSensitivity.
template <typename Derived, typename Sensitivity = double>
class ApproximateMechanismBuilder : public MechanismBuilder<Derived, Sensitivity> {
 public:
  Derived& SetDelta(double delta) {
    delta_ = delta;
    return static_cast<Derived&>(*this);
  }

 protected:
  std::optional<double> delta_;
};

}  // namespace rampart::privacy::internal
