#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <rampart/compliance/identifier_tokens.h>
#include <rampart/compliance/k_anonymity.h>
#include <rampart/compliance/rules/audit.h>
#include <rampart/compliance/rules/catalog.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

CalendarDate CurrentUtcDate() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

// Words that mark a table as analytics, reporting or ML-feature storage, where people need to be
// told apart but not identified.
bool IsAnalyticsWord(std::string_view token) {
  static const std::set<std::string_view> kWords = {
      "analytics", "analytic", "analysis",  "ml",        "feature",  "features",   "training",
      "dataset",   "datasets", "warehouse", "dwh",       "dw",       "fact",       "facts",
      "dim",       "mart",     "datamart",  "reporting", "stats",    "statistics", "metrics",
      "tracking",  "bi",       "olap",      "cube",      "research", "experiment", "experiments",
      "cohort",    "cohorts",  "insights",  "telemetry", "model",    "models",     "scoring"};
  return kWords.count(token) != 0;
}

bool NameHasAnalyticsWord(std::string_view name) {
  for (const std::string& token : SplitIdentifier(name)) {
    if (IsAnalyticsWord(token)) return true;
  }
  return false;
}

// Words in a column's name or type saying that its values are not kept in clear.
bool LooksProtected(const ColumnResult& column) {
  static const std::set<std::string_view> kWords = {
      "hash",      "hashed",    "encrypted", "enc",       "cipher",       "ciphertext", "token",
      "tokenized", "masked",    "digest",    "hmac",      "sha256",       "bytea",      "blob",
      "binary",    "varbinary", "last4",     "pseudonym", "pseudonymized"};
  for (const std::string_view text :
       {std::string_view(column.column), std::string_view(column.type)}) {
    for (const std::string& token : SplitIdentifier(text)) {
      if (kWords.count(token) != 0) return true;
    }
  }
  return false;
}

bool IsDirectIdentifierForAnalytics(const ColumnResult& c) {
  // Hashes and internal account keys are pseudonymous already; the rule is about identities.
  return c.category == Category::kDirectIdentifier && c.entity != Entity::kHashedIdentifier &&
         c.entity != Entity::kAccountId;
}

bool IsIdentifierKeptInClearKind(Entity entity) {
  return entity == Entity::kCreditCard || entity == Entity::kNationalId ||
         entity == Entity::kPassport || entity == Entity::kTaxId;
}

std::string Describe(const ColumnResult& c) {
  std::string entity(EntityName(c.entity));
  if (!c.subtype.empty()) entity += " " + c.subtype;
  return fmt::format("{} ({}, {})", c.table + "." + c.column, entity, CategoryName(c.category));
}

// What the scan saw, indexed for policy look-ups (case-insensitive, as unquoted SQL names).
struct ScanIndex {
  std::map<std::string, std::vector<const ColumnResult*>> tables;  // lower(table) -> columns
  std::map<std::string, const ColumnResult*> columns;              // lower(table.column)

  // (source, lower(table)) -> where the table is declared.
  std::map<std::pair<std::string, std::string>, SourceLocation> table_locations;

  explicit ScanIndex(const ScanResult& scan) {
    for (const ColumnResult& c : scan.columns) {
      tables[internal::AsciiLower(c.table)].push_back(&c);
      columns.emplace(internal::AsciiLower(c.table + "." + c.column), &c);
    }
    for (const TableResult& t : scan.tables) {
      if (t.location.empty()) continue;
      table_locations.emplace(std::make_pair(t.source, internal::AsciiLower(t.table)), t.location);
    }
  }

  // Where the table of `column` is declared; the column's own position when the scan result
  // does not know (results built by hand, tables without a position).
  [[nodiscard]] SourceLocation TableLocation(const ColumnResult& column) const {
    const auto it =
        table_locations.find(std::make_pair(column.source, internal::AsciiLower(column.table)));
    return it != table_locations.end() ? it->second : column.location;
  }

  // The scanned table a dotted policy reference starts with (the longest), or "".
  [[nodiscard]] std::string TableOf(std::string_view reference) const {
    const std::string lower = internal::AsciiLower(reference);
    std::string best;
    for (const auto& [table, unused] : tables) {
      if (lower.size() > table.size() && lower.compare(0, table.size(), table) == 0 &&
          lower[table.size()] == '.' && table.size() > best.size()) {
        best = table;
      }
    }
    return best;
  }
};

class Auditor {
 public:
  Auditor(const ScanResult& scan, const Policy* policy, const AuditOptions& options)
      : scan_(scan), policy_(policy), options_(options), index_(scan) {
    if (policy_ == nullptr) return;
    for (const Purpose& purpose : policy_->purposes) {
      for (const std::string& column : purpose.columns) {
        purposes_of_[internal::AsciiLower(column)].push_back(&purpose);
      }
    }
    for (const Retention& r : policy_->retention) retention_.insert(internal::AsciiLower(r.table));
    for (const TableMinimization& t : policy_->minimize) {
      for (const ColumnMinimization& c : t.columns) {
        minimization_[internal::AsciiLower(t.table + "." + c.column)] = c.action;
      }
    }
  }

  AuditResult Run() {
    for (const ColumnResult& c : scan_.columns) {
      if (!c.personal) continue;
      CheckPurpose(c);
      CheckSpecialCategory(c);
      CheckAnalytics(c);
      CheckFreeText(c);
      CheckInClear(c);
    }
    CheckRetention();
    CheckQuasiIdentifiers();
    if (policy_ != nullptr) CheckDrift();
    ApplySuppressions();
    for (Finding& f : findings_) f.fingerprint = FindingFingerprint(f);
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      if (a.severity != b.severity) return a.severity > b.severity;
      if (a.rule != b.rule) return a.rule < b.rule;
      if (a.target != b.target) return a.target < b.target;
      return a.discriminator < b.discriminator;
    });
    return AuditResult{std::move(findings_)};
  }

 private:
  Finding& Add(std::string_view rule_id, std::string target, std::string message,
               SourceLocation location) {
    const Rule* rule = FindRule(rule_id);
    Finding f;
    f.rule = std::string(rule_id);
    f.severity = rule != nullptr ? rule->severity : Severity::kMedium;
    f.target = std::move(target);
    f.message = std::move(message);
    f.location = std::move(location);
    findings_.push_back(std::move(f));
    return findings_.back();
  }

  const std::vector<const Purpose*>& PurposesOf(const ColumnResult& c) const {
    static const std::vector<const Purpose*> kNone;
    const auto it = purposes_of_.find(internal::AsciiLower(c.table + "." + c.column));
    return it == purposes_of_.end() ? kNone : it->second;
  }

  void CheckPurpose(const ColumnResult& c) {
    if (!PurposesOf(c).empty()) return;
    Add(kRuleNoDeclaredPurpose, c.table + "." + c.column,
        fmt::format("{} is personal data that no declared purpose needs{}", Describe(c),
                    policy_ == nullptr ? " (no policy given)" : ""),
        c.location);
  }

  void CheckSpecialCategory(const ColumnResult& c) {
    if (c.category != Category::kSpecialCategory) return;
    const auto& purposes = PurposesOf(c);
    std::vector<std::string> without;
    for (const Purpose* p : purposes) {
      if (p->special_category_condition) return;  // one purpose with a condition covers it
      without.push_back(p->name);
    }
    Add(kRuleSpecialCategoryWithoutCondition, c.table + "." + c.column,
        purposes.empty()
            ? fmt::format("{} is special-category data with no purpose and no Art. 9(2) condition",
                          Describe(c))
            : fmt::format("{} is special-category data; its purposes ({}) declare no Art. 9(2) "
                          "condition",
                          Describe(c), Join(without, ", ")),
        c.location);
  }

  void CheckAnalytics(const ColumnResult& c) {
    if (!IsDirectIdentifierForAnalytics(c)) return;
    const auto action = minimization_.find(internal::AsciiLower(c.table + "." + c.column));
    if (action != minimization_.end() && (action->second == MinimizeAction::kPseudonymize ||
                                          action->second == MinimizeAction::kDrop)) {
      return;  // the policy already replaces or removes it
    }
    std::string why;
    if (NameHasAnalyticsWord(c.table)) {
      why = fmt::format("table {} is an analytics/feature table", c.table);
    } else {
      for (const Purpose* p : PurposesOf(c)) {
        if (NameHasAnalyticsWord(p->name)) {
          why = fmt::format("it serves the purpose {}", p->name);
          break;
        }
      }
    }
    if (why.empty()) return;
    Add(kRuleDirectIdentifierInAnalytics, c.table + "." + c.column,
        fmt::format("{} is a direct identifier where a pseudonym would do: {}", Describe(c), why),
        c.location);
  }

  void CheckFreeText(const ColumnResult& c) {
    if (c.entity != Entity::kFreeTextWithPii) return;
    std::string evidence;
    for (const Evidence& e : c.evidence) {
      if (e.kind == "values") evidence = e.detail;
    }
    Add(kRuleFreeTextPersonalData, c.table + "." + c.column,
        fmt::format("free-text column {} holds personal data{}", c.table + "." + c.column,
                    evidence.empty() ? "" : ": " + evidence),
        c.location);
  }

  void CheckInClear(const ColumnResult& c) {
    if (!IsIdentifierKeptInClearKind(c.entity) || LooksProtected(c)) return;
    // Sampled values that do not validate are not clear-text identifiers (tokens, ciphertext).
    if (c.values_sampled >= 5 && c.values_matched == 0) return;
    Add(kRuleIdentifierInClear, c.table + "." + c.column,
        c.values_matched > 0
            ? fmt::format("{} stores {} in clear: {} of {} sampled values are valid", Describe(c),
                          EntityName(c.entity), c.values_matched, c.values_sampled)
            : fmt::format("{} stores {} with no sign of tokenization, hashing or encryption in "
                          "its name or type",
                          Describe(c), EntityName(c.entity)),
        c.location);
  }

  void CheckRetention() {
    std::set<std::string> reported;
    for (const ColumnResult& c : scan_.columns) {
      if (!c.personal || retention_.count(internal::AsciiLower(c.table)) != 0) continue;
      if (!reported.insert(internal::AsciiLower(c.table)).second) continue;
      std::size_t personal = 0;
      for (const ColumnResult* other : index_.tables.at(internal::AsciiLower(c.table))) {
        if (other->personal) ++personal;
      }
      SourceLocation where = index_.TableLocation(c);
      Add(kRuleNoRetentionPeriod, c.table,
          fmt::format("table {} holds {} personal column{} and has no retention period{}", c.table,
                      personal, personal == 1 ? "" : "s",
                      policy_ == nullptr ? " (no policy given)" : ""),
          where);
    }
  }

  // One quasi-identifier set to test on the sampled rows of one table.
  struct QiCheck {
    std::string table;
    std::vector<std::string> columns;
    std::int64_t k = 0;
    std::optional<std::string> sensitive;
    std::int64_t l = 0;
    SourceLocation location;  // where to point: the table's declaration
    bool from_policy = false;
  };

  void CheckQuasiIdentifiers() {
    std::vector<QiCheck> checks;
    std::set<std::string> declared_tables;
    if (policy_ != nullptr) {
      for (const QuasiIdentifierSet& set : policy_->quasi_identifiers) {
        declared_tables.insert(internal::AsciiLower(set.table));
        QiCheck check{.table = set.table,
                      .columns = set.columns,
                      .k = set.k,
                      .sensitive = set.sensitive,
                      .l = set.sensitive ? set.l.value_or(options_.default_l) : 0,
                      .location = set.location,
                      .from_policy = true};
        checks.push_back(std::move(check));
      }
    }
    // Tables the policy says nothing about: the quasi-identifiers the scanner found.
    for (const auto& [table, columns] : index_.tables) {
      if (declared_tables.count(table) != 0) continue;
      QiCheck check{.table = columns.front()->table, .k = options_.default_k};
      for (const ColumnResult* c : columns) {
        if (c->category != Category::kQuasiIdentifier || c->column.find('.') != std::string::npos)
          continue;
        if (check.columns.empty()) check.location = index_.TableLocation(*c);
        check.columns.push_back(c->column);
      }
      if (check.columns.size() >= 2) checks.push_back(std::move(check));
    }
    const RowSampler default_sampler;
    const RowSampler& sampler =
        options_.row_sampler != nullptr ? *options_.row_sampler : default_sampler;
    for (QiCheck& check : checks) RunQiCheck(check, sampler);
  }

  void RunQiCheck(QiCheck& check, const RowSampler& sampler) {
    const auto table_it = index_.tables.find(internal::AsciiLower(check.table));
    if (table_it == index_.tables.end()) return;  // not scanned (drift reports a policy's own)
    const ColumnResult& first = *table_it->second.front();
    std::vector<std::string> wanted = check.columns;
    if (check.sensitive) wanted.push_back(*check.sensitive);
    const std::optional<SampledRows> sample = sampler.Sample(first.source, first.table, wanted);
    if (!sample || sample->rows.empty()) return;  // schema only, or columns missing (drift)
    // The finding is about the table's rows: point at the table in the schema, not at the policy.
    if (check.from_policy) check.location = index_.TableLocation(first);
    KAnonymityCounter counter(check.sensitive.has_value());
    std::vector<std::string_view> key(check.columns.size());
    for (const auto& row : sample->rows) {
      for (std::size_t i = 0; i < check.columns.size(); ++i) key[i] = row[i];
      counter.Add(key, check.sensitive ? std::string_view(row.back()) : std::string_view());
    }
    const KAnonymityResult k = counter.Result(check.k);
    const std::string columns = Join(check.columns, ", ");
    const auto fill = [&](Finding& f, std::int64_t target) {
      f.discriminator = Join(check.columns, ",") + (check.sensitive ? "|" + *check.sensitive : "");
      f.columns = check.columns;
      f.sensitive = check.sensitive;
      f.rows_sampled = k.rows;
      f.smallest_class = k.smallest_class;
      f.classes_below = k.classes_below_k;
      f.rows_below = k.rows_below_k;
      f.target_value = target;
      f.achieved_l = k.l_diversity;
    };
    if (!k.satisfied()) {
      Finding& f = Add(
          kRuleKAnonymityBelowTarget, check.table,
          fmt::format("quasi-identifiers ({}) of {}: k = {} on {} sampled rows, below the target "
                      "k = {}{}; {} of {} equivalence classes ({} rows) are smaller than {}",
                      columns, check.table, k.smallest_class, k.rows, check.k,
                      check.from_policy ? "" : " (default: the policy declares no set)",
                      k.classes_below_k, k.classes, k.rows_below_k, check.k),
          check.location);
      fill(f, check.k);
    }
    if (check.sensitive && k.l_diversity < check.l) {
      Finding& f =
          Add(kRuleLDiversityBelowTarget, check.table,
              fmt::format("quasi-identifiers ({}) of {}: distinct l-diversity of {} is {} on {} "
                          "sampled rows, below the target l = {}",
                          columns, check.table, *check.sensitive, k.l_diversity, k.rows, check.l),
              check.location);
      fill(f, check.l);
    }
  }

  void Drift(const std::string& reference, std::string_view what, const SourceLocation& where) {
    const std::string table = index_.TableOf(reference);
    if (index_.columns.count(internal::AsciiLower(reference)) != 0) return;
    Add(kRulePolicyDrift, reference,
        table.empty() ? fmt::format("the policy's {} names {}, but no scanned source has its table",
                                    what, reference)
                      : fmt::format("the policy's {} names {}, but table {} has no such column",
                                    what, reference, index_.tables.at(table).front()->table),
        where);
  }

  void DriftTable(const std::string& table, std::string_view what, const SourceLocation& where) {
    if (index_.tables.count(internal::AsciiLower(table)) != 0) return;
    Add(kRulePolicyDrift, table,
        fmt::format("the policy's {} names table {}, but no scanned source has it", what, table),
        where);
  }

  void CheckDrift() {
    for (const Purpose& p : policy_->purposes) {
      for (const std::string& column : p.columns) {
        Drift(column, "purpose " + p.name, p.location);
      }
    }
    for (const Retention& r : policy_->retention) DriftTable(r.table, "retention", r.location);
    for (const QuasiIdentifierSet& set : policy_->quasi_identifiers) {
      if (index_.tables.count(internal::AsciiLower(set.table)) == 0) {
        DriftTable(set.table, "quasi-identifier set", set.location);
        continue;
      }
      std::vector<std::string> columns = set.columns;
      if (set.sensitive) columns.push_back(*set.sensitive);
      for (const std::string& column : columns) {
        Drift(set.table + "." + column, "quasi-identifier set", set.location);
      }
    }
    for (const TableMinimization& t : policy_->minimize) {
      if (index_.tables.count(internal::AsciiLower(t.table)) == 0) {
        DriftTable(t.table, "minimize section", t.location);
        continue;
      }
      for (const ColumnMinimization& c : t.columns) {
        // Dropping a column that is gone is already satisfied (minimize is idempotent there).
        if (c.action == MinimizeAction::kDrop) continue;
        Drift(t.table + "." + c.column, "minimize section", c.location);
      }
    }
    for (const Suppression& s : policy_->suppressions) {
      if (FindRule(s.rule) == nullptr) {
        Add(kRulePolicyDrift, s.target,
            fmt::format("a suppression names the rule '{}', which does not exist", s.rule),
            s.location);
      }
    }
  }

  void ApplySuppressions() {
    if (policy_ == nullptr) return;
    const CalendarDate today = options_.today.value_or(CurrentUtcDate());
    std::vector<Finding> expired;
    for (const Suppression& s : policy_->suppressions) {
      const bool active = s.expires >= today;
      if (!active) {
        Finding f;
        f.rule = std::string(kRuleExpiredSuppression);
        f.severity = FindRule(kRuleExpiredSuppression)->severity;
        f.target = s.target;
        f.discriminator = s.rule;
        f.message = fmt::format(
            "the suppression of {} for {} expired on {} and no longer applies (reason given: {})",
            s.rule, s.target, s.expires.ToString(), s.reason);
        f.location = s.location;
        expired.push_back(std::move(f));
        continue;
      }
      for (Finding& f : findings_) {
        if (f.suppressed || f.rule != s.rule ||
            internal::AsciiLower(f.target) != internal::AsciiLower(s.target))
          continue;
        f.suppressed = true;
        f.suppression_reason = s.reason;
        f.suppression_expires = s.expires;
      }
    }
    for (Finding& f : expired) findings_.push_back(std::move(f));
  }

  const ScanResult& scan_;
  const Policy* policy_;
  const AuditOptions& options_;
  ScanIndex index_;
  std::map<std::string, std::vector<const Purpose*>> purposes_of_;
  std::set<std::string> retention_;
  std::map<std::string, MinimizeAction> minimization_;
  std::vector<Finding> findings_;
};

}  // namespace

std::size_t AuditResult::ActiveCount() const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(),
                    [](const Finding& f) { return !f.suppressed && !f.in_baseline; }));
}

std::size_t AuditResult::CountAtLeast(Severity threshold) const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) {
        return !f.suppressed && !f.in_baseline && f.severity >= threshold;
      }));
}

std::string FindingFingerprint(const Finding& finding) {
  const std::string file = std::filesystem::path(finding.location.file).filename().string();
  const std::string text = finding.rule + '\n' + internal::AsciiLower(finding.target) + '\n' +
                           finding.discriminator + '\n' + file;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < 16 && i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

AuditResult RunAudit(const ScanResult& scan, const Policy* policy, const AuditOptions& options) {
  if (options.default_k < 1) {
    throw InvalidArgumentError("the default k must be at least 1", {.field = "default_k"});
  }
  if (options.default_l < 1) {
    throw InvalidArgumentError("the default l must be at least 1", {.field = "default_l"});
  }
  return Auditor(scan, policy, options).Run();
}

}  // namespace rampart::compliance
