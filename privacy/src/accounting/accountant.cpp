#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/accountant.h>

namespace rampart::privacy {

std::string_view AccountantName(AccountantKind kind) {
  switch (kind) {
    case AccountantKind::kBasic:
      return "basic";
    case AccountantKind::kAdvanced:
      return "advanced";
    case AccountantKind::kZcdp:
      return "zcdp";
    case AccountantKind::kRdp:
      return "rdp";
    case AccountantKind::kPld:
      return "pld";
  }
  return "unknown";
}

AccountantKind ParseAccountantKind(std::string_view name) {
  for (const AccountantKind kind :
       {AccountantKind::kBasic, AccountantKind::kAdvanced, AccountantKind::kZcdp,
        AccountantKind::kRdp, AccountantKind::kPld}) {
    if (AccountantName(kind) == name) return kind;
  }
  throw InvalidArgumentError(
      fmt::format("unknown accountant '{}' (expected basic, advanced, zcdp, rdp or pld)", name),
      {.field = "accountant"});
}

}  // namespace rampart::privacy
