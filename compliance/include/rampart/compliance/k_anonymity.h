// k-anonymity (Sweeney 2002, "k-anonymity: a model for protecting privacy") and distinct
// l-diversity (Machanavajjhala et al. 2007, "l-diversity: privacy beyond k-anonymity", section
// 4.1) over rows, and row suppression that reaches a k target.
//
// Rows with equal values in the quasi-identifier columns form an equivalence class. A table is
// k-anonymous when every class has at least k rows: the achieved k is the size of the smallest
// class. Distinct l-diversity is the smallest number of distinct sensitive values in a class.
//
//   rampart::compliance::KAnonymityCounter counter(/*with_sensitive=*/true);
//   for (const auto& row : rows) counter.Add({row[1], row[2]}, row[5]);
//   KAnonymityResult result = counter.Result(/*k=*/5);
//   result.smallest_class;      // the k achieved
//   result.classes_below_k;     // how many classes are too small
//
// Memory: one entry per distinct combination (and per distinct sensitive value in it), not per
// row. Values are compared as bytes: "F" and "f" are different classes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rampart::compliance {

struct KAnonymityResult {
  std::int64_t rows = 0;
  std::int64_t classes = 0;
  std::int64_t smallest_class = 0;  // the k achieved (0 when there are no rows)
  std::int64_t k_target = 0;
  std::int64_t classes_below_k = 0;  // classes with fewer than k_target rows
  std::int64_t rows_below_k = 0;     // rows in those classes
  std::int64_t l_diversity = 0;      // smallest distinct sensitive count (0 without sensitive)

  [[nodiscard]] bool satisfied() const { return classes_below_k == 0; }
};

// Injective encoding of a tuple of values as one string key (length-prefixed, so ("a,b") and
// ("a", "b") differ).
[[nodiscard]] std::string EncodeTuple(const std::vector<std::string_view>& values);
[[nodiscard]] std::vector<std::string> DecodeTuple(std::string_view key);

class KAnonymityCounter {
 public:
  explicit KAnonymityCounter(bool with_sensitive = false) : with_sensitive_(with_sensitive) {}

  void Add(const std::vector<std::string_view>& quasi_identifiers, std::string_view sensitive = {});

  [[nodiscard]] KAnonymityResult Result(std::int64_t k) const;
  // The quasi-identifier tuples of the classes smaller than k (personal data: for tests and
  // callers that need them, never printed by rampart).
  [[nodiscard]] std::vector<std::vector<std::string>> ClassesBelow(std::int64_t k) const;

 private:
  struct Class {
    std::int64_t rows = 0;
    std::unordered_set<std::string> sensitive_values;
  };
  bool with_sensitive_;
  std::int64_t rows_ = 0;
  std::unordered_map<std::string, Class> classes_;
};

// Plans which rows to remove so that every given quasi-identifier set reaches its k.
//
// Each row is described by its values in the union of the sets' columns ("the key"). A class
// smaller than k can only shrink when rows are removed, so all of its rows must go in ANY
// k-anonymous subset; removing them can push classes of another set below its k, so this repeats
// until nothing changes. The result is therefore the largest subset of rows that is k-anonymous
// for every set at once (the greatest fixed point), not a heuristic.
class RowSuppressor {
 public:
  struct Target {
    std::vector<std::size_t> positions;  // indices into the key tuple
    std::int64_t k = 0;
  };

  // `key_width` values per row; `targets` name positions in that tuple.
  RowSuppressor(std::size_t key_width, std::vector<Target> targets);

  void Add(const std::vector<std::string_view>& key_values);
  // Computes the rows to remove; call once after all Add calls.
  void Plan();
  // Whether a row with these key values is kept (Plan must have run).
  [[nodiscard]] bool Keeps(const std::vector<std::string_view>& key_values) const;
  [[nodiscard]] std::int64_t rows_suppressed() const { return rows_suppressed_; }
  [[nodiscard]] std::int64_t rows_seen() const { return rows_seen_; }

 private:
  std::size_t key_width_;
  std::vector<Target> targets_;
  std::unordered_map<std::string, std::int64_t> counts_;
  std::unordered_set<std::string> removed_;
  std::int64_t rows_seen_ = 0;
  std::int64_t rows_suppressed_ = 0;
};

}  // namespace rampart::compliance
