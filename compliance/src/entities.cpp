#include <array>
#include <utility>

#include <rampart/compliance/entities.h>

namespace rampart::compliance {
namespace {

struct EntityInfo {
  Entity entity;
  std::string_view name;
  Category category;
};

constexpr std::array kEntities = {
    EntityInfo{Entity::kEmail, "email", Category::kDirectIdentifier},
    EntityInfo{Entity::kPhone, "phone", Category::kDirectIdentifier},
    EntityInfo{Entity::kPersonName, "person_name", Category::kDirectIdentifier},
    EntityInfo{Entity::kPostalAddress, "postal_address", Category::kDirectIdentifier},
    EntityInfo{Entity::kPostcode, "postcode", Category::kQuasiIdentifier},
    EntityInfo{Entity::kCity, "city", Category::kQuasiIdentifier},
    EntityInfo{Entity::kCountry, "country", Category::kQuasiIdentifier},
    EntityInfo{Entity::kDateOfBirth, "date_of_birth", Category::kQuasiIdentifier},
    EntityInfo{Entity::kGender, "gender", Category::kQuasiIdentifier},
    EntityInfo{Entity::kMaritalStatus, "marital_status", Category::kQuasiIdentifier},
    EntityInfo{Entity::kJobTitle, "job_title", Category::kQuasiIdentifier},
    EntityInfo{Entity::kEmploymentDate, "employment_date", Category::kQuasiIdentifier},
    EntityInfo{Entity::kNationalId, "national_id", Category::kDirectIdentifier},
    EntityInfo{Entity::kPassport, "passport", Category::kDirectIdentifier},
    EntityInfo{Entity::kTaxId, "tax_id", Category::kDirectIdentifier},
    EntityInfo{Entity::kAccountId, "account_id", Category::kDirectIdentifier},
    EntityInfo{Entity::kHashedIdentifier, "hashed_identifier", Category::kDirectIdentifier},
    EntityInfo{Entity::kCreditCard, "credit_card", Category::kSensitiveFinancial},
    EntityInfo{Entity::kCardExpiry, "card_expiry", Category::kSensitiveFinancial},
    EntityInfo{Entity::kIban, "iban", Category::kSensitiveFinancial},
    EntityInfo{Entity::kBankAccount, "bank_account", Category::kSensitiveFinancial},
    EntityInfo{Entity::kSalary, "salary", Category::kSensitiveFinancial},
    EntityInfo{Entity::kIpAddress, "ip_address", Category::kDirectIdentifier},
    EntityInfo{Entity::kDeviceId, "device_id", Category::kDirectIdentifier},
    EntityInfo{Entity::kDeviceFingerprint, "device_fingerprint", Category::kQuasiIdentifier},
    EntityInfo{Entity::kGeolocation, "geolocation", Category::kQuasiIdentifier},
    EntityInfo{Entity::kUsername, "username", Category::kDirectIdentifier},
    EntityInfo{Entity::kHealth, "health", Category::kSpecialCategory},
    EntityInfo{Entity::kGenetic, "genetic", Category::kSpecialCategory},
    EntityInfo{Entity::kBiometric, "biometric", Category::kSpecialCategory},
    EntityInfo{Entity::kReligion, "religion", Category::kSpecialCategory},
    EntityInfo{Entity::kEthnicity, "ethnicity", Category::kSpecialCategory},
    EntityInfo{Entity::kSexualOrientation, "sexual_orientation", Category::kSpecialCategory},
    EntityInfo{Entity::kPoliticalOpinion, "political_opinion", Category::kSpecialCategory},
    EntityInfo{Entity::kTradeUnion, "trade_union", Category::kSpecialCategory},
    EntityInfo{Entity::kFreeTextWithPii, "free_text_with_pii", Category::kDirectIdentifier},
};

constexpr std::array<std::pair<Category, std::string_view>, 5> kCategories = {{
    {Category::kNone, "none"},
    {Category::kQuasiIdentifier, "quasi_identifier"},
    {Category::kDirectIdentifier, "direct_identifier"},
    {Category::kSensitiveFinancial, "sensitive_financial"},
    {Category::kSpecialCategory, "special_category"},
}};

}  // namespace

std::string_view EntityName(Entity entity) {
  for (const auto& info : kEntities) {
    if (info.entity == entity) return info.name;
  }
  return "none";
}

std::optional<Entity> ParseEntity(std::string_view name) {
  if (name == "none") return Entity::kNone;
  for (const auto& info : kEntities) {
    if (info.name == name) return info.entity;
  }
  return std::nullopt;
}

std::vector<Entity> AllEntities() {
  std::vector<Entity> all;
  all.reserve(kEntities.size());
  for (const auto& info : kEntities) all.push_back(info.entity);
  return all;
}

std::string_view CategoryName(Category category) {
  for (const auto& [c, name] : kCategories) {
    if (c == category) return name;
  }
  return "none";
}

std::optional<Category> ParseCategory(std::string_view name) {
  for (const auto& [c, n] : kCategories) {
    if (n == name) return c;
  }
  return std::nullopt;
}

Category CategoryOf(Entity entity) {
  for (const auto& info : kEntities) {
    if (info.entity == entity) return info.category;
  }
  return Category::kNone;
}

int CategoryRank(Category category) {
  return static_cast<int>(category);
}

}  // namespace rampart::compliance
