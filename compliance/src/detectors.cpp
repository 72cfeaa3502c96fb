#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <hs.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
  // Run by Vectorscan in the fast engine too: the birth keywords, a literal set that Vectorscan
  // scans at several GB/s. The rest is found by WordScanner, which reports the same match ends:
  // character-class patterns keep Vectorscan's automata busy on every byte, and even the ones
  // led by one rare byte ('@', ':', '(') cost it 3x the keyword set alone.
  bool vectorscan_in_fast_engine;
};

constexpr std::array kPatterns = {
    Pattern{Kind::kEmail, R"(@[A-Za-z0-9])", 0, false},
    Pattern{Kind::kDigits,
            R"(\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d[ \-]?\d\b)", 0, false},
    Pattern{Kind::kIban, R"([A-Z]{2}\d{2} ?[A-Z0-9]{4})", 0, false},
    Pattern{Kind::kNino, R"([A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)", 0, false},
    Pattern{Kind::kDni, R"(\d{8}[\- ]?[A-Za-z]\b)", 0, false},
    Pattern{Kind::kNie, R"(\b[XYZxyz][\- ]?\d{7}[\- ]?[A-Za-z]\b)", 0, false},
    Pattern{
        Kind::kCodiceFiscale,
        R"([A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z])",
        0, false},
    Pattern{Kind::kIpv4, R"(\d\.\d{1,3}\.\d{1,3}\.\d)", 0, false},
    Pattern{Kind::kIpv6, R"([0-9A-Fa-f]?:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)", 0, false},
    Pattern{Kind::kMac, R"([0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-)", 0,
            false},
    Pattern{Kind::kMac, R"([0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})", 0, false},
    Pattern{Kind::kUuid, R"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-)", 0, false},
    Pattern{Kind::kHash, R"([0-9a-fA-F]{32})", 0, false},
    Pattern{Kind::kLatLong, R"(\.\d{4}\d* ?, ?-?\d{1,3}\.\d{4})", 0, false},
    Pattern{
        Kind::kBirth,
        R"(born|birth|dob\b|geboren|geburt|naissance|n[eé]e? le|nacimiento|nacid[oa]|nascita|nat[oa] il|geboorte|nascimento)",
        HS_FLAG_CASELESS, true},
    Pattern{Kind::kUkPostcode, R"([A-Z]\d[A-Z0-9]? ?\d[A-Z]{2}\b)", 0, false},
    Pattern{Kind::kParenPhone, R"(\(\d{2,5}\))", 0, false},
};

struct DatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using DatabaseHandle = std::unique_ptr<hs_database_t, DatabaseDeleter>;
using ScratchHandle = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

DatabaseHandle CompileDatabase(bool fast_engine) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < kPatterns.size(); ++i) {
    if (fast_engine && !kPatterns[i].vectorscan_in_fast_engine) continue;
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
}

// Compiled once per process, on first use.
const hs_database_t& SharedDatabase(ValueDetector::Engine engine) {
  if (engine == ValueDetector::Engine::kFast) {
    static const DatabaseHandle keywords = CompileDatabase(true);
    return *keywords;
  }
  static const DatabaseHandle all = CompileDatabase(false);
  return *all;
}

constexpr bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
constexpr bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}
constexpr bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsSep(char c) {
  return c == ' ' || c == '-';
}

// Detection::subtype views static storage. The subtypes are literals but for two kinds of
// codes: an IBAN's country, taken from the text (letters of either case, as IbanValid accepts
// them), and a phone number's region, from libphonenumber (two capitals, or "001" for
// non-geographic numbers). Two-letter codes view a table of all 52 x 52 pairs; any other code
// (none that libphonenumber has today) is kept once in a set that never shrinks.
std::string_view StaticCode(std::string_view code) {
  constexpr std::size_t kLetters = 52;
  static constexpr std::array<char, kLetters* kLetters* 2> kPairs = [] {
    std::array<char, kLetters * kLetters * 2> table{};
    const auto letter = [](std::size_t k) {
      return static_cast<char>(k < 26 ? 'A' + k : 'a' + (k - 26));
    };
    for (std::size_t i = 0; i < kLetters * kLetters; ++i) {
      table[2 * i] = letter(i / kLetters);
      table[2 * i + 1] = letter(i % kLetters);
    }
    return table;
  }();
  const auto index = [](char c) -> std::size_t {
    if (c >= 'A' && c <= 'Z') return static_cast<std::size_t>(c - 'A');
    if (c >= 'a' && c <= 'z') return static_cast<std::size_t>(c - 'a') + 26;
    return kLetters;
  };
  if (code.size() == 2 && index(code[0]) < kLetters && index(code[1]) < kLetters) {
    return {kPairs.data() + 2 * (index(code[0]) * kLetters + index(code[1])), 2};
  }
  if (code == "001") return "001";
  static std::mutex mutex;
  static std::set<std::string, std::less<>> others;
  const std::lock_guard lock(mutex);
  return *others.emplace(code).first;
}

// libphonenumber needs ~30 us per number (ICU regular expressions over its metadata), which
// would cap a scan at a few MB/s on data with a phone number per row. Its metadata decides
// validity by leading digits and length (number ranges are allocated by prefix), so results are
// memoized per (prefix form, first 7 digits, digit count) in a bounded cache cleared when full.
// The cache is looked up once per phone-shaped candidate at a key that is as good as random, so
// its entries are 8 bytes (a 32-bit key, the region code inline): 128 KiB for 16,384 entries
// stay in the second-level cache, where 56-byte entries holding a std::string did not.
class PhoneMemo {
 public:
  // The region of a valid number (static storage: StaticCode), or nullopt.
  std::optional<std::string_view> Region(std::string_view span) {
    // Key: the prefix form (2 bits), the digit count (6 bits) and the first 7 digits as a number
    // (24 bits: below 10^7 < 2^24); with the count fixed, leading zeros cannot collide.
    std::uint32_t digits = 0;
    std::uint32_t head = 0;
    for (const char c : span) {
      if (!IsDigit(c)) continue;
      if (digits < 7) head = head * 10 + static_cast<std::uint32_t>(c - '0');
      ++digits;
    }
    const char first = span[0];
    const std::uint32_t form = first == '+' ? 1 : first == '0' ? 2 : first == '(' ? 3 : 0;
    const std::uint32_t key = (form << 30) | (std::min<std::uint32_t>(digits, 63) << 24) | head;
    // Direct-mapped: a collision only evicts (PhoneRegion is a pure function of the span).
    if (cache_.empty()) cache_.resize(std::size_t{1} << kBits);  // on first use: 128 KiB
    Entry& entry = cache_[(std::uint64_t{key} * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)];
    if (entry.info == kEmpty || entry.key != key) {
      const std::optional<std::string> region = PhoneRegion(span);
      if (region && region->size() > entry.region.size()) {  // no region code: not cached
        entry.info = kEmpty;
        return StaticCode(*region);
      }
      entry.key = key;
      entry.info = region ? static_cast<std::uint8_t>(kValid + region->size()) : kInvalid;
      if (region) std::copy(region->begin(), region->end(), entry.region.begin());
    }
    if (entry.info == kInvalid) return std::nullopt;
    return StaticCode(std::string_view(entry.region.data(), entry.info - kValid));
  }

 private:
  static constexpr std::uint8_t kEmpty = 0;
  static constexpr std::uint8_t kInvalid = 1;
  static constexpr std::uint8_t kValid = 2;  // + the length of the region code
  struct Entry {
    std::uint32_t key = 0;
    std::uint8_t info = kEmpty;
    std::array<char, 3> region{};  // "DE", "001" (non-geographic entities)
  };
  static_assert(sizeof(Entry) == 8);
  static constexpr unsigned kBits = 14;
  std::vector<Entry> cache_;
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
  Extractor(std::string_view text, PhoneMemo& phones, const Date& today,
            std::vector<Detection>& out)
      : text_(text), phones_(phones), out_(out), today_(today) {}

  void OnTrigger(Kind kind, std::size_t to) {
    std::size_t& covered = covered_[static_cast<std::size_t>(kind)];
    if (to <= covered) return;
    covered = to;
    switch (kind) {
      case Kind::kEmail:
        return Email(to, covered);
      case Kind::kDigits:
        return Digits(to - 1, 1, to, covered);
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

  // The kDigits trigger from WordScanner, which knows where the digit run that ends at `to`
  // starts and how many digits it holds: the extractor need not walk back over it.
  void OnDigitRun(std::size_t run_start, std::size_t run_digits, std::size_t to) {
    std::size_t& covered = covered_[static_cast<std::size_t>(Kind::kDigits)];
    if (to <= covered) return;
    covered = to;
    Digits(run_start, run_digits, to, covered);
  }

  // True when the detections came out in the final order (start ascending, end descending,
  // then entity and subtype) and none was strictly inside another: nothing is left to do.
  [[nodiscard]] bool InFinalOrder() const { return in_order_; }

 private:
  bool BoundaryBefore(std::size_t s) const { return s == 0 || !IsAlnum(text_[s - 1]); }
  bool BoundaryAfter(std::size_t e) const { return e >= text_.size() || !IsAlnum(text_[e]); }
  // Triggers arrive nearly in text order, so the order and the "strictly inside another" rule of
  // Detect are checked here, while the previous detection is still in cache, instead of in two
  // more passes over the whole result. A detection strictly inside another is dropped whatever
  // the order in which the two arrive (the rule is "drop d if some detection strictly contains
  // it"), so dropping one early cannot change the result; an arrival out of order switches this
  // off and leaves the sort and the drop to Detect.
  // `subtype` must be static storage (a literal or StaticCode): Detection::subtype views it.
  [[gnu::always_inline]] void Add(Entity entity, std::string_view subtype, std::size_t start,
                                  std::size_t end, bool validated, double confidence) {
    ++added_;
    if (in_order_ && !out_.empty()) {
      const Detection& last = out_.back();
      const bool after_last =
          start > last.start ||
          (start == last.start &&
           (end < last.end ||
            (end == last.end &&
             (entity > last.entity || (entity == last.entity && subtype >= last.subtype)))));
      if (!after_last) {
        in_order_ = false;
      } else if (start >= cover_start_ && end <= cover_end_ &&
                 (start != cover_start_ || end != cover_end_)) {
        return;  // strictly inside the detection that set the cover
      }
    }
    if (in_order_ && end > cover_end_) {
      cover_start_ = start;
      cover_end_ = end;
    }
    out_.push_back(Detection{entity, subtype, start, end, validated, confidence});
  }

  void Email(std::size_t to, std::size_t& covered) {
    const std::size_t at = to - 2;
    // Bytes of the local part and of the domain as this extractor takes them, one table look-up
    // per byte (the walks run on every '@').
    static constexpr std::uint8_t kLocal = 1;
    static constexpr std::uint8_t kDomain = 2;
    static constexpr std::array<std::uint8_t, 256> kEmailByte = [] {
      std::array<std::uint8_t, 256> table{};
      for (std::size_t c = 0; c < 256; ++c) {
        if (IsAlnum(static_cast<char>(c))) table[c] = kLocal | kDomain;
      }
      for (const char c : std::string_view("._%+-'")) {
        table[static_cast<unsigned char>(c)] |= kLocal;
      }
      table['.'] |= kDomain;
      table['-'] |= kDomain;
      return table;
    }();
    const auto is = [&](std::size_t i, std::uint8_t kind) {
      return (kEmailByte[static_cast<unsigned char>(text_[i])] & kind) != 0;
    };
    std::size_t start = at;
    // Each walk against one precomputed limit (the text's end or the part's maximum length).
    const std::size_t local_limit = at > 64 ? at - 64 : 0;
    while (start > local_limit && is(start - 1, kLocal)) --start;
    while (start < at && (text_[start] == '.' || text_[start] == '\'')) ++start;
    std::size_t end = at + 1;
    const std::size_t domain_limit = std::min(text_.size(), at + 254);
    while (end < domain_limit && is(end, kDomain)) ++end;
    while (end > at + 1 && (text_[end - 1] == '.' || text_[end - 1] == '-')) --end;
    covered = std::max(covered, end);
    if (start < at && EmailValid(text_.substr(start, end - start)))
      Add(Entity::kEmail, "", start, end, true, 0.95);
  }

  // A run of digits with single ' ' or '-' between them, bounded by non-alphanumerics.
  // [from, to) is known to be part of the run, with `digits` digits and single separators between
  // digits: the walks go back from `from` and on from `to`, and end where a walk from the trigger
  // alone would.
  void Digits(std::size_t from, std::size_t digits, std::size_t to, std::size_t& covered) {
    std::size_t start = from;
    while (start > 0) {
      const char p = text_[start - 1];
      if (IsDigit(p)) {
        ++digits;
      } else if (!IsSep(p) || start < 2 || !IsDigit(text_[start - 2])) {
        break;
      }
      --start;
    }
    std::size_t end = to;
    while (end < text_.size()) {
      const char c = text_[end];
      if (IsDigit(c)) {
        ++digits;
      } else if (!IsSep(c) || end + 1 >= text_.size() || !IsDigit(text_[end + 1])) {
        break;
      }
      ++end;
    }
    covered = std::max(covered, end);
    if (end - start > 40 || !BoundaryBefore(start) || !BoundaryAfter(end)) return;
    if (ValidateDigits(start, end, digits)) return;
    // "4111 1111 1111 1111 2025": the whole run is no entity; try its pieces at separators,
    // longest first.
    std::array<std::size_t, 8> seps{};
    std::size_t count = 0;
    for (std::size_t i = start; i < end; ++i) {
      if (!IsSep(text_[i])) continue;
      if (count == seps.size()) return;
      seps[count++] = i;
    }
    // A piece [start, seps[k]) holds the k separators before seps[k], [seps[k] + 1, end) the
    // count - k - 1 after it; the rest of its bytes are digits.
    for (std::size_t k = count; k-- > 0;) {
      if (ValidateDigits(start, seps[k], seps[k] - start - k)) break;
    }
    for (std::size_t k = 0; k < count; ++k) {
      if (ValidateDigits(seps[k] + 1, end, end - seps[k] - 1 - (count - k - 1))) break;
    }
  }

  // [start, end): digits and `digits` of them, with single separators between.
  bool ValidateDigits(std::size_t start, std::size_t end, std::size_t digits) {
    const std::string_view span = text_.substr(start, end - start);
    const bool plain = digits == span.size();
    const std::size_t before = added_;
    const char prefix = start > 0 ? text_[start - 1] : '\0';
    if (prefix == '+' && digits >= 7) {  // international phone number
      if (const auto region = phones_.Region(text_.substr(start - 1, end - start + 1))) {
        Add(Entity::kPhone, *region, start - 1, end, true, 0.9);
        return true;
      }
    }
    if (digits >= 12) {
      if (const std::string_view brand = CardBrandName(span); !brand.empty()) {
        Add(Entity::kCreditCard, brand, start, end, true, 0.95);
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
    if (added_ == before || us) {
      if ((national || us || span.rfind("00", 0) == 0) && digits >= 7) {
        if (const auto region = phones_.Region(span)) {
          Add(Entity::kPhone, *region, start, end, true, national ? 0.85 : 0.8);
        }
      }
    }
    return added_ > before;
  }

  void Iban(std::size_t to, std::size_t& covered) {
    std::size_t start = to - 8;
    if (to >= 9 && text_[to - 5] == ' ') start = to - 9;
    if (!BoundaryBefore(start)) return;
    // Gather up to 34 alphanumerics with single spaces; try the longest prefix first.
    std::array<std::size_t, 34> ends;  // text end offset after k alphanumerics (first `count`)
    std::size_t count = 0;
    std::size_t i = start;
    while (i < text_.size() && count < ends.size()) {
      if (IsAlnum(text_[i])) {
        ++i;
        ends[count++] = i;
      } else if (text_[i] == ' ' && i + 1 < text_.size() && IsAlnum(text_[i + 1])) {
        ++i;
      } else {
        break;
      }
    }
    for (std::size_t k = count; k >= 15; --k) {
      const std::size_t end = ends[k - 1];
      if (!BoundaryAfter(end) && !(end < text_.size() && text_[end] == ' ')) continue;
      if (IbanValid(text_.substr(start, end - start))) {
        covered = std::max(covered, end);
        Add(Entity::kIban, StaticCode(text_.substr(start, 2)), start, end, true, 0.97);
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
    const std::size_t back_limit = to > 16 ? to - 16 : 0;
    while (start > back_limit && ip_char(text_[start - 1])) --start;
    std::size_t end = to;
    const std::size_t end_limit = std::min(text_.size(), start + 16);
    while (end < end_limit && ip_char(text_[end])) ++end;
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
    if (const auto region = phones_.Region(text_.substr(start, end - start)))
      Add(Entity::kPhone, *region, start, end, true, 0.8);
  }

  std::string_view text_;
  PhoneMemo& phones_;
  std::vector<Detection>& out_;
  std::size_t added_ = 0;  // detections found, including those dropped as inside another
  bool in_order_ = true;
  std::size_t cover_start_ = 0;
  std::size_t cover_end_ = 0;
  std::array<std::size_t, static_cast<std::size_t>(Kind::kCount)> covered_{};
  Date today_;
};

// Byte classes for WordScanner: a word is a maximal run of ASCII letters and digits.
constexpr unsigned kClassDigit = 1;
constexpr unsigned kClassUpper = 2;
constexpr unsigned kClassLower = 4;
constexpr unsigned kClassNonHex = 8;

constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t c = '0'; c <= '9'; ++c) table[c] = kClassDigit;
  for (std::size_t c = 'A'; c <= 'Z'; ++c) {
    table[c] = static_cast<std::uint8_t>(c > 'F' ? kClassUpper | kClassNonHex : kClassUpper);
  }
  for (std::size_t c = 'a'; c <= 'z'; ++c) {
    table[c] = static_cast<std::uint8_t>(c > 'f' ? kClassLower | kClassNonHex : kClassLower);
  }
  return table;
}();

// Reports, for the patterns of kPatterns that Vectorscan does not run in the fast engine, the match
// ends the Extractor acts on, without running a regex engine: one pass splits the text into words
// (one table lookup per byte), and each word is checked against the few patterns that can end or
// start in it by looking at the bytes around it. Vectorscan runs these patterns at 150 MB/s
// together (their character classes keep many automaton states alive on every byte); this pass
// runs at GB/s. The extractors use a trigger only to locate the candidate, so a pattern only has
// to be reported at one of its match ends, with the first one where the span depends on it; the
// reference engine (Vectorscan over all patterns) must give identical detections, which
// detector_engines_test checks over generated and hand-written text.
class WordScanner {
 public:
  // `literal_triggers`: what Vectorscan reported (the birth keywords), by end offset;
  // they are handed to the extractor in text order with the scanner's own, so that detections
  // come out (nearly) sorted.
  // `punctuation_triggers`: storage for the triggers of the '@', ':' and '(' patterns, found
  // per chunk by this scanner (cleared here).
  WordScanner(std::string_view text, Extractor& extractor,
              const std::vector<std::pair<Kind, std::size_t>>& literal_triggers,
              std::vector<std::pair<Kind, std::size_t>>& punctuation_triggers)
      : text_(text),
        extractor_(extractor),
        literal_triggers_(literal_triggers),
        punctuation_triggers_(punctuation_triggers),
        next_literal_at_(literal_triggers.empty() ? std::string_view::npos
                                                  : literal_triggers.front().second) {
    punctuation_triggers_.clear();
    next_due_ = next_literal_at_;
  }

  void Run() {
    // 64 bytes at a time: bit masks of the byte classes; from them, with a few word-wide
    // operations per chunk, the masks of the words' first bytes and of the bytes right after
    // them, and of the prose words among them (ProseEnds), which are dropped before any per-word
    // work. The remaining words are taken lowest bit first (count-trailing-zeros, clear-lowest-
    // bit), so that no branch depends on each byte or on each prose word, and the letter mask
    // sends digit-only words down an inlined path (DigitWord) without computing their classes.
    const std::size_t n = text_.size();
    std::array<char, 64> tail{};
    bool open = false;              // a word runs on from the previous chunk
    std::size_t open_start = 0;     // its first byte
    unsigned open_mask = 0;         // the classes of its bytes in the previous chunks
    std::uint64_t dot_before = 0;   // bit 0: the previous chunk ended with '.'
    std::uint64_t stop_before = 0;  // bit 0: the previous chunk ended with '.', ' ' or '-'
    for (std::size_t base = 0; base < n; base += 64) {
      const char* bytes = text_.data() + base;
      if (n - base < 64) {  // zero padding: not word bytes, so the last word ends at n
        std::memcpy(tail.data(), bytes, n - base);
        bytes = tail.data();
      }
      const ChunkClasses chunk = Classify64(bytes);
      if (chunk.punctuation != 0) QueuePunctuation(base, chunk.punctuation);
      const std::uint64_t w = chunk.word;
      const std::uint64_t carry = open ? 1 : 0;
      const std::uint64_t starts = w & ~((w << 1) | carry);
      std::uint64_t ends = ~w & ((w << 1) | carry);
      const std::uint64_t dots = (chunk.dot << 1) | dot_before;
      dot_before = chunk.dot >> 63;
      const std::uint64_t stops = ((chunk.dot | chunk.separator) << 1) | stop_before;
      stop_before = (chunk.dot | chunk.separator) >> 63;
      if (open) {
        if (ends == 0) {  // the whole chunk is inside the word
          open_mask |= RangeMask(chunk, ~std::uint64_t{0});
          continue;
        }
        const auto e = static_cast<unsigned>(std::countr_zero(ends));
        ends &= ends - 1;
        Word(open_start, base + e, open_mask | RangeMask(chunk, (std::uint64_t{1} << e) - 1));
        open = false;
      }
      ends &= ~(ProseEnds(chunk, starts, ends, dots) | LoneDigitEnds(chunk, starts, ends, stops));
      for (; ends != 0; ends &= ends - 1) {
        const auto e = static_cast<unsigned>(std::countr_zero(ends));
        // The word's first byte: the last start below its end (there is one: the word that ran
        // on from the previous chunk ended above; "| 1" only spares the shift below a 64).
        const std::uint64_t below = starts & ((std::uint64_t{1} << e) - 1);
        const unsigned s = 63U - static_cast<unsigned>(std::countl_zero(below | 1));
        const std::uint64_t range = (std::uint64_t{1} << e) - (std::uint64_t{1} << s);
        if ((chunk.letter & range) == 0) {
          DigitWord(base + s, base + e);
        } else {
          CandidateWord(base + s, base + e, RangeMask(chunk, range));
        }
      }
      if ((w >> 63) != 0) {  // the chunk's last word runs on; it started in this chunk
        const unsigned s = 63U - static_cast<unsigned>(std::countl_zero(starts | 1));
        open = true;
        open_start = base + s;
        open_mask = RangeMask(chunk, ~std::uint64_t{0} << s);
      }
    }
    if (open) Word(open_start, n, open_mask);
    FlushTriggers(n);
  }

 private:
  struct ChunkClasses {
    std::uint64_t word = 0;  // bit k: byte k of the chunk is an ASCII letter or digit
    std::uint64_t digit = 0;
    std::uint64_t upper = 0;
    std::uint64_t lower = 0;
    std::uint64_t non_hex = 0;      // letters G-Z, g-z
    std::uint64_t punctuation = 0;  // '@', ':' and '('
    std::uint64_t dot = 0;          // '.'
    std::uint64_t letter = 0;       // upper | lower
    std::uint64_t separator = 0;    // ' ' and '-'
  };

  // The ends of the in-chunk words that DigitWord would leave without effect: digit-only, fewer
  // than 9 digits, neither '.', ' ' nor '-' right before (`stops`: bit k set when byte k - 1 is
  // one) nor ' ' or '-' right after. Such a word cannot join a digit run (a run needs a single
  // ' ' or '-' between its words), so it neither triggers one (9 digits) nor changes the run a
  // later word joins; the hex-word checks need a '-' after it or 32 digits; and DotNumber needs
  // a '.' before it. Found with the carry of ProseEnds.
  static std::uint64_t LoneDigitEnds(const ChunkClasses& c, std::uint64_t starts,
                                     std::uint64_t ends, std::uint64_t stops) {
    const std::uint64_t w = c.word;
    std::uint64_t run9 = w & (w >> 1);  // bit k: bytes k .. k + 8 are word bytes
    run9 &= run9 >> 2;
    run9 &= run9 >> 4;
    run9 &= w >> 8;
    const std::uint64_t markers = c.letter | (starts & stops) | run9;
    return ((w & ~markers) + starts) & ends & ~c.separator;
  }

  // The ends (bits of `ends`) of the words that start and end in the chunk and are prose in the
  // sense of Word: no digit, a letter outside A-F, not 1 or 16 bytes long, no '.' right before
  // (`dots`: bit k set when byte k - 1 is a '.'). "The word holds a byte of M" for all words at
  // once: adding the start bits to the word bytes outside M carries through every word that
  // holds none, and sets the bit right after it, which is its end bit; a byte of M stops the
  // carry inside the word. (A word that began in an earlier chunk has no start bit here, so it
  // never counts as prose and Word decides.)
  static std::uint64_t ProseEnds(const ChunkClasses& c, std::uint64_t starts, std::uint64_t ends,
                                 std::uint64_t dots) {
    const std::uint64_t w = c.word;
    const std::uint64_t markers = c.digit | (starts & dots);
    const std::uint64_t without_markers = ((w & ~markers) + starts) & ends;
    const std::uint64_t without_non_hex = ((w & ~c.non_hex) + starts) & ends;
    const std::uint64_t one_byte = (starts & ~(w >> 1)) << 1;
    std::uint64_t run16 = w & (w >> 1);  // bit k: bytes k .. k + 15 are word bytes
    run16 &= run16 >> 2;
    run16 &= run16 >> 4;
    run16 &= run16 >> 8;
    const std::uint64_t sixteen_bytes = (starts & run16 & ~(w >> 16)) << 16;
    return without_markers & ~without_non_hex & ~one_byte & ~sixteen_bytes;
  }

  static ChunkClasses Classify64(const char* bytes) {
    ChunkClasses c;
#if defined(__SSE2__)
    for (std::size_t k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * k));
      // low <= v <= low + span as unsigned bytes, in two operations: v + (0x80 - low) wraps
      // exactly that range onto the smallest signed bytes -128 .. -128 + span.
      const auto in_range = [](__m128i x, char low, char span) {
        const __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(0x80 - low)));
        return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + span + 1)));
      };
      const auto bits = [k](__m128i m) {
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m))) << (16 * k);
      };
      const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(static_cast<char>(0x20)));
      c.digit |= bits(in_range(v, '0', 9));
      c.upper |= bits(in_range(v, 'A', 25));
      c.lower |= bits(in_range(v, 'a', 25));
      c.non_hex |= bits(in_range(folded, 'g', 19));
      c.dot |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
      c.separator |= bits(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                       _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
      c.punctuation |= bits(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))),
                                         _mm_cmpeq_epi8(v, _mm_set1_epi8('('))));
    }
#else
    for (unsigned k = 0; k < 64; ++k) {
      const unsigned cls = kByteClass[static_cast<unsigned char>(bytes[k])];
      const std::uint64_t bit = std::uint64_t{1} << k;
      if ((cls & kClassDigit) != 0) c.digit |= bit;
      if ((cls & kClassUpper) != 0) c.upper |= bit;
      if ((cls & kClassLower) != 0) c.lower |= bit;
      if ((cls & kClassNonHex) != 0) c.non_hex |= bit;
      if (bytes[k] == '@' || bytes[k] == ':' || bytes[k] == '(') c.punctuation |= bit;
      if (bytes[k] == '.') c.dot |= bit;
      if (bytes[k] == ' ' || bytes[k] == '-') c.separator |= bit;
    }
#endif
    c.letter = c.upper | c.lower;
    c.word = c.digit | c.letter;
    return c;
  }

  // The kClass* bits of the bytes of a chunk selected by `range`.
  static unsigned RangeMask(const ChunkClasses& c, std::uint64_t range) {
    return ((c.digit & range) != 0 ? kClassDigit : 0U) |
           ((c.upper & range) != 0 ? kClassUpper : 0U) |
           ((c.lower & range) != 0 ? kClassLower : 0U) |
           ((c.non_hex & range) != 0 ? kClassNonHex : 0U);
  }

  // A word that crosses a chunk boundary (or ends the text), with its class bits. Prose words
  // (a letter outside A-F, no digit, not 1 or 16 bytes, no '.' before) can start or end none of
  // the patterns (see OnWord): skipped before any other work. Words inside a chunk are sorted
  // by ProseEnds and the chunk loop instead.
  void Word(std::size_t start, std::size_t end, unsigned mask) {
    const std::size_t length = end - start;
    if ((mask & (kClassDigit | kClassNonHex)) == kClassNonHex && length != 1 && length != 16 &&
        (start == 0 || text_[start - 1] != '.')) {
      return;
    }
    if (mask == kClassDigit) {
      DigitWord(start, end);
    } else {
      CandidateWord(start, end, mask);
    }
  }

  // Digit-only words (half of all words in exports): unless after a '.', of OnWord's checks only
  // the digit run and the hex-word ones can apply, and the latter need a '-' after a 2- or
  // 4-digit word, or 32 digits. Inlined into the chunk loop.
  [[gnu::always_inline]] void DigitWord(std::size_t start, std::size_t end) {
    if (start > 0 && text_[start - 1] == '.') return CandidateWord(start, end, kClassDigit);
    const std::size_t length = end - start;
    FlushTriggers(start);
    DigitRun(start, end);
    if (((length == 2 || length == 4) && At(end, '-')) || length >= 32) HexWord(start, end);
  }

  void CandidateWord(std::size_t start, std::size_t end, unsigned mask) {
    FlushTriggers(start);
    OnWord(start, end, mask);
  }

  // The triggers of the '@', ':' and '(' patterns at the bytes of `mask` in the chunk at `base`,
  // checked backwards or forwards from the byte as the regexes of kPatterns read:
  //   @[A-Za-z0-9]                                     ends 2 bytes after the '@';
  //   \(\d{2,5}\)                                       ends after the ')';
  //   [0-9A-Fa-f]?:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:  ends after this ':' when the two ':' before
  //     it are each at most 4 hex digits away (hex digits are no ':', so they are the nearest
  //     two; the optional leading hex digit never decides whether there is a match).
  // Their end offsets grow with the byte's offset (a ')' is none of the three bytes), so the
  // queue stays sorted.
  void QueuePunctuation(std::size_t base, std::uint64_t mask) {
    const std::size_t was_empty = next_punctuation_ == punctuation_triggers_.size();
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t p = base + static_cast<unsigned>(std::countr_zero(mask));
      const char c = text_[p];
      if (c == '@') {
        if (Is(p + 1, kClassDigit | kClassUpper | kClassLower)) {
          punctuation_triggers_.emplace_back(Kind::kEmail, p + 2);
        }
      } else if (c == '(') {
        std::size_t digits = 0;
        while (digits < 6 && Digit(p + 1 + digits)) ++digits;
        if (digits >= 2 && digits <= 5 && At(p + 1 + digits, ')')) {
          punctuation_triggers_.emplace_back(Kind::kParenPhone, p + digits + 2);
        }
      } else {
        std::size_t colon = p;
        bool ok = true;
        for (int gap = 0; gap < 2 && ok; ++gap) {
          std::size_t j = colon;
          while (j > 0 && colon - j <= 4 && Hex(j - 1)) --j;
          ok = colon - j <= 4 && j > 0 && text_[j - 1] == ':';
          colon = j - 1;
        }
        if (ok) punctuation_triggers_.emplace_back(Kind::kIpv6, p + 1);
      }
    }
    if (was_empty && next_punctuation_ < punctuation_triggers_.size()) {
      next_due_ = std::min(next_literal_at_, punctuation_triggers_[next_punctuation_].second);
    }
  }

  // Hands the Vectorscan and punctuation triggers that end at or before `upto` to the extractor,
  // in end order; one inlined comparison per word when none is due (the usual case).
  void FlushTriggers(std::size_t upto) {
    if (next_due_ <= upto) FlushDueTriggers(upto);
  }
  [[gnu::noinline]] void FlushDueTriggers(std::size_t upto) {
    while (next_due_ <= upto) {
      const std::size_t punctuation_at = next_punctuation_ < punctuation_triggers_.size()
                                             ? punctuation_triggers_[next_punctuation_].second
                                             : std::string_view::npos;
      if (next_literal_at_ <= punctuation_at) {
        const auto& [kind, to] = literal_triggers_[next_literal_];
        extractor_.OnTrigger(kind, to);
        ++next_literal_;
        next_literal_at_ = next_literal_ < literal_triggers_.size()
                               ? literal_triggers_[next_literal_].second
                               : std::string_view::npos;
      } else {
        const auto& [kind, to] = punctuation_triggers_[next_punctuation_];
        extractor_.OnTrigger(kind, to);
        ++next_punctuation_;
      }
      next_due_ = std::min(next_literal_at_, next_punctuation_ < punctuation_triggers_.size()
                                                 ? punctuation_triggers_[next_punctuation_].second
                                                 : std::string_view::npos);
    }
  }
  [[nodiscard]] unsigned Class(std::size_t i) const {
    return kByteClass[static_cast<unsigned char>(text_[i])];
  }
  [[nodiscard]] bool Is(std::size_t i, unsigned classes) const {
    return i < text_.size() && (Class(i) & classes) != 0;
  }
  [[nodiscard]] bool Digit(std::size_t i) const {
    return Is(i, kClassDigit);
  }
  [[nodiscard]] bool Upper(std::size_t i) const {
    return Is(i, kClassUpper);
  }
  [[nodiscard]] bool Letter(std::size_t i) const {
    return Is(i, kClassUpper | kClassLower);
  }
  [[nodiscard]] bool UpperOrDigit(std::size_t i) const {
    return Is(i, kClassUpper | kClassDigit);
  }
  [[nodiscard]] bool Hex(std::size_t i) const {
    return i < text_.size() && Class(i) != 0 && (Class(i) & kClassNonHex) == 0;
  }
  [[nodiscard]] bool HexRun(std::size_t from, std::size_t count) const {
    for (std::size_t k = 0; k < count; ++k) {
      if (!Hex(from + k)) return false;
    }
    return true;
  }
  [[nodiscard]] bool At(std::size_t i, char c) const {
    return i < text_.size() && text_[i] == c;
  }
  // The same tests without the bounds check, for offsets known to be in the text (inside the
  // word at hand or before it): these checks run on most words.
  [[nodiscard]] bool DigitAt(std::size_t i) const {
    return IsDigit(text_[i]);
  }
  [[nodiscard]] bool UpperAt(std::size_t i) const {
    return (Class(i) & kClassUpper) != 0;
  }
  [[nodiscard]] bool LetterAt(std::size_t i) const {
    return (Class(i) & (kClassUpper | kClassLower)) != 0;
  }
  [[nodiscard]] bool UpperOrDigitAt(std::size_t i) const {
    return (Class(i) & (kClassUpper | kClassDigit)) != 0;
  }
  [[nodiscard]] bool HexAt(std::size_t i) const {
    return Class(i) != 0 && (Class(i) & kClassNonHex) == 0;
  }
  [[nodiscard]] bool HexRunAt(std::size_t from, std::size_t count) const {
    for (std::size_t k = 0; k < count; ++k) {
      if (!HexAt(from + k)) return false;
    }
    return true;
  }
  // Regex \b after a word that ends at `end`: the next byte is no word character. Words stop at
  // any byte that is not a letter or digit, so only '_' remains to exclude.
  [[nodiscard]] bool WordBoundaryAfter(std::size_t end) const {
    return !At(end, '_');
  }
  [[nodiscard]] bool WordCharBefore(std::size_t i) const {
    return i > 0 && (Class(i - 1) != 0 || text_[i - 1] == '_');
  }
  // Steps `j` back over one byte of the given kind; false if there is none.
  template <typename Pred>
  bool Back(std::size_t& j, Pred pred) const {
    if (j == 0 || !pred(j - 1)) return false;
    --j;
    return true;
  }
  bool BackChar(std::size_t& j, char c) const {
    return Back(j, [&](std::size_t k) { return text_[k] == c; });
  }
  bool BackDigits(std::size_t& j, std::size_t count) const {
    for (std::size_t k = 0; k < count; ++k) {
      if (!Back(j, [&](std::size_t p) { return DigitAt(p); })) return false;
    }
    return true;
  }
  bool BackSep(std::size_t& j) const {
    return Back(j, [&](std::size_t k) { return text_[k] == '-' || text_[k] == ' '; });
  }

  // The checks of a word with a letter (or a digit word after '.'). Each pattern family is a
  // function of its own, called only when the word's classes and length allow it: most words
  // that get here need one family or none, and they do not pay for the others' stack frame.
  void OnWord(std::size_t start, std::size_t end, unsigned mask) {
    const std::size_t length = end - start;
    const bool has_digit = (mask & kClassDigit) != 0;
    if (mask == kClassDigit) {
      DigitRun(start, end);
    } else if (has_digit && (mask & kClassUpper) != 0 && length >= 4) {
      IbanHead(start, end);
    }
    // Every pattern of LetterEnd but the codice fiscale needs a digit in this word or, for a
    // one-letter word, right before it: prose words are skipped here.
    if ((has_digit || length == 1 || length == 16) && LetterAt(end - 1)) LetterEnd(start, end);
    if (start > 0 && text_[start - 1] == '.') AfterDot(start);
    if ((mask & kClassNonHex) == 0 && (length == 2 || length == 4 || length >= 32)) {
      HexWord(start, end);
    }
  }

  // [A-Z]{2}\d{2} ?[A-Z0-9]{4}: the extractor needs a word start, so only a word's head counts.
  [[gnu::noinline]] void IbanHead(std::size_t start, std::size_t end) {
    const std::size_t length = end - start;
    // Offsets below start + length are in the word.
    if (!UpperAt(start) || !UpperAt(start + 1) || !DigitAt(start + 2) || !DigitAt(start + 3)) {
      return;
    }
    if (length >= 8 && UpperOrDigitAt(start + 4) && UpperOrDigitAt(start + 5) &&
        UpperOrDigitAt(start + 6) && UpperOrDigitAt(start + 7)) {
      extractor_.OnTrigger(Kind::kIban, start + 8);
    } else if (length == 4 && At(end, ' ') && UpperOrDigit(end + 1) && UpperOrDigit(end + 2) &&
               UpperOrDigit(end + 3) && UpperOrDigit(end + 4)) {
      extractor_.OnTrigger(Kind::kIban, start + 9);
    }
  }

  // A word right after '.'.
  [[gnu::noinline]] void AfterDot(std::size_t start) {
    if (DigitAt(start)) DotNumber(start);
    // [0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4} ends 4 bytes into this word.
    if (start >= 10 && text_[start - 6] == '.' && HexRunAt(start - 10, 4) &&
        HexRunAt(start - 5, 4) && HexRun(start, 4)) {
      extractor_.OnTrigger(Kind::kMac, start + 4);
    }
  }

  // \d[ \-]?\d ... \d\b (9 digits): digit-only words joined by single ' ' or '-' form a run;
  // once it holds 9 digits, every word end followed by a non-word byte is a match end.
  void DigitRun(std::size_t start, std::size_t end) {
    const bool joined = start >= 2 && run_end_ == start - 1 &&
                        (text_[start - 1] == ' ' || text_[start - 1] == '-') && DigitAt(start - 2);
    if (!joined) run_start_ = start;
    run_digits_ = (joined ? run_digits_ : 0) + (end - start);
    run_end_ = end;
    if (run_digits_ >= 9 && WordBoundaryAfter(end)) {
      extractor_.OnDigitRun(run_start_, run_digits_, end);
    }
  }

  // Patterns that end with a letter: codice fiscale (a whole 16-byte word), and, before a \b,
  // UK NINO, Spanish DNI and NIE, UK postcodes. Each is matched backwards from the word end.
  [[gnu::noinline]] void LetterEnd(std::size_t start, std::size_t end) {
    if (end - start == 16 && CodiceFiscaleShape(start)) {
      extractor_.OnTrigger(Kind::kCodiceFiscale, end);
    }
    if (!WordBoundaryAfter(end)) return;
    const char last = text_[end - 1];
    // [A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b
    if (last >= 'A' && last <= 'D') {
      std::size_t j = end - 1;
      bool ok = true;
      for (int group = 0; group < 3 && ok; ++group) {
        BackChar(j, ' ');
        ok = BackDigits(j, 2);
      }
      if (ok) BackChar(j, ' ');
      if (ok && Back(j, [&](std::size_t k) { return UpperAt(k); }) &&
          Back(j, [&](std::size_t k) { return UpperAt(k); })) {
        extractor_.OnTrigger(Kind::kNino, end);
      }
    }
    // \d{8}[\- ]?[A-Za-z]\b and \b[XYZxyz][\- ]?\d{7}[\- ]?[A-Za-z]\b read the same digits back
    // from the last letter, counted once: 8 make a DNI, exactly 7 may make a NIE (an eighth digit
    // is no [XYZxyz]).
    {
      std::size_t j = end - 1;
      BackSep(j);
      std::size_t digits = 0;
      while (digits < 8 && digits < j && DigitAt(j - digits - 1)) ++digits;
      if (digits == 8) extractor_.OnTrigger(Kind::kDni, end);
      if (digits == 7) {
        j -= 7;
        BackSep(j);
        if (Back(j, [&](std::size_t k) { return std::strchr("XYZxyz", text_[k]) != nullptr; }) &&
            !WordCharBefore(j)) {
          extractor_.OnTrigger(Kind::kNie, end);
        }
      }
    }
    // [A-Z]\d[A-Z0-9]? ?\d[A-Z]{2}\b
    if (end >= 5 && UpperAt(end - 1) && UpperAt(end - 2) && DigitAt(end - 3)) {
      std::size_t j = end - 3;
      BackChar(j, ' ');
      const bool without_optional = j >= 2 && DigitAt(j - 1) && UpperAt(j - 2);
      const bool with_optional =
          j >= 3 && (UpperAt(j - 1) || DigitAt(j - 1)) && DigitAt(j - 2) && UpperAt(j - 3);
      if (without_optional || with_optional) extractor_.OnTrigger(Kind::kUkPostcode, end);
    }
  }

  [[nodiscard]] bool CodiceFiscaleShape(std::size_t start) const {
    // [A-Za-z]{6} [0-9LMNPQRSTUV]{2} [A-Za-z] [0-9LMNPQRSTUV]{2} [A-Za-z] [0-9LMNPQRSTUV]{3}
    // [A-Za-z], letters of the digit positions in either case (omocodia).
    static constexpr std::string_view kShape = "LLLLLLDDLDDLDDDL";
    for (std::size_t k = 0; k < kShape.size(); ++k) {
      const std::size_t i = start + k;
      if (kShape[k] == 'L') {
        if (!Letter(i)) return false;
      } else if (!Digit(i) && std::string_view("LMNPQRSTUVlmnpqrstuv").find(text_[i]) ==
                                  std::string_view::npos) {
        return false;
      }
    }
    return true;
  }

  // A word that starts with a digit right after '.': the last group of an IPv4 address or the
  // fraction of a longitude.
  void DotNumber(std::size_t start) {
    // \d\.\d{1,3}\.\d{1,3}\.\d ends at start + 1: the '.' before this one is 2 to 4 bytes
    // back (most numbers after a '.' are fractions, whose walk this test spares).
    if (start >= 6 &&
        (text_[start - 3] == '.' || text_[start - 4] == '.' || text_[start - 5] == '.')) {
      std::size_t j = start - 1;  // the '.'
      bool ok = true;
      for (int group = 0; group < 2 && ok; ++group) {
        const std::size_t dot = j;
        while (j > 0 && DigitAt(j - 1) && dot - j < 4) --j;
        ok = dot - j >= 1 && dot - j <= 3 && BackChar(j, '.');
      }
      if (ok && j > 0 && DigitAt(j - 1)) extractor_.OnTrigger(Kind::kIpv4, start + 1);
    }
    // \.\d{4}\d* ?, ?-?\d{1,3}\.\d{4} ends at start + 4.
    if (Digit(start + 1) && Digit(start + 2) && Digit(start + 3)) {
      std::size_t j = start - 1;  // the '.'
      const std::size_t dot = j;
      while (j > 0 && DigitAt(j - 1) && dot - j < 4) --j;
      if (dot - j < 1 || dot - j > 3) return;
      BackChar(j, '-');
      BackChar(j, ' ');
      if (!BackChar(j, ',')) return;
      BackChar(j, ' ');
      const std::size_t digits_end = j;
      while (j > 0 && DigitAt(j - 1)) --j;
      if (digits_end - j >= 4 && BackChar(j, '.')) {
        extractor_.OnTrigger(Kind::kLatLong, start + 4);
      }
    }
  }

  // Words of hex digits only: UUID heads, MAC addresses and hashes.
  [[gnu::noinline]] void HexWord(std::size_t start, std::size_t end) {
    const std::size_t length = end - start;
    // [0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}- ends after this word's '-'.
    if (length == 4 && At(end, '-') && start >= 9 && text_[start - 1] == '-' &&
        HexRunAt(start - 9, 8)) {
      extractor_.OnTrigger(Kind::kUuid, end + 1);
    }
    // ([0-9A-Fa-f]{2}-){4} ends after this word's '-'.
    if (length == 2 && At(end, '-') && start >= 9 && text_[start - 1] == '-' &&
        text_[start - 4] == '-' && text_[start - 7] == '-' && HexRunAt(start - 3, 2) &&
        HexRunAt(start - 6, 2) && HexRunAt(start - 9, 2)) {
      extractor_.OnTrigger(Kind::kMac, end + 1);
    }
    if (length >= 32) extractor_.OnTrigger(Kind::kHash, start + 32);
  }

  std::string_view text_;
  Extractor& extractor_;
  const std::vector<std::pair<Kind, std::size_t>>& literal_triggers_;
  std::vector<std::pair<Kind, std::size_t>>& punctuation_triggers_;
  std::size_t next_literal_at_;  // the end offset of literal_triggers_[next_literal_], or npos
  std::size_t next_due_ = 0;     // the smallest end offset of the next trigger of either kind
  std::size_t next_literal_ = 0;
  std::size_t next_punctuation_ = 0;
  std::size_t run_start_ = 0;  // the current digit run: its first byte, digits and end
  std::size_t run_digits_ = 0;
  std::size_t run_end_ = std::string_view::npos;
};

struct ScanState {
  Extractor* extractor;  // reference engine: act on every trigger at once
  std::vector<std::pair<Kind, std::size_t>>* collected;  // fast engine: collect for WordScanner
  std::exception_ptr error;
};

// Hyperscan calls this from C: nothing may escape it.
int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* context) noexcept {
  auto* state = static_cast<ScanState*>(context);
  try {
    if (state->collected != nullptr) {
      state->collected->emplace_back(kPatterns[id].kind, static_cast<std::size_t>(to));
    } else {
      state->extractor->OnTrigger(kPatterns[id].kind, static_cast<std::size_t>(to));
    }
  } catch (...) {
    state->error = std::current_exception();
    return 1;  // stop scanning
  }
  return 0;
}

}  // namespace

struct ValueDetector::Impl {
  Engine engine = Engine::kFast;
  ScratchHandle scratch;
  PhoneMemo phones;
  Date today = Today();
  std::vector<std::pair<Kind, std::size_t>> literal_triggers;
  std::vector<std::pair<Kind, std::size_t>> punctuation_triggers;
};

ValueDetector::ValueDetector(Engine engine) : impl_(std::make_unique<Impl>()) {
  impl_->engine = engine;
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(&SharedDatabase(engine), &scratch) != HS_SUCCESS) {
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
  std::vector<Detection>& found = out;
  Extractor extractor(text, impl_->phones, impl_->today, found);
  const bool fast = impl_->engine == Engine::kFast;
  impl_->literal_triggers.clear();
  ScanState state{&extractor, fast ? &impl_->literal_triggers : nullptr, nullptr};
  const hs_error_t status =
      hs_scan(&SharedDatabase(impl_->engine), text.data(), static_cast<unsigned>(text.size()), 0,
              impl_->scratch.get(), OnMatch, &state);
  if (state.error) std::rethrow_exception(state.error);
  if (status != HS_SUCCESS && status != HS_SCAN_TERMINATED) {
    throw InternalError("Vectorscan scan failed with code " + std::to_string(status));
  }
  if (fast) {
    WordScanner(text, extractor, impl_->literal_triggers, impl_->punctuation_triggers).Run();
  }
  if (extractor.InFinalOrder()) return;  // the usual case: see Extractor::Add
  // Ties (one span, two readings) are ordered by entity and subtype so that the result does not
  // depend on the order in which the engines reported the triggers.
  const auto before = [](const Detection& a, const Detection& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.end != b.end) return a.end > b.end;
    if (a.entity != b.entity) return a.entity < b.entity;
    return a.subtype < b.subtype;
  };
  // Triggers arrive nearly in text order: an insertion sort is linear here (with a bound on its
  // work, past which std::sort takes over).
  std::size_t moves = 0;
  const std::size_t move_budget = 16 * found.size() + 64;
  for (std::size_t i = 1; i < found.size() && moves <= move_budget; ++i) {
    if (!before(found[i], found[i - 1])) continue;
    Detection moving = std::move(found[i]);
    std::size_t j = i;
    for (; j > 0 && before(moving, found[j - 1]); --j, ++moves) found[j] = std::move(found[j - 1]);
    found[j] = std::move(moving);
  }
  if (moves > move_budget) std::sort(found.begin(), found.end(), before);
  // Drop spans strictly inside another detection (card digits inside an IBAN, a national
  // number inside an international phone number), in place.
  std::size_t cover_start = 0;
  std::size_t cover_end = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < found.size(); ++i) {
    Detection& d = found[i];
    const bool inside = d.start >= cover_start && d.end <= cover_end &&
                        (d.start != cover_start || d.end != cover_end);
    if (inside) continue;
    if (d.end > cover_end) {
      cover_start = d.start;
      cover_end = d.end;
    }
    if (kept != i) found[kept] = std::move(d);
    ++kept;
  }
  found.erase(found.begin() + static_cast<std::ptrdiff_t>(kept), found.end());
}

}  // namespace rampart::compliance
