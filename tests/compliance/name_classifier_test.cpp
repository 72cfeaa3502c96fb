#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/compliance/name_classifier.h>

namespace rampart::compliance {
namespace {

Entity Of(std::string_view table, std::string_view column, std::string_view comment = "") {
  return NameClassifier::Default()
      .Classify({.table = table, .column = column, .comment = comment})
      .entity;
}

TEST(NameClassifierTest, AbbreviationsExpand) {
  const auto& names = NameClassifier::Default();
  EXPECT_EQ(names.Normalize("ph_no"), (std::vector<std::string>{"phone", "number"}));
  EXPECT_EQ(Of("people", "dob"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("people", "ssn"), Entity::kNationalId);
  EXPECT_EQ(Of("people", "fname"), Entity::kPersonName);
  EXPECT_EQ(Of("people", "ph_no"), Entity::kPhone);
  EXPECT_EQ(Of("people", "e_mail"), Entity::kEmail);
  EXPECT_EQ(Of("people", "addr"), Entity::kPostalAddress);
  EXPECT_EQ(Of("people", "zip"), Entity::kPostcode);
  EXPECT_EQ(Of("t", "customerEmailAddress"), Entity::kEmail);
}

TEST(NameClassifierTest, NegativeEvidence) {
  EXPECT_EQ(Of("newsletter", "email_sent"), Entity::kNone);
  EXPECT_EQ(Of("stats", "address_count"), Entity::kNone);
  EXPECT_EQ(Of("uploads", "zip_file_path"), Entity::kNone);
  EXPECT_EQ(Of("firewall", "ip_allowlist_version"), Entity::kNone);
  EXPECT_EQ(Of("users", "email_verified"), Entity::kNone);
  EXPECT_EQ(Of("users", "created_at"), Entity::kNone);
  const NameEvidence e = NameClassifier::Default().Classify({.table = "x", .column = "email_sent"});
  EXPECT_EQ(e.negated_match, "email");
  ASSERT_FALSE(e.negated_by.empty());
  EXPECT_EQ(e.negated_by[0], "sent: event");
}

TEST(NameClassifierTest, TableContext) {
  EXPECT_EQ(Of("products", "name"), Entity::kNone);
  EXPECT_EQ(Of("customers", "name"), Entity::kPersonName);
  EXPECT_EQ(Of("warehouses", "city"), Entity::kNone);
  EXPECT_EQ(Of("customers", "city"), Entity::kCity);
  EXPECT_EQ(Of("users", "id"), Entity::kAccountId);
  EXPECT_EQ(Of("orders", "id"), Entity::kNone);
  EXPECT_EQ(Of("customers", "order_id"), Entity::kNone);
  EXPECT_EQ(Of("orders", "customer_id"), Entity::kAccountId);
  EXPECT_EQ(Of("suppliers", "company_name"), Entity::kNone);
  EXPECT_EQ(Of("customers", "country_name"), Entity::kCountry);
}

TEST(NameClassifierTest, Multilingual) {
  EXPECT_EQ(Of("kunden", "Geburtsdatum"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("kunden", "Straße"), Entity::kPostalAddress);
  EXPECT_EQ(Of("kunden", "Hauptstrasse"), Entity::kPostalAddress);
  EXPECT_EQ(Of("clients", "date_de_naissance"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("clientes", "correo_electronico"), Entity::kEmail);
  EXPECT_EQ(Of("pazienti", "codice_fiscale"), Entity::kTaxId);
  EXPECT_EQ(Of("klanten", "geboortedatum"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("clientes", "data_de_nascimento"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("mitarbeiter", "Gewerkschaft"), Entity::kTradeUnion);
  const NameEvidence e = NameClassifier::Default().Classify({.table = "t", .column = "Prénom"});
  EXPECT_EQ(e.entity, Entity::kPersonName);
  EXPECT_EQ(e.language, "fr");
}

TEST(NameClassifierTest, SpecialCategoriesHashesAndComments) {
  EXPECT_EQ(Of("patients", "diagnosis_code"), Entity::kHealth);
  EXPECT_EQ(Of("users", "email_sha256"), Entity::kHashedIdentifier);
  EXPECT_EQ(Of("users", "password_hash"), Entity::kNone);
  EXPECT_EQ(Of("t", "c17", "Customer's date of birth"), Entity::kDateOfBirth);
  EXPECT_EQ(Of("t", "c18", "number of e-mails sent"), Entity::kNone);
  EXPECT_EQ(Of("t", "device_fingerprint"), Entity::kDeviceFingerprint);
  EXPECT_EQ(Of("t", "fingerprint"), Entity::kBiometric);
}

TEST(NameClassifierTest, FoldsAccents) {
  EXPECT_EQ(FoldText("Prénom Straße ÆØÅ"), "prenom strasse aeoa");
  EXPECT_THROW((void)NameClassifier::FromFiles({{"names_xx.tsv", "a\tnot_an_entity\n"}}),
               InputError);
  EXPECT_THROW((void)NameClassifier::FromFiles({{"names_xx.tsv", "a\temail\tw:7\n"}}), InputError);
}

}  // namespace
}  // namespace rampart::compliance
