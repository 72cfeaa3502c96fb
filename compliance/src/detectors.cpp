#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>
#include <unordered_map>

#include <hs.h>

#include <rampart/common/error.h>
#include <rampart/compliance/detectors.h>
#include <rampart/compliance/validators.h>

namespace rampart::compliance {
namespace {

// Vectorscan finds triggers (the end of a short, distinctive piece of each entity) in one pass
// without start-of-match tracking, which costs 2-3x; the extractor of each kind then recovers
// the exact span around the trigger and the validators decide. Long runs report many ends of
// one candidate: a per-kind "covered up to" offset makes all but the first a no-op.
enum class Kind {
  kEmail,
  kDigits,
  kIban,
  kNino,
  kDni,
  kNie,
  kCodiceFiscale,
  kIpv4,
  kIpv6,
  kMac,
  kUuid,
  kHash,
  kLatLong,
  kBirth,
  kUkPostcode,
  kParenPhone,
  kCount,
};

struct Pattern {
  Kind kind;
  const char* regex;
  unsigned flags;
};

constexpr std::array kPatterns = {
    Pattern{Kind::kEmail, R"(@[A-Za-z0-9])", 0},
    Pattern{Kind::kDigits,
            R"(\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d\b)", 0},
    Pattern{Kind::kIban, R"([A-Z]{2}\d{2} ?[A-Z0-9]{4})", 0},
    Pattern{Kind::kNino, R"([A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)", 0},
    Pattern{Kind::kDni, R"(\d{8}[\- ]?[A-Za-z]\b)", 0},
    Pattern{Kind::kNie, R"(\b[XYZxyz][\- ]?\d{7}[\- ]?[A-Za-z]\b)", 0},
    Pattern{
        Kind::kCodiceFiscale,
        R"([A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z])",
        0},
    Pattern{Kind::kIpv4, R"(\d\.\d{1,3}\.\d{1,3}\.\d)", 0},
    Pattern{Kind::kIpv6, R"([0-9A-Fa-f]?:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)", 0},
    Pattern{Kind::kMac, R"([0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-)", 0},
    Pattern{Kind::kMac, R"([0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})", 0},
    Pattern{Kind::kUuid, R"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-)", 0},
    Pattern{Kind::kHash, R"([0-9a-fA-F]{32})", 0},
    Pattern{Kind::kLatLong, R"(\.\d{4}\d* ?, ?-?\d{1,3}\.\d{4})", 0},
    Pattern{
        Kind::kBirth,
        R"(born|birth|dob\b|geboren|geburt|naissance|n[eé]e? le|nacimiento|nacid[oa]|nascita|nat[oa] il|geboorte|nascimento)",
        HS_FLAG_CASELESS},
    Pattern{Kind::kUkPostcode, R"([A-Z]\d[A-Z0-9]? ?\d[A-Z]{2}\b)", 0},
    Pattern{Kind::kParenPhone, R"(\(\d{2,5}\))", 0},
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

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsSep(char c) {
  return c == ' ' || c == '-';
}

// libphonenumber needs ~30 us per number (ICU regular expressions over its metadata), which
// would cap a scan at a few MB/s on data with a phone number per row. Its metadata decides
// validity by leading digits and length (number ranges are allocated by prefix), so results are
// memoized per (prefix form, first 7 digits, digit count) in a bounded cache cleared when full.
class PhoneMemo {
 public:
  std::optional<std::string> Region(std::string_view span) {
    const std::string digits = DigitsOf(span);
    std::string key(1, span[0] == '+' || span[0] == '0' || span[0] == '(' ? span[0] : 'n');
    key.append(digits, 0, std::min<std::size_t>(7, digits.size()));
    key += ':' + std::to_string(digits.size());
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxEntries) cache_.clear();
    std::optional<std::string> region = PhoneRegion(span);
    cache_.emplace(std::move(key), region);
    return region;
  }

 private:
  static constexpr std::size_t kMaxEntries = 1 << 16;
  std::unordered_map<std::string, std::optional<std::string>> cache_;
};

bool HasLayout(std::string_view span, std::initializer_list<std::size_t> groups) {
  // Digit groups of the given sizes separated by one ' ' or '-' each (the same one throughout).
  std::size_t pos = 0;
  char sep = 0;
  bool first = true;
  for (const std::size_t g : groups) {
    if (!first) {
      if (pos >= span.size() || !IsSep(span[pos]) || (sep != 0 && span[pos] != sep)) return false;
      sep = span[pos++];
    }
    first = false;
    for (std::size_t k = 0; k < g; ++k, ++pos) {
      if (pos >= span.size() || !IsDigit(span[pos])) return false;
    }
  }
  return pos == span.size();
}

class Extractor {
 public:
  Extractor(std::string_view text, PhoneMemo& phones, std::vector<Detection>& out)
      : text_(text), phones_(phones), out_(out) {}

  void OnTrigger(Kind kind, std::size_t to) {
    std::size_t& covered = covered_[static_cast<std::size_t>(kind)];
    if (to <= covered) return;
    covered = to;
    switch (kind) {
      case Kind::kEmail:
        return Email(to, covered);
      case Kind::kDigits:
        return Digits(to, covered);
      case Kind::kIban:
        return Iban(to, covered);
      case Kind::kNino:
        return FixedRange(
            to, 9, 13, covered, [](std::string_view s) { return UkNinoValid(s); },
            Entity::kNationalId, "uk_nino", 0.85);
      case Kind::kDni:
        return FixedRange(
            to, 9, 10, covered, [](std::string_view s) { return EsDniValid(s); },
            Entity::kNationalId, "es_dni", 0.9);
      case Kind::kNie:
        return FixedRange(
            to, 9, 11, covered, [](std::string_view s) { return EsNieValid(s); },
            Entity::kNationalId, "es_nie", 0.9);
      case Kind::kCodiceFiscale:
        return FixedRange(
            to, 16, 16, covered, [](std::string_view s) { return ItCodiceFiscaleValid(s); },
            Entity::kTaxId, "it_codice_fiscale", 0.97);
      case Kind::kIpv4:
        return Ipv4(to, covered);
      case Kind::kIpv6:
      case Kind::kMac:
        return HexColon(to, covered);
      case Kind::kUuid:
        return Uuid(to, covered);
      case Kind::kHash:
        return Hash(to, covered);
      case Kind::kLatLong:
        return LatLong(to, covered);
      case Kind::kBirth:
        return Birth(to, covered);
      case Kind::kUkPostcode:
        return FixedRange(
            to, 5, 8, covered,
            [](std::string_view s) {
              const auto c = PostcodeCountries(s);
              return std::find(c.begin(), c.end(), "GB") != c.end();
            },
            Entity::kPostcode, "GB", 0.5);
      case Kind::kParenPhone:
        return ParenPhone(to, covered);
      case Kind::kCount:
        break;
    }
  }

 private:
  bool BoundaryBefore(std::size_t s) const { return s == 0 || !IsAlnum(text_[s - 1]); }
  bool BoundaryAfter(std::size_t e) const { return e >= text_.size() || !IsAlnum(text_[e]); }
  void Add(Entity entity, std::string subtype, std::size_t start, std::size_t end, bool validated,
           double confidence) {
    out_.push_back({entity, std::move(subtype), start, end, validated, confidence});
  }

  void Email(std::size_t to, std::size_t& covered) {
    const std::size_t at = to - 2;
    const auto local_char = [](char c) {
      return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
    };
    std::size_t start = at;
    while (start > 0 && at - start < 64 && local_char(text_[start - 1])) --start;
    while (start < at && (text_[start] == '.' || text_[start] == '\'')) ++start;
    std::size_t end = at + 1;
    while (end < text_.size() && end - at < 254 &&
           (IsAlnum(text_[end]) || text_[end] == '.' || text_[end] == '-'))
      ++end;
    while (end > at + 1 && (text_[end - 1] == '.' || text_[end - 1] == '-')) --end;
    covered = std::max(covered, end);
    if (start < at && EmailValid(text_.substr(start, end - start)))
      Add(Entity::kEmail, "", start, end, true, 0.95);
  }

  // A run of digits with single ' ' or '-' between them, bounded by non-alphanumerics.
  void Digits(std::size_t to, std::size_t& covered) {
    std::size_t start = to - 1;
    while (start > 0) {
      const char p = text_[start - 1];
      const bool joined = IsSep(p) && start >= 2 && IsDigit(text_[start - 2]);
      if (!IsDigit(p) && !joined) break;
      --start;
    }
    std::size_t end = to;
    while (end < text_.size()) {
      const bool joined = IsSep(text_[end]) && end + 1 < text_.size() && IsDigit(text_[end + 1]);
      if (!IsDigit(text_[end]) && !joined) break;
      ++end;
    }
    covered = std::max(covered, end);
    if (end - start > 40 || !BoundaryBefore(start) || !BoundaryAfter(end)) return;
    if (ValidateDigits(start, end)) return;
    // "4111 1111 1111 1111 2025": the whole run is no entity; try its pieces at separators,
    // longest first.
    std::vector<std::size_t> seps;
    for (std::size_t i = start; i < end; ++i) {
      if (IsSep(text_[i])) seps.push_back(i);
    }
    if (seps.empty() || seps.size() > 8) return;
    for (std::size_t k = seps.size(); k-- > 0;) {
      if (ValidateDigits(start, seps[k])) break;
    }
    for (const std::size_t sep : seps) {
      if (ValidateDigits(sep + 1, end)) break;
    }
  }

  bool ValidateDigits(std::size_t start, std::size_t end) {
    const std::string_view span = text_.substr(start, end - start);
    std::size_t digits = 0;
    for (const char c : span) digits += IsDigit(c) ? 1U : 0U;
    const bool plain = digits == span.size();
    const std::size_t before = out_.size();
    const char prefix = start > 0 ? text_[start - 1] : '\0';
    if (prefix == '+' && digits >= 7) {  // international phone number
      if (auto region = phones_.Region(text_.substr(start - 1, end - start + 1))) {
        Add(Entity::kPhone, *region, start - 1, end, true, 0.9);
        return true;
      }
    }
    if (digits >= 12) {
      if (auto brand = CardBrand(span)) {
        Add(Entity::kCreditCard, *brand, start, end, true, 0.95);
        return true;
      }
    }
    if (digits == 15 && ImeiValid(span)) Add(Entity::kDeviceId, "imei", start, end, true, 0.8);
    if (digits == 15 && (plain || HasLayout(span, {1, 2, 2, 2, 3, 3, 2})) && FrNirValid(span))
      Add(Entity::kNationalId, "fr_nir", start, end, true, 0.9);
    if (digits == 9) {
      if (HasLayout(span, {3, 2, 4}) && UsSsnValid(span))
        Add(Entity::kNationalId, "us_ssn", start, end, true, 0.85);
      if (plain && NlBsnValid(span)) Add(Entity::kNationalId, "nl_bsn", start, end, true, 0.5);
    }
    if (digits == 10 && (plain || HasLayout(span, {3, 3, 4})) && UkNhsValid(span))
      Add(Entity::kNationalId, "uk_nhs", start, end, true, 0.55);
    if ((digits == 10 || digits == 12) &&
        (plain || HasLayout(span, {6, 4}) || HasLayout(span, {8, 4})) && SePersonnummerValid(span))
      Add(Entity::kNationalId, "se_personnummer", start, end, true, 0.55);
    if (digits == 11 && plain) {
      if (DeSteuerIdValid(span)) Add(Entity::kTaxId, "de_steuer_id", start, end, true, 0.55);
      if (PlPeselValid(span)) Add(Entity::kNationalId, "pl_pesel", start, end, true, 0.55);
    }
    // National phone forms: 0 + area code with separators, "00" + country, or US 3-3-4.
    const bool national = span[0] == '0' && !plain;
    const bool us = HasLayout(span, {3, 3, 4});
    if (out_.size() == before || us) {
      if ((national || us || span.rfind("00", 0) == 0) && digits >= 7) {
        if (auto region = phones_.Region(span)) {
          Add(Entity::kPhone, *region, start, end, true, national ? 0.85 : 0.8);
        }
      }
    }
    return out_.size() > before;
  }

  void Iban(std::size_t to, std::size_t& covered) {
    std::size_t start = to - 8;
    if (to >= 9 && text_[to - 5] == ' ') start = to - 9;
    if (!BoundaryBefore(start)) return;
    // Gather up to 34 alphanumerics with single spaces; try the longest prefix first.
    std::vector<std::size_t> ends;  // text end offset after k alphanumerics
    std::string compact;
    std::size_t i = start;
    while (i < text_.size() && compact.size() < 34) {
      if (IsAlnum(text_[i])) {
        compact.push_back(text_[i]);
        ++i;
        ends.push_back(i);
      } else if (text_[i] == ' ' && i + 1 < text_.size() && IsAlnum(text_[i + 1])) {
        ++i;
      } else {
        break;
      }
    }
    for (std::size_t k = ends.size(); k >= 15; --k) {
      const std::size_t end = ends[k - 1];
      if (!BoundaryAfter(end) && !(end < text_.size() && text_[end] == ' ')) continue;
      if (IbanValid(text_.substr(start, end - start))) {
        covered = std::max(covered, end);
        Add(Entity::kIban, std::string(text_.substr(start, 2)), start, end, true, 0.97);
        return;
      }
    }
  }

  template <typename Valid>
  void FixedRange(std::size_t to, std::size_t min_length, std::size_t max_length,
                  std::size_t& covered, Valid valid, Entity entity, const char* subtype,
                  double confidence) {
    for (std::size_t length = max_length; length >= min_length; --length) {
      if (length > to) continue;
      const std::size_t start = to - length;
      if (!BoundaryBefore(start) || !BoundaryAfter(to)) continue;
      if (valid(text_.substr(start, length))) {
        Add(entity, subtype, start, to, true, confidence);
        covered = std::max(covered, to);
        return;
      }
    }
  }

  void Ipv4(std::size_t to, std::size_t& covered) {
    const auto ip_char = [](char c) { return IsDigit(c) || c == '.'; };
    std::size_t start = to;
    while (start > 0 && to - start < 16 && ip_char(text_[start - 1])) --start;
    std::size_t end = to;
    while (end < text_.size() && end - start < 16 && ip_char(text_[end])) ++end;
    covered = std::max(covered, end);
    if (!BoundaryBefore(start) || !BoundaryAfter(end)) return;
    if (IpVersion(text_.substr(start, end - start)) == 4)
      Add(Entity::kIpAddress, "ipv4", start, end, true, 0.8);
  }

  void HexColon(std::size_t to, std::size_t& covered) {
    const auto token_char = [](char c) { return IsHex(c) || c == ':' || c == '.' || c == '-'; };
    std::size_t start = to;
    while (start > 0 && to - start < 46 && token_char(text_[start - 1])) --start;
    std::size_t end = to;
    while (end < text_.size() && end - start < 46 && token_char(text_[end])) ++end;
    while (end > start && (text_[end - 1] == '.' || text_[end - 1] == '-')) --end;
    covered = std::max(covered, end);
    if (!BoundaryBefore(start) || !BoundaryAfter(end)) return;
    const std::string_view token = text_.substr(start, end - start);
    if (MacAddressValid(token)) {
      Add(Entity::kDeviceId, "mac_address", start, end, true, 0.85);
    } else if (std::count(token.begin(), token.end(), ':') >= 2 && IpVersion(token) == 6) {
      Add(Entity::kIpAddress, "ipv6", start, end, true, 0.8);
    }
  }

  void Uuid(std::size_t to, std::size_t& covered) {
    const std::size_t start = to - 14;
    const std::size_t end = start + 36;
    if (end > text_.size() || !BoundaryBefore(start) || !BoundaryAfter(end)) return;
    covered = std::max(covered, end);
    if (auto version = UuidVersion(text_.substr(start, 36))) {
      Add(Entity::kDeviceId, *version == 4 ? "advertising_id" : "uuid", start, end, true, 0.4);
    }
  }

  void Hash(std::size_t to, std::size_t& covered) {
    std::size_t start = to - 32;
    while (start > 0 && IsHex(text_[start - 1])) --start;
    std::size_t end = to;
    while (end < text_.size() && IsHex(text_[end])) ++end;
    covered = std::max(covered, end);
    const std::size_t length = end - start;
    if ((length != 32 && length != 40 && length != 64) || !BoundaryBefore(start) ||
        !BoundaryAfter(end))
      return;
    const std::string_view span = text_.substr(start, length);
    const bool letters = std::any_of(span.begin(), span.end(), [](char c) { return c > '9'; });
    const bool digits = std::any_of(span.begin(), span.end(), [](char c) { return c <= '9'; });
    if (letters && digits) {
      Add(Entity::kHashedIdentifier,
          length == 32   ? "md5"
          : length == 40 ? "sha1"
                         : "sha256",
          start, end, false, 0.4);
    }
  }

  // Start of a decimal number "-12.3456" that ends at `end`, or npos.
  std::size_t NumberBackward(std::size_t end) const {
    std::size_t i = end;
    while (i > 0 && IsDigit(text_[i - 1])) --i;
    if (i == end || i == 0 || text_[i - 1] != '.') return std::string_view::npos;
    --i;
    const std::size_t dot = i;
    while (i > 0 && IsDigit(text_[i - 1]) && dot - i < 3) --i;
    if (i == dot) return std::string_view::npos;
    if (i > 0 && (text_[i - 1] == '-' || text_[i - 1] == '+')) --i;
    return i;
  }

  void LatLong(std::size_t to, std::size_t& covered) {
    std::size_t end = to;
    while (end < text_.size() && IsDigit(text_[end])) ++end;
    covered = std::max(covered, end);
    const std::size_t lon = NumberBackward(end);
    if (lon == std::string_view::npos) return;
    std::size_t i = lon;
    if (i > 0 && text_[i - 1] == ' ') --i;
    if (i == 0 || text_[i - 1] != ',') return;
    --i;
    if (i > 0 && text_[i - 1] == ' ') --i;
    const std::size_t lat = NumberBackward(i);
    if (lat == std::string_view::npos || !BoundaryBefore(lat) || !BoundaryAfter(end)) return;
    if (LatLongPairValid(text_.substr(lat, end - lat)))
      Add(Entity::kGeolocation, "lat_long", lat, end, true, 0.75);
  }

  // A birth keyword: the first date within 40 bytes after it is a date of birth if plausible.
  void Birth(std::size_t to, std::size_t& covered) {
    const std::size_t limit = std::min(text_.size(), to + 40);
    for (std::size_t i = to; i < limit; ++i) {
      if (!IsDigit(text_[i])) continue;
      if (!BoundaryBefore(i) || i + 10 > text_.size()) return;
      const std::size_t end = i + 10;
      if (!BoundaryAfter(end)) return;
      if (auto date = ParseDate(text_.substr(i, 10)); date && PlausibleBirthDate(*date, today_)) {
        Add(Entity::kDateOfBirth, "", i, end, true, 0.75);
        covered = std::max(covered, end);
      }
      return;
    }
  }

  void ParenPhone(std::size_t to, std::size_t& covered) {
    std::size_t start = to - 1;
    while (start > 0 && text_[start] != '(') --start;
    if (start > 0 && text_[start - 1] == '+') return;  // "+1 (202) ..." is read as +digits
    std::size_t end = to;
    while (end < text_.size() && end - start < 24 &&
           (IsDigit(text_[end]) ||
            (IsSep(text_[end]) && end + 1 < text_.size() && IsDigit(text_[end + 1]))))
      ++end;
    covered = std::max(covered, end);
    if (!BoundaryAfter(end)) return;
    if (auto region = phones_.Region(text_.substr(start, end - start)))
      Add(Entity::kPhone, *region, start, end, true, 0.8);
  }

  std::string_view text_;
  PhoneMemo& phones_;
  std::vector<Detection>& out_;
  std::array<std::size_t, static_cast<std::size_t>(Kind::kCount)> covered_{};
  Date today_ = Today();
};

struct ScanState {
  Extractor* extractor;
  std::exception_ptr error;
};

// Hyperscan calls this from C: nothing may escape it.
int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* context) noexcept {
  auto* state = static_cast<ScanState*>(context);
  try {
    state->extractor->OnTrigger(kPatterns[id].kind, static_cast<std::size_t>(to));
  } catch (...) {
    state->error = std::current_exception();
    return 1;  // stop scanning
  }
  return 0;
}

}  // namespace

struct ValueDetector::Impl {
  ScratchHandle scratch;
  PhoneMemo phones;
  std::vector<Detection> found;
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
  std::vector<Detection>& found = impl_->found;
  found.clear();
  Extractor extractor(text, impl_->phones, found);
  ScanState state{&extractor, nullptr};
  const hs_error_t status =
      hs_scan(&SharedDatabase(), text.data(), static_cast<unsigned>(text.size()), 0,
              impl_->scratch.get(), OnMatch, &state);
  if (state.error) std::rethrow_exception(state.error);
  if (status != HS_SUCCESS && status != HS_SCAN_TERMINATED) {
    throw InternalError("Vectorscan scan failed with code " + std::to_string(status));
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
