// The random sources: reproducibility of SeededRandom, exact bit handling of RandomBits,
// unbiased uniform integers, and SecureRandom's backends, rekeying and fork safety.
#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rampart/privacy/random.h>

#include "stats.h"

namespace rampart::privacy {
namespace {

// A word source that replays fixed words, to check how RandomBits slices them.
class ScriptedSource {
 public:
  using result_type = std::uint64_t;
  explicit ScriptedSource(std::vector<std::uint64_t> words) : words_(std::move(words)) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~std::uint64_t{0}; }
  result_type operator()() { return words_.at(next_++); }

 private:
  std::vector<std::uint64_t> words_;
  std::size_t next_ = 0;
};

TEST(SeededRandomTest, SameSeedSameStreamDifferentSeedDifferentStream) {
  SeededRandom a(7);
  SeededRandom b(7);
  SeededRandom c(8);
  int differences = 0;
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    differences += x != c() ? 1 : 0;
  }
  EXPECT_EQ(differences, 100);
}

TEST(RandomBitsTest, BitsAreTakenLowFirstAcrossWordBoundaries) {
  ScriptedSource source({0xF0F0F0F0F0F0F0F0ULL, 0x0123456789ABCDEFULL});
  RandomBits bits(source);
  EXPECT_EQ(bits.Bits(4), 0x0U);
  EXPECT_EQ(bits.Bits(4), 0xFU);
  EXPECT_EQ(bits.Bits(52), 0x0F0F0F0F0F0F0ULL);
  // 4 bits left in the first word (0xF), then 8 from the second (0xEF): 0xEF << 4 | 0xF.
  EXPECT_EQ(bits.Bits(12), 0xEFFU);
  EXPECT_EQ(bits.bits_used(), 72U);
  EXPECT_TRUE(bits.Bit());  // 0xD = 1101: lowest bit 1
  EXPECT_FALSE(bits.Bit());
}

TEST(RandomBitsTest, UniformBelowStaysInRangeAndIsUniform) {
  SeededRandom seeded(1);
  RandomBits bits(seeded);
  std::vector<std::int64_t> samples;
  constexpr std::uint64_t kN = 10;
  for (int i = 0; i < 100000; ++i) {
    const auto v = bits.UniformBelow(kN);
    ASSERT_LT(v, kN);
    samples.push_back(static_cast<std::int64_t>(v));
  }
  const auto chi = testing::ChiSquareTest(samples, 0, 9, [](std::int64_t) { return 0.1; });
  EXPECT_GT(chi.p_value, 1e-3) << chi.statistic;
  EXPECT_EQ(bits.UniformBelow(1), 0U);
}

TEST(UniformIntTest, UnbiasedForANonPowerOfTwo) {
  SeededRandom seeded(2);
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 120000; ++i) {
    const auto v = UniformInt(seeded, 6);
    ASSERT_LT(v, 6U);
    samples.push_back(static_cast<std::int64_t>(v));
  }
  const auto chi = testing::ChiSquareTest(samples, 0, 5, [](std::int64_t) { return 1.0 / 6; });
  EXPECT_GT(chi.p_value, 1e-3) << chi.statistic;
  // The largest bound: every value below 2^64 - 1.
  const std::uint64_t big = ~std::uint64_t{0};
  for (int i = 0; i < 100; ++i) EXPECT_LT(UniformInt(seeded, big), big);
}

class SecureRandomBackendTest : public ::testing::TestWithParam<SecureRandomBackend> {};

TEST_P(SecureRandomBackendTest, BalancedBitsAcrossRefillsAndRekeys) {
  SecureRandom secure(GetParam());
  EXPECT_EQ(secure.backend(), GetParam());
  // 2 MiB: 32 buffer refills and, for the keystreams, two rekeys.
  constexpr int kWords = 2 * 1024 * 1024 / 8;
  std::uint64_t ones = 0;
  std::set<std::uint64_t> first_words;
  for (int i = 0; i < kWords; ++i) {
    const std::uint64_t word = secure();
    ones += static_cast<std::uint64_t>(std::popcount(word));
    if (i < 10000) first_words.insert(word);
  }
  EXPECT_EQ(first_words.size(), 10000U);  // no repeats among 64-bit words
  const double total = 64.0 * kWords;
  const double z = (static_cast<double>(ones) - total / 2) / std::sqrt(total / 4);
  EXPECT_LT(std::abs(z), 5.0) << ones;
}

TEST_P(SecureRandomBackendTest, TwoInstancesDiffer) {
  SecureRandom a(GetParam());
  SecureRandom b(GetParam());
  EXPECT_NE(a(), b());
}

TEST_P(SecureRandomBackendTest, ForkedChildDoesNotRepeatTheParentsStream) {
  SecureRandom secure(GetParam());
  (void)secure();  // fill the buffer before forking
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::array<std::uint64_t, 4> words{};
    for (auto& w : words) w = secure();
    const auto written = ::write(pipe_fds[1], words.data(), sizeof(words));
    ::_exit(written == static_cast<ssize_t>(sizeof(words)) ? 0 : 1);
  }
  std::array<std::uint64_t, 4> parent_words{};
  for (auto& w : parent_words) w = secure();
  std::array<std::uint64_t, 4> child_words{};
  ASSERT_EQ(::read(pipe_fds[0], child_words.data(), sizeof(child_words)),
            static_cast<ssize_t>(sizeof(child_words)));
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NE(parent_words[i], child_words[i]) << i;
}

INSTANTIATE_TEST_SUITE_P(Backends, SecureRandomBackendTest,
                         ::testing::Values(SecureRandomBackend::kAes256CtrKeystream,
                                           SecureRandomBackend::kChaCha20Keystream,
                                           SecureRandomBackend::kRandBytes));

}  // namespace
}  // namespace rampart::privacy
