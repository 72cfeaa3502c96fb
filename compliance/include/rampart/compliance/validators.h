// Validators that make a pattern match count only when it is real: check digits (Luhn, ISO 7064
// MOD 97-10, mod 11, mod 23, the Italian odd/even table, ...), issuer ranges, calendar dates and
// the structural rules of each national scheme. A value that looks like a card number or a
// national id but fails its check is not that entity.
//
//   LuhnValid("4111111111111111");              // true
//   CardBrand("4111 1111 1111 1111");           // "visa"
//   IbanValid("DE89 3704 0044 0532 0130 00");   // true
//   NlBsnValid("111222333");                    // true (11-proof)
// Every function takes the text as written (separators allowed where the scheme allows them) and
// never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::compliance {

// The decimal digits of `text`, in order.
[[nodiscard]] std::string DigitsOf(std::string_view text);

// Luhn (ISO/IEC 7812-1) over a string of digits only.
[[nodiscard]] bool LuhnValid(std::string_view digits);
// Card brand ("visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro",
// "mir") when the number has a known issuer range and length and passes Luhn; separators ' '
// and '-' allowed. Numbers of one repeated digit are rejected.
[[nodiscard]] std::optional<std::string> CardBrand(std::string_view text);
// The same without building a string (the value scan calls it on every long digit run): the
// brand name, or "" when the number is not a valid card number.
[[nodiscard]] std::string_view CardBrandName(std::string_view text);
// IMEI: 15 digits, Luhn, and a reporting-body prefix in use.
[[nodiscard]] bool ImeiValid(std::string_view text);
// IBAN: registered country, the country's length, alphanumeric BBAN, ISO 7064 MOD 97-10 == 1.
[[nodiscard]] bool IbanValid(std::string_view text);

// US SSN: area not 000, 666 or 900-999; group not 00; serial not 0000; known specimens refused.
[[nodiscard]] bool UsSsnValid(std::string_view text);
// UK National Insurance number: allowed prefix letters, six digits, suffix A-D.
[[nodiscard]] bool UkNinoValid(std::string_view text);
// UK NHS number: ten digits, mod 11 with weights 10..2 (a check value of 10 is invalid).
[[nodiscard]] bool UkNhsValid(std::string_view text);
// Dutch BSN: 9 digits (8 are left-padded), 11-proof 9*d1 + ... + 2*d8 - d9 == 0 (mod 11).
[[nodiscard]] bool NlBsnValid(std::string_view text);
// Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter), letter = table[n mod 23].
[[nodiscard]] bool EsDniValid(std::string_view text);
[[nodiscard]] bool EsNieValid(std::string_view text);
// Italian codice fiscale: 16 characters, omocodia letters allowed, odd/even table mod 26 check.
[[nodiscard]] bool ItCodiceFiscaleValid(std::string_view text);
// French NIR (INSEE): 13 characters (Corsica 2A/2B) + key = 97 - (number mod 97).
[[nodiscard]] bool FrNirValid(std::string_view text);
// German Steuer-ID: 11 digits, no leading 0, one digit twice or thrice in the first ten (never
// three in a row), ISO 7064 MOD 11,10 check digit.
[[nodiscard]] bool DeSteuerIdValid(std::string_view text);
// Swedish personnummer / samordningsnummer: (YY)YYMMDD[-+]NNNN, valid date (day + 60 allowed),
// Luhn over the last ten digits.
[[nodiscard]] bool SePersonnummerValid(std::string_view text);
// Polish PESEL: 11 digits, date with the century in the month, weights 1-3-7-9 check digit.
[[nodiscard]] bool PlPeselValid(std::string_view text);

// E-mail address: RFC 5321 sizes, dot-atom local part, host names with a letter TLD.
[[nodiscard]] bool EmailValid(std::string_view text);
// Phone number through libphonenumber: "+..." / "00..." numbers with region ZZ, national forms
// against `regions` (ISO 3166 codes); returns the region of the first valid interpretation.
// The default national regions: US, GB, DE, FR, ES, IT, NL.
[[nodiscard]] const std::vector<std::string>& DefaultPhoneRegions();
[[nodiscard]] std::optional<std::string> PhoneRegion(
    std::string_view text, const std::vector<std::string>& regions = DefaultPhoneRegions());
// 4 or 6 from inet_pton, std::nullopt if neither accepts the text.
[[nodiscard]] std::optional<int> IpVersion(std::string_view text);
// MAC-48 with one consistent separator (aa:bb:.., aa-bb-.., aabb.ccdd.eeff), not all 0 or all F.
[[nodiscard]] bool MacAddressValid(std::string_view text);
// RFC 4122 layout; returns the version nibble (1-8), std::nullopt if not a UUID.
[[nodiscard]] std::optional<int> UuidVersion(std::string_view text);
// A latitude,longitude pair within range with at least `min_decimals` decimals on both.
[[nodiscard]] bool LatLongPairValid(std::string_view text, int min_decimals = 4);

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  bool has_time = false;  // the text carried a time of day too
  friend bool operator==(const Date&, const Date&) = default;
};
// YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY, DD/MM/YYYY (then MM/DD/YYYY), with an optional time.
[[nodiscard]] std::optional<Date> ParseDate(std::string_view text);
// Age in whole years at `reference`, negative for dates after it.
[[nodiscard]] int AgeInYears(const Date& birth, const Date& reference);
// Today's date (UTC).
[[nodiscard]] Date Today();
// A plausible date of birth: a real date, not after `reference`, at most 120 years before it.
[[nodiscard]] bool PlausibleBirthDate(const Date& date, const Date& reference);

// ISO 3166 codes of the countries whose postcode format the text matches (UK areas checked):
// "US", "DE", "FR", "IT", "ES", "NL", "GB", "PT", "PL", "SE", "CA", "BE", "AT", "CH", "DK".
[[nodiscard]] std::vector<std::string> PostcodeCountries(std::string_view text);

// MM/YY or MM/YYYY (also MM-YY) with a month 01-12: a card expiry date.
[[nodiscard]] bool CardExpiryValid(std::string_view text);

}  // namespace rampart::compliance
