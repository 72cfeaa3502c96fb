// The personal-data vocabulary of the scanner: entities (what a value is) and categories (how
// much it matters), with the fixed mapping between them and the precedence used when a column
// mixes kinds (special_category > sensitive_financial > direct_identifier > quasi_identifier).
//
//   Entity e = ParseEntity("iban").value();
//   Category c = CategoryOf(e);          // Category::kSensitiveFinancial
//   std::string_view n = EntityName(e);  // "iban"
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace rampart::compliance {

enum class Category {
  kNone,
  kQuasiIdentifier,
  kDirectIdentifier,
  kSensitiveFinancial,
  kSpecialCategory,
};

enum class Entity {
  kNone,
  kEmail,
  kPhone,
  kPersonName,
  kPostalAddress,
  kPostcode,
  kCity,
  kCountry,
  kDateOfBirth,
  kGender,
  kMaritalStatus,
  kJobTitle,
  kEmploymentDate,
  kNationalId,
  kPassport,
  kTaxId,
  kAccountId,
  kHashedIdentifier,
  kCreditCard,
  kCardExpiry,
  kIban,
  kBankAccount,
  kSalary,
  kIpAddress,
  kDeviceId,
  kDeviceFingerprint,
  kGeolocation,
  kUsername,
  kHealth,
  kGenetic,
  kBiometric,
  kReligion,
  kEthnicity,
  kSexualOrientation,
  kPoliticalOpinion,
  kTradeUnion,
  kFreeTextWithPii,
};

[[nodiscard]] std::string_view EntityName(Entity entity);
[[nodiscard]] std::optional<Entity> ParseEntity(std::string_view name);
// Every entity except kNone, in declaration order (for documentation and tests).
[[nodiscard]] std::vector<Entity> AllEntities();

[[nodiscard]] std::string_view CategoryName(Category category);
[[nodiscard]] std::optional<Category> ParseCategory(std::string_view name);
// The category an entity belongs to (GDPR Art. 9(1) for special categories; PCI/financial data;
// identifiers that single out a person alone; attributes that do so in combination).
[[nodiscard]] Category CategoryOf(Entity entity);
// Precedence rank: higher wins when a column mixes kinds.
[[nodiscard]] int CategoryRank(Category category);

}  // namespace rampart::compliance
