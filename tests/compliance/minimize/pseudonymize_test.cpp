#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rampart/common/error.h>
#include <rampart/compliance/pseudonymize.h>

namespace rampart::compliance {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Rfc4231Case {
  int number;
  std::string key;
  std::string data;
  std::string hmac_sha256;
};

// RFC 4231 section 4: the HMAC-SHA-256 outputs of test cases 1-4, 6 and 7 (case 5 tests
// truncation to 128 bits, which pseudonyms never use).
std::vector<Rfc4231Case> Rfc4231Cases() {
  std::string case4_key;
  for (int i = 1; i <= 25; ++i) case4_key.push_back(static_cast<char>(i));
  return {
      {1, std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {2, "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {3, std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {4, case4_key, std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {6, std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {7, std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The "
       "key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(HmacSha256Test, Rfc4231Vectors) {
  for (const auto& test : Rfc4231Cases()) {
    HmacSha256 hmac{SecretKey(test.key)};
    EXPECT_EQ(hmac.HexDigest(test.data), test.hmac_sha256) << "RFC 4231 case " << test.number;
  }
}

TEST(HmacSha256Test, ReusedContextGivesTheSameDigests) {
  // The context is re-initialised per message: the order of messages must not matter.
  const auto cases = Rfc4231Cases();
  HmacSha256 hmac{SecretKey(cases[0].key)};
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hmac.HexDigest(cases[0].data), cases[0].hmac_sha256);
    EXPECT_EQ(hmac.HexDigest("something else").size(), 64U);
  }
}

TEST(HmacSha256Test, DigestMatchesHex) {
  const auto cases = Rfc4231Cases();
  HmacSha256 hmac{SecretKey(cases[1].key)};
  const auto digest = hmac.Digest(cases[1].data);
  EXPECT_EQ(digest[0], 0x5b);
  EXPECT_EQ(digest[31], 0x43);
}

TEST(PseudonymizerTest, DeterministicKeyedAndLowercaseHex) {
  const SecretKey key("0123456789abcdef0123456789abcdef");
  Pseudonymizer a(key);
  Pseudonymizer b(key);
  Pseudonymizer other(SecretKey("fedcba9876543210fedcba9876543210"));
  const std::string pseudonym = a.Pseudonym("alice@example.com");
  EXPECT_EQ(pseudonym, b.Pseudonym("alice@example.com"));  // joins keep working
  EXPECT_NE(pseudonym, other.Pseudonym("alice@example.com"));
  EXPECT_NE(pseudonym, a.Pseudonym("bob@example.com"));
  EXPECT_EQ(pseudonym.size(), 64U);
  EXPECT_EQ(pseudonym.find_first_not_of("0123456789abcdef"), std::string::npos);
  // Cross-checked with Python: hmac.new(key, b"alice@example.com", hashlib.sha256).hexdigest()
  EXPECT_EQ(Pseudonymizer(key).Pseudonym("karin.rossi1@example.com"),
            "9e0349a9bb76f395145fad577d2135daca4698f605ab8f3b85ab5aea9bdd300c");
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rampart_keys_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, TrailingNewlineIsNotPartOfTheKey) {
  const std::string hex_key = "00112233445566778899aabbccddeeff";
  Pseudonymizer from_file(LoadKeyFromFile(Write("k1", hex_key + "\n")));
  Pseudonymizer from_crlf(LoadKeyFromFile(Write("k2", hex_key + "\r\n")));
  Pseudonymizer direct{SecretKey(hex_key)};
  EXPECT_EQ(from_file.Pseudonym("x"), direct.Pseudonym("x"));
  EXPECT_EQ(from_crlf.Pseudonym("x"), direct.Pseudonym("x"));
}

TEST_F(KeyFileTest, ShortKeyIsRefusedWithoutShowingIt) {
  const auto path = Write("short", "hunter2secret\n");
  try {
    (void)LoadKeyFromFile(path);
    FAIL() << "a 13-byte key was accepted";
  } catch (const InvalidArgumentError& error) {
    EXPECT_THAT(error.message(), HasSubstr("13 bytes"));
    EXPECT_THAT(error.message(), HasSubstr(path.string()));
    EXPECT_THAT(error.message(), Not(HasSubstr("hunter2")));
  }
}

TEST_F(KeyFileTest, MissingFile) {
  EXPECT_THROW((void)LoadKeyFromFile(dir_ / "absent"), NotFoundError);
}

TEST(KeyEnvTest, ReadsTheVariable) {
  ::setenv("RAMPART_TEST_HMAC_KEY", "00112233445566778899aabbccddeeff", 1);
  Pseudonymizer from_env(LoadKeyFromEnvironment("RAMPART_TEST_HMAC_KEY"));
  Pseudonymizer direct{SecretKey("00112233445566778899aabbccddeeff")};
  EXPECT_EQ(from_env.Pseudonym("x"), direct.Pseudonym("x"));
  ::setenv("RAMPART_TEST_HMAC_KEY", "tooshortsecret", 1);
  try {
    (void)LoadKeyFromEnvironment("RAMPART_TEST_HMAC_KEY");
    FAIL() << "short key accepted";
  } catch (const InvalidArgumentError& error) {
    EXPECT_THAT(error.message(), HasSubstr("RAMPART_TEST_HMAC_KEY"));
    EXPECT_THAT(error.message(), Not(HasSubstr("tooshortsecret")));
  }
  ::unsetenv("RAMPART_TEST_HMAC_KEY");
  EXPECT_THROW((void)LoadKeyFromEnvironment("RAMPART_TEST_HMAC_KEY"), NotFoundError);
}

}  // namespace
}  // namespace rampart::compliance
