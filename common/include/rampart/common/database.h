// One interface over the databases rampart reads and writes: SQLite (embedded, the default) and
// PostgreSQL (libpq). Used by the privacy ledger, DP SQL queries and live compliance scans.
//
//   auto db = rampart::Database::Open("sqlite:ledger.db");           // or
//   "postgresql://user@host/db" db->Execute("CREATE TABLE IF NOT EXISTS t (id INTEGER, name
//   TEXT)"); rampart::Transaction tx(*db, rampart::TransactionMode::kImmediate); db->Query("INSERT
//   INTO t VALUES (?, ?)", {std::int64_t{1}, std::string("a")}); tx.Commit(); // rolled back if not
//   reached for (const auto& row : db->Query("SELECT name FROM t WHERE id = ?",
//   {std::int64_t{1}}).rows) ...
//
// Placeholders are always `?` (rewritten to $1, $2, ... for PostgreSQL outside string literals
// and quoted identifiers). Errors are rampart::Error: IoError for what the server or file system
// refused, NotFoundError for a missing database file opened without `create`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rampart {

enum class DatabaseEngine { kSqlite, kPostgres };

// NULL, integer (also booleans), real, or text (also blobs and every other type, as text).
using DbValue = std::variant<std::monostate, std::int64_t, double, std::string>;

[[nodiscard]] bool IsNull(const DbValue& value);
// Text form of a value for reports ("" for NULL, shortest round-trip text for reals).
[[nodiscard]] std::string DbValueToString(const DbValue& value);
// The value as a double: integers and reals directly, text parsed; throws InputError otherwise.
[[nodiscard]] double DbValueAsDouble(const DbValue& value);

using DbRow = std::vector<DbValue>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<DbRow> rows;
};

struct DatabaseOptions {
  bool read_only = false;  // scans never write: SQLite opens read-only, PostgreSQL sessions too
  bool create = true;      // SQLite: create the file if missing (else NotFoundError)
  int busy_timeout_ms = 60000;  // SQLite: wait this long for another writer's lock
};

enum class TransactionMode {
  kDeferred,   // BEGIN
  kImmediate,  // SQLite: BEGIN IMMEDIATE (take the write lock now); PostgreSQL: BEGIN, and the
               // caller locks the rows it will change with SELECT ... FOR UPDATE
};

class Database {
 public:
  // Opens `url`: "sqlite:PATH", "sqlite::memory:", or a libpq URI "postgresql://..." /
  // "postgres://...". Throws InvalidArgumentError on another scheme.
  [[nodiscard]] static std::unique_ptr<Database> Open(std::string_view url,
                                                      DatabaseOptions options = {});

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] virtual DatabaseEngine engine() const = 0;

  // Runs one or more statements without parameters or results (DDL, scripts).
  virtual void Execute(std::string_view sql) = 0;

  // Runs one statement with `?` parameters, calling `on_row` for every result row as it arrives
  // (bounded memory: PostgreSQL uses single-row mode). `on_columns` receives the column names
  // first. Stops early when `on_row` returns false.
  virtual void Stream(std::string_view sql, const std::vector<DbValue>& params,
                      const std::function<void(const std::vector<std::string>&)>& on_columns,
                      const std::function<bool(const DbRow&)>& on_row) = 0;

  // Runs one statement with `?` parameters, discarding any rows (INSERT, UPDATE, DELETE).
  void Run(std::string_view sql, const std::vector<DbValue>& params = {});

  // Runs one statement and collects all rows.
  [[nodiscard]] QueryResult Query(std::string_view sql, const std::vector<DbValue>& params = {});

  // Names of the user tables ("schema.table" for PostgreSQL schemas other than public).
  [[nodiscard]] virtual std::vector<std::string> ListTables() = 0;

  void Begin(TransactionMode mode = TransactionMode::kDeferred);
  void Commit();
  void Rollback();

  // `name` quoted as an SQL identifier for this engine ("a""b"); dotted names are quoted per part.
  [[nodiscard]] static std::string QuoteIdentifier(std::string_view name);

 protected:
  Database() = default;
};

// Begins a transaction on construction and rolls it back on destruction unless Commit() ran:
// an exception anywhere in between leaves the database as it was.
class Transaction {
 public:
  explicit Transaction(Database& db, TransactionMode mode = TransactionMode::kDeferred);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

namespace internal {
// Rewrites `?` placeholders into $1, $2, ... outside quotes and comments (PostgreSQL syntax).
[[nodiscard]] std::string NumberPlaceholders(std::string_view sql);
}  // namespace internal

}  // namespace rampart
