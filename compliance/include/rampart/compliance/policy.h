// The compliance policy file (DESIGN.md, "Compliance policy file"): processing purposes with their
// GDPR legal grounds, retention periods, quasi-identifier sets with their k, the minimization
// action per column, and accepted findings. YAML, or JSON (which is YAML).
//
//   rampart::compliance::Policy policy = rampart::compliance::LoadPolicy("policy.yaml");
//   for (const auto& purpose : policy.purposes) Use(purpose.name, purpose.lawful_basis);
//   if (const auto* table = policy.FindMinimization("people")) ...
//
// Everything is validated here, once: a Policy that was returned is well-formed. Every error is an
// InputError located at file:line:column (1-based) of the offending YAML node, so that a typo in
// a 300-line policy is found at once instead of silently disabling a rule.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/common/error.h>

namespace rampart::compliance {

// GDPR Art. 6(1)(a)-(f).
enum class LawfulBasis {
  kConsent,              // (a)
  kContract,             // (b)
  kLegalObligation,      // (c)
  kVitalInterests,       // (d)
  kPublicTask,           // (e)
  kLegitimateInterests,  // (f)
};

// GDPR Art. 9(2)(a)-(j): the conditions under which special-category data may be processed.
enum class SpecialCategoryCondition {
  kExplicitConsent,              // (a)
  kEmploymentSocialSecurity,     // (b)
  kVitalInterests,               // (c)
  kNotForProfitBody,             // (d)
  kMadePublicByDataSubject,      // (e)
  kLegalClaims,                  // (f)
  kSubstantialPublicInterest,    // (g)
  kHealthOrSocialCare,           // (h)
  kPublicHealth,                 // (i)
  kArchivingResearchStatistics,  // (j)
};

// Policy spellings: "consent", "contract", "legal_obligation", "vital_interests", "public_task",
// "legitimate_interests".
[[nodiscard]] std::string_view LawfulBasisName(LawfulBasis basis);
[[nodiscard]] std::optional<LawfulBasis> ParseLawfulBasis(std::string_view name);
// Policy spellings: "explicit_consent", "employment_social_security", "vital_interests",
// "not_for_profit_body", "made_public_by_data_subject", "legal_claims",
// "substantial_public_interest", "health_or_social_care", "public_health",
// "archiving_research_statistics"; the point letters "a".."j" are accepted too.
[[nodiscard]] std::string_view SpecialCategoryConditionName(SpecialCategoryCondition condition);
[[nodiscard]] std::optional<SpecialCategoryCondition> ParseSpecialCategoryCondition(
    std::string_view name);
// "9(2)(a)" ... "9(2)(j)", for reports.
[[nodiscard]] std::string SpecialCategoryConditionArticle(SpecialCategoryCondition condition);

// An ISO 8601 duration "PnYnMnWnDTnHnMnS" (at least one part; fractional seconds allowed).
struct IsoDuration {
  std::int64_t years = 0;
  std::int64_t months = 0;
  std::int64_t weeks = 0;
  std::int64_t days = 0;
  std::int64_t hours = 0;
  std::int64_t minutes = 0;
  double seconds = 0.0;
  std::string text;  // as written

  // Length in days with 365.2425-day years and 30.436875-day months (the Gregorian averages):
  // for comparing periods, not for calendar arithmetic.
  [[nodiscard]] double ApproximateDays() const;
};

// Parses an ISO 8601 duration; std::nullopt if `text` is not one.
[[nodiscard]] std::optional<IsoDuration> ParseIsoDuration(std::string_view text);

// A calendar date (proleptic Gregorian), as in `expires: 2027-06-30`.
struct CalendarDate {
  int year = 0;
  int month = 0;
  int day = 0;

  // clang-tidy 14 reports the defaulted <=> as a literal 0 comparison.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend auto operator<=>(const CalendarDate&, const CalendarDate&) = default;
  [[nodiscard]] std::string ToString() const;  // YYYY-MM-DD
};

// Parses YYYY-MM-DD, checking the day exists (leap years included); std::nullopt otherwise.
[[nodiscard]] std::optional<CalendarDate> ParseCalendarDate(std::string_view text);

struct Purpose {
  std::string name;
  LawfulBasis lawful_basis = LawfulBasis::kConsent;
  std::optional<SpecialCategoryCondition> special_category_condition;
  std::vector<std::string> columns;  // "table.column" (table may be schema-qualified)
  SourceLocation location;
};

struct Retention {
  std::string table;
  IsoDuration period;
  SourceLocation location;
};

struct QuasiIdentifierSet {
  std::string table;
  std::vector<std::string> columns;
  std::int64_t k = 0;                    // >= 1
  std::optional<std::string> sensitive;  // column for l-diversity
  std::optional<std::int64_t> l;         // minimum distinct sensitive values per class (>= 1)
  SourceLocation location;
};

enum class MinimizeAction { kPseudonymize, kGeneralize, kMask, kDrop, kSuppress };

// "pseudonymize", "generalize", "mask", "drop", "suppress".
[[nodiscard]] std::string_view MinimizeActionName(MinimizeAction action);

// `to:` of a generalize action.
struct Generalization {
  enum class Kind {
    kYear,    // dates to YYYY
    kMonth,   // dates to YYYY-MM
    kBand,    // numbers to "lo-hi" bands of `parameter` (integer width, e.g. ages 30-39)
    kPrefix,  // the first `parameter` characters (postcodes)
    kRound,   // numbers rounded to `parameter` decimals (coordinates)
  };
  Kind kind = Kind::kYear;
  std::int64_t parameter = 0;

  // "year", "month", "band:10", "prefix:3", "round:2".
  [[nodiscard]] std::string ToString() const;
};

// Parses the `to:` text; std::nullopt if it is not one of the forms above with a valid parameter
// (band width >= 1, prefix >= 0, round 0..15).
[[nodiscard]] std::optional<Generalization> ParseGeneralization(std::string_view text);

struct ColumnMinimization {
  std::string column;
  MinimizeAction action = MinimizeAction::kDrop;
  // pseudonymize: exactly one of key_file (relative paths are resolved against the policy file's
  // directory) and key_env. The key itself is never held by the Policy.
  std::filesystem::path key_file;
  std::string key_env;
  Generalization generalization;  // generalize
  std::int64_t keep_last = 0;     // mask
  SourceLocation location;
};

struct TableMinimization {
  std::string table;
  std::vector<ColumnMinimization> columns;  // in policy order
  SourceLocation location;
};

struct Suppression {
  std::string rule;
  std::string target;
  std::string reason;  // required: an accepted finding must say why
  CalendarDate expires;
  SourceLocation location;
};

struct Policy {
  std::string source;  // the file name (for messages)
  std::vector<Purpose> purposes;
  std::vector<Retention> retention;
  std::vector<QuasiIdentifierSet> quasi_identifiers;
  std::vector<TableMinimization> minimize;
  std::vector<Suppression> suppressions;

  // nullptr when the policy has no `minimize` entry for `table`.
  [[nodiscard]] const TableMinimization* FindMinimization(std::string_view table) const;
  // The quasi-identifier sets declared for `table`, in policy order.
  [[nodiscard]] std::vector<const QuasiIdentifierSet*> QuasiIdentifiersOf(
      std::string_view table) const;
};

// Reads and validates a policy file. Throws NotFoundError if it does not exist and InputError
// (file:line:column) for anything malformed: YAML syntax, unknown keys, wrong types, unknown
// lawful bases, conditions or actions, bad durations or dates, suppressions without a reason.
[[nodiscard]] Policy LoadPolicy(const std::filesystem::path& file);

// The same from text; `source_name` is used in error locations and `base_directory` resolves
// relative key files.
[[nodiscard]] Policy ParsePolicy(std::string_view text, std::string source_name = "<policy>",
                                 const std::filesystem::path& base_directory = {});

}  // namespace rampart::compliance
