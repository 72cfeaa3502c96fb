#include <string>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/accounting/advanced.h>
#include <rampart/privacy/accounting/basic.h>
#include <rampart/privacy/accounting/pld.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/accounting/zcdp.h>

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

std::unique_ptr<Accountant> MakeAccountant(AccountantKind kind) {
  switch (kind) {
    case AccountantKind::kBasic:
      return std::make_unique<BasicAccountant>();
    case AccountantKind::kAdvanced:
      return std::make_unique<AdvancedAccountant>();
    case AccountantKind::kZcdp:
      return std::make_unique<ZcdpAccountant>();
    case AccountantKind::kRdp:
      return std::make_unique<RdpAccountant>();
    case AccountantKind::kPld:
      return std::make_unique<PldAccountant>();
  }
  throw InternalError("unknown accountant kind");
}

}  // namespace rampart::privacy
