// rampart::Error — the one exception type of rampart, with a kind and an input location.
//
// Library code never prints and never exits: it throws a rampart::Error (or a subclass) and the
// CLI maps the kind to an exit code (see exit_codes.h). Input errors carry where the problem is,
// so that the message reads like a compiler's:
//
//   throw rampart::InputError("unterminated quoted field", {.file = "data.csv", .line = 12, .column
//   = 7});
//   // what(): "data.csv:12:7: unterminated quoted field"
//
// The kinds follow absl::StatusCode's advice: choose by what the caller can do about it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rampart {

enum class ErrorKind {
  kInvalidArgument,  // a parameter is out of its domain (epsilon <= 0, unknown format, ...)
  kInput,            // malformed input data: a file, a model, a schema, a query
  kNotFound,         // a named file, table, dataset or column does not exist
  kUnsupported,      // well-formed but outside what rampart supports (an ONNX op, a SQL shape)
  kBudgetExhausted,  // a privacy budget would be exceeded; nothing was released
  kIo,               // the operating system refused (permissions, disk full, database down)
  kInternal,         // a bug in rampart: an invariant did not hold
};

// A stable, lowercase name for the kind ("invalid_argument", ...), used in JSON error output.
[[nodiscard]] std::string_view ErrorKindName(ErrorKind kind);

// Where in the input an error was found. Every part is optional: line/column are 1-based and 0
// means unknown; `field` names a column, a JSON path, a flag or an ONNX node.
struct SourceLocation {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string field;

  [[nodiscard]] bool empty() const { return file.empty() && line == 0 && field.empty(); }
  // "file:line:col", "file:line", "file", with " (field)" or "field" appended when set.
  [[nodiscard]] std::string ToString() const;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, SourceLocation location = {});

  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
  // The message without the location prefix.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] const SourceLocation& location() const noexcept { return location_; }

 private:
  ErrorKind kind_;
  std::string message_;
  SourceLocation location_;
};

// Thin subclasses so that callers can catch by type where that reads better than a kind check.
class InvalidArgumentError : public Error {
 public:
  explicit InvalidArgumentError(std::string message, SourceLocation location = {})
      : Error(ErrorKind::kInvalidArgument, std::move(message), std::move(location)) {}
};

class InputError : public Error {
 public:
  explicit InputError(std::string message, SourceLocation location = {})
      : Error(ErrorKind::kInput, std::move(message), std::move(location)) {}
};

class NotFoundError : public Error {
 public:
  explicit NotFoundError(std::string message, SourceLocation location = {})
      : Error(ErrorKind::kNotFound, std::move(message), std::move(location)) {}
};

class UnsupportedError : public Error {
 public:
  explicit UnsupportedError(std::string message, SourceLocation location = {})
      : Error(ErrorKind::kUnsupported, std::move(message), std::move(location)) {}
};

class BudgetExhaustedError : public Error {
 public:
  explicit BudgetExhaustedError(std::string message)
      : Error(ErrorKind::kBudgetExhausted, std::move(message)) {}
};

class IoError : public Error {
 public:
  explicit IoError(std::string message, SourceLocation location = {})
      : Error(ErrorKind::kIo, std::move(message), std::move(location)) {}
};

class InternalError : public Error {
 public:
  explicit InternalError(std::string message) : Error(ErrorKind::kInternal, std::move(message)) {}
};

}  // namespace rampart
