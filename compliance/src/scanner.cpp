#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include <rampart/compliance/csv_source.h>
#include <rampart/compliance/db_source.h>
#include <rampart/compliance/ddl_source.h>
#include <rampart/compliance/detectors.h>
#include <rampart/compliance/json_schema_source.h>
#include <rampart/compliance/name_classifier.h>
#include <rampart/compliance/scanner.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

namespace fs = std::filesystem;

// Entities whose values can be confirmed by a detector or validator.
bool HasValueCheck(Entity e) {
  switch (e) {
    case Entity::kEmail:
    case Entity::kPhone:
    case Entity::kCreditCard:
    case Entity::kIban:
    case Entity::kNationalId:
    case Entity::kTaxId:
    case Entity::kIpAddress:
    case Entity::kDeviceId:
    case Entity::kGeolocation:
    case Entity::kDateOfBirth:
    case Entity::kPostcode:
    case Entity::kCardExpiry:
    case Entity::kGender:
      return true;
    default:
      return false;
  }
}

// Values alone are enough for these (a column of valid IBANs is IBANs whatever its name);
// UUIDs, hashes and postcodes need the name to say what they are.
bool StrongByValues(Entity e) {
  switch (e) {
    case Entity::kEmail:
    case Entity::kPhone:
    case Entity::kCreditCard:
    case Entity::kIban:
    case Entity::kNationalId:
    case Entity::kTaxId:
    case Entity::kIpAddress:
    case Entity::kGeolocation:
      return true;
    default:
      return false;
  }
}

// Entities that a numeric or boolean column cannot hold (INT `*_email_count`).
bool NeedsText(Entity e) {
  return e == Entity::kEmail || e == Entity::kPersonName || e == Entity::kPostalAddress ||
         e == Entity::kCity || e == Entity::kUsername || e == Entity::kJobTitle;
}

bool IsBooleanType(const std::string& type) {
  const std::string t = internal::AsciiLower(type);
  return t == "boolean" || t == "bool" || t == "bit" || t == "tinyint(1)";
}

bool IsNumericType(const std::string& type) {
  const std::string t = internal::AsciiLower(type);
  static constexpr std::string_view kNumeric[] = {"int",     "integer",   "bigint", "smallint",
                                                  "serial",  "bigserial", "long",   "decimal",
                                                  "numeric", "real",      "double", "float"};
  return std::any_of(std::begin(kNumeric), std::end(kNumeric),
                     [&](std::string_view n) { return t.rfind(n, 0) == 0; });
}

bool IsGenderValue(const std::string& raw) {
  static const std::set<std::string> kValues = {
      "m",         "f",          "w",         "d",        "x",      "male",
      "female",    "man",        "woman",     "diverse",  "divers", "other",
      "nonbinary", "non-binary", "mannlich",  "weiblich", "homme",  "femme",
      "hombre",    "mujer",      "maschio",   "femmina",  "uomo",   "donna",
      "man",       "vrouw",      "masculino", "feminino", "mr",     "mrs",
      "ms",        "herr",       "frau",      "mme",      "sr",     "sra"};
  return kValues.count(FoldText(internal::Trim(raw))) != 0;
}

bool IsCoordinate(const std::string& raw) {
  const std::string_view v = internal::Trim(raw);
  const auto dot = v.find('.');
  if (dot == std::string_view::npos || v.size() - dot - 1 < 4) return false;
  try {
    const double x = std::stod(std::string(v));
    return std::fabs(x) <= 180.0;
  } catch (const std::exception&) {
    return false;
  }
}

struct ValueProfile {
  std::size_t n = 0;
  std::map<Entity, std::size_t> whole;          // values that are entirely one entity
  std::map<Entity, std::string> whole_subtype;  // most recent subtype per entity
  std::size_t dates = 0;
  std::size_t dates_with_time = 0;
  std::size_t birth_like = 0;  // plausible birth dates at ages 16..100
  std::set<int> years;
  std::size_t plausible_birth = 0;
  std::size_t postcodes = 0;
  std::size_t expiries = 0;
  std::size_t genders = 0;
  std::size_t coordinates = 0;
  std::size_t prose = 0;
  std::size_t prose_with_pii = 0;
  std::map<Entity, std::size_t> embedded;
};

ValueProfile Profile(const std::vector<std::string>& samples, const Date& reference) {
  ValueProfile p;
  ValueDetector detector;
  std::vector<Detection> found;
  for (const std::string& raw : samples) {
    const std::string_view value = internal::Trim(raw);
    if (value.empty()) continue;
    ++p.n;
    detector.Detect(value, found);
    std::set<Entity> whole_here;
    for (const Detection& d : found) {
      if (d.start == 0 && d.end == value.size()) {
        whole_here.insert(d.entity);
        p.whole_subtype[d.entity] = d.subtype;
      }
    }
    for (const Entity e : whole_here) ++p.whole[e];
    if (auto date = ParseDate(value)) {
      ++p.dates;
      if (date->has_time) ++p.dates_with_time;
      if (PlausibleBirthDate(*date, reference)) {
        ++p.plausible_birth;
        const int age = AgeInYears(*date, reference);
        if (age >= 16 && age <= 100) ++p.birth_like;
      }
      p.years.insert(date->year);
    }
    if (!PostcodeCountries(value).empty()) ++p.postcodes;
    if (CardExpiryValid(value)) ++p.expiries;
    if (IsGenderValue(std::string(value))) ++p.genders;
    if (IsCoordinate(std::string(value))) ++p.coordinates;
    const auto spaces = static_cast<std::size_t>(std::count(value.begin(), value.end(), ' '));
    if (value.size() >= 24 && spaces >= 3 && whole_here.empty()) {
      ++p.prose;
      std::set<Entity> embedded_here;
      for (const Detection& d : found) {
        const bool weak = d.entity == Entity::kHashedIdentifier || d.entity == Entity::kPostcode ||
                          (d.entity == Entity::kDeviceId && d.subtype == "uuid") ||
                          d.confidence < 0.5;
        if (!weak) embedded_here.insert(d.entity);
      }
      if (!embedded_here.empty()) ++p.prose_with_pii;
      for (const Entity e : embedded_here) ++p.embedded[e];
    }
  }
  return p;
}

// How many sampled values confirm `entity`.
std::size_t Confirming(const ValueProfile& p, Entity entity) {
  switch (entity) {
    case Entity::kDateOfBirth:
      return p.plausible_birth;
    case Entity::kPostcode:
      return p.postcodes;
    case Entity::kCardExpiry:
      return p.expiries;
    case Entity::kGender:
      return p.genders;
    case Entity::kGeolocation: {
      const auto it = p.whole.find(Entity::kGeolocation);
      return std::max(p.coordinates, it == p.whole.end() ? 0 : it->second);
    }
    default: {
      const auto it = p.whole.find(entity);
      return it == p.whole.end() ? 0 : it->second;
    }
  }
}

std::string Percent(std::size_t k, std::size_t n) {
  return fmt::format("{} of {} sampled values", k, n);
}

// Snaps a confidence to two decimals so reports are stable across platforms.
double Round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

}  // namespace

std::size_t ScanResult::PersonalCount() const {
  return static_cast<std::size_t>(std::count_if(columns.begin(), columns.end(),
                                                [](const ColumnResult& c) { return c.personal; }));
}

std::string RecommendationFor(Category category, Entity entity) {
  switch (category) {
    case Category::kSpecialCategory:
      return "Art. 9 special category: needs an Art. 9(2) condition for each purpose; restrict "
             "access, encrypt at rest, keep out of analytics exports";
    case Category::kSensitiveFinancial:
      if (entity == Entity::kCreditCard || entity == Entity::kCardExpiry)
        return "do not store card data outside a PCI DSS scope: tokenize with the payment "
               "provider, never keep CVV";
      return "restrict access and encrypt; pseudonymize (HMAC) where the value is only a key";
    case Category::kDirectIdentifier:
      if (entity == Entity::kFreeTextWithPii)
        return "free text holds identifiers: redact on write or restrict and set a retention";
      if (entity == Entity::kHashedIdentifier)
        return "an unsalted hash is still personal data: use a keyed HMAC with a managed key";
      return "pseudonymize (keyed HMAC) or drop where no purpose needs it; restrict access";
    case Category::kQuasiIdentifier:
      if (entity == Entity::kDateOfBirth) return "generalize (year or age band) unless needed";
      if (entity == Entity::kPostcode) return "truncate (e.g. prefix:3) for analytics";
      if (entity == Entity::kGeolocation) return "round coordinates (e.g. round:2) or drop";
      return "check k-anonymity with the other quasi-identifiers; generalize if needed";
    case Category::kNone:
      break;
  }
  return "";
}

Scanner::Scanner(ScanOptions options) : options_(std::move(options)) {
  if (options_.sample_rows == 0) {
    throw InvalidArgumentError("sample_rows must be at least 1", {.field = "--sample-rows"});
  }
}

ColumnResult Scanner::ClassifyColumn(const Source& source, const Table& table,
                                     const Column& column) const {
  ColumnResult r;
  r.source = source.path;
  r.table = table.name;
  r.column = column.path.empty() ? column.name : column.path;
  r.type = column.type;
  r.location = column.location;

  const NameEvidence name = NameClassifier::Default().Classify({.table = table.name,
                                                                .column = r.column,
                                                                .comment = column.comment,
                                                                .table_comment = table.comment});
  Entity entity = name.entity;
  std::string subtype = name.subtype;
  double confidence = name.weight;
  if (name.entity != Entity::kNone) {
    const bool from_comment = name.source == "comment";
    r.evidence.push_back(
        {from_comment ? "comment" : "name",
         fmt::format("{} '{}' ({}){}", from_comment ? "comment phrase" : "name token", name.matched,
                     name.language,
                     name.source == "column+comment" ? ", confirmed by the comment" : "")});
    if (!name.context.empty()) {
      std::string words;
      for (const auto& w : name.context) words += (words.empty() ? "" : ", ") + w;
      r.evidence.push_back({"context", "person context: " + words});
    }
  } else if (!name.negated_by.empty()) {
    std::string why;
    for (const auto& w : name.negated_by) why += (why.empty() ? "" : "; ") + w;
    r.evidence.push_back(
        {"negative", fmt::format("'{}' turned off by {}", name.negated_match, why)});
  }

  // Type evidence: a count or flag column cannot hold an e-mail address or a name.
  if (entity != Entity::kNone && column.samples.empty() &&
      ((IsBooleanType(column.type) && CategoryOf(entity) != Category::kSpecialCategory) ||
       (IsNumericType(column.type) && NeedsText(entity)))) {
    r.evidence.push_back(
        {"type", fmt::format("declared type {} cannot hold {}", column.type, EntityName(entity))});
    entity = Entity::kNone;
  }

  Category category = CategoryOf(entity);
  if (!column.samples.empty()) {
    const ValueProfile p = Profile(column.samples, options_.reference_date);
    r.values_sampled = p.n;
    if (p.n > 0) {
      const auto n = static_cast<double>(p.n);
      // The strongest value-only reading.
      Entity value_entity = Entity::kNone;
      std::size_t value_count = 0;
      for (const auto& [e, count] : p.whole) {
        if (StrongByValues(e) && count > value_count) {
          value_entity = e;
          value_count = count;
        }
      }
      const double value_fraction = static_cast<double>(value_count) / n;
      if (entity != Entity::kNone && HasValueCheck(entity)) {
        const std::size_t confirming = Confirming(p, entity);
        const double f = static_cast<double>(confirming) / n;
        r.values_matched = confirming;
        if (p.n >= 5 && f < 0.2 && value_entity != Entity::kNone && value_fraction >= 0.5) {
          r.evidence.push_back(
              {"values", fmt::format("{} validate as {}, not as {}", Percent(value_count, p.n),
                                     EntityName(value_entity), EntityName(entity))});
          entity = value_entity;
          subtype = p.whole_subtype.count(entity) != 0 ? p.whole_subtype.at(entity) : "";
          r.values_matched = value_count;
          confidence = 0.5 + 0.45 * value_fraction;
        } else {
          r.evidence.push_back({"values", fmt::format("{} validate as {}", Percent(confirming, p.n),
                                                      EntityName(entity))});
          if (f >= 0.2) {
            confidence = 1.0 - (1.0 - confidence) * (1.0 - 0.95 * f);
            if (subtype.empty() && p.whole_subtype.count(entity) != 0)
              subtype = p.whole_subtype.at(entity);
          } else if (p.n >= 5) {
            confidence *= 0.6;  // the name says so, the values do not confirm it
          }
        }
      } else if (entity == Entity::kNone) {
        if (value_entity != Entity::kNone && value_fraction >= 0.5) {
          entity = value_entity;
          subtype = p.whole_subtype.count(entity) != 0 ? p.whole_subtype.at(entity) : "";
          r.values_matched = value_count;
          confidence = 0.5 + 0.45 * value_fraction;
          r.evidence.push_back(
              {"values",
               fmt::format("{} validate as {}", Percent(value_count, p.n), EntityName(entity))});
        } else if (p.n >= 5 && p.dates == p.n && p.dates_with_time == 0 &&
                   static_cast<double>(p.birth_like) >= 0.9 * n && p.years.size() >= 5 &&
                   name.negated_by.empty()) {
          entity = Entity::kDateOfBirth;
          r.values_matched = p.birth_like;
          confidence = 0.6;
          r.evidence.push_back(
              {"values", fmt::format("{} are dates at plausible adult ages over {} years",
                                     Percent(p.birth_like, p.n), p.years.size())});
        } else if (p.prose > 0 && p.prose_with_pii > 0 &&
                   (p.prose_with_pii >= 2 || static_cast<double>(p.prose_with_pii) >= 0.1 * n)) {
          entity = Entity::kFreeTextWithPii;
          r.values_matched = p.prose_with_pii;
          confidence = std::min(0.95, 0.6 + 0.35 * static_cast<double>(p.prose_with_pii) /
                                                static_cast<double>(p.prose));
          std::string kinds;
          Category highest = Category::kDirectIdentifier;
          for (const auto& [e, count] : p.embedded) {
            kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", count, EntityName(e));
            if (CategoryRank(CategoryOf(e)) > CategoryRank(highest)) highest = CategoryOf(e);
          }
          r.evidence.push_back({"values", fmt::format("{} of {} free-text values embed {}",
                                                      p.prose_with_pii, p.prose, kinds)});
          category = highest;
        }
      } else {
        // A name-only entity (person_name, religion, ...): values say nothing against it, but a
        // column whose values are all other validated entities is that entity instead.
        if (p.n >= 5 && value_entity != Entity::kNone && value_fraction >= 0.8 &&
            CategoryRank(CategoryOf(value_entity)) >= CategoryRank(CategoryOf(entity))) {
          r.evidence.push_back(
              {"values", fmt::format("{} validate as {}", Percent(value_count, p.n),
                                     EntityName(value_entity))});
          entity = value_entity;
          subtype = p.whole_subtype.count(entity) != 0 ? p.whole_subtype.at(entity) : "";
          r.values_matched = value_count;
          confidence = 0.5 + 0.45 * value_fraction;
        }
      }
    }
  }
  if (entity != Entity::kFreeTextWithPii) category = CategoryOf(entity);
  r.entity = entity;
  r.subtype = entity == Entity::kNone ? "" : subtype;
  r.category = category;
  r.personal = entity != Entity::kNone;
  if (r.personal) {
    r.confidence = Round2(std::clamp(confidence, 0.05, 0.99));
  } else {
    // Confidence that the column is not personal data: high with explicit negative evidence or
    // values that validate as nothing, lower with no evidence either way.
    const bool negative = !r.evidence.empty();
    r.confidence = negative ? 0.9 : (r.values_sampled >= 5 ? 0.85 : 0.7);
  }
  r.recommendation = RecommendationFor(r.category, r.entity);
  return r;
}

void Scanner::AddSource(const Source& source, ScanResult& result) const {
  result.sources.push_back(source.path);
  for (const Table& table : source.tables) {
    result.tables.push_back(
        {.source = source.path, .table = table.name, .location = table.location});
    for (const Column& column : table.columns) {
      result.columns.push_back(ClassifyColumn(source, table, column));
    }
  }
}

namespace {

enum class FileKind { kNone, kDdl, kJsonSchema, kAvro, kCsv };

FileKind KindOf(const fs::path& path) {
  const std::string ext = internal::AsciiLower(path.extension().string());
  if (ext == ".sql" || ext == ".ddl") return FileKind::kDdl;
  if (ext == ".json") return FileKind::kJsonSchema;
  if (ext == ".avsc") return FileKind::kAvro;
  if (ext == ".csv" || ext == ".tsv" || ext == ".psv") return FileKind::kCsv;
  return FileKind::kNone;
}

bool LooksLikeJsonSchema(const fs::path& path) {
  std::string text;
  try {
    text = internal::ReadTextFile(path);
  } catch (const Error&) {
    return true;  // let the reader report why it cannot be read
  }
  for (const char* key : {"\"$schema\"", "\"properties\"", "\"$defs\"", "\"definitions\""}) {
    if (text.find(key) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

ScanResult Scanner::ScanPaths(const std::vector<std::string>& paths) const {
  ScanResult result;
  auto record = [&](const Error& e) {
    result.errors.push_back({e.location(), std::string(ErrorKindName(e.kind())), e.message()});
  };
  auto scan_file = [&](const fs::path& path, FileKind kind) {
    try {
      switch (kind) {
        case FileKind::kDdl:
          AddSource(ReadDdlFile(path), result);
          break;
        case FileKind::kJsonSchema:
          AddSource(ReadJsonSchemaFile(path), result);
          break;
        case FileKind::kAvro:
          AddSource(ReadAvroSchemaFile(path), result);
          break;
        case FileKind::kCsv:
          AddSource(ReadCsvFile(path, {.sample_rows = options_.sample_rows, .seed = options_.seed}),
                    result);
          break;
        case FileKind::kNone:
          throw UnsupportedError(
              "unsupported file type (expected .sql .ddl .json .avsc .csv .tsv .psv)",
              {.file = path.string()});
      }
    } catch (const Error& e) {
      SourceLocation where = e.location();
      if (where.file.empty()) where.file = path.string();
      result.errors.push_back({where, std::string(ErrorKindName(e.kind())), e.message()});
    }
  };
  for (const std::string& p : paths) {
    const fs::path path(p);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        record(IoError("cannot list directory: " + ec.message(), {.file = p}));
        continue;
      }
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file() || KindOf(it->path()) == FileKind::kNone) continue;
        // A directory holds other JSON too (package.json, fixtures): only files that look like
        // schemas are read from a directory walk; a JSON file named explicitly is always read.
        if (KindOf(it->path()) == FileKind::kJsonSchema && !LooksLikeJsonSchema(it->path()))
          continue;
        files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) scan_file(f, KindOf(f));
    } else if (!fs::exists(path, ec)) {
      record(NotFoundError("no such file or directory", {.file = p}));
    } else {
      scan_file(path, KindOf(path));
    }
  }
  return result;
}

void Scanner::ScanDatabase(const std::string& url, ScanResult& result) const {
  try {
    AddSource(ReadDatabase(url, {.sample_rows = options_.sample_rows,
                                 .seed = options_.seed,
                                 .tables = options_.tables}),
              result);
  } catch (const Error& e) {
    SourceLocation where = e.location();
    if (where.file.empty()) where.file = RedactUrl(url);
    result.errors.push_back({where, std::string(ErrorKindName(e.kind())), e.message()});
  }
}

}  // namespace rampart::compliance
