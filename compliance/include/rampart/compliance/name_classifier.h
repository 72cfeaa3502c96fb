// Classifies a column by its name, its table and its comments: identifiers are split (snake,
// camel, kebab, digits), accents folded, abbreviations expanded (dob, ssn, fname, ph_no, e_mail,
// addr, zip, ...) and looked up in dictionaries for English, German, French, Spanish, Italian,
// Dutch and Portuguese (data files under compliance/data/, embedded at build time). Negative
// evidence turns a match off: `email_sent`, `address_count`, `zip_file_path`,
// `ip_allowlist_version`, or a business table (`products.name`, `warehouses.city`).
//
//   const NameClassifier& names = NameClassifier::Default();
//   NameEvidence e = names.Classify({.table = "crm.customers", .column = "ph_no"});
//   // e.entity == Entity::kPhone, e.matched == "phone number", e.language == "en"
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rampart/compliance/entities.h>

namespace rampart::compliance {

struct NameContext {
  std::string_view table;          // "crm.customers"
  std::string_view column;         // name or dotted path ("address.zip")
  std::string_view comment;        // column comment / description
  std::string_view table_comment;  // adds person/business context only
};

struct NameEvidence {
  Entity entity = Entity::kNone;
  std::string subtype;
  double weight = 0.0;   // strength of the evidence in [0, 1]
  std::string matched;   // the dictionary phrase that matched ("date of birth")
  std::string language;  // dictionary it came from ("en", "de", ...)
  std::string source;    // "column", "comment" or "table"
  // Why a match was turned off ("sent: event", "warehouses: business table"); entity is kNone.
  std::vector<std::string> negated_by;
  std::string negated_match;         // the phrase that was turned off
  std::vector<std::string> context;  // person-context words that supported a weak match
};

class NameClassifier {
 public:
  // The classifier over the embedded dictionaries (built once, thread-safe to share).
  static const NameClassifier& Default();
  // A classifier over data files given by name ("names_en.tsv" -> text), for tests and custom
  // dictionaries. Throws InputError (file:line) on a malformed line.
  static NameClassifier FromFiles(const std::map<std::string, std::string>& files);

  // Lowercase, accent-folded, abbreviation-expanded tokens of an identifier.
  [[nodiscard]] std::vector<std::string> Normalize(std::string_view identifier) const;
  [[nodiscard]] NameEvidence Classify(const NameContext& context) const;

  NameClassifier(NameClassifier&&) noexcept;
  NameClassifier& operator=(NameClassifier&&) noexcept;
  ~NameClassifier();

 private:
  struct Data;
  explicit NameClassifier(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

// Folds accents of Latin letters in UTF-8 text (é -> e, ß -> ss, æ -> ae) and lowercases ASCII.
[[nodiscard]] std::string FoldText(std::string_view text);

}  // namespace rampart::compliance
