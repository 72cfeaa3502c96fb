#include <algorithm>
#include <charconv>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <rampart/common/error.h>
#include <rampart/compliance/identifier_tokens.h>
#include <rampart/compliance/name_classifier.h>

#include "embedded_data.h"
#include "text_util.h"

namespace rampart::compliance {

struct DictionaryEntry {
  Entity entity = Entity::kNone;
  std::string subtype;
  double weight = 0.85;
  bool weak = false;          // a business context turns it off
  bool needs_person = false;  // needs a person context (customers.id)
  std::string language;
  std::string phrase;
};

struct NameClassifier::Data {
  std::unordered_map<std::string, DictionaryEntry> phrases;
  std::vector<std::pair<std::string, DictionaryEntry>> suffixes;  // "*strasse"
  std::unordered_map<std::string, std::vector<std::string>> abbreviations;
  std::unordered_map<std::string, std::string> modifiers;  // token -> kind
  std::unordered_map<std::string, std::string> context;    // token -> person|business
  std::size_t max_phrase_tokens = 1;
};

namespace {

constexpr std::size_t kMaxPhrase = 5;

// Latin-1 supplement (U+00C0..U+00FF) folded to ASCII, both cases.
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "x", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "/", "o", "u", "u", "u", "u", "y", "th", "y"};

// Lookup key: "staatsangehoerigkeit" and "staatsangehörigkeit" (folded to "o") must meet, so the
// German transliterations ae/oe/ue collapse to a/o/u on both sides of every lookup.
std::string CanonicalKey(std::string_view folded) {
  std::string out;
  out.reserve(folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    out.push_back(folded[i]);
    if (i + 1 < folded.size() && folded[i + 1] == 'e' &&
        (folded[i] == 'a' || folded[i] == 'o' || folded[i] == 'u'))
      ++i;
  }
  return out;
}

std::vector<std::string> SplitFields(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.emplace_back(internal::Trim(line.substr(start, tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (const char c : text) {
    const bool word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word_char) {
      current.push_back(c);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::vector<std::string> ProseWords(std::string_view text) {
  std::vector<std::string> words = Words(FoldText(text));
  for (std::string& w : words) w = CanonicalKey(w);
  return words;
}

std::string Join(const std::vector<std::string>& tokens, std::size_t begin, std::size_t count) {
  std::string out;
  for (std::size_t i = begin; i < begin + count; ++i) {
    if (i > begin) out += ' ';
    out += tokens[i];
  }
  return out;
}

bool IsDateEntity(Entity e) {
  return e == Entity::kDateOfBirth || e == Entity::kEmploymentDate || e == Entity::kCardExpiry;
}

bool IsHashableIdentifier(Entity e) {
  switch (e) {
    case Entity::kEmail:
    case Entity::kPhone:
    case Entity::kPersonName:
    case Entity::kNationalId:
    case Entity::kPassport:
    case Entity::kTaxId:
    case Entity::kAccountId:
    case Entity::kCreditCard:
    case Entity::kIban:
    case Entity::kBankAccount:
    case Entity::kIpAddress:
    case Entity::kDeviceId:
    case Entity::kUsername:
    case Entity::kPostalAddress:
      return true;
    default:
      return false;
  }
}

struct Match {
  const DictionaryEntry* entry = nullptr;
  std::size_t start = 0;
  std::size_t length = 0;
};

}  // namespace

std::string FoldText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        out += kLatin1Fold[next - 0x80];
        ++i;
        continue;
      }
    }
    if (c == 0xC5 && i + 1 < text.size()) {  // œ Œ š Š ž Ž ł Ł
      const auto next = static_cast<unsigned char>(text[i + 1]);
      const char* folded = next == 0x92 || next == 0x93   ? "oe"
                           : next == 0xA0 || next == 0xA1 ? "s"
                           : next == 0xBD || next == 0xBE ? "z"
                           : next == 0x81 || next == 0x82 ? "l"
                                                          : nullptr;
      if (folded != nullptr) {
        out += folded;
        ++i;
        continue;
      }
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  return out;
}

NameClassifier::NameClassifier(std::unique_ptr<Data> data) : data_(std::move(data)) {}
NameClassifier::NameClassifier(NameClassifier&&) noexcept = default;
NameClassifier& NameClassifier::operator=(NameClassifier&&) noexcept = default;
NameClassifier::~NameClassifier() = default;

NameClassifier NameClassifier::FromFiles(const std::map<std::string, std::string>& files) {
  auto data = std::make_unique<Data>();
  for (const auto& [name, text] : files) {
    std::int64_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string_view line =
          internal::Trim(std::string_view(text).substr(start, end - start));
      start = end + 1;
      ++line_number;
      if (line.empty() || line[0] == '#') continue;
      const std::vector<std::string> fields = SplitFields(line);
      const SourceLocation where{.file = "compliance/data/" + name, .line = line_number};
      if (fields.size() < 2) throw InputError("expected two tab-separated fields", where);
      const std::string key = CanonicalKey(FoldText(fields[0]));
      if (name.rfind("names_", 0) == 0) {
        DictionaryEntry entry;
        const auto entity = ParseEntity(fields[1]);
        if (!entity) throw InputError("unknown entity \"" + fields[1] + "\"", where);
        entry.entity = *entity;
        entry.language = name.substr(6, name.find('.') - 6);
        entry.phrase = key;
        if (fields.size() > 2) {
          std::size_t flag_start = 0;
          const std::string& flags = fields[2];
          while (flag_start <= flags.size()) {
            std::size_t comma = flags.find(',', flag_start);
            if (comma == std::string::npos) comma = flags.size();
            const std::string flag = flags.substr(flag_start, comma - flag_start);
            flag_start = comma + 1;
            if (flag == "weak") {
              entry.weak = true;
            } else if (flag == "person") {
              entry.needs_person = true;
            } else if (flag.rfind("sub:", 0) == 0) {
              entry.subtype = flag.substr(4);
            } else if (flag.rfind("w:", 0) == 0) {
              const std::string number = flag.substr(2);
              const auto [parsed_end, ec] =
                  std::from_chars(number.data(), number.data() + number.size(), entry.weight);
              if (ec != std::errc() || parsed_end != number.data() + number.size() ||
                  entry.weight <= 0.0 || entry.weight > 1.0)
                throw InputError("weight must be a number in (0, 1]", where);
            } else if (!flag.empty()) {
              throw InputError("unknown flag \"" + flag + "\"", where);
            }
          }
        }
        if (key.size() > 1 && key[0] == '*') {
          entry.phrase = key.substr(1);
          data->suffixes.emplace_back(key.substr(1), entry);
        } else {
          const std::size_t tokens =
              static_cast<std::size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
          data->max_phrase_tokens = std::max(data->max_phrase_tokens, std::min(tokens, kMaxPhrase));
          data->phrases.emplace(key, entry);  // the first language listing a phrase keeps it
        }
      } else if (name == "abbreviations.tsv") {
        std::vector<std::string> expansion = Words(FoldText(fields[1]));
        for (std::string& w : expansion) w = CanonicalKey(w);
        data->abbreviations[key] = std::move(expansion);
      } else if (name == "modifiers.tsv") {
        data->modifiers[key] = fields[1];
      } else if (name == "context.tsv") {
        if (fields[1] != "person" && fields[1] != "business")
          throw InputError("context must be person or business", where);
        data->context[key] = fields[1];
      }
    }
  }
  return NameClassifier(std::move(data));
}

const NameClassifier& NameClassifier::Default() {
  static const NameClassifier instance = [] {
    std::map<std::string, std::string> files;
    // English first: the first language listing a phrase owns it.
    for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
      files.emplace(std::string(internal::kEmbeddedFiles[i].name),
                    std::string(internal::kEmbeddedFiles[i].text));
    }
    return FromFiles(files);
  }();
  return instance;
}

std::vector<std::string> NameClassifier::Normalize(std::string_view identifier) const {
  std::vector<std::string> tokens;
  for (const std::string& raw : SplitIdentifier(identifier)) {
    const std::string token = CanonicalKey(FoldText(raw));
    const auto abbreviation = data_->abbreviations.find(token);
    if (abbreviation != data_->abbreviations.end()) {
      tokens.insert(tokens.end(), abbreviation->second.begin(), abbreviation->second.end());
    } else {
      tokens.push_back(token);
    }
  }
  return tokens;
}

NameEvidence NameClassifier::Classify(const NameContext& context) const {
  const Data& d = *data_;
  auto lookup = [&](const std::string& phrase) -> const DictionaryEntry* {
    auto it = d.phrases.find(phrase);
    if (it != d.phrases.end()) return &it->second;
    // Plurals: "emails", "addresses", "diagnoses" (only for the last word of the phrase).
    for (const std::string_view suffix : {"s", "es"}) {
      if (phrase.size() > suffix.size() + 2 && phrase.ends_with(suffix)) {
        it = d.phrases.find(phrase.substr(0, phrase.size() - suffix.size()));
        if (it != d.phrases.end()) return &it->second;
      }
    }
    return nullptr;
  };
  auto find_matches = [&](const std::vector<std::string>& tokens) {
    std::vector<Match> matches;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      for (std::size_t len = std::min(d.max_phrase_tokens, tokens.size() - i); len >= 1; --len) {
        if (const DictionaryEntry* e = lookup(Join(tokens, i, len))) {
          matches.push_back({e, i, len});
          break;
        }
      }
      if (d.phrases.count(tokens[i]) == 0) {
        for (const auto& [suffix, entry] : d.suffixes) {
          if (tokens[i].size() > suffix.size() && tokens[i].ends_with(suffix)) {
            matches.push_back({&entry, i, 1});
            break;
          }
        }
      }
    }
    return matches;
  };

  // Nested paths ("home_address.city"): the leaf decides, the parents are context.
  const std::string_view leaf = context.column.substr(context.column.rfind('.') + 1);
  const std::vector<std::string> column_tokens = Normalize(leaf);
  // Only the table's own name is context: a schema called "shop" does not make its customers
  // a business.
  std::vector<std::string> table_tokens =
      Normalize(context.table.substr(context.table.rfind('.') + 1));
  std::vector<std::string> path_tokens;
  if (leaf.size() < context.column.size()) {
    path_tokens = Normalize(context.column.substr(0, context.column.size() - leaf.size() - 1));
    table_tokens.insert(table_tokens.end(), path_tokens.begin(), path_tokens.end());
  }
  for (const std::string& w : ProseWords(context.table_comment)) table_tokens.push_back(w);
  auto context_of = [&](const std::string& token) -> std::string {
    auto it = d.context.find(token);
    if (it == d.context.end() && token.size() > 3 && token.back() == 's')
      it = d.context.find(token.substr(0, token.size() - 1));
    return it == d.context.end() ? std::string() : it->second;
  };

  // Evaluates one match against the other tokens: negation, business and person context.
  auto evaluate = [&](const Match& m, const std::vector<std::string>& tokens,
                      const std::string& source) {
    NameEvidence evidence;
    evidence.source = source;
    const DictionaryEntry& e = *m.entry;
    bool column_person = false;
    bool column_business = false;
    bool hashed = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i >= m.start && i < m.start + m.length) continue;
      const auto mod = d.modifiers.find(tokens[i]);
      if (mod != d.modifiers.end()) {
        if (mod->second == "hash") {
          hashed = true;
        } else if (source == "comment" &&
                   (mod->second == "when" || mod->second == "flag" || mod->second == "ref")) {
          // Prose is full of "at", "is", "type": only strong modifiers count in comments.
        } else if (!(mod->second == "when" && IsDateEntity(e.entity))) {
          evidence.negated_by.push_back(tokens[i] + ": " + mod->second);
        }
      }
      const std::string ctx = context_of(tokens[i]);
      if (ctx == "person") {
        column_person = true;
        if (std::find(evidence.context.begin(), evidence.context.end(), tokens[i]) ==
            evidence.context.end())
          evidence.context.push_back(tokens[i]);
      }
      if (ctx == "business") column_business = true;
    }
    bool table_person = false;
    bool table_business = false;
    for (const std::string& t : table_tokens) {
      const std::string ctx = context_of(t);
      if (ctx == "person" && !column_business) {
        table_person = true;
        if (std::find(evidence.context.begin(), evidence.context.end(), t) ==
            evidence.context.end())
          evidence.context.push_back(t);
      }
      if (ctx == "business") table_business = true;
    }
    const bool person = column_person || table_person;
    if (e.weak && (column_business || (table_business && !column_person))) {
      evidence.negated_by.push_back(std::string(column_business ? "column" : "table") +
                                    " names a business entity, not a person");
    }
    // A generic word (id, number, title) is a person's only when the column says whose it is
    // (customer_id), or when it is the whole column of a person table (users.id): order_id in
    // a customers table is the order's.
    const bool whole_column = m.length == tokens.size();
    if (e.needs_person && (column_business || !(column_person || (table_person && whole_column))))
      return std::optional<NameEvidence>();
    evidence.matched = e.phrase;
    evidence.language = e.language;
    if (!evidence.negated_by.empty()) {
      evidence.negated_match = e.phrase;
      evidence.matched.clear();
      return std::optional<NameEvidence>(evidence);
    }
    evidence.entity = e.entity;
    evidence.subtype = e.subtype;
    evidence.weight = e.weight;
    if (e.weak && person) evidence.weight = std::min(0.95, evidence.weight + 0.15);
    if (hashed && IsHashableIdentifier(e.entity)) {
      evidence.entity = Entity::kHashedIdentifier;
      evidence.subtype = std::string(EntityName(e.entity));
    }
    if (source == "comment") evidence.weight *= 0.8;
    return std::optional<NameEvidence>(evidence);
  };

  auto best_of = [&](const std::vector<std::string>& tokens, const std::string& source) {
    std::vector<Match> matches = find_matches(tokens);
    // Longest phrase first, then the rightmost (the head of an English compound), then weight.
    std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
      if (a.length != b.length) return a.length > b.length;
      if (a.start != b.start) return a.start > b.start;
      return a.entry->weight > b.entry->weight;
    });
    std::optional<NameEvidence> negative;
    for (const Match& m : matches) {
      std::optional<NameEvidence> e = evaluate(m, tokens, source);
      if (!e) continue;
      if (e->entity != Entity::kNone) return *e;
      if (!negative) negative = e;
    }
    return negative.value_or(NameEvidence{});
  };

  NameEvidence from_column = best_of(column_tokens, "column");
  if (from_column.entity == Entity::kNone && from_column.negated_by.empty() &&
      !path_tokens.empty()) {
    // "salary.amount": the leaf says nothing, the whole path does.
    std::vector<std::string> full = path_tokens;
    full.insert(full.end(), column_tokens.begin(), column_tokens.end());
    table_tokens.resize(table_tokens.size() - path_tokens.size());
    from_column = best_of(full, "column");
  }
  if (from_column.entity != Entity::kNone || !from_column.negated_by.empty()) {
    if (from_column.entity != Entity::kNone && !context.comment.empty()) {
      const NameEvidence from_comment = best_of(ProseWords(context.comment), "comment");
      if (from_comment.entity == from_column.entity) {
        from_column.weight = 1.0 - (1.0 - from_column.weight) * (1.0 - from_comment.weight);
        from_column.source = "column+comment";
      }
    }
    return from_column;
  }
  if (!context.comment.empty()) {
    NameEvidence from_comment = best_of(ProseWords(context.comment), "comment");
    if (from_comment.entity != Entity::kNone || !from_comment.negated_by.empty())
      return from_comment;
  }
  return from_column;
}

}  // namespace rampart::compliance
