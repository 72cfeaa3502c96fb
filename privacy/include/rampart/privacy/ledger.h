// A persistent privacy-budget ledger: per-dataset caps (epsilon, delta) and an accountant, and
// every charge made against them, in SQLite (default, one file) or PostgreSQL.
//
//   auto ledger = rampart::privacy::Ledger::Open("budget.db");   // or "postgresql://..."
//   ledger.CreateDataset("patients", /*epsilon_cap=*/3.0, /*delta_cap=*/1e-5,
//   AccountantKind::kPld); std::int64_t id = ledger.Reserve("patients", event, fingerprint, "weekly
//   counts");
//   ... compute and release the noisy answer ...
//   ledger.Commit(id);
//
// Protocol and guarantees (docs/privacy-accounting.md):
//  - Reserve runs in one write transaction (SQLite BEGIN IMMEDIATE; PostgreSQL SELECT ... FOR
//    UPDATE on the dataset row): it reads every stored charge, composes them with the new event
//    under the dataset's accountant, and inserts the charge as "reserved" only if epsilon at
//    delta_cap stays within epsilon_cap. Two processes therefore never overspend together.
//  - A refused charge throws BudgetExhaustedError inside the transaction, which rolls back:
//    nothing changes.
//  - A reservation counts as spent from the moment Reserve returns, committed or not: a process
//    killed between Reserve and Commit never under-counts. Cancel exists for callers that know
//    nothing was released (e.g. the query failed before any output); when in doubt, don't.
//  - The remaining budget is computed by the accountant over all stored events, so Gaussian
//    charges compose through RDP or PLD, far tighter than adding epsilons.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/common/database.h>
#include <rampart/privacy/accounting/accountant.h>
#include <rampart/privacy/events.h>

namespace rampart::privacy {

struct DatasetBudget {
  std::string name;
  double epsilon_cap = 0.0;
  double delta_cap = 0.0;
  AccountantKind accountant = AccountantKind::kPld;
  std::string created_at;  // ISO 8601 UTC
};

struct ChargeRecord {
  std::int64_t id = 0;
  std::string dataset;
  nlohmann::json event;  // PrivacyEvent::ToJson()
  std::string fingerprint;
  std::string description;
  std::string state;  // "reserved" or "committed"
  std::string created_at;
  std::string committed_at;  // empty while reserved
};

struct BudgetStatus {
  DatasetBudget budget;
  // epsilon of all stored charges (reserved ones included) at delta_cap, by the accountant;
  // delta_spent is delta_cap once anything was charged (the delta that epsilon_spent is for).
  double epsilon_spent = 0.0;
  double delta_spent = 0.0;
  double epsilon_remaining = 0.0;
  std::int64_t charges = 0;
  std::int64_t reserved = 0;
};

// Hex SHA-256 of the event's JSON text: the default query fingerprint.
[[nodiscard]] std::string EventFingerprint(const PrivacyEvent& event);

class Ledger {
 public:
  // `location`: "sqlite:PATH", "postgresql://..." / "postgres://...", or a plain file path
  // (SQLite). Creates the ledger tables if missing.
  [[nodiscard]] static Ledger Open(std::string_view location);
  explicit Ledger(std::unique_ptr<Database> db);

  // Throws InvalidArgumentError if the dataset exists or a cap is out of its domain.
  void CreateDataset(std::string_view name, double epsilon_cap, double delta_cap,
                     AccountantKind accountant);
  // NotFoundError if there is no such dataset.
  [[nodiscard]] DatasetBudget GetDataset(std::string_view name);
  [[nodiscard]] BudgetStatus Status(std::string_view name);
  [[nodiscard]] std::vector<ChargeRecord> History(std::string_view name);

  // Reserves `event` against the dataset (see the protocol above); returns the charge id.
  // BudgetExhaustedError when it would exceed the cap (nothing changes).
  std::int64_t Reserve(std::string_view dataset, const PrivacyEvent& event,
                       std::string_view fingerprint, std::string_view description);
  // Marks a reservation committed (idempotent); NotFoundError for an unknown id.
  void Commit(std::int64_t charge_id);
  // Deletes a reservation that was never committed: only when nothing was released.
  void Cancel(std::int64_t charge_id);
  // Reserve + Commit: records a release made elsewhere.
  std::int64_t Charge(std::string_view dataset, const PrivacyEvent& event,
                      std::string_view fingerprint, std::string_view description);

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace rampart::privacy
