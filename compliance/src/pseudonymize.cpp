#include "rampart/compliance/pseudonymize.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <rampart/common/error.h>

namespace rampart::compliance {
namespace {

std::string OpenSslError(std::string_view what) {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  char text[256] = {};
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return fmt::format("OpenSSL {} failed{}{}", what, code != 0 ? ": " : "", text);
}

void TrimLineEnd(std::string& text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
}

void CheckKeyLength(std::size_t size, const std::string& where) {
  if (size < kMinimumPseudonymKeyBytes) {
    throw InvalidArgumentError(
        fmt::format("the pseudonymization key in {} has {} bytes; at least {} are required (e.g. "
                    "`openssl rand -hex 32`)",
                    where, size, kMinimumPseudonymKeyBytes));
  }
}

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

}  // namespace

SecretKey::SecretKey(std::string_view bytes) : bytes_(bytes.begin(), bytes.end()) {}
SecretKey::~SecretKey() {
  Wipe();
}
SecretKey::SecretKey(const SecretKey& other) = default;
SecretKey& SecretKey::operator=(const SecretKey& other) {
  if (this != &other) {
    Wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}
SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}
SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}
void SecretKey::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

SecretKey LoadKeyFromFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw NotFoundError(fmt::format("cannot read the key file '{}'", file.string()));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TrimLineEnd(bytes);
  const std::size_t size = bytes.size();
  SecretKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  CheckKeyLength(size, fmt::format("key file '{}'", file.string()));
  return key;
}

SecretKey LoadKeyFromEnvironment(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr) {
    throw NotFoundError(
        fmt::format("the environment variable '{}' (pseudonymization key) is not set", variable));
  }
  std::string bytes(value);
  TrimLineEnd(bytes);
  const std::size_t size = bytes.size();
  SecretKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  CheckKeyLength(size, fmt::format("environment variable '{}'", variable));
  return key;
}

struct HmacSha256::State {
  std::unique_ptr<EVP_MAC, MacDeleter> mac;
  std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context;
};

HmacSha256::HmacSha256(const SecretKey& key) : state_(std::make_unique<State>()) {
  state_->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!state_->mac) throw InternalError(OpenSslError("EVP_MAC_fetch(HMAC)"));
  state_->context.reset(EVP_MAC_CTX_new(state_->mac.get()));
  if (!state_->context) throw InternalError(OpenSslError("EVP_MAC_CTX_new"));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  // A zero-length key is legal HMAC, but EVP_MAC_init treats a null pointer as "keep the old
  // key", so pass a valid pointer in that case.
  static const unsigned char kEmpty = 0;
  if (EVP_MAC_init(state_->context.get(), key.size() > 0 ? key.data() : &kEmpty, key.size(),
                   params) != 1) {
    throw InternalError(OpenSslError("EVP_MAC_init(HMAC-SHA-256)"));
  }
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

std::array<std::uint8_t, 32> HmacSha256::Digest(std::string_view message) {
  // Re-initialising with a null key restarts the MAC under the key already set, which avoids
  // re-deriving the padded key blocks for every value.
  EVP_MAC_CTX* context = state_->context.get();
  if (EVP_MAC_init(context, nullptr, 0, nullptr) != 1) {
    throw InternalError(OpenSslError("EVP_MAC_init"));
  }
  if (EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    throw InternalError(OpenSslError("EVP_MAC_update"));
  }
  std::array<std::uint8_t, 32> digest{};
  std::size_t length = 0;
  if (EVP_MAC_final(context, digest.data(), &length, digest.size()) != 1 || length != 32) {
    throw InternalError(OpenSslError("EVP_MAC_final"));
  }
  return digest;
}

std::string HmacSha256::HexDigest(std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto digest = Digest(message);
  std::string hex(64, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace rampart::compliance
