#include <utility>

#include <rampart/common/error.h>

namespace rampart {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
      return "invalid_argument";
    case ErrorKind::kInput:
      return "input";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kBudgetExhausted:
      return "budget_exhausted";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

std::string SourceLocation::ToString() const {
  std::string text = file;
  if (line > 0) {
    text += (text.empty() ? "line " : ":") + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  if (!field.empty()) text += text.empty() ? field : " (" + field + ")";
  return text;
}

namespace {
std::string WithLocation(const std::string& message, const SourceLocation& location) {
  if (location.empty()) return message;
  return location.ToString() + ": " + message;
}
}  // namespace

Error::Error(ErrorKind kind, std::string message, SourceLocation location)
    : std::runtime_error(WithLocation(message, location)),
      kind_(kind),
      message_(std::move(message)),
      location_(std::move(location)) {}

}  // namespace rampart
