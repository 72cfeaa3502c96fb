#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <rampart/common/error.h>
#include <rampart/compliance/minimize.h>
#include <rampart/compliance/policy.h>
#include <rampart/compliance/pseudonymize.h>

#if defined(__SANITIZE_ADDRESS__)
#define RAMPART_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAMPART_SANITIZED 1
#endif
#endif

namespace rampart::compliance {
namespace {

using ::testing::HasSubstr;

constexpr const char* kKey = "0123456789abcdef0123456789abcdef";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class MinimizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("rampart_minimize_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::setenv("RAMPART_TEST_KEY", kKey, 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // Files in the test directory (to check that nothing temporary is left behind).
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::filesystem::path dir_;
};

constexpr const char* kPeoplePolicy = R"(
quasi_identifiers:
  - table: people
    columns: [birth, zip, gender]
    k: 2
    sensitive: diagnosis
minimize:
  people:
    name:  {action: drop}
    email: {action: pseudonymize, key_env: RAMPART_TEST_KEY}
    phone: {action: mask, keep_last: 2}
    birth: {action: generalize, to: year}
    zip:   {action: generalize, to: "prefix:2"}
    age:   {action: generalize, to: "band:10"}
    lat:   {action: generalize, to: "round:1"}
)";

constexpr const char* kPeopleCsv =
    "name,email,phone,birth,zip,gender,age,lat,diagnosis\n"
    "Ann,ann@example.com,0612345678,1980-05-01,75013,F,44,48.8566,asthma\n"
    "Bob,bob@example.com,0698765432,1980-11-30,75020,F,45,48.8512,none\n"
    "\"Cy, Jr.\",cy@example.com,0611112222,1975-01-15,69003,M,50,45.7640,\"flu\nrecovered\"\n";

TEST_F(MinimizeTest, AppliesEachAction) {
  const Policy policy = ParsePolicy(kPeoplePolicy);
  const auto in = Write("people.csv", kPeopleCsv);
  const auto report = MinimizeCsv(policy, in, dir_ / "out.csv");
  Pseudonymizer pseudonymizer{SecretKey(kKey)};
  const std::string expected = fmt::format(
      "email,phone,birth,zip,gender,age,lat,diagnosis\n"
      "{},********78,1980,75,F,40-49,48.9,asthma\n"
      "{},********32,1980,75,F,40-49,48.9,none\n"
      "{},********22,1975,69,M,50-59,45.8,\"flu\nrecovered\"\n",
      pseudonymizer.Pseudonym("ann@example.com"), pseudonymizer.Pseudonym("bob@example.com"),
      pseudonymizer.Pseudonym("cy@example.com"));
  EXPECT_EQ(ReadFile(dir_ / "out.csv"), expected);
  EXPECT_EQ(report.table, "people");  // the file name without extension
  EXPECT_EQ(report.rows_in, 3);
  EXPECT_EQ(report.rows_out, 3);
  EXPECT_EQ(report.rows_quarantined, 0);
  ASSERT_EQ(report.columns.size(), 7U);
  EXPECT_EQ(report.columns[0].column, "name");
  EXPECT_EQ(report.columns[0].values_changed, 3);  // dropped values
  EXPECT_EQ(report.columns[3].column, "birth");
  EXPECT_EQ(report.columns[3].values_changed, 3);
  ASSERT_EQ(report.k_anonymity.size(), 1U);
  const auto& outcome = report.k_anonymity[0];
  EXPECT_EQ(outcome.result.smallest_class, 1);  // (1975, 69, M) is unique
  EXPECT_EQ(outcome.result.classes, 2);
  EXPECT_EQ(outcome.result.classes_below_k, 1);
  EXPECT_EQ(outcome.result.l_diversity, 1);
  EXPECT_FALSE(outcome.result.satisfied());

  const nlohmann::json json = MinimizeReportToJson(report);
  EXPECT_EQ(json["rows_out"], 3);
  EXPECT_EQ(json["k_anonymity"][0]["k_achieved"], 1);
  EXPECT_EQ(json["k_anonymity"][0]["k_target"], 2);
  EXPECT_EQ(json["changes_by_action"]["generalize"]["columns"], 4);
  EXPECT_EQ(json["changes_by_action"]["generalize"]["values_changed"], 12);
  const std::string markdown = MinimizeReportToMarkdown(report);
  EXPECT_THAT(markdown, HasSubstr("| birth | generalize | year | 3 |"));
  EXPECT_THAT(markdown, HasSubstr("below k"));
  // The key never reaches the output or the report.
  EXPECT_EQ(ReadFile(dir_ / "out.csv").find(kKey), std::string::npos);
  EXPECT_EQ(json.dump().find(kKey), std::string::npos);
}

TEST_F(MinimizeTest, GeneralizeMaskDropAreIdempotentPseudonymizeIsNot) {
  const Policy policy = ParsePolicy(R"(
minimize:
  people:
    name:  {action: drop}
    phone: {action: mask, keep_last: 2}
    birth: {action: generalize, to: month}
    zip:   {action: generalize, to: "prefix:3"}
    age:   {action: generalize, to: "band:5"}
    lat:   {action: generalize, to: "round:2"}
)");
  const auto in = Write("people.csv", kPeopleCsv);
  (void)MinimizeCsv(policy, in, dir_ / "once.csv");
  const auto second =
      MinimizeCsv(policy, dir_ / "once.csv", dir_ / "twice.csv", {.table = "people"});
  EXPECT_EQ(ReadFile(dir_ / "once.csv"), ReadFile(dir_ / "twice.csv"));
  EXPECT_FALSE(second.columns[0].present);  // the dropped column is already gone
  for (const auto& change : second.columns) EXPECT_EQ(change.values_changed, 0) << change.column;

  // A pseudonym of a pseudonym is a new value: run pseudonymization once per data set.
  const Policy pseudonyms = ParsePolicy(R"(
minimize:
  people:
    email: {action: pseudonymize, key_env: RAMPART_TEST_KEY}
)");
  (void)MinimizeCsv(pseudonyms, in, dir_ / "p1.csv");
  (void)MinimizeCsv(pseudonyms, dir_ / "p1.csv", dir_ / "p2.csv", {.table = "people"});
  EXPECT_NE(ReadFile(dir_ / "p1.csv"), ReadFile(dir_ / "p2.csv"));
}

TEST_F(MinimizeTest, StopsOnAMalformedRowLeavingInputUntouchedAndNoOutput) {
  const Policy policy = ParsePolicy(kPeoplePolicy);
  const std::string content =
      std::string(kPeopleCsv) + "Dee,dee@example.com,0600000000,1990-02-03,13008,F,31,43.3\n";
  const auto in = Write("people.csv", content);
  const auto before = std::filesystem::last_write_time(in);
  Write("out.csv", "previous output\n");
  try {
    (void)MinimizeCsv(policy, in, dir_ / "out.csv");
    FAIL() << "a ragged row was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.location().file, in.string());
    EXPECT_EQ(error.location().line, 6);  // the quoted newline makes the previous record 2 lines
    EXPECT_THAT(error.message(), HasSubstr("8 fields, the header 9"));
  }
  EXPECT_EQ(ReadFile(in), content);
  EXPECT_EQ(std::filesystem::last_write_time(in), before);
  EXPECT_EQ(ReadFile(dir_ / "out.csv"), "previous output\n");
  EXPECT_EQ(Files(), (std::vector<std::string>{"out.csv", "people.csv"}));

  const auto bad_date =
      Write("people2.csv", std::string(kPeopleCsv) +
                               "Dee,dee@example.com,0600000000,03/02/1990,13008,F,31,43.3,none\n");
  try {
    (void)MinimizeCsv(policy, bad_date, dir_ / "out2.csv", {.table = "people"});
    FAIL() << "a bad date was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.location().line, 6);
    EXPECT_THAT(error.message(), HasSubstr("column 'birth': '03/02/1990' is not an ISO 8601 date"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out2.csv"));
}

TEST_F(MinimizeTest, QuarantinesMalformedRowsWithTheirLines) {
  const Policy policy = ParsePolicy(kPeoplePolicy);
  const auto in = Write(
      "people.csv",
      std::string(kPeopleCsv) +
          "Dee,dee@example.com,0600000000,1990-02-03,13008,F,31,43.3\n"        // line 6: ragged
          "Eve,eve@example.com,0600000001,1990-02-30x,13008,F,31,43.3,none\n"  // line 7: bad date
          "Fay,fay@example.com,0600000002,1980-07-07,75011,F,thirty,48.1,none\n"  // line 8: bad age
          "Gus,gus@example.com,0600000003,1980-07-07,75011,F,41,48.1,none\n");
  const auto report =
      MinimizeCsv(policy, in, dir_ / "out.csv", {.on_error = OnMalformedRow::kQuarantine});
  EXPECT_EQ(report.rows_in, 7);
  EXPECT_EQ(report.rows_out, 4);
  EXPECT_EQ(report.rows_quarantined, 3);
  EXPECT_EQ(report.rows_in, report.rows_out + report.rows_quarantined + report.rows_suppressed);
  ASSERT_EQ(report.malformed.size(), 3U);
  EXPECT_EQ(report.malformed[0].line, 6);
  EXPECT_EQ(report.malformed[1].line, 7);
  EXPECT_EQ(report.malformed[2].line, 8);
  EXPECT_THAT(report.malformed[2].reason, HasSubstr("column 'age': 'thirty' is not a number"));
  EXPECT_EQ(report.quarantine, (dir_ / "out.csv").string() + ".quarantine.csv");
  const std::string quarantine = ReadFile(report.quarantine);
  EXPECT_THAT(quarantine, HasSubstr("line,reason,name,email,phone,birth,zip,gender,age,lat,"
                                    "diagnosis\n6,\"the row has 8 fields, the header 9\",Dee,"));
  EXPECT_THAT(quarantine, HasSubstr("\n8,column 'age': 'thirty' is not a number (band:10),Fay,"));
  // Quarantined rows are never in the output.
  EXPECT_EQ(ReadFile(dir_ / "out.csv").find("dee@"), std::string::npos);
}

TEST_F(MinimizeTest, SuppressRemovesRareCombinationsUntilKHolds) {
  std::string csv = "id,birth,zip\n";
  // (1980, A) x 4, (1981, A) x 3, (1980, B) x 2, (1990, C) x 1: the last two classes go.
  int id = 0;
  for (const auto& [birth, zip, count] :
       std::vector<std::tuple<std::string, std::string, int>>{{"1980-01-0", "A", 4},
                                                              {"1981-02-0", "A", 3},
                                                              {"1980-03-0", "B", 2},
                                                              {"1990-04-0", "C", 1}}) {
    for (int i = 0; i < count; ++i) csv += fmt::format("{},{}{},{}\n", ++id, birth, i + 1, zip);
  }
  // The policy's set says `year`; the file calls it `birth`: align the names.
  std::string named = csv;
  named.replace(0, named.find('\n'), "id,year,zip");
  const Policy aligned = ParsePolicy(R"(
quasi_identifiers:
  - table: t
    columns: [year, zip]
    k: 3
minimize:
  t:
    year: {action: generalize, to: year}
    zip:  {action: suppress}
)");
  const auto in = Write("t.csv", named);
  const auto report = MinimizeCsv(aligned, in, dir_ / "out.csv");
  EXPECT_EQ(report.rows_in, 10);
  EXPECT_EQ(report.rows_suppressed, 3);
  EXPECT_EQ(report.rows_out, 7);
  ASSERT_EQ(report.k_anonymity.size(), 1U);
  EXPECT_EQ(report.k_anonymity[0].result.smallest_class, 3);
  EXPECT_TRUE(report.k_anonymity[0].result.satisfied());
  EXPECT_EQ(ReadFile(dir_ / "out.csv"),
            "id,year,zip\n1,1980,A\n2,1980,A\n3,1980,A\n4,1980,A\n5,1981,A\n6,1981,A\n7,1981,A\n");
  const auto json = MinimizeReportToJson(report);
  EXPECT_EQ(json["rows_suppressed"], 3);
  EXPECT_EQ(json["columns"][1]["detail"], "k=3 on [year, zip]");
}

TEST_F(MinimizeTest, SuppressWithQuarantinedRowsCountsOnlyGoodRows) {
  // A malformed row must not count in the first pass: otherwise its class could look big
  // enough and a class of k-1 good rows would survive.
  const Policy policy = ParsePolicy(R"(
quasi_identifiers:
  - table: t
    columns: [zip]
    k: 2
minimize:
  t:
    zip: {action: suppress}
    age: {action: generalize, to: "band:10"}
)");
  const auto in = Write("t.csv", "zip,age\nA,1\nA,x\nB,3\nB,4\n");
  const auto report =
      MinimizeCsv(policy, in, dir_ / "out.csv", {.on_error = OnMalformedRow::kQuarantine});
  EXPECT_EQ(report.rows_quarantined, 1);
  EXPECT_EQ(report.rows_suppressed, 1);
  EXPECT_EQ(ReadFile(dir_ / "out.csv"), "zip,age\nB,0-9\nB,0-9\n");
}

TEST_F(MinimizeTest, KeepsTheDelimiterAndQuoting) {
  const Policy policy = ParsePolicy("minimize:\n  t:\n    b: {action: mask, keep_last: 1}\n");
  const auto in = Write("t.csv", "a;b\n\"x;y\";12\n\"say \"\"hi\"\"\";34\n");
  (void)MinimizeCsv(policy, in, dir_ / "out.csv");
  EXPECT_EQ(ReadFile(dir_ / "out.csv"), "a;b\n\"x;y\";*2\n\"say \"\"hi\"\"\";*4\n");
}

TEST_F(MinimizeTest, RefusesBadSetups) {
  const Policy policy = ParsePolicy(kPeoplePolicy);
  const auto in = Write("people.csv", kPeopleCsv);
  EXPECT_THROW((void)MinimizeCsv(policy, in, in), InvalidArgumentError);
  EXPECT_EQ(ReadFile(in), kPeopleCsv);
  EXPECT_THROW((void)MinimizeCsv(policy, dir_ / "absent.csv", dir_ / "o.csv"), NotFoundError);
  try {
    (void)MinimizeCsv(policy, in, dir_ / "o.csv", {.table = "customers"});
    FAIL();
  } catch (const InvalidArgumentError& error) {
    EXPECT_THAT(error.message(), HasSubstr("no 'minimize' entry for table 'customers'"));
    EXPECT_THAT(error.message(), HasSubstr("people"));
  }
  const auto narrow = Write("people3.csv", "name,phone\nAnn,0612\n");
  try {
    (void)MinimizeCsv(policy, narrow, dir_ / "o.csv", {.table = "people"});
    FAIL();
  } catch (const InputError& error) {
    EXPECT_THAT(error.message(), HasSubstr("'people.email' (pseudonymize) is not in the input"));
    EXPECT_EQ(error.location().line, 10);  // where the policy names it
  }
  const auto twice = Write("people4.csv", "name,name\na,b\n");
  EXPECT_THROW((void)MinimizeCsv(policy, twice, dir_ / "o.csv", {.table = "people"}), InputError);
  const auto empty = Write("people5.csv", "");
  EXPECT_THROW((void)MinimizeCsv(policy, empty, dir_ / "o.csv", {.table = "people"}), InputError);
  ::unsetenv("RAMPART_TEST_KEY");
  EXPECT_THROW((void)MinimizeCsv(policy, in, dir_ / "o.csv"), NotFoundError);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "o.csv"));
}

std::int64_t PeakRssKiB() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST_F(MinimizeTest, StreamsALargeFileInBoundedMemory) {
#ifdef RAMPART_SANITIZED
  constexpr std::int64_t kTargetBytes = 8LL << 20;  // ASan is ~10x slower: keep CI fast
#else
  constexpr std::int64_t kTargetBytes = 50LL << 20;
#endif
  const auto in = dir_ / "big.csv";
  std::int64_t rows = 0;
  {
    std::ofstream out(in, std::ios::binary);
    out << "id,email,birth,zip,gender,note\n";
    std::mt19937 engine(42);
    std::uniform_int_distribution<int> year(1950, 1999);
    std::uniform_int_distribution<int> day(1, 28);
    std::uniform_int_distribution<int> zip(0, 9);
    std::int64_t written = 0;
    while (written < kTargetBytes) {
      const std::string line = fmt::format(
          "{},user{}@example.com,{}-{:02}-{:02},{}{:04},{},\"free text, with a comma and some "
          "padding to look like a note\"\n",
          rows, rows, year(engine), day(engine) % 12 + 1, day(engine), zip(engine), rows % 9973,
          rows % 2 == 0 ? 'F' : 'M');
      out << line;
      written += static_cast<std::int64_t>(line.size());
      ++rows;
    }
  }
  const Policy policy = ParsePolicy(R"(
quasi_identifiers:
  - table: big
    columns: [birth, zip, gender]
    k: 5
minimize:
  big:
    email:  {action: pseudonymize, key_env: RAMPART_TEST_KEY}
    birth:  {action: generalize, to: year}
    zip:    {action: generalize, to: "prefix:1"}
    gender: {action: suppress}
    note:   {action: drop}
)");
  const std::int64_t before = PeakRssKiB();
  const auto report = MinimizeCsv(policy, in, dir_ / "big.min.csv");
  const std::int64_t growth_mib = (PeakRssKiB() - before) / 1024;
  EXPECT_EQ(report.rows_in, rows);
  EXPECT_EQ(report.rows_out + report.rows_suppressed, rows);
  EXPECT_TRUE(report.k_anonymity[0].result.satisfied());
  // The input is tens of MiB; holding it (or the output) would grow the peak by at least that.
  // ASan keeps freed memory in quarantine (up to 256 MiB), so RSS says nothing there.
#ifndef RAMPART_SANITIZED
  EXPECT_LT(growth_mib, 16) << "peak RSS grew by " << growth_mib << " MiB";
#endif
  RecordProperty("rows", std::to_string(rows));
  RecordProperty("peak_rss_growth_mib", std::to_string(growth_mib));
}

}  // namespace
}  // namespace rampart::compliance
