#include <algorithm>
#include <array>
#include <exception>
#include <string>

#include <hs.h>

#include <rampart/common/error.h>
#include <rampart/compliance/detectors.h>
#include <rampart/compliance/validators.h>

#include "text_util.h"

namespace rampart::compliance {
namespace {

enum class Kind {
  kEmail,
  kDigitRun,
  kPhone,
  kIban,
  kNino,
  kDni,
  kNie,
  kCodiceFiscale,
  kNir,
  kIpv4,
  kIpv6,
  kMac,
  kUuid,
  kHash,
  kLatLong,
  kDate,
  kPostcode,
};

struct Pattern {
  Kind kind;
  const char* regex;
  unsigned flags;
};

constexpr unsigned kSom = HS_FLAG_SOM_LEFTMOST;
constexpr unsigned kNoCase = HS_FLAG_CASELESS;

// One database for all detectors. Boundaries use \b because Hyperscan has no lookbehind; the
// validators then check the exact span.
constexpr std::array kPatterns = {
    Pattern{Kind::kEmail, R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})",
            kSom},
    Pattern{Kind::kDigitRun, R"(\b\d([ \-]?\d){8,18}\b)", kSom},
    Pattern{Kind::kPhone, R"((\+|\b00)\d{1,3}([ \-.]?\(?\d{1,5}\)?){2,6}\b)", kSom},
    Pattern{Kind::kPhone, R"(\(\d{2,5}\)[ \-]?\d{2,5}([ \-]?\d{2,5}){0,3}\b)", kSom},
    Pattern{Kind::kPhone, R"(\b0\d{1,4}[ \-/]\d{2,8}([ \-]\d{2,6}){0,3}\b)", kSom},
    Pattern{Kind::kPhone, R"(\b\d{3}[\-. ]\d{3}[\-. ]\d{4}\b)", kSom},
    Pattern{Kind::kIban, R"(\b[A-Z]{2}\d{2}( ?[A-Z0-9]){11,30}\b)", kSom},
    Pattern{Kind::kNino, R"(\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)", kSom},
    Pattern{Kind::kDni, R"(\b\d{8}[\- ]?[A-Z]\b)", kSom | kNoCase},
    Pattern{Kind::kNie, R"(\b[XYZ][\- ]?\d{7}[\- ]?[A-Z]\b)", kSom | kNoCase},
    Pattern{Kind::kCodiceFiscale,
            R"(\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b)",
            kSom | kNoCase},
    Pattern{Kind::kNir, R"(\b[1-478] ?\d{2} ?\d{2} ?(\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b)", kSom},
    Pattern{Kind::kIpv4, R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)", kSom},
    Pattern{Kind::kIpv6, R"(([0-9A-Fa-f]{1,4}|:)(:[0-9A-Fa-f]{0,4}){2,7})", kSom},
    Pattern{Kind::kMac, R"(\b[0-9A-Fa-f]{2}([:\-][0-9A-Fa-f]{2}){5}\b)", kSom},
    Pattern{Kind::kMac, R"(\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b)", kSom},
    Pattern{Kind::kUuid,
            R"(\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b)",
            kSom},
    Pattern{Kind::kHash, R"(\b([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})\b)", kSom | kNoCase},
    Pattern{Kind::kLatLong, R"(-?\d{1,2}\.\d{4,10} ?, ?-?\d{1,3}\.\d{4,10})", kSom},
    Pattern{Kind::kDate, R"(\b(\d{4}-\d{2}-\d{2}|\d{2}[./]\d{2}[./]\d{4})\b)", kSom},
    Pattern{Kind::kPostcode, R"(\b[A-Z]{1,2}\d[A-Z0-9]? ?\d[A-Z]{2}\b)", kSom},
    Pattern{Kind::kPostcode, R"(\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b)", kSom},
};

struct DatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using DatabaseHandle = std::unique_ptr<hs_database_t, DatabaseDeleter>;
using ScratchHandle = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

const hs_database_t& SharedDatabase() {
  static const DatabaseHandle database = [] {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (std::size_t i = 0; i < kPatterns.size(); ++i) {
      expressions.push_back(kPatterns[i].regex);
      flags.push_back(kPatterns[i].flags);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                         &error) != HS_SUCCESS) {
      std::string message = error != nullptr && error->message != nullptr ? error->message : "?";
      const int expression = error != nullptr ? error->expression : -1;
      hs_free_compile_error(error);
      throw InternalError("Vectorscan rejected detector pattern " + std::to_string(expression) +
                          ": " + message);
    }
    return DatabaseHandle(db);
  }();
  return *database;
}

struct RawMatch {
  unsigned id;
  std::size_t from;
  std::size_t to;
};

struct ScanState {
  std::vector<RawMatch>* matches;
  std::exception_ptr error;
};

// Hyperscan calls this from C: nothing may escape it.
int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* context) noexcept {
  auto* state = static_cast<ScanState*>(context);
  try {
    state->matches->push_back({id, static_cast<std::size_t>(from), static_cast<std::size_t>(to)});
  } catch (...) {
    state->error = std::current_exception();
    return 1;  // stop scanning
  }
  return 0;
}

bool NearBirthKeyword(std::string_view text, std::size_t start) {
  const std::size_t from = start > 48 ? start - 48 : 0;
  const std::string window = internal::AsciiLower(text.substr(from, start - from));
  static constexpr std::array<std::string_view, 14> kKeywords = {
      "born",   "birth",      "dob",    "geboren", "geburt", "naissance", "ne le",
      "nee le", "nacimiento", "nacido", "nascita", "nato",   "geboorte",  "nascimento"};
  return std::any_of(kKeywords.begin(), kKeywords.end(),
                     [&](std::string_view k) { return window.find(k) != std::string::npos; });
}

bool HasSeparatorLayout(std::string_view span, std::initializer_list<std::size_t> groups) {
  // True if span is digit groups of the given sizes separated by one ' ' or '-' each (same sep).
  std::size_t pos = 0;
  char sep = 0;
  std::size_t index = 0;
  for (const std::size_t g : groups) {
    if (index > 0) {
      if (pos >= span.size() || (span[pos] != ' ' && span[pos] != '-')) return false;
      if (sep != 0 && span[pos] != sep) return false;
      sep = span[pos];
      ++pos;
    }
    for (std::size_t k = 0; k < g; ++k, ++pos) {
      if (pos >= span.size() || span[pos] < '0' || span[pos] > '9') return false;
    }
    ++index;
  }
  return pos == span.size();
}

// Validates one candidate span; appends what it is (possibly several readings of one number).
void Validate(Kind kind, std::string_view text, std::size_t start, std::size_t end,
              std::vector<Detection>& out) {
  const std::string_view span = text.substr(start, end - start);
  auto add = [&](Entity entity, std::string subtype, bool validated, double confidence) {
    out.push_back({entity, std::move(subtype), start, end, validated, confidence});
  };
  switch (kind) {
    case Kind::kEmail:
      if (EmailValid(span)) add(Entity::kEmail, "", true, 0.95);
      break;
    case Kind::kDigitRun: {
      const std::string digits = DigitsOf(span);
      const bool plain = digits.size() == span.size();
      if (digits.size() >= 12) {
        if (auto brand = CardBrand(span)) {
          add(Entity::kCreditCard, *brand, true, 0.95);
          break;
        }
      }
      if (digits.size() == 15 && ImeiValid(span)) add(Entity::kDeviceId, "imei", true, 0.8);
      if (digits.size() == 9) {
        if (HasSeparatorLayout(span, {3, 2, 4}) && UsSsnValid(span))
          add(Entity::kNationalId, "us_ssn", true, 0.85);
        if (plain && NlBsnValid(span)) add(Entity::kNationalId, "nl_bsn", true, 0.5);
      }
      if (digits.size() == 10 && (plain || HasSeparatorLayout(span, {3, 3, 4})) && UkNhsValid(span))
        add(Entity::kNationalId, "uk_nhs", true, 0.55);
      if ((digits.size() == 10 || digits.size() == 12) &&
          (plain || HasSeparatorLayout(span, {6, 4}) || HasSeparatorLayout(span, {8, 4})) &&
          SePersonnummerValid(span))
        add(Entity::kNationalId, "se_personnummer", true, 0.55);
      if (digits.size() == 11 && plain) {
        if (DeSteuerIdValid(span)) add(Entity::kTaxId, "de_steuer_id", true, 0.55);
        if (PlPeselValid(span)) add(Entity::kNationalId, "pl_pesel", true, 0.55);
      }
      break;
    }
    case Kind::kPhone:
      if (auto region = PhoneRegion(span)) {
        add(Entity::kPhone, *region, true, span[0] == '+' || span[0] == '0' ? 0.9 : 0.8);
      }
      break;
    case Kind::kIban:
      if (IbanValid(span)) add(Entity::kIban, std::string(span.substr(0, 2)), true, 0.97);
      break;
    case Kind::kNino:
      if (UkNinoValid(span)) add(Entity::kNationalId, "uk_nino", true, 0.85);
      break;
    case Kind::kDni:
      if (EsDniValid(span)) add(Entity::kNationalId, "es_dni", true, 0.9);
      break;
    case Kind::kNie:
      if (EsNieValid(span)) add(Entity::kNationalId, "es_nie", true, 0.9);
      break;
    case Kind::kCodiceFiscale:
      if (ItCodiceFiscaleValid(span)) add(Entity::kTaxId, "it_codice_fiscale", true, 0.97);
      break;
    case Kind::kNir:
      if (FrNirValid(span)) add(Entity::kNationalId, "fr_nir", true, 0.9);
      break;
    case Kind::kIpv4:
    case Kind::kIpv6:
      if (auto version = IpVersion(span)) {
        if (*version == 6 && std::count(span.begin(), span.end(), ':') < 2) break;
        add(Entity::kIpAddress, *version == 4 ? "ipv4" : "ipv6", true, 0.8);
      }
      break;
    case Kind::kMac:
      if (MacAddressValid(span)) add(Entity::kDeviceId, "mac_address", true, 0.85);
      break;
    case Kind::kUuid:
      if (auto version = UuidVersion(span)) {
        add(Entity::kDeviceId, *version == 4 ? "advertising_id" : "uuid", true, 0.4);
      }
      break;
    case Kind::kHash: {
      const bool letters = std::any_of(span.begin(), span.end(), [](char c) { return c > '9'; });
      const bool digits = std::any_of(span.begin(), span.end(), [](char c) { return c <= '9'; });
      if (letters && digits) {
        add(Entity::kHashedIdentifier,
            span.size() == 32   ? "md5"
            : span.size() == 40 ? "sha1"
                                : "sha256",
            false, 0.4);
      }
      break;
    }
    case Kind::kLatLong:
      if (LatLongPairValid(span)) add(Entity::kGeolocation, "lat_long", true, 0.75);
      break;
    case Kind::kDate:
      if (NearBirthKeyword(text, start)) {
        if (auto date = ParseDate(span); date && PlausibleBirthDate(*date, Today()))
          add(Entity::kDateOfBirth, "", true, 0.75);
      }
      break;
    case Kind::kPostcode: {
      const auto countries = PostcodeCountries(span);
      if (std::find(countries.begin(), countries.end(), "GB") != countries.end()) {
        add(Entity::kPostcode, "GB", true, 0.5);
      } else if (std::find(countries.begin(), countries.end(), "CA") != countries.end()) {
        add(Entity::kPostcode, "CA", true, 0.45);
      }
      break;
    }
  }
}

}  // namespace

struct ValueDetector::Impl {
  ScratchHandle scratch;
  std::vector<RawMatch> matches;
};

ValueDetector::ValueDetector() : impl_(std::make_unique<Impl>()) {
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(&SharedDatabase(), &scratch) != HS_SUCCESS) {
    throw InternalError("cannot allocate Vectorscan scratch space");
  }
  impl_->scratch.reset(scratch);
}

ValueDetector::~ValueDetector() = default;
ValueDetector::ValueDetector(ValueDetector&&) noexcept = default;
ValueDetector& ValueDetector::operator=(ValueDetector&&) noexcept = default;

std::size_t ValueDetector::PatternCount() {
  return kPatterns.size();
}

std::vector<Detection> ValueDetector::Detect(std::string_view text) {
  std::vector<Detection> out;
  Detect(text, out);
  return out;
}

void ValueDetector::Detect(std::string_view text, std::vector<Detection>& out) {
  out.clear();
  if (text.empty()) return;
  if (text.size() > 0xFFFFFFFFULL) throw InvalidArgumentError("text larger than 4 GiB");
  std::vector<RawMatch>& matches = impl_->matches;
  matches.clear();
  ScanState state{&matches, nullptr};
  const hs_error_t status =
      hs_scan(&SharedDatabase(), text.data(), static_cast<unsigned>(text.size()), 0,
              impl_->scratch.get(), OnMatch, &state);
  if (state.error) std::rethrow_exception(state.error);
  if (status != HS_SUCCESS && status != HS_SCAN_TERMINATED) {
    throw InternalError("Vectorscan scan failed with code " + std::to_string(status));
  }
  // Per pattern and start, try the longest end first and keep the first that validates; later
  // starts that overlap an accepted span of the same pattern are skipped.
  std::sort(matches.begin(), matches.end(), [](const RawMatch& a, const RawMatch& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.from != b.from) return a.from < b.from;
    return a.to > b.to;
  });
  std::vector<Detection> found;
  std::size_t i = 0;
  std::array<std::size_t, kPatterns.size()> accepted_end{};
  while (i < matches.size()) {
    std::size_t j = i;
    while (j < matches.size() && matches[j].id == matches[i].id &&
           matches[j].from == matches[i].from)
      ++j;
    const unsigned id = matches[i].id;
    if (matches[i].from >= accepted_end[id]) {
      constexpr std::size_t kMaxEndsTried = 6;
      for (std::size_t k = i; k < j && k < i + kMaxEndsTried; ++k) {
        const std::size_t before = found.size();
        Validate(kPatterns[id].kind, text, matches[k].from, matches[k].to, found);
        if (found.size() > before) {
          accepted_end[id] = matches[k].to;
          break;
        }
      }
    }
    i = j;
  }
  // Drop spans strictly inside another detection (card digits inside an IBAN, a national
  // number inside an international phone number).
  std::sort(found.begin(), found.end(), [](const Detection& a, const Detection& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.end > b.end;
  });
  std::size_t cover_start = 0;
  std::size_t cover_end = 0;
  for (Detection& d : found) {
    const bool inside = d.start >= cover_start && d.end <= cover_end &&
                        (d.start != cover_start || d.end != cover_end);
    if (inside) continue;
    if (d.end > cover_end) {
      cover_start = d.start;
      cover_end = d.end;
    }
    out.push_back(std::move(d));
  }
}

}  // namespace rampart::compliance
