#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>

#include "database_engines.h"

namespace rampart::internal {
namespace {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options) : path_(std::move(path)) {
    const bool memory = path_ == ":memory:";
    if (!memory && !options.create && !std::filesystem::exists(path_)) {
      throw NotFoundError("SQLite database file does not exist", {.file = path_});
    }
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |=
        options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) {
      throw IoError(fmt::format("cannot open SQLite database: {}",
                                raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                    {.file = path_});
    }
    sqlite3_busy_timeout(db_.get(), options.busy_timeout_ms);
    sqlite3_extended_result_codes(db_.get(), 1);
  }

  [[nodiscard]] DatabaseEngine engine() const override { return DatabaseEngine::kSqlite; }

  void Execute(std::string_view sql) override {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string what = message != nullptr ? message : sqlite3_errmsg(db_.get());
      sqlite3_free(message);
      throw Fail(what);
    }
  }

  void Stream(std::string_view sql, const std::vector<DbValue>& params,
              const std::function<void(const std::vector<std::string>&)>& on_columns,
              const std::function<bool(const DbRow&)>& on_row) override {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail) !=
        SQLITE_OK) {
      throw Fail(sqlite3_errmsg(db_.get()));
    }
    StatementPtr statement(raw);
    if (statement == nullptr) throw InvalidArgumentError("empty SQL statement");
    if (sqlite3_bind_parameter_count(raw) != static_cast<int>(params.size())) {
      throw InvalidArgumentError(fmt::format("SQL statement has {} parameters, {} given",
                                             sqlite3_bind_parameter_count(raw), params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) Bind(raw, static_cast<int>(i + 1), params[i]);

    const int columns = sqlite3_column_count(raw);
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) names.emplace_back(sqlite3_column_name(raw, c));
    if (on_columns) on_columns(names);

    DbRow row(static_cast<std::size_t>(columns));
    while (true) {
      const int rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw Fail(sqlite3_errmsg(db_.get()));
      for (int c = 0; c < columns; ++c) row[static_cast<std::size_t>(c)] = Column(raw, c);
      if (!on_row(row)) break;
    }
  }

  [[nodiscard]] std::vector<std::string> ListTables() override {
    std::vector<std::string> tables;
    for (const auto& row : Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                                 "LIKE 'sqlite_%' ORDER BY name")
                               .rows) {
      tables.push_back(DbValueToString(row[0]));
    }
    return tables;
  }

 private:
  [[nodiscard]] IoError Fail(const std::string& what) const {
    return IoError(fmt::format("SQLite: {}", what), {.file = path_});
  }

  static void Bind(sqlite3_stmt* statement, int index, const DbValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(statement, index, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      sqlite3_bind_double(statement, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(statement, index);
    }
  }

  static DbValue Column(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(statement, column));
      case SQLITE_FLOAT:
        return sqlite3_column_double(statement, column);
      case SQLITE_NULL:
        return std::monostate{};
      default: {
        const auto* text = sqlite3_column_blob(statement, column);
        const int bytes = sqlite3_column_bytes(statement, column);
        return text == nullptr
                   ? std::string()
                   : std::string(static_cast<const char*>(text), static_cast<std::size_t>(bytes));
      }
    }
  }

  std::string path_;
  std::unique_ptr<sqlite3, SqliteCloser> db_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path, const DatabaseOptions& options) {
  return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace rampart::internal
