#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <rampart/common/error.h>
#include <rampart/privacy/ledger.h>
#include <rampart/privacy/parameters.h>

namespace rampart::privacy {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS rampart_privacy_datasets (
  name TEXT PRIMARY KEY,
  epsilon_cap DOUBLE PRECISION NOT NULL,
  delta_cap DOUBLE PRECISION NOT NULL,
  accountant TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rampart_privacy_charges (
  id BIGINT PRIMARY KEY,
  dataset TEXT NOT NULL REFERENCES rampart_privacy_datasets(name),
  event TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  description TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reserved', 'committed')),
  created_at TEXT NOT NULL,
  committed_at TEXT
);
CREATE INDEX IF NOT EXISTS rampart_privacy_charges_dataset ON rampart_privacy_charges(dataset);
)sql";

std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

std::string Text(const DbValue& value) {
  return DbValueToString(value);
}

std::int64_t Integer(const DbValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  return static_cast<std::int64_t>(DbValueAsDouble(value));
}

void CheckName(std::string_view name) {
  if (name.empty()) throw InvalidArgumentError("dataset name is empty", {.field = "dataset"});
}

// Every stored event of the dataset (reserved and committed) composed into one.
std::vector<PrivacyEvent> StoredEvents(Database& db, std::string_view dataset) {
  std::vector<PrivacyEvent> events;
  for (const DbRow& row : db.Query("SELECT id, event FROM rampart_privacy_charges WHERE dataset = "
                                   "? ORDER BY id",
                                   {std::string(dataset)})
                              .rows) {
    try {
      events.push_back(PrivacyEvent::FromJson(nlohmann::json::parse(Text(row[1]))));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(fmt::format("corrupt event in the ledger: {}", error.what()),
                       {.field = fmt::format("charge {}", Integer(row[0]))});
    }
  }
  return events;
}

double SpentEpsilon(const DatasetBudget& budget, const std::vector<PrivacyEvent>& events) {
  if (events.empty()) return 0.0;
  return MakeAccountant(budget.accountant)
      ->EpsilonFor(PrivacyEvent::Composed(events), budget.delta_cap)
      .epsilon;
}

DatasetBudget ReadDataset(Database& db, std::string_view name, bool lock) {
  CheckName(name);
  std::string sql =
      "SELECT name, epsilon_cap, delta_cap, accountant, created_at FROM rampart_privacy_datasets "
      "WHERE name = ?";
  // PostgreSQL: hold the dataset row for the rest of the transaction, so that concurrent
  // reservations on the same dataset run one after the other (SQLite's BEGIN IMMEDIATE already
  // serializes every writer).
  if (lock && db.engine() == DatabaseEngine::kPostgres) sql += " FOR UPDATE";
  const QueryResult result = db.Query(sql, {std::string(name)});
  if (result.rows.empty()) {
    throw NotFoundError(fmt::format("no dataset '{}' in the ledger (create it with "
                                    "'rampart privacy budget init')",
                                    name),
                        {.field = "dataset"});
  }
  const DbRow& row = result.rows.front();
  return {.name = Text(row[0]),
          .epsilon_cap = DbValueAsDouble(row[1]),
          .delta_cap = DbValueAsDouble(row[2]),
          .accountant = ParseAccountantKind(Text(row[3])),
          .created_at = Text(row[4])};
}

}  // namespace

std::string EventFingerprint(const PrivacyEvent& event) {
  const std::string text = event.ToJson().dump();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw InternalError("SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Ledger Ledger::Open(std::string_view location) {
  const bool is_url = location.rfind("sqlite:", 0) == 0 ||
                      location.rfind("postgresql://", 0) == 0 ||
                      location.rfind("postgres://", 0) == 0;
  if (location.empty()) throw InvalidArgumentError("ledger location is empty", {.field = "ledger"});
  return Ledger(Database::Open(is_url ? std::string(location) : "sqlite:" + std::string(location)));
}

Ledger::Ledger(std::unique_ptr<Database> db) : db_(std::move(db)) {
  if (!db_) throw InvalidArgumentError("ledger database is null");
  Transaction tx(*db_, TransactionMode::kImmediate);
  db_->Execute(kSchema);
  tx.Commit();
}

void Ledger::CreateDataset(std::string_view name, double epsilon_cap, double delta_cap,
                           AccountantKind accountant) {
  CheckName(name);
  CheckEpsilon(epsilon_cap, "epsilon cap");
  CheckDelta(delta_cap, /*allow_zero=*/false, "delta cap");
  Transaction tx(*db_, TransactionMode::kImmediate);
  if (!db_->Query("SELECT 1 FROM rampart_privacy_datasets WHERE name = ?", {std::string(name)})
           .rows.empty()) {
    throw InvalidArgumentError(fmt::format("dataset '{}' already exists in the ledger", name),
                               {.field = "dataset"});
  }
  db_->Run(
      "INSERT INTO rampart_privacy_datasets (name, epsilon_cap, delta_cap, accountant, "
      "created_at) VALUES (?, ?, ?, ?, ?)",
      {std::string(name), epsilon_cap, delta_cap, std::string(AccountantName(accountant)),
       NowUtc()});
  tx.Commit();
}

DatasetBudget Ledger::GetDataset(std::string_view name) {
  return ReadDataset(*db_, name, /*lock=*/false);
}

BudgetStatus Ledger::Status(std::string_view name) {
  // One read transaction, so the caps and the charges are a consistent snapshot.
  Transaction tx(*db_, TransactionMode::kDeferred);
  BudgetStatus status{.budget = ReadDataset(*db_, name, /*lock=*/false)};
  const std::vector<PrivacyEvent> events = StoredEvents(*db_, name);
  for (const DbRow& row :
       db_->Query("SELECT state, COUNT(*) FROM rampart_privacy_charges WHERE dataset = ? GROUP "
                  "BY state",
                  {std::string(name)})
           .rows) {
    status.charges += Integer(row[1]);
    if (Text(row[0]) == "reserved") status.reserved += Integer(row[1]);
  }
  tx.Commit();
  status.epsilon_spent = SpentEpsilon(status.budget, events);
  status.delta_spent = events.empty() ? 0.0 : status.budget.delta_cap;
  status.epsilon_remaining = std::max(0.0, status.budget.epsilon_cap - status.epsilon_spent);
  return status;
}

std::vector<ChargeRecord> Ledger::History(std::string_view name) {
  Transaction tx(*db_, TransactionMode::kDeferred);
  (void)ReadDataset(*db_, name, /*lock=*/false);
  std::vector<ChargeRecord> records;
  for (const DbRow& row : db_->Query("SELECT id, dataset, event, fingerprint, description, state, "
                                     "created_at, committed_at FROM rampart_privacy_charges "
                                     "WHERE dataset = ? ORDER BY id",
                                     {std::string(name)})
                              .rows) {
    records.push_back({.id = Integer(row[0]),
                       .dataset = Text(row[1]),
                       .event = nlohmann::json::parse(Text(row[2]), nullptr, false),
                       .fingerprint = Text(row[3]),
                       .description = Text(row[4]),
                       .state = Text(row[5]),
                       .created_at = Text(row[6]),
                       .committed_at = Text(row[7])});
  }
  tx.Commit();
  return records;
}

std::int64_t Ledger::Reserve(std::string_view dataset, const PrivacyEvent& event,
                             std::string_view fingerprint, std::string_view description) {
  Transaction tx(*db_, TransactionMode::kImmediate);
  const DatasetBudget budget = ReadDataset(*db_, dataset, /*lock=*/true);
  std::vector<PrivacyEvent> events = StoredEvents(*db_, dataset);
  const double before = SpentEpsilon(budget, events);
  events.push_back(event);
  const double after = SpentEpsilon(budget, events);
  if (!(after <= budget.epsilon_cap)) {
    // The transaction rolls back as tx goes out of scope: nothing was written.
    throw BudgetExhaustedError(fmt::format(
        "privacy budget of dataset '{}' exhausted: this release would bring epsilon to {} (cap {}, "
        "spent {}, delta {}, accountant {}); nothing was charged",
        dataset, after, budget.epsilon_cap, before, budget.delta_cap,
        AccountantName(budget.accountant)));
  }
  const QueryResult next =
      db_->Query("SELECT COALESCE(MAX(id), 0) + 1 FROM rampart_privacy_charges");
  const std::int64_t id = Integer(next.rows.front()[0]);
  db_->Run(
      "INSERT INTO rampart_privacy_charges (id, dataset, event, fingerprint, description, state, "
      "created_at) VALUES (?, ?, ?, ?, ?, 'reserved', ?)",
      {id, std::string(dataset), event.ToJson().dump(), std::string(fingerprint),
       std::string(description), NowUtc()});
  tx.Commit();
  return id;
}

void Ledger::Commit(std::int64_t charge_id) {
  Transaction tx(*db_, TransactionMode::kImmediate);
  if (db_->Query("SELECT 1 FROM rampart_privacy_charges WHERE id = ?", {charge_id}).rows.empty()) {
    throw NotFoundError(fmt::format("no charge {} in the ledger", charge_id), {.field = "charge"});
  }
  db_->Run(
      "UPDATE rampart_privacy_charges SET state = 'committed', committed_at = ? WHERE id = ? AND "
      "state = 'reserved'",
      {NowUtc(), charge_id});
  tx.Commit();
}

void Ledger::Cancel(std::int64_t charge_id) {
  Transaction tx(*db_, TransactionMode::kImmediate);
  const QueryResult row =
      db_->Query("SELECT state FROM rampart_privacy_charges WHERE id = ?", {charge_id});
  if (row.rows.empty()) {
    throw NotFoundError(fmt::format("no charge {} in the ledger", charge_id), {.field = "charge"});
  }
  if (Text(row.rows.front()[0]) != "reserved") {
    throw InvalidArgumentError(
        fmt::format("charge {} is committed: a released result cannot be un-charged", charge_id),
        {.field = "charge"});
  }
  db_->Run("DELETE FROM rampart_privacy_charges WHERE id = ?", {charge_id});
  tx.Commit();
}

std::int64_t Ledger::Charge(std::string_view dataset, const PrivacyEvent& event,
                            std::string_view fingerprint, std::string_view description) {
  const std::int64_t id = Reserve(dataset, event, fingerprint, description);
  Commit(id);
  return id;
}

}  // namespace rampart::privacy
