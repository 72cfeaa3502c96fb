#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/compliance/detectors.h>
#include <rampart/compliance/validators.h>

namespace rampart::compliance {
namespace {

struct Found {
  std::string entity;
  std::string subtype;
  std::string text;
  friend bool operator==(const Found&, const Found&) = default;
};

std::ostream& operator<<(std::ostream& os, const Found& f) {
  return os << f.entity << "/" << f.subtype << ":" << f.text;
}

std::vector<Found> Scan(std::string_view text) {
  ValueDetector detector;
  std::vector<Found> found;
  for (const Detection& d : detector.Detect(text)) {
    found.push_back({std::string(EntityName(d.entity)), std::string(d.subtype),
                     std::string(text.substr(d.start, d.end - d.start))});
  }
  return found;
}

TEST(ValueDetectorTest, FindsValidatedEntitiesInProse) {
  const auto found = Scan(
      "Contact anna.schmidt@example.org, card 4111 1111 1111 1111, "
      "IBAN DE89 3704 0044 0532 0130 00 and phone +49 30 901820.");
  EXPECT_EQ(found, (std::vector<Found>{{"email", "", "anna.schmidt@example.org"},
                                       {"credit_card", "visa", "4111 1111 1111 1111"},
                                       {"iban", "DE", "DE89 3704 0044 0532 0130 00"},
                                       {"phone", "DE", "+49 30 901820"}}));
}

// The phone memo keeps region codes inline (up to 3 characters): a number of a non-geographic
// entity (region "001") and ordinary ones, each looked up twice (miss, then hit), must report
// what PhoneRegion reports.
TEST(ValueDetectorTest, PhoneRegionsThroughTheMemo) {
  ValueDetector detector;
  for (const std::string number : {"+800 1234 5678", "+49 30 901820", "+44 20 7946 0958"}) {
    const auto expected = PhoneRegion(number);
    ASSERT_TRUE(expected) << number;
    for (int pass = 0; pass < 2; ++pass) {
      const auto found = detector.Detect("call " + number + " now");
      ASSERT_EQ(found.size(), 1U) << number;
      EXPECT_EQ(found[0].entity, Entity::kPhone);
      EXPECT_EQ(found[0].subtype, *expected) << number;
    }
  }
  EXPECT_EQ(*PhoneRegion("+800 1234 5678"), "001");
}

// Detection::subtype views static storage: it stays valid after the detector (and its phone
// memo, where region codes are cached) and the scanned text are gone. Under ASan a view into
// either would be a use after free.
TEST(ValueDetectorTest, SubtypesOutliveTheDetectorAndTheText) {
  std::vector<Detection> found;
  {
    ValueDetector detector;
    auto text = std::make_unique<std::string>(
        "IBAN GB82 WEST 1234 5698 7654 32, phone +44 20 7946 0958, card 4111111111111111, "
        "phone +800 1234 5678");
    found = detector.Detect(*text);
  }
  std::vector<std::string> subtypes;
  for (const Detection& d : found) subtypes.emplace_back(d.subtype);
  EXPECT_EQ(subtypes, (std::vector<std::string>{"GB", "GB", "visa", "001"}));
}

TEST(ValueDetectorTest, FailingCheckDigitsAreNotEntities) {
  EXPECT_TRUE(Scan("card 4111 1111 1111 1112 iban DE89 3704 0044 0532 0130 01").empty());
  EXPECT_TRUE(Scan("ssn 666-22-1234, cf RSSMRA85T10A562T, dni 12345678A").empty());
}

TEST(ValueDetectorTest, NationalIdsAndNetworkIds) {
  EXPECT_EQ(Scan("SSN 536-22-1234"),
            (std::vector<Found>{{"national_id", "us_ssn", "536-22-1234"}}));
  EXPECT_EQ(Scan("NINO AB 12 34 56 C"),
            (std::vector<Found>{{"national_id", "uk_nino", "AB 12 34 56 C"}}));
  EXPECT_EQ(Scan("CF: RSSMRA85T10A562S"),
            (std::vector<Found>{{"tax_id", "it_codice_fiscale", "RSSMRA85T10A562S"}}));
  EXPECT_EQ(Scan("DNI 12345678Z"), (std::vector<Found>{{"national_id", "es_dni", "12345678Z"}}));
  EXPECT_EQ(Scan("NIR 1 84 12 76 451 089 46"),
            (std::vector<Found>{{"national_id", "fr_nir", "1 84 12 76 451 089 46"}}));
  EXPECT_EQ(Scan("from 192.168.10.7"),
            (std::vector<Found>{{"ip_address", "ipv4", "192.168.10.7"}}));
  EXPECT_EQ(Scan("addr 2001:db8::8a2e:370:7334 ok"),
            (std::vector<Found>{{"ip_address", "ipv6", "2001:db8::8a2e:370:7334"}}));
  EXPECT_EQ(Scan("mac 00:1A:2B:3C:4D:5E"),
            (std::vector<Found>{{"device_id", "mac_address", "00:1A:2B:3C:4D:5E"}}));
  EXPECT_EQ(Scan("imei 490154203237518"),
            (std::vector<Found>{{"device_id", "imei", "490154203237518"}}));
  EXPECT_EQ(Scan("born 1985-03-14 in Bonn"),
            (std::vector<Found>{{"date_of_birth", "", "1985-03-14"}}));
  EXPECT_TRUE(Scan("invoice date 1985-03-14").empty());  // a date alone is not a birth date
  EXPECT_EQ(Scan("at 52.520008, 13.404954"),
            (std::vector<Found>{{"geolocation", "lat_long", "52.520008, 13.404954"}}));
  EXPECT_EQ(Scan("London SW1A 1AA"), (std::vector<Found>{{"postcode", "GB", "SW1A 1AA"}}));
}

TEST(ValueDetectorTest, OrdinaryTextHasNothing) {
  EXPECT_TRUE(
      Scan("The quick brown fox jumps over 13 lazy dogs at 12:30:45 on version 2.1.").empty());
  EXPECT_TRUE(Scan("").empty());
  EXPECT_GT(ValueDetector::PatternCount(), 10U);
}

}  // namespace
}  // namespace rampart::compliance
