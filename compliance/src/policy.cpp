#include "rampart/compliance/policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace rampart::compliance {
namespace {

constexpr std::array<std::pair<LawfulBasis, std::string_view>, 6> kLawfulBases{{
    {LawfulBasis::kConsent, "consent"},
    {LawfulBasis::kContract, "contract"},
    {LawfulBasis::kLegalObligation, "legal_obligation"},
    {LawfulBasis::kVitalInterests, "vital_interests"},
    {LawfulBasis::kPublicTask, "public_task"},
    {LawfulBasis::kLegitimateInterests, "legitimate_interests"},
}};

constexpr std::array<std::pair<SpecialCategoryCondition, std::string_view>, 10> kConditions{{
    {SpecialCategoryCondition::kExplicitConsent, "explicit_consent"},
    {SpecialCategoryCondition::kEmploymentSocialSecurity, "employment_social_security"},
    {SpecialCategoryCondition::kVitalInterests, "vital_interests"},
    {SpecialCategoryCondition::kNotForProfitBody, "not_for_profit_body"},
    {SpecialCategoryCondition::kMadePublicByDataSubject, "made_public_by_data_subject"},
    {SpecialCategoryCondition::kLegalClaims, "legal_claims"},
    {SpecialCategoryCondition::kSubstantialPublicInterest, "substantial_public_interest"},
    {SpecialCategoryCondition::kHealthOrSocialCare, "health_or_social_care"},
    {SpecialCategoryCondition::kPublicHealth, "public_health"},
    {SpecialCategoryCondition::kArchivingResearchStatistics, "archiving_research_statistics"},
}};

constexpr std::array<std::pair<MinimizeAction, std::string_view>, 5> kActions{{
    {MinimizeAction::kPseudonymize, "pseudonymize"},
    {MinimizeAction::kGeneralize, "generalize"},
    {MinimizeAction::kMask, "mask"},
    {MinimizeAction::kDrop, "drop"},
    {MinimizeAction::kSuppress, "suppress"},
}};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string OneOf(const std::vector<std::string_view>& names) {
  std::string list;
  for (const auto name : names) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

std::string Suggestion(std::string_view word, const std::vector<std::string_view>& names) {
  std::string_view best;
  std::size_t best_distance = 3;  // suggest only close misspellings
  for (const auto name : names) {
    const std::size_t distance = EditDistance(word, name);
    if (distance < best_distance) {
      best_distance = distance;
      best = name;
    }
  }
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

// Walks the YAML tree and turns every problem into an InputError at the node's position.
class Reader {
 public:
  Reader(std::string source, std::filesystem::path base_directory)
      : source_(std::move(source)), base_directory_(std::move(base_directory)) {}

  [[nodiscard]] SourceLocation At(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return {.file = source_};
    return {.file = source_, .line = mark.line + 1, .column = mark.column + 1};
  }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const {
    throw InputError(message, At(node));
  }

  static std::string_view TypeName(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return "a mapping";
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Scalar:
        return "a scalar";
      case YAML::NodeType::Null:
        return "null";
      case YAML::NodeType::Undefined:
        break;
    }
    return "nothing";
  }

  void ExpectMap(const YAML::Node& node, std::string_view what) const {
    if (!node.IsMap())
      Fail(node, fmt::format("{} must be a mapping, not {}", what, TypeName(node)));
  }
  void ExpectSequence(const YAML::Node& node, std::string_view what) const {
    if (!node.IsSequence()) {
      Fail(node, fmt::format("{} must be a list, not {}", what, TypeName(node)));
    }
  }

  // The keys of a mapping, checked against `allowed` and for duplicates (yaml-cpp keeps both).
  void CheckKeys(const YAML::Node& map, std::string_view what,
                 const std::vector<std::string_view>& allowed) const {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) Fail(key, fmt::format("keys of {} must be scalars", what));
      const std::string& name = key.Scalar();
      if (!seen.insert(name).second) Fail(key, fmt::format("duplicate key '{}' in {}", name, what));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        Fail(key, fmt::format("unknown key '{}' in {}{}; expected one of: {}", name, what,
                              Suggestion(name, allowed), OneOf(allowed)));
      }
    }
  }

  // The same for mappings whose keys are names (tables, columns): duplicates only.
  void CheckNameKeys(const YAML::Node& map, std::string_view what) const {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar() || key.Scalar().empty()) {
        Fail(key, fmt::format("keys of {} must be non-empty names", what));
      }
      if (!seen.insert(key.Scalar()).second) {
        Fail(key, fmt::format("duplicate key '{}' in {}", key.Scalar(), what));
      }
    }
  }

  YAML::Node Required(const YAML::Node& map, std::string_view key, std::string_view what) const {
    YAML::Node value = map[std::string(key)];
    if (!value.IsDefined()) Fail(map, fmt::format("{} is missing required key '{}'", what, key));
    return value;
  }

  std::string String(const YAML::Node& node, std::string_view what) const {
    if (!node.IsScalar())
      Fail(node, fmt::format("{} must be a string, not {}", what, TypeName(node)));
    if (node.Scalar().empty()) Fail(node, fmt::format("{} must not be empty", what));
    return node.Scalar();
  }

  std::int64_t Integer(const YAML::Node& node, std::string_view what, std::int64_t minimum) const {
    if (!node.IsScalar()) {
      Fail(node, fmt::format("{} must be an integer, not {}", what, TypeName(node)));
    }
    const std::string& text = node.Scalar();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      Fail(node, fmt::format("{} must be an integer, not '{}'", what, text));
    }
    if (value < minimum)
      Fail(node, fmt::format("{} must be at least {}, not {}", what, minimum, value));
    return value;
  }

  std::vector<std::string> StringList(const YAML::Node& node, std::string_view what) const {
    ExpectSequence(node, what);
    std::vector<std::string> items;
    for (const auto& item : node) items.push_back(String(item, fmt::format("an item of {}", what)));
    if (items.empty()) Fail(node, fmt::format("{} must not be empty", what));
    return items;
  }

  Policy Read(const YAML::Node& root) const {
    Policy policy;
    policy.source = source_;
    if (root.IsNull() || !root.IsDefined()) return policy;  // an empty file: an empty policy
    ExpectMap(root, "the policy");
    CheckKeys(root, "the policy",
              {"purposes", "retention", "quasi_identifiers", "minimize", "suppressions"});
    if (const YAML::Node purposes = root["purposes"]; purposes.IsDefined()) {
      ReadPurposes(purposes, policy);
    }
    if (const YAML::Node retention = root["retention"]; retention.IsDefined()) {
      ReadRetention(retention, policy);
    }
    if (const YAML::Node sets = root["quasi_identifiers"]; sets.IsDefined()) {
      ReadQuasiIdentifiers(sets, policy);
    }
    if (const YAML::Node minimize = root["minimize"]; minimize.IsDefined()) {
      ReadMinimize(minimize, policy);
    }
    if (const YAML::Node suppressions = root["suppressions"]; suppressions.IsDefined()) {
      ReadSuppressions(suppressions, policy);
    }
    CheckSuppressActions(policy);
    return policy;
  }

 private:
  void ReadPurposes(const YAML::Node& node, Policy& policy) const {
    ExpectSequence(node, "'purposes'");
    std::set<std::string> names;
    for (const auto& item : node) {
      ExpectMap(item, "a purpose");
      CheckKeys(item, "a purpose",
                {"name", "lawful_basis", "special_category_condition", "columns"});
      Purpose purpose;
      purpose.location = At(item);
      const YAML::Node name = Required(item, "name", "a purpose");
      purpose.name = String(name, "a purpose's name");
      if (!names.insert(purpose.name).second) {
        Fail(name, fmt::format("duplicate purpose '{}'", purpose.name));
      }
      const YAML::Node basis = Required(item, "lawful_basis", "a purpose");
      const std::string basis_text = String(basis, "lawful_basis");
      const auto parsed_basis = ParseLawfulBasis(basis_text);
      if (!parsed_basis) {
        std::vector<std::string_view> valid;
        valid.reserve(kLawfulBases.size());
        for (const auto& [value, spelling] : kLawfulBases) valid.push_back(spelling);
        Fail(basis, fmt::format("unknown lawful_basis '{}' (GDPR Art. 6(1)){}; expected one of: {}",
                                basis_text, Suggestion(basis_text, valid), OneOf(valid)));
      }
      purpose.lawful_basis = *parsed_basis;
      if (const YAML::Node condition = item["special_category_condition"];
          condition.IsDefined() && !condition.IsNull()) {
        const std::string text = String(condition, "special_category_condition");
        const auto parsed = ParseSpecialCategoryCondition(text);
        if (!parsed) {
          std::vector<std::string_view> valid;
          valid.reserve(kConditions.size());
          for (const auto& [value, spelling] : kConditions) valid.push_back(spelling);
          Fail(condition, fmt::format("unknown special_category_condition '{}' (GDPR Art. 9(2) "
                                      "points a-j){}; expected one of: {}",
                                      text, Suggestion(text, valid), OneOf(valid)));
        }
        purpose.special_category_condition = parsed;
      }
      if (const YAML::Node columns = item["columns"]; columns.IsDefined()) {
        purpose.columns = StringList(columns, "a purpose's columns");
        std::size_t index = 0;
        for (const auto& column : purpose.columns) {
          if (column.find('.') == std::string::npos || column.front() == '.' ||
              column.back() == '.') {
            Fail(columns[index],
                 fmt::format("purpose column '{}' must be written table.column", column));
          }
          ++index;
        }
      }
      policy.purposes.push_back(std::move(purpose));
    }
  }

  void ReadRetention(const YAML::Node& node, Policy& policy) const {
    ExpectMap(node, "'retention'");
    CheckNameKeys(node, "'retention'");
    for (auto it = node.begin(); it != node.end(); ++it) {
      Retention retention;
      retention.table = it->first.Scalar();
      retention.location = At(it->first);
      const std::string text =
          String(it->second, fmt::format("the retention of '{}'", retention.table));
      const auto period = ParseIsoDuration(text);
      if (!period) {
        Fail(it->second, fmt::format("bad retention period '{}' for '{}': expected an ISO 8601 "
                                     "duration such as P2Y, P6M, P30D or P1Y6M",
                                     text, retention.table));
      }
      retention.period = *period;
      policy.retention.push_back(std::move(retention));
    }
  }

  void ReadQuasiIdentifiers(const YAML::Node& node, Policy& policy) const {
    ExpectSequence(node, "'quasi_identifiers'");
    for (const auto& item : node) {
      ExpectMap(item, "a quasi-identifier set");
      CheckKeys(item, "a quasi-identifier set", {"table", "columns", "k", "sensitive", "l"});
      QuasiIdentifierSet set;
      set.location = At(item);
      set.table = String(Required(item, "table", "a quasi-identifier set"), "table");
      const YAML::Node columns = Required(item, "columns", "a quasi-identifier set");
      set.columns = StringList(columns, "a quasi-identifier set's columns");
      std::set<std::string> unique(set.columns.begin(), set.columns.end());
      if (unique.size() != set.columns.size())
        Fail(columns, "a quasi-identifier set repeats a column");
      set.k = Integer(Required(item, "k", "a quasi-identifier set"), "k", 1);
      if (const YAML::Node sensitive = item["sensitive"];
          sensitive.IsDefined() && !sensitive.IsNull()) {
        set.sensitive = String(sensitive, "sensitive");
        if (unique.count(*set.sensitive) != 0) {
          Fail(sensitive,
               fmt::format("the sensitive column '{}' is also a quasi-identifier", *set.sensitive));
        }
      }
      if (const YAML::Node l = item["l"]; l.IsDefined()) {
        if (!set.sensitive) Fail(l, "'l' (l-diversity) needs a 'sensitive' column");
        set.l = Integer(l, "l", 1);
      }
      policy.quasi_identifiers.push_back(std::move(set));
    }
  }

  void ReadMinimize(const YAML::Node& node, Policy& policy) const {
    ExpectMap(node, "'minimize'");
    CheckNameKeys(node, "'minimize'");
    for (auto table_it = node.begin(); table_it != node.end(); ++table_it) {
      TableMinimization table;
      table.table = table_it->first.Scalar();
      table.location = At(table_it->first);
      const YAML::Node columns = table_it->second;
      ExpectMap(columns, fmt::format("minimize entry '{}'", table.table));
      CheckNameKeys(columns, fmt::format("minimize entry '{}'", table.table));
      for (auto it = columns.begin(); it != columns.end(); ++it) {
        table.columns.push_back(ReadColumnAction(it->second, table.table + "." + it->first.Scalar(),
                                                 it->first.Scalar()));
      }
      policy.minimize.push_back(std::move(table));
    }
  }

  ColumnMinimization ReadColumnAction(const YAML::Node& spec, const std::string& qualified,
                                      const std::string& column) const {
    const std::string what = fmt::format("the action of '{}'", qualified);
    ExpectMap(spec, what);
    ColumnMinimization result;
    result.column = column;
    result.location = At(spec);
    const YAML::Node action = Required(spec, "action", what);
    const std::string action_text = String(action, "action");
    std::vector<std::string_view> valid;
    bool known = false;
    for (const auto& [value, spelling] : kActions) {
      valid.push_back(spelling);
      if (spelling == action_text) {
        result.action = value;
        known = true;
      }
    }
    if (!known) {
      Fail(action, fmt::format("unknown action '{}' for '{}'{}; expected one of: {}", action_text,
                               qualified, Suggestion(action_text, valid), OneOf(valid)));
    }
    switch (result.action) {
      case MinimizeAction::kPseudonymize: {
        CheckKeys(spec, what, {"action", "key_file", "key_env"});
        const YAML::Node file = spec["key_file"];
        const YAML::Node env = spec["key_env"];
        if (file.IsDefined() == env.IsDefined()) {
          Fail(spec, fmt::format("pseudonymize for '{}' needs exactly one of 'key_file' and "
                                 "'key_env' (where the HMAC key is; never the key itself)",
                                 qualified));
        }
        if (file.IsDefined()) {
          result.key_file = String(file, "key_file");
          if (result.key_file.is_relative() && !base_directory_.empty()) {
            result.key_file = base_directory_ / result.key_file;
          }
        } else {
          result.key_env = String(env, "key_env");
        }
        break;
      }
      case MinimizeAction::kGeneralize: {
        CheckKeys(spec, what, {"action", "to"});
        const YAML::Node to = Required(spec, "to", what);
        const std::string text = String(to, "to");
        const auto generalization = ParseGeneralization(text);
        if (!generalization) {
          Fail(to, fmt::format("bad generalization '{}' for '{}': expected year, month, "
                               "band:<width >= 1>, prefix:<characters> or round:<decimals 0-15>",
                               text, qualified));
        }
        result.generalization = *generalization;
        break;
      }
      case MinimizeAction::kMask:
        CheckKeys(spec, what, {"action", "keep_last"});
        result.keep_last = Integer(Required(spec, "keep_last", what), "keep_last", 0);
        break;
      case MinimizeAction::kDrop:
      case MinimizeAction::kSuppress:
        CheckKeys(spec, what, {"action"});
        break;
    }
    return result;
  }

  void ReadSuppressions(const YAML::Node& node, Policy& policy) const {
    ExpectSequence(node, "'suppressions'");
    for (const auto& item : node) {
      ExpectMap(item, "a suppression");
      CheckKeys(item, "a suppression", {"rule", "target", "reason", "expires"});
      Suppression suppression;
      suppression.location = At(item);
      suppression.rule = String(Required(item, "rule", "a suppression"), "rule");
      suppression.target = String(Required(item, "target", "a suppression"), "target");
      const YAML::Node reason = item["reason"];
      if (!reason.IsDefined() || reason.IsNull() ||
          (reason.IsScalar() && reason.Scalar().find_first_not_of(" \t") == std::string::npos)) {
        Fail(reason.IsDefined() ? reason : item,
             fmt::format("the suppression of '{}' for '{}' needs a 'reason' (why the finding is "
                         "accepted)",
                         suppression.rule, suppression.target));
      }
      suppression.reason = String(reason, "reason");
      const YAML::Node expires = Required(item, "expires", "a suppression");
      const std::string text = String(expires, "expires");
      const auto date = ParseCalendarDate(text);
      if (!date) {
        Fail(expires,
             fmt::format("bad expiry date '{}': expected a real date written YYYY-MM-DD", text));
      }
      suppression.expires = *date;
      policy.suppressions.push_back(std::move(suppression));
    }
  }

  // `suppress` removes the rows of rare quasi-identifier combinations, so it only means something
  // for a column of a quasi-identifier set of the same table.
  static void CheckSuppressActions(const Policy& policy) {
    for (const auto& table : policy.minimize) {
      for (const auto& column : table.columns) {
        if (column.action != MinimizeAction::kSuppress) continue;
        bool covered = false;
        for (const auto* set : policy.QuasiIdentifiersOf(table.table)) {
          covered = covered || std::find(set->columns.begin(), set->columns.end(), column.column) !=
                                   set->columns.end();
        }
        if (!covered) {
          throw InputError(fmt::format("'suppress' on '{}.{}' needs a quasi_identifiers set for "
                                       "table '{}' that contains '{}' (it gives the k to reach)",
                                       table.table, column.column, table.table, column.column),
                           column.location);
        }
      }
    }
  }

  std::string source_;
  std::filesystem::path base_directory_;
};

bool ReadNumber(std::string_view text, std::size_t& pos, std::int64_t& value) {
  const std::size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos == start || pos - start > 12) return false;
  value = 0;
  std::from_chars(text.data() + start, text.data() + pos, value);
  return true;
}

}  // namespace

std::string_view LawfulBasisName(LawfulBasis basis) {
  for (const auto& [value, name] : kLawfulBases) {
    if (value == basis) return name;
  }
  return "unknown";
}

std::optional<LawfulBasis> ParseLawfulBasis(std::string_view name) {
  for (const auto& [value, spelling] : kLawfulBases) {
    if (spelling == name) return value;
  }
  return std::nullopt;
}

std::string_view SpecialCategoryConditionName(SpecialCategoryCondition condition) {
  for (const auto& [value, name] : kConditions) {
    if (value == condition) return name;
  }
  return "unknown";
}

std::optional<SpecialCategoryCondition> ParseSpecialCategoryCondition(std::string_view name) {
  for (std::size_t i = 0; i < kConditions.size(); ++i) {
    const char letter = static_cast<char>('a' + static_cast<int>(i));
    if (kConditions[i].second == name || (name.size() == 1 && name[0] == letter)) {
      return kConditions[i].first;
    }
  }
  return std::nullopt;
}

std::string SpecialCategoryConditionArticle(SpecialCategoryCondition condition) {
  return fmt::format("9(2)({})", static_cast<char>('a' + static_cast<int>(condition)));
}

double IsoDuration::ApproximateDays() const {
  return static_cast<double>(years) * 365.2425 + static_cast<double>(months) * 30.436875 +
         static_cast<double>(weeks) * 7.0 + static_cast<double>(days) +
         (static_cast<double>(hours) + static_cast<double>(minutes) / 60.0 + seconds / 3600.0) /
             24.0;
}

std::optional<IsoDuration> ParseIsoDuration(std::string_view text) {
  IsoDuration duration;
  duration.text = std::string(text);
  if (text.size() < 3 || text[0] != 'P') return std::nullopt;
  std::size_t pos = 1;
  bool in_time = false;
  bool any = false;
  bool any_time = false;
  // Designators must appear in this order; each at most once.
  const std::string_view date_order = "YMWD";
  const std::string_view time_order = "HMS";
  std::size_t next_date = 0;
  std::size_t next_time = 0;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++pos;
      continue;
    }
    std::int64_t value = 0;
    if (!ReadNumber(text, pos, value)) return std::nullopt;
    double fraction = 0.0;
    bool has_fraction = false;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      const std::size_t start = ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
      fraction = std::stod("0." + std::string(text.substr(start, pos - start)));
      has_fraction = true;
    }
    if (pos >= text.size()) return std::nullopt;
    const char designator = text[pos++];
    if (in_time) {
      const std::size_t index = time_order.find(designator, next_time);
      if (index == std::string_view::npos) return std::nullopt;
      next_time = index + 1;
      if (has_fraction && designator != 'S') return std::nullopt;
      if (designator == 'H') duration.hours = value;
      if (designator == 'M') duration.minutes = value;
      if (designator == 'S') duration.seconds = static_cast<double>(value) + fraction;
      any_time = true;
    } else {
      const std::size_t index = date_order.find(designator, next_date);
      if (index == std::string_view::npos || has_fraction) return std::nullopt;
      next_date = index + 1;
      if (designator == 'Y') duration.years = value;
      if (designator == 'M') duration.months = value;
      if (designator == 'W') duration.weeks = value;
      if (designator == 'D') duration.days = value;
    }
    any = true;
  }
  if (!any || (in_time && !any_time)) return std::nullopt;
  return duration;
}

std::string CalendarDate::ToString() const {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::optional<CalendarDate> ParseCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  CalendarDate date;
  if (!digits(0, 4, date.year) || !digits(5, 2, date.month) || !digits(8, 2, date.day)) {
    return std::nullopt;
  }
  if (date.month < 1 || date.month > 12 || date.day < 1) return std::nullopt;
  const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
  constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days_in_month =
      kDays[static_cast<std::size_t>(date.month - 1)] + (date.month == 2 && leap ? 1 : 0);
  if (date.day > days_in_month) return std::nullopt;
  return date;
}

std::string_view MinimizeActionName(MinimizeAction action) {
  for (const auto& [value, name] : kActions) {
    if (value == action) return name;
  }
  return "unknown";
}

std::string Generalization::ToString() const {
  switch (kind) {
    case Kind::kYear:
      return "year";
    case Kind::kMonth:
      return "month";
    case Kind::kBand:
      return fmt::format("band:{}", parameter);
    case Kind::kPrefix:
      return fmt::format("prefix:{}", parameter);
    case Kind::kRound:
      return fmt::format("round:{}", parameter);
  }
  return "unknown";
}

std::optional<Generalization> ParseGeneralization(std::string_view text) {
  if (text == "year") return Generalization{Generalization::Kind::kYear, 0};
  if (text == "month") return Generalization{Generalization::Kind::kMonth, 0};
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view name = text.substr(0, colon);
  const std::string_view number = text.substr(colon + 1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size()) {
    return std::nullopt;
  }
  if (name == "band" && value >= 1) return Generalization{Generalization::Kind::kBand, value};
  if (name == "prefix" && value >= 0) return Generalization{Generalization::Kind::kPrefix, value};
  if (name == "round" && value >= 0 && value <= 15) {
    return Generalization{Generalization::Kind::kRound, value};
  }
  return std::nullopt;
}

const TableMinimization* Policy::FindMinimization(std::string_view table) const {
  for (const auto& entry : minimize) {
    if (entry.table == table) return &entry;
  }
  return nullptr;
}

std::vector<const QuasiIdentifierSet*> Policy::QuasiIdentifiersOf(std::string_view table) const {
  std::vector<const QuasiIdentifierSet*> sets;
  for (const auto& set : quasi_identifiers) {
    if (set.table == table) sets.push_back(&set);
  }
  return sets;
}

Policy ParsePolicy(std::string_view text, std::string source_name,
                   const std::filesystem::path& base_directory) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    // yaml-cpp marks are 0-based; ours are 1-based like a compiler's.
    SourceLocation location{.file = source_name};
    if (error.mark.line >= 0) {
      location.line = error.mark.line + 1;
      location.column = error.mark.column + 1;
    }
    throw InputError(fmt::format("invalid YAML: {}", error.msg), location);
  }
  const Reader reader(std::move(source_name), base_directory);
  return reader.Read(root);
}

Policy LoadPolicy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw NotFoundError(fmt::format("cannot open policy file '{}'", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return ParsePolicy(text.str(), file.string(), file.parent_path());
}

}  // namespace rampart::compliance
