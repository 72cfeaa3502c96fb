// Each audit rule on small schemas, with and without a policy.
#include <map>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <rampart/common/database.h>
#include <rampart/compliance/audit_report.h>
#include <rampart/compliance/rules/audit.h>
#include <rampart/compliance/rules/catalog.h>

#include "audit_test_util.h"

namespace rampart::compliance {
namespace {

using testing::FindingFor;
using testing::FindingsOf;
using testing::TempDir;

constexpr CalendarDate kToday{2026, 11, 29};

const char* const kCrmDdl =
    "CREATE TABLE crm.customers (\n"
    "  id          bigint PRIMARY KEY,\n"
    "  email       varchar(320) NOT NULL,\n"
    "  religion    text,\n"
    "  created_at  timestamptz NOT NULL\n"
    ");\n"
    "CREATE TABLE crm.products (id bigint, sku text, price numeric(10,2));\n";

AuditResult Audit(const ScanResult& scan, const Policy* policy) {
  return RunAudit(scan, policy, {.today = kToday});
}

TEST(RuleCatalogTest, IdsAreUniqueAndEveryRuleIsDocumented) {
  std::set<std::string_view> ids;
  for (const Rule& rule : AllRules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    EXPECT_FALSE(rule.article.empty()) << rule.id;
    EXPECT_NE(rule.article.find("Art."), std::string_view::npos) << rule.id;
    EXPECT_FALSE(rule.help.empty()) << rule.id;
    EXPECT_EQ(FindRule(rule.id), &rule);
    EXPECT_TRUE(RuleHelpUri(rule.id).ends_with("docs/compliance.md#" + std::string(rule.id)));
  }
  EXPECT_EQ(ids.size(), 10U);
  EXPECT_EQ(FindRule("no-such-rule"), nullptr);
  EXPECT_EQ(FindRule(kRuleNoDeclaredPurpose)->article, "GDPR Art. 5(1)(c)");
  EXPECT_EQ(FindRule(kRuleNoRetentionPeriod)->article, "GDPR Art. 5(1)(e)");
}

TEST(RulesWithoutPolicyTest, EverythingPersonalHasNoPurposeNoConditionNoRetention) {
  TempDir dir("nopolicy");
  const std::string file = dir.Write("crm.sql", kCrmDdl);
  const ScanResult scan = Scanner().ScanPaths({file});
  const AuditResult audit = Audit(scan, nullptr);

  const Finding* email = FindingFor(audit, kRuleNoDeclaredPurpose, "crm.customers.email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->severity, Severity::kMedium);
  EXPECT_EQ(email->location.file, file);
  EXPECT_EQ(email->location.line, 3);
  EXPECT_EQ(email->location.column, 3);
  EXPECT_NE(email->message.find("no policy given"), std::string::npos);
  EXPECT_EQ(email->fingerprint.size(), 32U);
  EXPECT_NE(FindingFor(audit, kRuleNoDeclaredPurpose, "crm.customers.religion"), nullptr);
  const Finding* religion =
      FindingFor(audit, kRuleSpecialCategoryWithoutCondition, "crm.customers.religion");
  ASSERT_NE(religion, nullptr);
  EXPECT_EQ(religion->severity, Severity::kHigh);
  EXPECT_EQ(FindingFor(audit, kRuleSpecialCategoryWithoutCondition, "crm.customers.email"),
            nullptr);
  // Not personal: no finding of any rule.
  for (const Finding& f : audit.findings) {
    EXPECT_EQ(f.target.find("crm.products"), std::string::npos) << f.message;
    EXPECT_EQ(f.target.find("created_at"), std::string::npos) << f.message;
  }
  const auto retention = FindingsOf(audit, kRuleNoRetentionPeriod);
  ASSERT_EQ(retention.size(), 1U);
  EXPECT_EQ(retention[0]->target, "crm.customers");
  // id of a customers table is an account id: personal too.
  EXPECT_NE(retention[0]->message.find("3 personal columns"), std::string::npos);
  EXPECT_TRUE(FindingsOf(audit, kRulePolicyDrift).empty());
  // Most severe first.
  for (std::size_t i = 1; i < audit.findings.size(); ++i) {
    EXPECT_GE(audit.findings[i - 1].severity, audit.findings[i].severity);
  }
  EXPECT_EQ(audit.ActiveCount(), audit.findings.size());
  EXPECT_EQ(audit.CountAtLeast(Severity::kHigh), 1U);
}

TEST(RulesWithPolicyTest, DeclaredPurposesConditionsAndRetentionSilenceTheRules) {
  TempDir dir("policy");
  const ScanResult scan = Scanner().ScanPaths({dir.Write("crm.sql", kCrmDdl)});
  Policy policy = ParsePolicy(
      "purposes:\n"
      "  - name: billing\n"
      "    lawful_basis: contract\n"
      "    columns: [crm.customers.id, crm.customers.email, CRM.Customers.Religion]\n"
      "retention:\n"
      "  crm.customers: P2Y\n",
      "policy.yaml");
  AuditResult audit = Audit(scan, &policy);
  EXPECT_TRUE(FindingsOf(audit, kRuleNoDeclaredPurpose).empty());
  EXPECT_TRUE(FindingsOf(audit, kRuleNoRetentionPeriod).empty());
  // A purpose without an Art. 9(2) condition does not cover special categories.
  const Finding* religion =
      FindingFor(audit, kRuleSpecialCategoryWithoutCondition, "crm.customers.religion");
  ASSERT_NE(religion, nullptr);
  EXPECT_NE(religion->message.find("its purposes (billing)"), std::string::npos);

  policy = ParsePolicy(
      "purposes:\n"
      "  - name: billing\n"
      "    lawful_basis: contract\n"
      "    columns: [crm.customers.id, crm.customers.email]\n"
      "  - name: church_tax\n"
      "    lawful_basis: legal_obligation\n"
      "    special_category_condition: employment_social_security\n"
      "    columns: [crm.customers.religion]\n",
      "policy.yaml");
  audit = Audit(scan, &policy);
  EXPECT_TRUE(FindingsOf(audit, kRuleSpecialCategoryWithoutCondition).empty());
  EXPECT_TRUE(FindingsOf(audit, kRuleNoDeclaredPurpose).empty());
  EXPECT_EQ(FindingsOf(audit, kRuleNoRetentionPeriod).size(), 1U);
}

TEST(AnalyticsRuleTest, DirectIdentifiersInFeatureTablesUnlessPseudonymized) {
  TempDir dir("analytics");
  const std::string file = dir.Write("ml.sql",
                                     "CREATE TABLE ml.churn_features (\n"
                                     "  customer_email  text,\n"
                                     "  orders_90d      integer,\n"
                                     "  basket_avg      numeric(10,2)\n"
                                     ");\n"
                                     "CREATE TABLE crm.contacts (email text, phone text);\n");
  const ScanResult scan = Scanner().ScanPaths({file});
  AuditResult audit = Audit(scan, nullptr);
  const auto found = FindingsOf(audit, kRuleDirectIdentifierInAnalytics);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]->target, "ml.churn_features.customer_email");
  EXPECT_EQ(found[0]->location.line, 2);
  EXPECT_NE(found[0]->message.find("analytics/feature table"), std::string::npos);

  // An analytics purpose makes an ordinary table's identifier one too; a pseudonymize action in
  // the policy is the remediation.
  Policy policy = ParsePolicy(
      "purposes:\n"
      "  - name: marketing_analytics\n"
      "    lawful_basis: legitimate_interests\n"
      "    columns: [crm.contacts.phone, ml.churn_features.customer_email]\n"
      "minimize:\n"
      "  ml.churn_features:\n"
      "    customer_email: {action: pseudonymize, key_env: HMAC_KEY}\n",
      "policy.yaml");
  audit = Audit(scan, &policy);
  const auto with_policy = FindingsOf(audit, kRuleDirectIdentifierInAnalytics);
  ASSERT_EQ(with_policy.size(), 1U);
  EXPECT_EQ(with_policy[0]->target, "crm.contacts.phone");
  EXPECT_NE(with_policy[0]->message.find("purpose marketing_analytics"), std::string::npos);
}

TEST(InClearRuleTest, CardNumbersAndNationalIdsInClearButNotTokens) {
  TempDir dir("clear");
  const std::string sql = dir.Write("pay.sql",
                                    "CREATE TABLE pay.cards (\n"
                                    "  card_number     varchar(19),\n"
                                    "  card_number_encrypted bytea,\n"
                                    "  passport_number text\n"
                                    ");\n");
  // Sampled values that are valid card numbers (Luhn) prove clear text; random tokens do not.
  std::string csv = "pan,pan_token\n";
  const char* const cards[] = {"4111111111111111", "5500005555555559", "4012888888881881",
                               "378282246310005",  "6011111111111117", "5105105105105100"};
  for (int i = 0; i < 6; ++i) {
    csv += fmt::format("{},tok_{}9f3a{}c1\n", cards[i], i * 7919, i);
  }
  const std::string data = dir.Write("card_export.csv", csv);
  const ScanResult scan = Scanner().ScanPaths({sql, data});
  const AuditResult audit = Audit(scan, nullptr);
  const Finding* card = FindingFor(audit, kRuleIdentifierInClear, "pay.cards.card_number");
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->severity, Severity::kHigh);
  EXPECT_NE(FindingFor(audit, kRuleIdentifierInClear, "pay.cards.passport_number"), nullptr);
  EXPECT_EQ(FindingFor(audit, kRuleIdentifierInClear, "pay.cards.card_number_encrypted"), nullptr);
  const Finding* pan = FindingFor(audit, kRuleIdentifierInClear, "card_export.pan");
  ASSERT_NE(pan, nullptr);
  EXPECT_NE(pan->message.find("6 of 6 sampled values are valid"), std::string::npos);
  EXPECT_EQ(FindingFor(audit, kRuleIdentifierInClear, "card_export.pan_token"), nullptr);
}

TEST(FreeTextRuleTest, ProseWithEmbeddedContactsIsReported) {
  TempDir dir("freetext");
  std::string csv = "ticket_id,status,comment\n";
  for (int i = 0; i < 30; ++i) {
    csv += fmt::format("{},open,", 1000 + i);
    csv += i % 2 == 0 ? fmt::format("customer asked us to write to jo.{}@example.org soon\n", i)
                      : "the parcel arrived late and the box was damaged\n";
  }
  const ScanResult scan = Scanner().ScanPaths({dir.Write("tickets.csv", csv)});
  const AuditResult audit = Audit(scan, nullptr);
  const Finding* comment = FindingFor(audit, kRuleFreeTextPersonalData, "tickets.comment");
  ASSERT_NE(comment, nullptr);
  EXPECT_EQ(comment->location.line, 1);
  EXPECT_EQ(comment->location.column, 18);  // byte column of the header cell
  EXPECT_NE(comment->message.find("email"), std::string::npos);
  EXPECT_EQ(FindingFor(audit, kRuleFreeTextPersonalData, "tickets.status"), nullptr);
}

// A table of people with known equivalence classes over (birth_year, postcode, gender).
std::string PeopleCsv() {
  std::string csv = "person_id,birth_date,postcode,gender,diagnosis\n";
  int id = 0;
  const auto add = [&](const char* dob, const char* postcode, const char* gender, int count,
                       const std::vector<const char*>& diagnoses) {
    for (int i = 0; i < count; ++i) {
      csv += fmt::format("P{},{},{},{},{}\n", ++id, dob, postcode, gender,
                         diagnoses[static_cast<std::size_t>(i) % diagnoses.size()]);
    }
  };
  add("1980-04-02", "10115", "F", 6, {"asthma", "flu"});
  add("1975-09-13", "20095", "M", 5, {"asthma", "diabetes", "flu"});
  add("1991-01-30", "80331", "F", 4, {"flu"});  // homogeneous: l = 1
  add("1962-12-24", "50667", "M", 2, {"asthma", "flu"});
  return csv;
}

TEST(KAnonymityRuleTest, PolicySetBelowKReportsTheSmallestClass) {
  TempDir dir("kanon");
  const ScanResult scan = Scanner().ScanPaths({dir.Write("people.csv", PeopleCsv())});
  const Policy policy = ParsePolicy(
      "quasi_identifiers:\n"
      "  - table: people\n"
      "    columns: [birth_date, postcode, gender]\n"
      "    k: 3\n"
      "    sensitive: diagnosis\n"
      "    l: 2\n",
      "policy.yaml");
  const AuditResult audit = Audit(scan, &policy);
  const auto k = FindingsOf(audit, kRuleKAnonymityBelowTarget);
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0]->target, "people");
  EXPECT_EQ(k[0]->rows_sampled, 17);
  EXPECT_EQ(k[0]->smallest_class, 2);
  EXPECT_EQ(k[0]->classes_below, 1);
  EXPECT_EQ(k[0]->rows_below, 2);
  EXPECT_EQ(k[0]->target_value, 3);
  EXPECT_EQ(k[0]->location.line, 1);  // the table: the CSV file's first line
  EXPECT_EQ(k[0]->location.column, 1);
  EXPECT_NE(k[0]->message.find("k = 2 on 17 sampled rows"), std::string::npos);
  const auto l = FindingsOf(audit, kRuleLDiversityBelowTarget);
  ASSERT_EQ(l.size(), 1U);
  EXPECT_EQ(l[0]->achieved_l, 1);
  EXPECT_EQ(l[0]->target_value, 2);
  EXPECT_NE(k[0]->fingerprint, l[0]->fingerprint);

  // Met targets raise nothing.
  const Policy relaxed = ParsePolicy(
      "quasi_identifiers:\n"
      "  - {table: people, columns: [birth_date, postcode, gender], k: 2, sensitive: diagnosis, "
      "l: 1}\n",
      "policy.yaml");
  const AuditResult ok = Audit(scan, &relaxed);
  EXPECT_TRUE(FindingsOf(ok, kRuleKAnonymityBelowTarget).empty());
  EXPECT_TRUE(FindingsOf(ok, kRuleLDiversityBelowTarget).empty());
}

TEST(KAnonymityRuleTest, WithoutPolicyTheScannedQuasiIdentifiersAreTestedAtTheDefaultK) {
  TempDir dir("kdefault");
  const ScanResult scan = Scanner().ScanPaths({dir.Write("people.csv", PeopleCsv())});
  const AuditResult audit = RunAudit(scan, nullptr, {.default_k = 5, .today = kToday});
  const auto k = FindingsOf(audit, kRuleKAnonymityBelowTarget);
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0]->smallest_class, 2);
  EXPECT_EQ(k[0]->classes_below, 2);  // the classes of 4 and 2 rows
  EXPECT_EQ(k[0]->rows_below, 6);
  EXPECT_NE(k[0]->message.find("default"), std::string::npos);
  const AuditResult loose = RunAudit(scan, nullptr, {.default_k = 2, .today = kToday});
  EXPECT_TRUE(FindingsOf(loose, kRuleKAnonymityBelowTarget).empty());
  EXPECT_THROW((void)RunAudit(scan, nullptr, {.default_k = 0}), InvalidArgumentError);
}

TEST(KAnonymityRuleTest, MatchesABruteForceCountOnRandomTables) {
  TempDir dir("krandom");
  std::mt19937_64 engine(20261129);
  for (int trial = 0; trial < 20; ++trial) {
    const int rows = 40 + trial * 7;
    std::uniform_int_distribution<int> a(0, 2 + trial % 4);
    std::uniform_int_distribution<int> b(0, 3);
    std::uniform_int_distribution<int> s(0, 2);
    std::string csv = "x,y,s\n";
    std::vector<std::array<int, 3>> table;
    for (int r = 0; r < rows; ++r) {
      table.push_back({a(engine), b(engine), s(engine)});
      csv += fmt::format("a{},b{},s{}\n", table.back()[0], table.back()[1], table.back()[2]);
    }
    // Brute force: for every row, count the rows equal to it; the smallest count is k.
    std::int64_t k = rows;
    std::int64_t l = 3;
    for (const auto& row : table) {
      std::int64_t same = 0;
      std::set<int> sensitive;
      for (const auto& other : table) {
        if (other[0] == row[0] && other[1] == row[1]) {
          ++same;
          sensitive.insert(other[2]);
        }
      }
      k = std::min(k, same);
      l = std::min(l, static_cast<std::int64_t>(sensitive.size()));
    }
    const std::string name = fmt::format("t{}", trial);
    const ScanResult scan = Scanner().ScanPaths({dir.Write(name + ".csv", csv)});
    const Policy policy = ParsePolicy(
        fmt::format("quasi_identifiers:\n  - {{table: {}, columns: [x, y], k: 1000, sensitive: s, "
                    "l: 4}}\n",
                    name),
        "policy.yaml");
    const AuditResult audit = Audit(scan, &policy);
    const auto kf = FindingsOf(audit, kRuleKAnonymityBelowTarget);
    const auto lf = FindingsOf(audit, kRuleLDiversityBelowTarget);
    ASSERT_EQ(kf.size(), 1U) << trial;
    ASSERT_EQ(lf.size(), 1U) << trial;
    EXPECT_EQ(kf[0]->smallest_class, k) << trial;
    EXPECT_EQ(kf[0]->rows_below, rows) << trial;
    EXPECT_EQ(lf[0]->achieved_l, l) << trial;
  }
}

TEST(KAnonymityRuleTest, SamplesAtMostTheConfiguredRows) {
  TempDir dir("ksample");
  std::string csv = "x,y\n";
  for (int r = 0; r < 500; ++r) csv += fmt::format("{},{}\n", r % 10, r % 3);
  const ScanResult scan = Scanner().ScanPaths({dir.Write("big.csv", csv)});
  const Policy policy =
      ParsePolicy("quasi_identifiers:\n  - {table: big, columns: [x, y], k: 100}\n", "p.yaml");
  const RowSampler sampler({.sample_rows = 50, .seed = 7});
  const AuditResult audit = RunAudit(scan, &policy, {.today = kToday, .row_sampler = &sampler});
  const auto kf = FindingsOf(audit, kRuleKAnonymityBelowTarget);
  ASSERT_EQ(kf.size(), 1U);
  EXPECT_EQ(kf[0]->rows_sampled, 50);
  const auto rows = sampler.Sample((dir.path() / "big.csv").string(), "big", {"y", "X"});
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows_read, 500);
  EXPECT_EQ(rows->rows.size(), 50U);
  EXPECT_FALSE(sampler.Sample((dir.path() / "big.csv").string(), "big", {"zz"}).has_value());
  EXPECT_FALSE(sampler.Sample("schema.sql", "big", {"x"}).has_value());
  EXPECT_THROW(RowSampler({.sample_rows = 0}), InvalidArgumentError);
}

TEST(KAnonymityRuleTest, LiveDatabaseTablesAreSampledThroughTheirUrl) {
  TempDir dir("kdb");
  const std::string url = "sqlite:" + (dir.path() / "hr.db").string();
  {
    auto db = Database::Open(url);
    db->Execute("CREATE TABLE staff (staff_no INTEGER, birth_year INTEGER, zip TEXT, grade TEXT)");
    for (int i = 0; i < 40; ++i) {
      // 13 classes of 3 rows and one of 1 row.
      db->Run("INSERT INTO staff VALUES (?, ?, ?, ?)",
              {static_cast<std::int64_t>(i), static_cast<std::int64_t>(1960 + i / 3),
               std::string(i == 39 ? "99999" : "10115"), std::string("g") + std::to_string(i % 2)});
    }
  }
  ScanResult scan;
  Scanner().ScanDatabase(url, scan);
  ASSERT_TRUE(scan.errors.empty());
  const Policy policy = ParsePolicy(
      "quasi_identifiers:\n  - {table: staff, columns: [birth_year, zip], k: 3, sensitive: "
      "grade}\n",
      "p.yaml");
  const RowSampler sampler({.sample_rows = 100, .database_urls = {url}});
  const AuditResult audit = RunAudit(scan, &policy, {.today = kToday, .row_sampler = &sampler});
  const auto k = FindingsOf(audit, kRuleKAnonymityBelowTarget);
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0]->rows_sampled, 40);
  EXPECT_EQ(k[0]->smallest_class, 1);
  EXPECT_EQ(k[0]->classes_below, 1);
  // l defaults to 2 when the set names a sensitive column without l; the single row has l = 1.
  const auto l = FindingsOf(audit, kRuleLDiversityBelowTarget);
  ASSERT_EQ(l.size(), 1U);
  EXPECT_EQ(l[0]->target_value, 2);
  EXPECT_EQ(l[0]->achieved_l, 1);
  // Without the URL the database cannot be reopened (the scan keeps only the redacted form).
  const RowSampler no_urls({.sample_rows = 100});
  const AuditResult blind = RunAudit(scan, &policy, {.today = kToday, .row_sampler = &no_urls});
  EXPECT_TRUE(FindingsOf(blind, kRuleKAnonymityBelowTarget).empty());
}

TEST(PolicyDriftRuleTest, NamesMissingTablesColumnsAndRulesAtThePolicyLine) {
  TempDir dir("drift");
  const ScanResult scan = Scanner().ScanPaths({dir.Write("crm.sql", kCrmDdl)});
  const Policy policy = ParsePolicy(
      "purposes:\n"
      "  - name: billing\n"
      "    lawful_basis: contract\n"
      "    columns: [crm.customers.email, crm.customers.fax, crm.gone.email]\n"
      "retention:\n"
      "  crm.customers: P1Y\n"
      "  crm.archive: P10Y\n"
      "quasi_identifiers:\n"
      "  - {table: crm.customers, columns: [email, zip], k: 5}\n"
      "minimize:\n"
      "  crm.customers:\n"
      "    phone: {action: mask, keep_last: 4}\n"
      "    legacy_note: {action: drop}\n"
      "suppressions:\n"
      "  - rule: no-such-rule\n"
      "    target: crm.customers.email\n"
      "    reason: typo\n"
      "    expires: 2030-01-01\n",
      "policy.yaml");
  const AuditResult audit = Audit(scan, &policy);
  std::map<std::string, std::int64_t> lines;
  for (const Finding* f : FindingsOf(audit, kRulePolicyDrift)) {
    EXPECT_EQ(f->location.file, "policy.yaml");
    lines[f->target] = f->location.line;
  }
  EXPECT_EQ(lines.size(), 6U);
  EXPECT_EQ(lines["crm.customers.fax"], 2);
  EXPECT_EQ(lines["crm.gone.email"], 2);
  EXPECT_EQ(lines["crm.archive"], 7);
  EXPECT_EQ(lines["crm.customers.zip"], 9);
  EXPECT_EQ(lines["crm.customers.phone"], 12);
  EXPECT_EQ(lines.count("crm.customers.legacy_note"), 0U);  // a drop of a gone column holds
  EXPECT_EQ(lines["crm.customers.email"], 15);              // the unknown rule
  const Finding* gone = FindingFor(audit, kRulePolicyDrift, "crm.gone.email");
  EXPECT_NE(gone->message.find("no scanned source has its table"), std::string::npos);
  const Finding* fax = FindingFor(audit, kRulePolicyDrift, "crm.customers.fax");
  EXPECT_NE(fax->message.find("table crm.customers has no such column"), std::string::npos);
}

TEST(SuppressionTest, ActiveSuppressionsSuppressExpiredOnesAreReported) {
  TempDir dir("suppress");
  const ScanResult scan = Scanner().ScanPaths({dir.Write("crm.sql", kCrmDdl)});
  const Policy policy = ParsePolicy(
      "suppressions:\n"
      "  - rule: no-declared-purpose\n"
      "    target: crm.customers.email\n"
      "    reason: \"needed for login; purpose review in Q3\"\n"
      "    expires: 2026-11-29\n"
      "  - rule: no-retention-period\n"
      "    target: crm.customers\n"
      "    reason: \"retention decided by the archive team\"\n"
      "    expires: 2026-11-28\n",
      "policy.yaml");
  const AuditResult audit = Audit(scan, &policy);
  const Finding* email = FindingFor(audit, kRuleNoDeclaredPurpose, "crm.customers.email");
  ASSERT_NE(email, nullptr);
  EXPECT_TRUE(email->suppressed);  // expires today: still holds today
  EXPECT_EQ(email->suppression_reason, "needed for login; purpose review in Q3");
  ASSERT_TRUE(email->suppression_expires.has_value());
  EXPECT_EQ(email->suppression_expires->ToString(), "2026-11-29");
  const Finding* retention = FindingFor(audit, kRuleNoRetentionPeriod, "crm.customers");
  ASSERT_NE(retention, nullptr);
  EXPECT_FALSE(retention->suppressed);  // expired yesterday
  const auto expired = FindingsOf(audit, kRuleExpiredSuppression);
  ASSERT_EQ(expired.size(), 1U);
  EXPECT_EQ(expired[0]->target, "crm.customers");
  EXPECT_EQ(expired[0]->location.line, 6);
  EXPECT_NE(expired[0]->message.find("expired on 2026-11-28"), std::string::npos);
  EXPECT_EQ(audit.ActiveCount(), audit.findings.size() - 1);
  // The next day the first one expires too.
  const AuditResult later = RunAudit(scan, &policy, {.today = CalendarDate{2026, 11, 30}});
  EXPECT_FALSE(FindingFor(later, kRuleNoDeclaredPurpose, "crm.customers.email")->suppressed);
  EXPECT_EQ(FindingsOf(later, kRuleExpiredSuppression).size(), 2U);
}

// Findings about a whole table point at the table's declaration, not at one of its columns.
TEST(TablePositionTest, RetentionPointsAtTheCreateTableOfItsOwnTable) {
  TempDir dir("table_positions");
  struct Case {
    const char* file;
    const char* ddl;
  };
  // PostgreSQL (libpg_query), MySQL (backticks: the lexer) and SQLite (AUTOINCREMENT).
  for (const Case& c : {
           Case{"pg.sql",
                "-- two tables\n"
                "CREATE TABLE crm.customers (\n"
                "  email text\n"
                ");\n"
                "\n"
                "/* the /* second */ */ create table hr.staff (\n"
                "  id int,\n"
                "  phone text\n"
                ");\n"},
           Case{"my.sql",
                "-- two tables\n"
                "CREATE TABLE `crm`.`customers` (\n"
                "  `email` text\n"
                ");\n"
                "\n"
                "/* the second */ create table `hr`.`staff` (\n"
                "  `id` int,\n"
                "  `phone` text\n"
                ");\n"},
           Case{"lite.sql",
                "-- two tables\n"
                "CREATE TABLE customers (\n"
                "  email text\n"
                ");\n"
                "\n"
                "/* the second */ create table staff (\n"
                "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                "  phone text\n"
                ");\n"},
       }) {
    SCOPED_TRACE(c.file);
    const std::string file = dir.Write(c.file, c.ddl);
    const ScanResult scan = Scanner().ScanPaths({file});
    ASSERT_TRUE(scan.errors.empty()) << scan.errors[0].message;
    ASSERT_EQ(scan.tables.size(), 2U);
    const AuditResult audit = Audit(scan, nullptr);
    const auto retention = FindingsOf(audit, kRuleNoRetentionPeriod);
    ASSERT_EQ(retention.size(), 2U);
    for (const Finding* f : retention) {
      EXPECT_EQ(f->location.file, file);
      const bool staff = f->target.find("staff") != std::string::npos;
      EXPECT_EQ(f->location.line, staff ? 6 : 2) << f->target;
      EXPECT_EQ(f->location.column, staff ? (c.file == std::string("pg.sql") ? 24 : 18) : 1)
          << f->target;
    }
    // Every report shows that position.
    const std::string staff_at = file + ":6:" + (c.file == std::string("pg.sql") ? "24" : "18");
    const nlohmann::json json = AuditToJson(scan, nullptr, audit);
    bool in_json = false;
    for (const auto& f : json["findings"]) {
      if (f["rule"] == kRuleNoRetentionPeriod && f["location"] == staff_at) {
        in_json = f["line"] == 6;
      }
    }
    EXPECT_TRUE(in_json);
    EXPECT_EQ(json["tables"][1]["location"]["line"], 6);
    // Markdown escapes the '_' of the temporary directory's name.
    const std::string md_at = std::string(c.file) + ":6:" + staff_at.substr(staff_at.size() - 2);
    EXPECT_NE(AuditToMarkdown(scan, nullptr, audit).find(md_at), std::string::npos);
    EXPECT_NE(AuditToHtml(scan, nullptr, audit).find(staff_at), std::string::npos);
  }
}

TEST(TablePositionTest, KAnonymityAndJsonSchemaTablesPointAtTheTable) {
  TempDir dir("table_positions_qi");
  const std::string schema = dir.Write("person.json",
                                       "\n  {\"title\": \"person\", \"type\": \"object\",\n"
                                       "   \"properties\": {\"email\": {\"type\": \"string\"}}}\n");
  const std::string csv = dir.Write("people.csv",
                                    "id,birth_date,zip_code,gender\n"
                                    "1,1980-01-02,10115,f\n"
                                    "2,1981-03-04,10117,m\n"
                                    "3,1982-05-06,10119,f\n");
  const ScanResult scan = Scanner().ScanPaths({schema, csv});
  ASSERT_TRUE(scan.errors.empty()) << scan.errors[0].message;
  ASSERT_EQ(scan.tables.size(), 2U);
  const AuditResult audit = Audit(scan, nullptr);
  const Finding* json_retention = FindingFor(audit, kRuleNoRetentionPeriod, "person");
  ASSERT_NE(json_retention, nullptr);
  EXPECT_EQ(json_retention->location.line, 2);  // the root object's '{'
  EXPECT_EQ(json_retention->location.column, 3);
  const auto k = FindingsOf(audit, kRuleKAnonymityBelowTarget);
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0]->location.file, csv);
  EXPECT_EQ(k[0]->location.line, 1);
  EXPECT_EQ(k[0]->location.column, 1);
}

TEST(FingerprintTest, StableAcrossDirectoriesAndLineShiftsDistinctAcrossTargets) {
  TempDir a("fp_a");
  TempDir b("fp_b");
  const AuditResult first = Audit(Scanner().ScanPaths({a.Write("crm.sql", kCrmDdl)}), nullptr);
  const AuditResult second =
      Audit(Scanner().ScanPaths(
                {b.Write("sub/crm.sql", std::string("-- a new header line\n\n") + kCrmDdl)}),
            nullptr);
  ASSERT_EQ(first.findings.size(), second.findings.size());
  std::set<std::string> fingerprints;
  for (std::size_t i = 0; i < first.findings.size(); ++i) {
    EXPECT_EQ(first.findings[i].fingerprint, second.findings[i].fingerprint);
    EXPECT_NE(first.findings[i].location.line, second.findings[i].location.line);
    fingerprints.insert(first.findings[i].fingerprint);
  }
  EXPECT_EQ(fingerprints.size(), first.findings.size());
}

}  // namespace
}  // namespace rampart::compliance
