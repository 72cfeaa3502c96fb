// The common face of rampart's privacy accountants: each takes a PrivacyEvent and answers epsilon
// for a given delta, or delta for a given epsilon. Choose one by name (CLI, ledger) or use the
// concrete classes in basic.h, advanced.h, zcdp.h, rdp.h and pld.h for their extra knobs.
//
//   auto accountant = rampart::privacy::MakeAccountant(rampart::privacy::AccountantKind::kPld);
//   PrivacyGuarantee g = accountant->EpsilonFor(run, /*delta=*/1e-5);   // g.epsilon
//
// Every accountant returns an upper bound on the true privacy loss (never below the truth); they
// differ in how tight that bound is and in which events they understand (an event outside an
// accountant's reach throws UnsupportedError naming the event type).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rampart/privacy/events.h>

namespace rampart::privacy {

enum class AccountantKind { kBasic, kAdvanced, kZcdp, kRdp, kPld };

// "basic", "advanced", "zcdp", "rdp", "pld".
[[nodiscard]] std::string_view AccountantName(AccountantKind kind);
// The inverse of AccountantName; throws InvalidArgumentError (field "accountant") when unknown.
[[nodiscard]] AccountantKind ParseAccountantKind(std::string_view name);

// An (epsilon, delta) guarantee and how it was obtained.
struct PrivacyGuarantee {
  double epsilon = 0.0;
  double delta = 0.0;
  // rdp: the Rényi order that attains the bound; zcdp: the order of the CKS20 conversion.
  std::optional<double> order;
  // zcdp: the total rho.
  std::optional<double> rho;
  // How the bound was reached, e.g. "kov" / "drv" / "basic" for the advanced accountant.
  std::string method;
};

class Accountant {
 public:
  virtual ~Accountant() = default;
  [[nodiscard]] virtual AccountantKind kind() const = 0;
  // The smallest epsilon the accountant can certify for `delta` in (0, 1).
  [[nodiscard]] virtual PrivacyGuarantee EpsilonFor(const PrivacyEvent& event,
                                                    double delta) const = 0;
  // The smallest delta the accountant can certify for `epsilon` >= 0.
  [[nodiscard]] virtual PrivacyGuarantee DeltaFor(const PrivacyEvent& event,
                                                  double epsilon) const = 0;
};

// An accountant of the given kind with its default settings.
[[nodiscard]] std::unique_ptr<Accountant> MakeAccountant(AccountantKind kind);

}  // namespace rampart::privacy
