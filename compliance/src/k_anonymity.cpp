#include "rampart/compliance/k_anonymity.h"

#include <algorithm>
#include <limits>

#include <rampart/common/error.h>

namespace rampart::compliance {

std::string EncodeTuple(const std::vector<std::string_view>& values) {
  std::string key;
  for (const auto value : values) {
    key += std::to_string(value.size());
    key += ':';
    key += value;
  }
  return key;
}

std::vector<std::string> DecodeTuple(std::string_view key) {
  std::vector<std::string> values;
  std::size_t pos = 0;
  while (pos < key.size()) {
    const std::size_t colon = key.find(':', pos);
    if (colon == std::string_view::npos) throw InternalError("malformed tuple key");
    const std::size_t length = std::stoul(std::string(key.substr(pos, colon - pos)));
    values.emplace_back(key.substr(colon + 1, length));
    pos = colon + 1 + length;
  }
  return values;
}

void KAnonymityCounter::Add(const std::vector<std::string_view>& quasi_identifiers,
                            std::string_view sensitive) {
  Class& entry = classes_[EncodeTuple(quasi_identifiers)];
  ++entry.rows;
  if (with_sensitive_) entry.sensitive_values.emplace(sensitive);
  ++rows_;
}

KAnonymityResult KAnonymityCounter::Result(std::int64_t k) const {
  KAnonymityResult result;
  result.rows = rows_;
  result.k_target = k;
  result.classes = static_cast<std::int64_t>(classes_.size());
  std::int64_t smallest = std::numeric_limits<std::int64_t>::max();
  std::int64_t least_diverse = std::numeric_limits<std::int64_t>::max();
  for (const auto& [key, entry] : classes_) {
    smallest = std::min(smallest, entry.rows);
    least_diverse =
        std::min(least_diverse, static_cast<std::int64_t>(entry.sensitive_values.size()));
    if (entry.rows < k) {
      ++result.classes_below_k;
      result.rows_below_k += entry.rows;
    }
  }
  result.smallest_class = classes_.empty() ? 0 : smallest;
  result.l_diversity = classes_.empty() || !with_sensitive_ ? 0 : least_diverse;
  return result;
}

std::vector<std::vector<std::string>> KAnonymityCounter::ClassesBelow(std::int64_t k) const {
  std::vector<std::vector<std::string>> tuples;
  for (const auto& [key, entry] : classes_) {
    if (entry.rows < k) tuples.push_back(DecodeTuple(key));
  }
  std::sort(tuples.begin(), tuples.end());
  return tuples;
}

RowSuppressor::RowSuppressor(std::size_t key_width, std::vector<Target> targets)
    : key_width_(key_width), targets_(std::move(targets)) {
  for (const auto& target : targets_) {
    for (const auto position : target.positions) {
      if (position >= key_width_) throw InternalError("suppression target outside the key");
    }
  }
}

void RowSuppressor::Add(const std::vector<std::string_view>& key_values) {
  ++counts_[EncodeTuple(key_values)];
  ++rows_seen_;
}

void RowSuppressor::Plan() {
  std::vector<std::pair<std::vector<std::string>, std::int64_t>> keys;
  keys.reserve(counts_.size());
  for (const auto& [key, count] : counts_) keys.emplace_back(DecodeTuple(key), count);
  std::vector<bool> removed(keys.size(), false);
  std::vector<std::string> projections(keys.size());
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& target : targets_) {
      std::unordered_map<std::string, std::int64_t> class_sizes;
      std::vector<std::string_view> projected(target.positions.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        for (std::size_t j = 0; j < target.positions.size(); ++j) {
          projected[j] = keys[i].first[target.positions[j]];
        }
        projections[i] = EncodeTuple(projected);
        if (!removed[i]) class_sizes[projections[i]] += keys[i].second;
      }
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!removed[i] && class_sizes[projections[i]] < target.k) {
          removed[i] = true;
          changed = true;
        }
      }
    }
  }
  rows_suppressed_ = 0;
  removed_.clear();
  std::vector<std::string_view> values(key_width_);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!removed[i]) continue;
    for (std::size_t j = 0; j < key_width_; ++j) values[j] = keys[i].first[j];
    removed_.insert(EncodeTuple(values));
    rows_suppressed_ += keys[i].second;
  }
  counts_.clear();  // only the removal set is needed from here on
}

bool RowSuppressor::Keeps(const std::vector<std::string_view>& key_values) const {
  return removed_.count(EncodeTuple(key_values)) == 0;
}

}  // namespace rampart::compliance
