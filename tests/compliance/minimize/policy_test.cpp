#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/compliance/policy.h>

namespace rampart::compliance {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFullPolicy = R"(purposes:
  - name: order_fulfilment
    lawful_basis: contract
    special_category_condition: null
    columns: [crm.customers.email, crm.customers.postal_address]
  - name: care
    lawful_basis: vital_interests
    special_category_condition: health_or_social_care
    columns: [clinic.patients.diagnosis]
retention:
  crm.customers: P2Y
  clinic.patients: P10Y6M
quasi_identifiers:
  - table: patients
    columns: [date_of_birth, postcode, gender]
    k: 5
    sensitive: diagnosis
    l: 2
minimize:
  people:
    email: {action: pseudonymize, key_file: secrets/hmac.key}
    token: {action: pseudonymize, key_env: HMAC_KEY}
    dob:   {action: generalize, to: year}
    phone: {action: mask, keep_last: 4}
    note:  {action: drop}
  patients:
    gender: {action: suppress}
suppressions:
  - rule: no-declared-purpose
    target: crm.customers.email
    reason: "why this is accepted"
    expires: 2027-06-30
)";

// Parses `text` and expects an InputError at line:column whose message contains `needle`.
void ExpectError(const std::string& text, std::int64_t line, std::int64_t column,
                 const std::string& needle) {
  try {
    (void)ParsePolicy(text, "policy.yaml");
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const InputError& error) {
    EXPECT_EQ(error.location().file, "policy.yaml");
    EXPECT_EQ(error.location().line, line) << error.what();
    EXPECT_EQ(error.location().column, column) << error.what();
    EXPECT_THAT(error.message(), HasSubstr(needle));
    EXPECT_THAT(std::string(error.what()),
                HasSubstr("policy.yaml:" + std::to_string(line) + ":" + std::to_string(column)));
  }
}

TEST(PolicyTest, ParsesTheDesignExample) {
  const Policy policy = ParsePolicy(kFullPolicy, "policy.yaml", "/etc/rampart");
  ASSERT_EQ(policy.purposes.size(), 2U);
  EXPECT_EQ(policy.purposes[0].name, "order_fulfilment");
  EXPECT_EQ(policy.purposes[0].lawful_basis, LawfulBasis::kContract);
  EXPECT_FALSE(policy.purposes[0].special_category_condition.has_value());
  EXPECT_EQ(policy.purposes[0].columns,
            (std::vector<std::string>{"crm.customers.email", "crm.customers.postal_address"}));
  EXPECT_EQ(policy.purposes[0].location.line, 2);
  EXPECT_EQ(policy.purposes[1].special_category_condition,
            SpecialCategoryCondition::kHealthOrSocialCare);
  EXPECT_EQ(SpecialCategoryConditionArticle(*policy.purposes[1].special_category_condition),
            "9(2)(h)");

  ASSERT_EQ(policy.retention.size(), 2U);
  EXPECT_EQ(policy.retention[0].table, "crm.customers");
  EXPECT_EQ(policy.retention[0].period.years, 2);
  EXPECT_EQ(policy.retention[1].period.years, 10);
  EXPECT_EQ(policy.retention[1].period.months, 6);

  ASSERT_EQ(policy.quasi_identifiers.size(), 1U);
  const QuasiIdentifierSet& set = policy.quasi_identifiers[0];
  EXPECT_EQ(set.table, "patients");
  EXPECT_EQ(set.columns, (std::vector<std::string>{"date_of_birth", "postcode", "gender"}));
  EXPECT_EQ(set.k, 5);
  EXPECT_EQ(set.sensitive, "diagnosis");
  EXPECT_EQ(set.l, 2);

  const TableMinimization* people = policy.FindMinimization("people");
  ASSERT_NE(people, nullptr);
  ASSERT_EQ(people->columns.size(), 5U);
  EXPECT_EQ(people->columns[0].action, MinimizeAction::kPseudonymize);
  // Relative key files are resolved against the policy's directory.
  EXPECT_EQ(people->columns[0].key_file, std::filesystem::path("/etc/rampart/secrets/hmac.key"));
  EXPECT_EQ(people->columns[1].key_env, "HMAC_KEY");
  EXPECT_EQ(people->columns[2].generalization.kind, Generalization::Kind::kYear);
  EXPECT_EQ(people->columns[3].keep_last, 4);
  EXPECT_EQ(people->columns[4].action, MinimizeAction::kDrop);
  EXPECT_EQ(policy.FindMinimization("nobody"), nullptr);
  EXPECT_EQ(policy.QuasiIdentifiersOf("patients").size(), 1U);

  ASSERT_EQ(policy.suppressions.size(), 1U);
  EXPECT_EQ(policy.suppressions[0].rule, "no-declared-purpose");
  EXPECT_EQ(policy.suppressions[0].reason, "why this is accepted");
  EXPECT_EQ(policy.suppressions[0].expires, (CalendarDate{2027, 6, 30}));
}

TEST(PolicyTest, AcceptsJson) {
  const Policy policy = ParsePolicy(R"({
  "purposes": [{"name": "billing", "lawful_basis": "legal_obligation", "columns": ["a.b"]}],
  "retention": {"a": "P30D"},
  "minimize": {"a": {"b": {"action": "generalize", "to": "band:10"}}}
})");
  ASSERT_EQ(policy.purposes.size(), 1U);
  EXPECT_EQ(policy.purposes[0].lawful_basis, LawfulBasis::kLegalObligation);
  EXPECT_EQ(policy.retention[0].period.days, 30);
  EXPECT_EQ(policy.minimize[0].columns[0].generalization.kind, Generalization::Kind::kBand);
  EXPECT_EQ(policy.minimize[0].columns[0].generalization.parameter, 10);
}

TEST(PolicyTest, EmptyFileIsAnEmptyPolicy) {
  const Policy policy = ParsePolicy("");
  EXPECT_TRUE(policy.purposes.empty());
  EXPECT_TRUE(policy.minimize.empty());
}

TEST(PolicyTest, ExampleFileLoads) {
  const Policy policy = LoadPolicy(std::filesystem::path(RAMPART_TESTDATA_DIR) /
                                   "../../examples/compliance/policy.yaml");
  EXPECT_FALSE(policy.purposes.empty());
  EXPECT_NE(policy.FindMinimization("people"), nullptr);
}

TEST(PolicyTest, MissingFileIsNotFound) {
  EXPECT_THROW((void)LoadPolicy("/nonexistent/policy.yaml"), NotFoundError);
}

TEST(PolicyErrorTest, YamlSyntax) {
  ExpectError("purposes:\n  - name: [unclosed\n", 3, 1, "invalid YAML");
}

TEST(PolicyErrorTest, UnknownTopLevelKeySuggestsTheRightOne) {
  ExpectError("purposes: []\nretension:\n  a: P1Y\n", 2, 1, "did you mean 'retention'?");
}

TEST(PolicyErrorTest, UnknownKeyInAPurpose) {
  ExpectError("purposes:\n  - name: a\n    lawful_basis: consent\n    colums: [t.c]\n", 4, 5,
              "unknown key 'colums' in a purpose (did you mean 'columns'?)");
}

TEST(PolicyErrorTest, DuplicateKey) {
  ExpectError("minimize:\n  t:\n    a: {action: drop}\n    a: {action: drop}\n", 4, 5,
              "duplicate key 'a'");
}

TEST(PolicyErrorTest, WrongTypes) {
  ExpectError("purposes: {name: a}\n", 1, 11, "'purposes' must be a list, not a mapping");
  ExpectError("purposes:\n  - name: [a, b]\n    lawful_basis: consent\n", 2, 11,
              "a purpose's name must be a string, not a list");
  ExpectError("quasi_identifiers:\n  - table: t\n    columns: [a]\n    k: five\n", 4, 8,
              "k must be an integer, not 'five'");
  ExpectError("quasi_identifiers:\n  - table: t\n    columns: [a]\n    k: 0\n", 4, 8,
              "k must be at least 1");
  ExpectError("retention:\n  - t: P1Y\n", 2, 3, "'retention' must be a mapping, not a list");
  ExpectError("minimize:\n  t:\n    a: drop\n", 3, 8, "the action of 't.a' must be a mapping");
}

TEST(PolicyErrorTest, MissingRequiredKey) {
  ExpectError("purposes:\n  - name: a\n", 2, 5, "missing required key 'lawful_basis'");
  ExpectError("quasi_identifiers:\n  - table: t\n    k: 2\n", 2, 5,
              "missing required key 'columns'");
  ExpectError("minimize:\n  t:\n    a: {to: year}\n", 3, 8, "missing required key 'action'");
}

TEST(PolicyErrorTest, UnknownLawfulBasisAndCondition) {
  ExpectError("purposes:\n  - name: a\n    lawful_basis: consnet\n", 3, 19,
              "unknown lawful_basis 'consnet' (GDPR Art. 6(1)) (did you mean 'consent'?)");
  ExpectError(
      "purposes:\n  - name: a\n    lawful_basis: consent\n    special_category_condition: "
      "health\n",
      4, 33, "unknown special_category_condition 'health'");
}

TEST(PolicyErrorTest, UnknownAction) {
  ExpectError("minimize:\n  people:\n    email: {action: encrypt}\n", 3, 21,
              "unknown action 'encrypt' for 'people.email'");
  ExpectError("minimize:\n  people:\n    email: {action: pseudonymise, key_env: K}\n", 3, 21,
              "(did you mean 'pseudonymize'?)");
}

TEST(PolicyErrorTest, ActionParameters) {
  ExpectError("minimize:\n  t:\n    a: {action: pseudonymize}\n", 3, 8,
              "needs exactly one of 'key_file' and 'key_env'");
  ExpectError("minimize:\n  t:\n    a: {action: pseudonymize, key_file: k, key_env: K}\n", 3, 8,
              "needs exactly one of");
  ExpectError("minimize:\n  t:\n    a: {action: generalize, to: decade}\n", 3, 33,
              "bad generalization 'decade'");
  ExpectError("minimize:\n  t:\n    a: {action: generalize, to: 'band:0'}\n", 3, 33,
              "bad generalization 'band:0'");
  ExpectError("minimize:\n  t:\n    a: {action: mask}\n", 3, 8, "missing required key 'keep_last'");
  ExpectError("minimize:\n  t:\n    a: {action: mask, keep_last: -1}\n", 3, 34,
              "keep_last must be at least 0");
  ExpectError("minimize:\n  t:\n    a: {action: drop, keep_last: 2}\n", 3, 23,
              "unknown key 'keep_last'");
}

TEST(PolicyErrorTest, SuppressNeedsAQuasiIdentifierSet) {
  ExpectError("minimize:\n  t:\n    a: {action: suppress}\n", 3, 8,
              "needs a quasi_identifiers set for table 't' that contains 'a'");
}

TEST(PolicyErrorTest, BadDuration) {
  ExpectError("retention:\n  t: 2 years\n", 2, 6, "bad retention period '2 years'");
  ExpectError("retention:\n  t: PT\n", 2, 6, "ISO 8601 duration");
  ExpectError("retention:\n  t: P1D2Y\n", 2, 6, "bad retention period");
}

TEST(PolicyErrorTest, BadDate) {
  const std::string head =
      "suppressions:\n  - rule: r\n    target: t.c\n    reason: accepted\n    expires: ";
  ExpectError(head + "2027-02-30\n", 5, 14, "bad expiry date '2027-02-30'");
  ExpectError(head + "30.06.2027\n", 5, 14, "YYYY-MM-DD");
}

TEST(PolicyErrorTest, MissingReason) {
  ExpectError("suppressions:\n  - rule: r\n    target: t.c\n    expires: 2027-06-30\n", 2, 5,
              "needs a 'reason'");
  ExpectError(
      "suppressions:\n  - rule: r\n    target: t.c\n    reason: '  '\n    expires: 2027-06-30\n", 4,
      13, "needs a 'reason'");
}

TEST(PolicyErrorTest, PurposeColumnsMustBeQualified) {
  ExpectError("purposes:\n  - name: a\n    lawful_basis: consent\n    columns: [t.c, email]\n", 4,
              20, "must be written table.column");
}

TEST(IsoDurationTest, ParsesAndRejects) {
  const auto full = ParseIsoDuration("P1Y2M3W4DT5H6M7.5S");
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->years, 1);
  EXPECT_EQ(full->months, 2);
  EXPECT_EQ(full->weeks, 3);
  EXPECT_EQ(full->days, 4);
  EXPECT_EQ(full->hours, 5);
  EXPECT_EQ(full->minutes, 6);
  EXPECT_DOUBLE_EQ(full->seconds, 7.5);
  EXPECT_NEAR(ParseIsoDuration("P1Y")->ApproximateDays(), 365.2425, 1e-12);
  EXPECT_NEAR(ParseIsoDuration("PT36H")->ApproximateDays(), 1.5, 1e-12);
  for (const char* bad : {"", "P", "PT", "1Y", "P1", "PY", "P1.5Y", "P1YT", "P1S", "P1M1Y",
                          "PT1H1H", "P1Y ", "p1y", "P-1Y"}) {
    EXPECT_FALSE(ParseIsoDuration(bad).has_value()) << bad;
  }
}

TEST(DateTest, CalendarRules) {
  EXPECT_TRUE(ParseCalendarDate("2024-02-29").has_value());
  EXPECT_FALSE(ParseCalendarDate("2023-02-29").has_value());
  EXPECT_TRUE(ParseCalendarDate("2000-02-29").has_value());
  EXPECT_FALSE(ParseCalendarDate("1900-02-29").has_value());
  EXPECT_FALSE(ParseCalendarDate("2027-13-01").has_value());
  EXPECT_FALSE(ParseCalendarDate("2027-04-31").has_value());
  EXPECT_FALSE(ParseCalendarDate("2027-6-30").has_value());
  EXPECT_EQ(ParseCalendarDate("2027-06-30")->ToString(), "2027-06-30");
  EXPECT_LT(*ParseCalendarDate("2027-06-30"), *ParseCalendarDate("2027-07-01"));
}

TEST(NamesTest, RoundTrip) {
  for (const auto basis : {LawfulBasis::kConsent, LawfulBasis::kContract,
                           LawfulBasis::kLegalObligation, LawfulBasis::kVitalInterests,
                           LawfulBasis::kPublicTask, LawfulBasis::kLegitimateInterests}) {
    EXPECT_EQ(ParseLawfulBasis(LawfulBasisName(basis)), basis);
  }
  for (int i = 0; i < 10; ++i) {
    const auto condition = static_cast<SpecialCategoryCondition>(i);
    EXPECT_EQ(ParseSpecialCategoryCondition(SpecialCategoryConditionName(condition)), condition);
    EXPECT_EQ(ParseSpecialCategoryCondition(std::string(1, static_cast<char>('a' + i))), condition);
  }
  EXPECT_FALSE(ParseSpecialCategoryCondition("k").has_value());
  for (const char* text : {"year", "month", "band:5", "prefix:0", "round:15"}) {
    EXPECT_EQ(ParseGeneralization(text)->ToString(), text);
  }
  for (const char* text : {"years", "band:", "band:x", "round:16", "prefix:-1", "band:5x"}) {
    EXPECT_FALSE(ParseGeneralization(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace rampart::compliance
