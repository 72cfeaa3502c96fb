// The portability claim: the rewritten SQL of every supported shape (and its quantile histogram
// queries) parses under sqlglot's Spark SQL, Trino and BigQuery dialects, besides running on
// SQLite and PostgreSQL (sql_engine_test.cpp). Skipped when python3-sqlglot is not installed.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <rampart/privacy/sql_query.h>

#include "sql_test_data.h"

namespace rampart::privacy {
namespace {

namespace fs = std::filesystem;

// A Python interpreter that can import sqlglot (Debian's python3-sqlglot lives in /usr/bin's
// Python, which a pyenv or venv python3 on PATH may not see).
std::string PythonWithSqlglot() {
  for (const std::string candidate : {"/usr/bin/python3", "python3"}) {
    const std::string command = candidate + " -c 'import sqlglot' >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return candidate;
  }
  return "";
}

TEST(SqlPortabilityTest, RewrittenSqlParsesUnderSparkTrinoAndBigQuery) {
  const std::string python = PythonWithSqlglot();
  if (python.empty()) GTEST_SKIP() << "python3-sqlglot is not installed";
  const fs::path dir = fs::path(RAMPART_SQL_TEST_TMP) / "portability";
  fs::remove_all(dir);
  fs::create_directories(dir);
  int files = 0;
  for (const auto& shape : testing::SupportedShapes()) {
    SqlQueryOptions options = shape.options;
    options.max_groups_per_unit = 2;
    options.max_rows_per_group = 3;
    const BoundedQuery query = RewriteQuery(shape.sql, options);
    std::vector<std::string> sqls = {query.sql};
    for (const auto& value : query.values) {
      if (value.needs_histogram) sqls.push_back(value.histogram_sql);
    }
    // Without --bounds: the ApproxBounds queries.
    options.bounds.clear();
    for (const auto& value : RewriteQuery(shape.sql, options).values) {
      if (!value.approx_bounds_sql.empty()) sqls.push_back(value.approx_bounds_sql);
    }
    for (std::size_t i = 0; i < sqls.size(); ++i) {
      std::ofstream(dir / fmt::format("{}_{}.sql", shape.name, i)) << sqls[i];
      ++files;
    }
  }
  ASSERT_GE(files, 10);
  const fs::path script = dir / "check.py";
  std::ofstream(script) << R"(import glob, sys
import sqlglot
failures = 0
files = sorted(glob.glob(sys.argv[1] + '/*.sql'))
for path in files:
    text = open(path).read()
    for dialect in ('spark', 'trino', 'bigquery'):
        try:
            tree = sqlglot.parse_one(text, read=dialect)
            assert tree is not None
            # Grouped queries bound L0 with a window; global ones need none.
            if 'rampart_key1' in text or 'rampart_bin' in text:
                assert tree.find(sqlglot.exp.Window) is not None
        except Exception as error:
            failures += 1
            print(f'{path} [{dialect}]: {error}')
print(f'{len(files)} files checked')
sys.exit(1 if failures else 0)
)";
  const fs::path log = dir / "check.log";
  const std::string command =
      fmt::format("{} {} {} > {} 2>&1", python, script.string(), dir.string(), log.string());
  const int status = std::system(command.c_str());
  std::ifstream input(log);
  const std::string output((std::istreambuf_iterator<char>(input)),
                           std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find(fmt::format("{} files checked", files)), std::string::npos) << output;
}

}  // namespace
}  // namespace rampart::privacy
