// The budget ledger: caps enforced by the accountant over all stored charges, refused charges
// change nothing, 8 processes charging at once never overspend, and a process killed between
// reserve and commit still counts. PostgreSQL runs too when RAMPART_TEST_POSTGRES_URL is set.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rampart/common/database.h>
#include <rampart/common/error.h>
#include <rampart/privacy/accounting/rdp.h>
#include <rampart/privacy/events.h>
#include <rampart/privacy/ledger.h>

namespace rampart::privacy {
namespace {

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_ledger_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ledger.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

PrivacyEvent Laplace(double epsilon) {
  return PrivacyEvent::Laplace(1.0 / epsilon);
}

TEST_F(LedgerTest, ChargesUntilTheCapAndRefusalsChangeNothing) {
  Ledger ledger = Ledger::Open(path_);
  ledger.CreateDataset("census", 1.0, 1e-6, AccountantKind::kBasic);
  EXPECT_THROW(ledger.CreateDataset("census", 2.0, 1e-6, AccountantKind::kBasic),
               InvalidArgumentError);
  EXPECT_THROW(ledger.CreateDataset("bad", 0.0, 1e-6, AccountantKind::kBasic),
               InvalidArgumentError);
  (void)ledger.Charge("census", Laplace(0.4), "q1", "first");
  (void)ledger.Charge("census", Laplace(0.4), "q2", "second");
  const BudgetStatus before = ledger.Status("census");
  EXPECT_NEAR(before.epsilon_spent, 0.8, 1e-12);
  EXPECT_NEAR(before.epsilon_remaining, 0.2, 1e-12);
  EXPECT_EQ(before.charges, 2);
  EXPECT_THROW((void)ledger.Charge("census", Laplace(0.4), "q3", "too much"), BudgetExhaustedError);
  const BudgetStatus after = ledger.Status("census");
  EXPECT_EQ(after.charges, 2);
  EXPECT_EQ(after.epsilon_spent, before.epsilon_spent);
  EXPECT_EQ(ledger.History("census").size(), 2U);
  (void)ledger.Charge("census", Laplace(0.2), "q4", "exactly the rest");
  EXPECT_THROW((void)ledger.Status("nope"), NotFoundError);
  // Persistent: a new connection sees the same state.
  Ledger again = Ledger::Open("sqlite:" + path_);
  EXPECT_EQ(again.Status("census").charges, 3);
  const auto history = again.History("census");
  EXPECT_EQ(history[0].fingerprint, "q1");
  EXPECT_EQ(history[0].state, "committed");
  EXPECT_EQ(PrivacyEvent::FromJson(history[0].event), Laplace(0.4));
}

TEST_F(LedgerTest, GaussianChargesComposeThroughTheAccountant) {
  Ledger ledger = Ledger::Open(path_);
  ledger.CreateDataset("training", 2.0, 1e-5, AccountantKind::kRdp);
  const PrivacyEvent run = PrivacyEvent::SelfComposed(
      PrivacyEvent::PoissonSubsampled(PrivacyEvent::Gaussian(1.1), 0.01), 300);
  int accepted = 0;
  try {
    for (; accepted < 100; ++accepted) (void)ledger.Charge("training", run, "", "epoch");
  } catch (const BudgetExhaustedError&) {
  }
  const BudgetStatus status = ledger.Status("training");
  const double expected =
      RdpAccountant().EpsilonFor(PrivacyEvent::SelfComposed(run, accepted), 1e-5).epsilon;
  EXPECT_NEAR(status.epsilon_spent, expected, 1e-9);
  EXPECT_LE(status.epsilon_spent, 2.0);
  // Composed by RDP, 300-step runs fit several times where adding epsilons would allow one.
  EXPECT_GE(accepted, 4);
  EXPECT_GT(RdpAccountant().EpsilonFor(PrivacyEvent::SelfComposed(run, accepted + 1), 1e-5).epsilon,
            2.0);
}

// 8 processes, each with its own connection, try 5 charges of 0.05 against a cap of 1.0: 40
// attempts, room for exactly 20, and exactly 20 must succeed.
void ChargeConcurrently(const std::string& location, const std::string& dataset) {
  {
    Ledger ledger = Ledger::Open(location);
    ledger.CreateDataset(dataset, 1.0, 1e-6, AccountantKind::kBasic);
  }
  constexpr int kProcesses = 8;
  pid_t children[kProcesses];
  for (pid_t& child : children) {
    child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int ok = 0;
      try {
        Ledger mine = Ledger::Open(location);
        for (int i = 0; i < 5; ++i) {
          try {
            (void)mine.Charge(dataset, Laplace(0.05), std::to_string(::getpid()), "concurrent");
            ++ok;
          } catch (const BudgetExhaustedError&) {
          }
        }
      } catch (...) {
        ::_exit(100);
      }
      ::_exit(ok);
    }
  }
  int total = 0;
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 100) << "a child failed";
    total += WEXITSTATUS(status);
  }
  Ledger ledger = Ledger::Open(location);
  const BudgetStatus status = ledger.Status(dataset);
  EXPECT_EQ(total, 20);
  EXPECT_EQ(status.charges, 20);
  EXPECT_LE(status.epsilon_spent, 1.0 + 1e-12);
}

TEST_F(LedgerTest, EightProcessesChargingConcurrentlyNeverExceedTheCap) {
  ChargeConcurrently(path_, "shared");
}

TEST_F(LedgerTest, ReservationOfAKilledProcessStillCounts) {
  {
    Ledger ledger = Ledger::Open(path_);
    ledger.CreateDataset("crash", 1.0, 1e-6, AccountantKind::kBasic);
  }
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    Ledger mine = Ledger::Open(path_);
    (void)mine.Reserve("crash", Laplace(0.7), "q", "released, then killed before commit");
    const char byte = 'r';
    (void)!::write(pipe_fds[1], &byte, 1);
    ::pause();  // killed here, between reserve and commit
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char byte = 0;
  ASSERT_EQ(::read(pipe_fds[0], &byte, 1), 1);
  ::close(pipe_fds[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  Ledger ledger = Ledger::Open(path_);
  const BudgetStatus after = ledger.Status("crash");
  EXPECT_EQ(after.reserved, 1);
  EXPECT_NEAR(after.epsilon_spent, 0.7, 1e-12);
  EXPECT_THROW((void)ledger.Charge("crash", Laplace(0.5), "q2", ""), BudgetExhaustedError);
  (void)ledger.Charge("crash", Laplace(0.3), "q3", "");
}

TEST_F(LedgerTest, CommitAndCancelFollowTheProtocol) {
  Ledger ledger = Ledger::Open(path_);
  ledger.CreateDataset("d", 1.0, 1e-6, AccountantKind::kPld);
  const std::int64_t id = ledger.Reserve("d", Laplace(0.5), "f", "");
  EXPECT_EQ(ledger.Status("d").reserved, 1);
  ledger.Cancel(id);
  EXPECT_EQ(ledger.Status("d").charges, 0);
  const std::int64_t kept = ledger.Reserve("d", Laplace(0.5), "f", "");
  ledger.Commit(kept);
  ledger.Commit(kept);  // idempotent
  EXPECT_THROW(ledger.Cancel(kept), InvalidArgumentError);
  EXPECT_THROW(ledger.Commit(9999), NotFoundError);
  EXPECT_EQ(EventFingerprint(Laplace(0.5)).size(), 64U);
}

TEST(LedgerPostgresTest, ChargesAndRefusesOnPostgres) {
  const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
  if (url == nullptr) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  Ledger ledger = Ledger::Open(url);
  const std::string name = "pg_" + std::to_string(::getpid());
  ledger.CreateDataset(name, 1.0, 1e-6, AccountantKind::kBasic);
  (void)ledger.Charge(name, Laplace(0.6), "a", "");
  EXPECT_THROW((void)ledger.Charge(name, Laplace(0.6), "b", ""), BudgetExhaustedError);
  EXPECT_EQ(ledger.Status(name).charges, 1);
}

TEST(LedgerPostgresTest, EightProcessesChargingConcurrentlyNeverExceedTheCap) {
  const char* url = std::getenv("RAMPART_TEST_POSTGRES_URL");
  if (url == nullptr) GTEST_SKIP() << "RAMPART_TEST_POSTGRES_URL not set";
  ChargeConcurrently(url, "pg_shared_" + std::to_string(::getpid()));
}

}  // namespace
}  // namespace rampart::privacy
