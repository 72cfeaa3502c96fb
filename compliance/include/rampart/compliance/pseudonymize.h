// Keyed pseudonyms: HMAC-SHA-256 (RFC 2104, FIPS 198-1) through OpenSSL 3's EVP_MAC, written as
// lowercase hex. Deterministic under one key, so joins across tables and files keep working,
// while without the key a pseudonym cannot be recomputed from a guessed value (unlike a plain or
// salted hash of an e-mail address, which a dictionary reverses).
//
//   rampart::compliance::Pseudonymizer pseudonymizer(
//       rampart::compliance::LoadKeyFromFile("secrets/hmac.key"));
//   std::string id = pseudonymizer.Pseudonym("alice@example.com");   // 64 hex characters
//
// The key is held in memory only, wiped (OPENSSL_cleanse) when the object goes away, and never
// appears in messages, reports or output.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::compliance {

// Key bytes that wipe themselves on destruction.
class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(std::string_view bytes);
  ~SecretKey();
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;

  [[nodiscard]] const unsigned char* data() const { return bytes_.data(); }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }

 private:
  void Wipe();
  std::vector<unsigned char> bytes_;
};

// Pseudonymization keys shorter than this are refused: RFC 2104 section 3 recommends at least the
// hash output length (32 bytes for SHA-256); 16 bytes (128 bits) is the floor we accept.
inline constexpr std::size_t kMinimumPseudonymKeyBytes = 16;

// The key is the file's bytes with trailing CR/LF removed, so that both
// `openssl rand 32 > key` and `openssl rand -hex 32 > key` work (the hex text itself is then the
// key). Throws NotFoundError if the file cannot be read and InvalidArgumentError if the key is
// shorter than kMinimumPseudonymKeyBytes. Messages name the file, never the key.
[[nodiscard]] SecretKey LoadKeyFromFile(const std::filesystem::path& file);
// The key is the variable's value (trailing CR/LF removed); the same checks.
[[nodiscard]] SecretKey LoadKeyFromEnvironment(const std::string& variable);

// HMAC-SHA-256 with one key. Not thread-safe (one OpenSSL context); make one per thread.
class HmacSha256 {
 public:
  // Any key length is allowed here (RFC 4231 tests use 4-byte keys); the policy-level loaders
  // above enforce the minimum.
  explicit HmacSha256(const SecretKey& key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;

  [[nodiscard]] std::array<std::uint8_t, 32> Digest(std::string_view message);
  // Lowercase hex of Digest (64 characters).
  [[nodiscard]] std::string HexDigest(std::string_view message);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The pseudonym of a value: lowercase hex HMAC-SHA-256 of its UTF-8 bytes (DESIGN.md).
class Pseudonymizer {
 public:
  explicit Pseudonymizer(const SecretKey& key) : hmac_(key) {}
  [[nodiscard]] std::string Pseudonym(std::string_view value) { return hmac_.HexDigest(value); }

 private:
  HmacSha256 hmac_;
};

}  // namespace rampart::compliance
