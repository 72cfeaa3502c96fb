#include <charconv>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <libpq-fe.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>

#include "database_engines.h"

namespace rampart::internal {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// Type OIDs from PostgreSQL's pg_type.dat (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

std::string FirstLine(const char* message) {
  std::string text = message != nullptr ? message : "unknown error";
  if (const auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
  return text;
}

DbValue Convert(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return std::monostate{};
  const char* text = PQgetvalue(result, row, column);
  const auto length = static_cast<std::size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      std::int64_t value = 0;
      std::from_chars(text, text + length, value);
      return value;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double value = 0.0;
      const auto [end, error] = std::from_chars(text, text + length, value);
      if (error == std::errc() && end == text + length) return value;
      return std::string(text, length);  // NaN, Infinity: keep the server's text
    }
    default:
      return std::string(text, length);
  }
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& uri, const DatabaseOptions& options) {
    connection_.reset(PQconnectdb(uri.c_str()));
    if (connection_ == nullptr || PQstatus(connection_.get()) != CONNECTION_OK) {
      throw IoError(
          fmt::format("cannot connect to PostgreSQL: {}",
                      FirstLine(connection_ ? PQerrorMessage(connection_.get()) : nullptr)));
    }
    Execute("SET client_min_messages = warning");
    if (options.read_only) Execute("SET default_transaction_read_only = on");
  }

  [[nodiscard]] DatabaseEngine engine() const override { return DatabaseEngine::kPostgres; }

  void Execute(std::string_view sql) override {
    const ResultPtr result(PQexec(connection_.get(), std::string(sql).c_str()));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw Fail();
  }

  void Stream(std::string_view sql, const std::vector<DbValue>& params,
              const std::function<void(const std::vector<std::string>&)>& on_columns,
              const std::function<bool(const DbRow&)>& on_row) override {
    const std::string text = NumberPlaceholders(sql);
    std::vector<std::string> values(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (IsNull(params[i])) continue;
      values[i] = DbValueToString(params[i]);
      pointers[i] = values[i].c_str();
    }
    if (PQsendQueryParams(connection_.get(), text.c_str(), static_cast<int>(params.size()), nullptr,
                          pointers.data(), nullptr, nullptr, 0) == 0) {
      throw Fail();
    }
    PQsetSingleRowMode(connection_.get());  // rows arrive one by one: bounded memory

    bool columns_sent = false;
    bool keep_going = true;
    std::string error;
    DbRow row;
    // Drain every result, even after an error or an early stop, so the connection stays usable.
    while (true) {
      const ResultPtr result(PQgetResult(connection_.get()));
      if (result == nullptr) break;
      const auto status = PQresultStatus(result.get());
      if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
        const int columns = PQnfields(result.get());
        if (!columns_sent) {
          columns_sent = true;
          std::vector<std::string> names;
          names.reserve(static_cast<std::size_t>(columns));
          for (int c = 0; c < columns; ++c) names.emplace_back(PQfname(result.get(), c));
          if (on_columns) on_columns(names);
        }
        row.resize(static_cast<std::size_t>(columns));
        for (int r = 0; keep_going && r < PQntuples(result.get()); ++r) {
          for (int c = 0; c < columns; ++c)
            row[static_cast<std::size_t>(c)] = Convert(result.get(), r, c);
          keep_going = on_row(row);
        }
      } else if (status != PGRES_COMMAND_OK && error.empty()) {
        error = FirstLine(PQresultErrorMessage(result.get()));
      }
    }
    if (!error.empty()) throw IoError("PostgreSQL: " + error);
  }

  [[nodiscard]] std::vector<std::string> ListTables() override {
    std::vector<std::string> tables;
    const auto result = Query(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE "
        "TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2");
    for (const auto& row : result.rows) {
      std::string schema = DbValueToString(row[0]);
      const std::string name = DbValueToString(row[1]);
      tables.push_back(schema == "public" ? name : schema.append(".").append(name));
    }
    return tables;
  }

 private:
  [[nodiscard]] IoError Fail() const {
    return IoError("PostgreSQL: " + FirstLine(PQerrorMessage(connection_.get())));
  }

  std::unique_ptr<PGconn, ConnectionCloser> connection_;
};

}  // namespace

std::unique_ptr<Database> OpenPostgres(const std::string& uri, const DatabaseOptions& options) {
  return std::make_unique<PostgresDatabase>(uri, options);
}

}  // namespace rampart::internal
