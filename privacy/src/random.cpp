#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <rampart/common/error.h>
#include <rampart/privacy/random.h>

namespace rampart::privacy {
namespace {

void OnForkChild() {
  internal::fork_generation.fetch_add(1, std::memory_order_relaxed);
}

void RegisterForkHandlerOnce() {
  static std::once_flag once;
  std::call_once(once, [] { ::pthread_atfork(nullptr, nullptr, &OnForkChild); });
}

std::string OpenSslErrorText() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

void SecureBytes(unsigned char* out, std::size_t size) {
  // RAND_bytes takes an int length; callers ask for at most 64 KiB.
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw IoError("OpenSSL RAND_bytes failed: " + OpenSslErrorText());
  }
}

}  // namespace

struct SecureRandom::Cipher {
  EVP_CIPHER_CTX* context = nullptr;
  EVP_CIPHER* algorithm = nullptr;
  ~Cipher() {
    EVP_CIPHER_CTX_free(context);
    EVP_CIPHER_free(algorithm);
  }
};

SecureRandom::SecureRandom(SecureRandomBackend backend)
    : backend_(backend), buffer_(std::make_unique<std::uint64_t[]>(kBufferWords)) {
  RegisterForkHandlerOnce();
  fork_generation_ = CurrentForkGeneration();
  if (backend_ != SecureRandomBackend::kRandBytes) {
    const char* name =
        backend_ == SecureRandomBackend::kChaCha20Keystream ? "ChaCha20" : "AES-256-CTR";
    cipher_ = std::make_unique<Cipher>();
    cipher_->algorithm = EVP_CIPHER_fetch(nullptr, name, nullptr);
    cipher_->context = EVP_CIPHER_CTX_new();
    if (cipher_->algorithm == nullptr || cipher_->context == nullptr) {
      throw IoError(std::string("OpenSSL ") + name + " is unavailable: " + OpenSslErrorText());
    }
    bytes_since_rekey_ = kRekeyBytes;  // key on first use
  }
}

SecureRandom::~SecureRandom() {
  if (buffer_) OPENSSL_cleanse(buffer_.get(), kBufferBytes);
}

SecureRandom::SecureRandom(SecureRandom&&) noexcept = default;
SecureRandom& SecureRandom::operator=(SecureRandom&&) noexcept = default;

void SecureRandom::Refill() {
  auto* bytes = reinterpret_cast<unsigned char*>(buffer_.get());
  const bool forked = fork_generation_ != CurrentForkGeneration();
  fork_generation_ = CurrentForkGeneration();
  if (backend_ == SecureRandomBackend::kRandBytes) {
    // OpenSSL's DRBG reseeds itself in a forked child (it tracks the pid).
    SecureBytes(bytes, kBufferBytes);
  } else {
    if (forked || bytes_since_rekey_ >= kRekeyBytes) {
      // 32-byte key + 16-byte IV (the counter block; for ChaCha20 a 4-byte counter and a 12-byte
      // nonce), fresh from RAND_bytes. After fork() the child draws its own key, since OpenSSL
      // reseeds its DRBG in the child.
      unsigned char key_iv[48];
      SecureBytes(key_iv, sizeof(key_iv));
      const int ok =
          EVP_EncryptInit_ex2(cipher_->context, cipher_->algorithm, key_iv, key_iv + 32, nullptr);
      OPENSSL_cleanse(key_iv, sizeof(key_iv));
      if (ok != 1) throw IoError("OpenSSL keystream keying failed: " + OpenSslErrorText());
      bytes_since_rekey_ = 0;
    }
    // The keystream is the encryption of zeros.
    std::memset(bytes, 0, kBufferBytes);
    int written = 0;
    if (EVP_EncryptUpdate(cipher_->context, bytes, &written, bytes,
                          static_cast<int>(kBufferBytes)) != 1 ||
        static_cast<std::size_t>(written) != kBufferBytes) {
      throw IoError("OpenSSL keystream failed: " + OpenSslErrorText());
    }
    bytes_since_rekey_ += kBufferBytes;
  }
  position_ = 0;
}

}  // namespace rampart::privacy
