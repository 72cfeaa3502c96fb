// Uniform random bits for differential privacy: a cryptographically secure source (OpenSSL), a
// seeded reproducible source (Boost.Random, NOT private), and RandomBits, the bit-level reader
// every exact sampler takes so that no random bit is wasted.
//
//   rampart::privacy::SecureRandom secure;                 // privacy noise: always this one
//   rampart::privacy::RandomBits bits(secure);
//   std::uint64_t die = bits.UniformBelow(6);              // unbiased, by rejection
//
//   rampart::privacy::SeededRandom seeded(42);             // tests and simulations only
//
// Both sources model std::uniform_random_bit_generator over the full 64-bit range, so samplers
// are templates over the source and tests inject a seeded engine (DESIGN.md, "Design rules").
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>

#include <boost/random/mersenne_twister.hpp>

namespace rampart::privacy {

// A source of independent uniform 64-bit words.
template <class G>
concept Uniform64Source = std::uniform_random_bit_generator<G> &&
    std::same_as<typename G::result_type, std::uint64_t> && G::min()
== 0 && G::max() == std::numeric_limits<std::uint64_t>::max();

namespace internal {
// Incremented in every child process created by fork() (a pthread_atfork handler registered by
// the first SecureRandom). Inline so that the per-word fork check is one relaxed load.
inline std::atomic<std::uint64_t> fork_generation{0};
}  // namespace internal

// How SecureRandom turns OpenSSL into a stream of words (docs/adr/0100-privacy-secure-random.md).
enum class SecureRandomBackend {
  // An AES-256-CTR keystream (EVP, AES-NI) keyed with a 256-bit key and a 128-bit IV from
  // RAND_bytes, rekeyed every kRekeyBytes of output and in a child after fork(). The default:
  // measured fastest here (3.8 GB/s against 3.5 for kRandBytes and 2.5 for kChaCha20Keystream).
  kAes256CtrKeystream,
  // The same construction with ChaCha20, for CPUs without AES instructions.
  kChaCha20Keystream,
  // RAND_bytes (OpenSSL's CTR-DRBG) read through a 64 KiB buffer, as Google's SecureURBG does.
  kRandBytes,
};

// Cryptographically secure uniform 64-bit words. Not thread-safe: use one per thread
// (DefaultSecureBits() in mechanism.h keeps one per thread). Unused buffered words are discarded
// in a forked child, so parent and child never emit the same noise.
class SecureRandom {
 public:
  using result_type = std::uint64_t;
  static constexpr std::size_t kBufferBytes = std::size_t{64} * 1024;
  static constexpr std::size_t kBufferWords = kBufferBytes / sizeof(std::uint64_t);
  // The keystream is rekeyed from RAND_bytes after this much output (fast key erasure bounds how
  // much past output a later key compromise can reveal).
  static constexpr std::size_t kRekeyBytes = std::size_t{1024} * 1024;

  explicit SecureRandom(SecureRandomBackend backend = SecureRandomBackend::kAes256CtrKeystream);
  ~SecureRandom();
  SecureRandom(const SecureRandom&) = delete;
  SecureRandom& operator=(const SecureRandom&) = delete;
  SecureRandom(SecureRandom&&) noexcept;
  SecureRandom& operator=(SecureRandom&&) noexcept;

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    if (position_ == kBufferWords || fork_generation_ != CurrentForkGeneration()) [[unlikely]] {
      Refill();
    }
    return buffer_[position_++];
  }

  [[nodiscard]] SecureRandomBackend backend() const { return backend_; }

  // Incremented in every child process created by fork() (pthread_atfork handler).
  [[nodiscard]] static std::uint64_t CurrentForkGeneration() noexcept {
    return internal::fork_generation.load(std::memory_order_relaxed);
  }

 private:
  struct Cipher;
  void Refill();

  SecureRandomBackend backend_;
  std::unique_ptr<std::uint64_t[]> buffer_;
  std::unique_ptr<Cipher> cipher_;
  std::size_t position_ = kBufferWords;
  std::size_t bytes_since_rekey_ = 0;
  std::uint64_t fork_generation_ = 0;
};

// A reproducible engine (Boost.Random mt19937_64) for tests, simulations and `--seed`.
// Its output is predictable from the seed: noise drawn from it is NOT differentially private.
class SeededRandom {
 public:
  using result_type = std::uint64_t;
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return engine_(); }

 private:
  boost::random::mt19937_64 engine_;
};

// Reads a word source bit by bit, so that exact samplers (which mostly need one or two bits per
// decision) consume only the bits they use. Counts the bits handed out, for the documentation of
// expected bits per sample and for benchmarks.
template <Uniform64Source G>
class RandomBits {
 public:
  explicit RandomBits(G& source) : source_(&source) {}

  // One uniform bit.
  bool Bit() {
    if (available_ == 0) [[unlikely]] {
      word_ = (*source_)();
      available_ = 64;
      ++words_drawn_;
    }
    const bool bit = (word_ & 1U) != 0;
    word_ >>= 1;
    --available_;
    return bit;
  }

  // A fresh uniform 64-bit word straight from the source (the partial word stays buffered): the
  // table samplers take whole words, which is cheaper than assembling them bit by bit.
  std::uint64_t Word() {
    ++words_drawn_;
    return (*source_)();
  }

  // `count` uniform bits (1 <= count <= 64) as the low bits of the result.
  std::uint64_t Bits(int count) {
    if (count == 64) {
      ++words_drawn_;  // a whole word; the partial word stays buffered
      return (*source_)();
    }
    const auto mask = (std::uint64_t{1} << count) - 1;
    std::uint64_t result = 0;
    if (available_ >= count) {
      result = word_ & mask;
      word_ >>= count;
      available_ -= count;
    } else {
      // Take the remaining `available_` bits, then the rest from a fresh word.
      const int from_old = available_;
      result = word_;
      word_ = (*source_)();
      ++words_drawn_;
      const int from_new = count - from_old;
      result |= (word_ & ((std::uint64_t{1} << from_new) - 1)) << from_old;
      word_ >>= from_new;
      available_ = 64 - from_new;
      result &= mask;
    }
    return result;
  }

  // Uniform in [0, n), n >= 1, unbiased, by Lemire's multiply-and-reject on W = bit_width(n-1)+3
  // random bits (at most 64): x * n / 2^W is the candidate and the low part decides rejection, so
  // at most a fraction n/2^W < 1/4 of draws is rejected, and exactly 0 when n divides 2^W.
  // Expected bits <= W / (1 - n/2^W); the rare threshold division runs only when low < n.
  std::uint64_t UniformBelow(std::uint64_t n) {
    if (n <= 1) return 0;
    __extension__ using Wide = unsigned __int128;
    const int width = std::min(64, static_cast<int>(std::bit_width(n - 1)) + 3);
    const std::uint64_t mask = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    for (;;) {
      const Wide product = static_cast<Wide>(Bits(width)) * n;
      const auto low = static_cast<std::uint64_t>(product) & mask;
      if (low >= n) return static_cast<std::uint64_t>(product >> width);
      // 2^W mod n, the number of low values to reject.
      const std::uint64_t threshold = width == 64 ? (0 - n) % n : (mask % n + 1) % n;
      if (low >= threshold) return static_cast<std::uint64_t>(product >> width);
    }
  }

  // Bits handed out so far (counted from whole words drawn, so that the hot path stays free of
  // bookkeeping).
  [[nodiscard]] std::uint64_t bits_used() const {
    return words_drawn_ * 64 - static_cast<std::uint64_t>(available_);
  }
  // Bytes drawn from the source so far (whole words, including the unread rest of the current
  // one): the honest randomness cost that benchmarks report per sample.
  [[nodiscard]] std::uint64_t bytes_drawn() const { return words_drawn_ * 8; }
  [[nodiscard]] G& source() { return *source_; }

 private:
  G* source_;
  std::uint64_t word_ = 0;
  int available_ = 0;
  std::uint64_t words_drawn_ = 0;
};

// Unbiased uniform integer in [0, n) straight from a word source, by rejection (Lemire's
// multiply-shift with the exact rejection threshold, so there is no modulo bias).
template <Uniform64Source G>
[[nodiscard]] std::uint64_t UniformInt(G& source, std::uint64_t n) {
  if (n <= 1) return 0;
  __extension__ using Wide = unsigned __int128;
  Wide product = static_cast<Wide>(source()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      product = static_cast<Wide>(source()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

static_assert(Uniform64Source<SecureRandom>);
static_assert(Uniform64Source<SeededRandom>);

}  // namespace rampart::privacy
