// compliance/data/policy.schema.json (the policy format for editors and documentation) agrees
// with the policy reader: the example validates, and on a set of policies the schema accepts
// exactly those ParsePolicy accepts.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <yaml-cpp/yaml.h>

#include <rampart/common/error.h>
#include <rampart/compliance/policy.h>

namespace rampart::compliance {
namespace {

const std::filesystem::path kRoot = std::filesystem::path(RAMPART_TESTDATA_DIR) / "../..";

// YAML 1.2 core schema for plain scalars: null, booleans, integers, the rest strings.
nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        object[it->first.Scalar()] = ToJson(it->second);
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(ToJson(item));
      return array;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted: always a string
      if (text == "null" || text == "~") return nullptr;
      if (text == "true" || text == "false") return text == "true";
      if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos &&
          text.find('-', 1) == std::string::npos) {
        return std::stoll(text);
      }
      return text;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

class PolicySchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(kRoot / "compliance/data/policy.schema.json");
    ASSERT_TRUE(in) << "schema not found";
    schema_document_ = nlohmann::json::parse(in);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    const valijson::adapters::NlohmannJsonAdapter adapter(schema_document_);
    parser.populateSchema(adapter, schema_);
  }

  static bool Valid(const std::string& yaml, std::string* errors = nullptr) {
    const nlohmann::json document = ToJson(YAML::Load(yaml));
    valijson::Validator validator;
    valijson::ValidationResults results;
    const valijson::adapters::NlohmannJsonAdapter target(document);
    const bool valid = validator.validate(schema_, target, &results);
    valijson::ValidationResults::Error error;
    while (errors != nullptr && results.popError(error)) *errors += error.description + "\n";
    return valid;
  }

  static nlohmann::json schema_document_;
  static valijson::Schema schema_;
};

nlohmann::json PolicySchemaTest::schema_document_;
valijson::Schema PolicySchemaTest::schema_;

TEST_F(PolicySchemaTest, ExamplePolicyValidates) {
  std::ifstream in(kRoot / "examples/compliance/policy.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string errors;
  EXPECT_TRUE(Valid(text.str(), &errors)) << errors;
}

TEST_F(PolicySchemaTest, AgreesWithTheReader) {
  const std::vector<std::string> policies = {
      "purposes:\n  - {name: a, lawful_basis: consent, columns: [t.c]}\n",
      "purposes:\n  - {name: a, lawful_basis: consnet}\n",
      "purposes:\n  - {name: a, lawful_basis: consent, special_category_condition: h}\n",
      "purposes:\n  - {name: a, lawful_basis: consent, special_category_condition: health}\n",
      "purposes:\n  - {name: a, lawful_basis: consent, columns: [email]}\n",
      "purposes:\n  - {name: a}\n",
      "retention: {t: P2Y, u: P1Y6M, v: PT36H, w: P1W}\n",
      "retention: {t: 2 years}\n",
      "retention: {t: P}\n",
      "retention: {t: PT}\n",
      "retention: {t: P1D2Y}\n",
      "quasi_identifiers:\n  - {table: t, columns: [a, b], k: 5, sensitive: d, l: 2}\n",
      "quasi_identifiers:\n  - {table: t, columns: [a], k: 0}\n",
      "quasi_identifiers:\n  - {table: t, columns: [a, a], k: 2}\n",
      "quasi_identifiers:\n  - {table: t, k: 2}\n",
      "minimize:\n  t:\n    a: {action: pseudonymize, key_env: K}\n",
      "minimize:\n  t:\n    a: {action: pseudonymize, key_file: k, key_env: K}\n",
      "minimize:\n  t:\n    a: {action: pseudonymize}\n",
      "minimize:\n  t:\n    a: {action: generalize, to: 'band:10'}\n",
      "minimize:\n  t:\n    a: {action: generalize, to: 'band:0'}\n",
      "minimize:\n  t:\n    a: {action: generalize, to: 'round:16'}\n",
      "minimize:\n  t:\n    a: {action: generalize, to: decade}\n",
      "minimize:\n  t:\n    a: {action: mask, keep_last: 4}\n",
      "minimize:\n  t:\n    a: {action: mask}\n",
      "minimize:\n  t:\n    a: {action: drop, keep_last: 2}\n",
      "minimize:\n  t:\n    a: {action: encrypt}\n",
      "suppressions:\n  - {rule: r, target: t.c, reason: ok, expires: 2027-06-30}\n",
      "suppressions:\n  - {rule: r, target: t.c, expires: 2027-06-30}\n",
      "suppressions:\n  - {rule: r, target: t.c, reason: ok, expires: 30.06.2027}\n",
      "retension: {t: P1Y}\n",
  };
  for (const auto& policy : policies) {
    bool reader_accepts = true;
    try {
      (void)ParsePolicy(policy);
    } catch (const InputError&) {
      reader_accepts = false;
    }
    EXPECT_EQ(Valid(policy), reader_accepts) << policy;
  }
}

}  // namespace
}  // namespace rampart::compliance
