#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>

#include "database_engines.h"

namespace rampart {

bool IsNull(const DbValue& value) {
  return std::holds_alternative<std::monostate>(value);
}

std::string DbValueToString(const DbValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{}", *d);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return "";
}

double DbValueAsDouble(const DbValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* s = std::get_if<std::string>(&value)) {
    double parsed = 0.0;
    const auto [end, error] = std::from_chars(s->data(), s->data() + s->size(), parsed);
    if (error == std::errc() && end == s->data() + s->size()) return parsed;
    throw InputError(fmt::format("value '{}' is not a number", *s));
  }
  throw InputError("NULL where a number was expected");
}

std::unique_ptr<Database> Database::Open(std::string_view url, DatabaseOptions options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    std::string path(url.substr(kSqlite.size()));
    if (path.rfind("//", 0) == 0) path.erase(0, 2);  // sqlite://PATH is accepted too
    if (path.empty()) throw InvalidArgumentError("database URL 'sqlite:' needs a file path");
    return internal::OpenSqlite(path, options);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return internal::OpenPostgres(std::string(url), options);
  }
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const std::size_t colon = url.find(':');
  throw InvalidArgumentError(
      colon == std::string_view::npos
          ? "unsupported database URL (no scheme): use sqlite:PATH or postgresql://..."
          : fmt::format("unsupported database URL scheme '{}': use sqlite:PATH or postgresql://...",
                        url.substr(0, std::min<std::size_t>(colon, 20))));
}

QueryResult Database::Query(std::string_view sql, const std::vector<DbValue>& params) {
  QueryResult result;
  Stream(
      sql, params, [&](const std::vector<std::string>& columns) { result.columns = columns; },
      [&](const DbRow& row) {
        result.rows.push_back(row);
        return true;
      });
  return result;
}

void Database::Run(std::string_view sql, const std::vector<DbValue>& params) {
  Stream(sql, params, nullptr, [](const DbRow&) { return true; });
}

void Database::Begin(TransactionMode mode) {
  Execute(mode == TransactionMode::kImmediate && engine() == DatabaseEngine::kSqlite
              ? "BEGIN IMMEDIATE"
              : "BEGIN");
}

void Database::Commit() {
  Execute("COMMIT");
}

void Database::Rollback() {
  Execute("ROLLBACK");
}

std::string Database::QuoteIdentifier(std::string_view name) {
  std::string quoted;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view part =
        name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!quoted.empty()) quoted += '.';
    quoted += '"';
    for (const char c : part) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    quoted += '"';
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return quoted;
}

Transaction::Transaction(Database& db, TransactionMode mode) : db_(db) {
  db_.Begin(mode);
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.Rollback();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; the connection
                   // is in error already and the server rolls back on its own.
  }
}

void Transaction::Commit() {
  db_.Commit();
  done_ = true;
}

namespace internal {

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 1;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // string literal or quoted identifier: copy to its end
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // line comment
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += '$' + std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace internal
}  // namespace rampart
