// Exit codes of the rampart executable (DESIGN.md, "Conventions"), and the mapping from error
// kinds. Scripts and CI pipelines rely on these numbers: they are stable.
//
//   return rampart::ExitCodeFor(error.kind());
#pragma once

#include <rampart/common/error.h>

namespace rampart {

inline constexpr int kExitOk = 0;  // success
inline constexpr int kExitGateFailed =
    1;                                // a gate failed: audit below threshold, findings at --fail-on
inline constexpr int kExitUsage = 2;  // usage or input error
inline constexpr int kExitBudgetExhausted = 3;  // privacy budget exhausted, nothing released
inline constexpr int kExitInternal = 70;        // internal error (EX_SOFTWARE of sysexits.h)

[[nodiscard]] constexpr int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kInput:
    case ErrorKind::kNotFound:
    case ErrorKind::kUnsupported:
    case ErrorKind::kIo:
      return kExitUsage;
    case ErrorKind::kBudgetExhausted:
      return kExitBudgetExhausted;
    case ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace rampart
