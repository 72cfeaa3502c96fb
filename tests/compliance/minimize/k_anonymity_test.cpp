#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/compliance/k_anonymity.h>

namespace rampart::compliance {
namespace {

using Row = std::vector<std::string>;

std::vector<Row> RandomTable(std::mt19937& engine, std::size_t rows, std::size_t columns,
                             int alphabet) {
  std::uniform_int_distribution<int> value(0, alphabet - 1);
  std::vector<Row> table(rows, Row(columns));
  for (auto& row : table) {
    for (auto& cell : row) cell = std::string(1, static_cast<char>('a' + value(engine)));
  }
  return table;
}

bool SameOn(const Row& a, const Row& b, const std::vector<std::size_t>& columns) {
  return std::all_of(columns.begin(), columns.end(), [&](std::size_t c) { return a[c] == b[c]; });
}

// The definitions, counted pairwise over rows (O(n^2)), independent of the hashing code.
KAnonymityResult BruteForce(const std::vector<Row>& table, const std::vector<std::size_t>& qi,
                            std::optional<std::size_t> sensitive, std::int64_t k) {
  KAnonymityResult result;
  result.rows = static_cast<std::int64_t>(table.size());
  result.k_target = k;
  result.smallest_class = table.empty() ? 0 : std::numeric_limits<std::int64_t>::max();
  result.l_diversity = table.empty() || !sensitive ? 0 : std::numeric_limits<std::int64_t>::max();
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::int64_t size = 0;
    bool first_of_class = true;
    std::set<std::string> values;
    for (std::size_t j = 0; j < table.size(); ++j) {
      if (!SameOn(table[i], table[j], qi)) continue;
      ++size;
      if (j < i) first_of_class = false;
      if (sensitive) values.insert(table[j][*sensitive]);
    }
    result.smallest_class = std::min(result.smallest_class, size);
    if (sensitive) {
      result.l_diversity = std::min(result.l_diversity, static_cast<std::int64_t>(values.size()));
    }
    if (size < k) ++result.rows_below_k;
    if (first_of_class) {
      ++result.classes;
      if (size < k) ++result.classes_below_k;
    }
  }
  return result;
}

TEST(KAnonymityTest, MatchesBruteForceOnRandomTables) {
  std::mt19937 engine(20261129);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t rows = std::uniform_int_distribution<std::size_t>(0, 80)(engine);
    const int alphabet = std::uniform_int_distribution<int>(1, 4)(engine);
    const auto table = RandomTable(engine, rows, 4, alphabet);
    const std::vector<std::vector<std::size_t>> qi_sets = {{0}, {0, 1}, {0, 1, 2}, {2, 0}};
    const auto& qi = qi_sets[static_cast<std::size_t>(trial) % qi_sets.size()];
    const std::int64_t k = std::uniform_int_distribution<std::int64_t>(1, 6)(engine);
    const bool with_sensitive = trial % 2 == 0;
    KAnonymityCounter counter(with_sensitive);
    for (const auto& row : table) {
      std::vector<std::string_view> values;
      for (const auto c : qi) values.emplace_back(row[c]);
      counter.Add(values, with_sensitive ? std::string_view(row[3]) : std::string_view());
    }
    const KAnonymityResult got = counter.Result(k);
    const KAnonymityResult want =
        BruteForce(table, qi, with_sensitive ? std::optional<std::size_t>(3) : std::nullopt, k);
    ASSERT_EQ(got.rows, want.rows) << "trial " << trial;
    ASSERT_EQ(got.classes, want.classes) << "trial " << trial;
    ASSERT_EQ(got.smallest_class, want.smallest_class) << "trial " << trial;
    ASSERT_EQ(got.classes_below_k, want.classes_below_k) << "trial " << trial;
    ASSERT_EQ(got.rows_below_k, want.rows_below_k) << "trial " << trial;
    ASSERT_EQ(got.l_diversity, want.l_diversity) << "trial " << trial;
    ASSERT_EQ(got.satisfied(), want.smallest_class >= k || rows == 0) << "trial " << trial;
  }
}

TEST(KAnonymityTest, ClassesBelowListsTheRareTuples) {
  KAnonymityCounter counter;
  for (const char* zip : {"75", "75", "75", "69", "13", "13"}) counter.Add({zip, "F"});
  EXPECT_EQ(counter.ClassesBelow(3),
            (std::vector<std::vector<std::string>>{{"13", "F"}, {"69", "F"}}));
  EXPECT_EQ(counter.Result(3).smallest_class, 1);
}

TEST(KAnonymityTest, TupleEncodingIsInjective) {
  EXPECT_NE(EncodeTuple({"a,b"}), EncodeTuple({"a", "b"}));
  EXPECT_NE(EncodeTuple({"1:a", ""}), EncodeTuple({"1", "a"}));
  EXPECT_EQ(DecodeTuple(EncodeTuple({"x:y", "", "12"})),
            (std::vector<std::string>{"x:y", "", "12"}));
}

// Whether the rows selected by `mask` are k-anonymous for every target.
bool KAnonymousSubset(const std::vector<Row>& table, std::uint32_t mask,
                      const std::vector<RowSuppressor::Target>& targets) {
  for (const auto& target : targets) {
    for (std::size_t i = 0; i < table.size(); ++i) {
      if ((mask >> i & 1U) == 0) continue;
      std::int64_t size = 0;
      for (std::size_t j = 0; j < table.size(); ++j) {
        if ((mask >> j & 1U) != 0 && SameOn(table[i], table[j], target.positions)) ++size;
      }
      if (size < target.k) return false;
    }
  }
  return true;
}

TEST(RowSuppressorTest, KeepsTheLargestKAnonymousSubsetByExhaustiveSearch) {
  std::mt19937 engine(7);
  for (int trial = 0; trial < 150; ++trial) {
    const std::size_t rows = std::uniform_int_distribution<std::size_t>(1, 11)(engine);
    const auto table = RandomTable(engine, rows, 3, 3);
    std::vector<RowSuppressor::Target> targets = {
        {{0, 1}, std::uniform_int_distribution<std::int64_t>(1, 3)(engine)}};
    if (trial % 2 == 1) {
      targets.push_back({{1, 2}, std::uniform_int_distribution<std::int64_t>(2, 3)(engine)});
    }
    RowSuppressor suppressor(3, targets);
    for (const auto& row : table) suppressor.Add({row[0], row[1], row[2]});
    suppressor.Plan();
    std::uint32_t kept = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      if (suppressor.Keeps({table[i][0], table[i][1], table[i][2]})) kept |= 1U << i;
    }
    // The largest k-anonymous subset is unique (a union of k-anonymous subsets is one).
    std::uint32_t best = 0;
    int best_size = -1;
    for (std::uint32_t mask = 0; mask < (1U << rows); ++mask) {
      const int size = __builtin_popcount(mask);
      if (size > best_size && KAnonymousSubset(table, mask, targets)) {
        best = mask;
        best_size = size;
      }
    }
    ASSERT_EQ(kept, best) << "trial " << trial;
    ASSERT_EQ(suppressor.rows_suppressed(), static_cast<std::int64_t>(rows) - best_size);
    ASSERT_EQ(suppressor.rows_seen(), static_cast<std::int64_t>(rows));
  }
}

}  // namespace
}  // namespace rampart::compliance
