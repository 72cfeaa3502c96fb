// Exact samplers over integers, after Canonne, Kamath & Steinke, "The Discrete Gaussian for
// Differential Privacy" (NeurIPS 2020; arXiv 2004.00010), Algorithms 1-3, and the precomputed
// table samplers the mechanisms use (DiscreteLaplaceSampler, the acceptance blocks of
// DiscreteGaussianParameters). No floating point on any sampling path: every probability is a
// ratio of integers or exp(-ratio), and each decision compares random bits with the exact binary
// expansion of a rational or of exp(-rational) (rigorous multiprecision bounds on the rare ties),
// so the output distribution is exactly the stated one (up to the documented overflow guards,
// which change it by less than 2^-1000 in total variation).
//
//   rampart::privacy::SecureRandom secure;
//   rampart::privacy::RandomBits bits(secure);
//   bool heads = SampleBernoulli(bits, 1, 3);                  // P = 1/3
//   std::int64_t z = SampleDiscreteLaplace(bits, 1, 10);       // P(z) ∝ exp(-|z|/10)
//   DiscreteLaplaceSampler laplace(1, 10);                     // the same, precomputed
//   std::int64_t z2 = laplace.Sample(bits);
//   DiscreteGaussianParameters p = DiscreteGaussianParameters::FromSigma(4.0);
//   std::int64_t g = SampleDiscreteGaussian(bits, p);          // P(g) ∝ exp(-g²/(2σ²)), σ² >= 16
//
// Expected random bits per sample (analytic; measured by BitsPerSampleTest, docs/privacy.md):
//   SampleBernoulli(p)            8 + 2^-8 * 2: one 8-bit chunk decides the trial unless it equals
//                                 floor(256 p); then about 2 more bits.
//   RandomBits::UniformBelow(n)   < (bit_width(n-1) + 3) * 4/3 (multiply-and-reject).
//   SampleBernoulliExpNeg(γ<1)    Σ_k γ^k/k! = e^γ trials of Bernoulli(γ/k) (CKS Alg. 1).
//   SampleBernoulliExpNeg(γ>=1)   at most floor(γ) Bernoulli(exp(-1)) (it stops at the first
//                                 failure, < 1.6 expected), 8 + 8/255 bits each (lazy comparison
//                                 with the bits of 1/e), plus one Bernoulli(exp(-frac γ)).
//   SampleGeometricExp(s/t)       1/(1-e^-1) ≈ 1.58 rounds of UniformBelow(t) and
//                                 Bernoulli(exp(-U/t)), then ≈ 1.58 Bernoulli(exp(-1)).
//   SampleDiscreteLaplace(s/t)    one geometric and a sign bit, repeated with probability
//                                 P(Y=0)/2 < 1/2 (CKS Alg. 2). Measured: 104 bits for t = 2^40.
//   DiscreteLaplaceSampler        two 64-bit words, plus about 3% rejections of the low part:
//                                 16.3 bytes for t = 2^40.
//   SampleDiscreteGaussian(σ)     a discrete Laplace with t = floor(σ)+1 and a Bernoulli(exp(-γ)),
//                                 repeated while rejected (acceptance about 0.76 for large σ:
//                                 √(2π)/(2√e)); 4 words per proposal with FromSigma's tables:
//                                 measured 340 bits at σ = 10^4.
// The sampling time depends only on the random bits, never on a protected value.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <rampart/privacy/random.h>

namespace rampart::privacy {

__extension__ using UInt128 = unsigned __int128;
__extension__ using Int128 = __int128;

namespace internal {

// floor(2^64 exp(-num/den)) for num, den >= 1, computed exactly with rigorous multiprecision
// bounds (exact_exp.cpp). Build-time only.
[[nodiscard]] std::uint64_t ExpNegFloor64(UInt128 num, UInt128 den);
// floor(2^64 exp(-j num/den)) for j = 1..count, exactly.
[[nodiscard]] std::vector<std::uint64_t> ExpNegPowersFloor64(UInt128 num, UInt128 den, int count);

// A type-erased word source for the slow paths below (taken with probability about 2^-64, so an
// indirect call costs nothing on average and keeps the multiprecision code out of the headers).
struct WordDrawer {
  std::uint64_t (*draw)(void*) = nullptr;
  void* state = nullptr;
  std::uint64_t operator()() const { return draw(state); }
};

// A uniform real V in [0, 1) known by its first 64 bits `head`; further bits are drawn on demand
// and kept in `tail`, so that several comparisons see the same V.
struct LazyUniform {
  std::uint64_t head = 0;
  std::vector<std::uint64_t> tail;
  WordDrawer more;
};

// Whether V < exp(-num/den), decided exactly: V's bits are compared with rigorous bounds on
// exp(-num/den), whose precision doubles until they separate (exact_exp.cpp).
[[nodiscard]] bool LazyUniformBelowExpNeg(LazyUniform& v, UInt128 num, UInt128 den);

// floor(2^64 / e), the first 64 bits of exp(-1) (checked against the multiprecision bounds and
// an independent decimal expansion in samplers tests).
inline constexpr std::uint64_t kExpMinusOneFloor64 = 0x5e2d58d8b3bcdf1aULL;

// Bernoulli(num / den) in the integer type T (std::uint64_t or UInt128), den < 2^(bits(T)-1).
// The first kChunkBits bits of U are compared at once with one multiplication (deciding all but a
// 2^-kChunkBits fraction of trials with a single unpredictable branch); the rare undecided trial
// continues bit by bit from the exact remainder of the long division.
inline constexpr int kChunkBits = 8;

template <class T, Uniform64Source G>
[[nodiscard]] bool SampleBernoulliIn(RandomBits<G>& bits, T num, T den) {
  if (num >= den) return true;
  T remainder = num;
  if (sizeof(T) == 8 || (den >> (sizeof(T) * 8 - 1 - kChunkBits)) == 0) {
    // U in [r, r+1) / 2^8 and p = n / (den 2^8): decided unless r = floor(p 2^8).
    const UInt128 r = bits.Bits(kChunkBits);
    const UInt128 n = static_cast<UInt128>(num) << kChunkBits;
    const UInt128 low = r * static_cast<UInt128>(den);
    if (low + den <= n) return true;
    if (low >= n) return false;
    remainder = static_cast<T>(n - low);
  }
  for (;;) {
    // The remaining expansion of p is 0: U (equal so far) cannot be smaller.
    if (remainder == 0) return false;
    remainder <<= 1;
    const bool p_bit = remainder >= den;
    if (p_bit) remainder -= den;
    if (bits.Bit() != p_bit) return p_bit;
  }
}

template <class T>
inline constexpr T kTopBit = static_cast<T>(static_cast<T>(1) << (sizeof(T) * 8 - 1));

// Bernoulli(exp(-num/den)) for num <= den: CKS Algorithm 1 (K counts successes of
// Bernoulli(γ/K); the parity of the stopping K has probability exactly exp(-γ)).
// `first_k` > 1 continues a run whose trials 1..first_k-1 are already known to have succeeded.
template <class T, Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpNegAtMostOneIn(RandomBits<G>& bits, T num, T den,
                                                    std::uint64_t first_k = 1) {
  for (std::uint64_t k = first_k;; ++k) {
    bool success = false;
    T scaled = 0;
    if (!__builtin_mul_overflow(den, static_cast<T>(k), &scaled) && scaled < kTopBit<T>) {
      success = SampleBernoulliIn<T>(bits, num, scaled);
    } else {
      // Bernoulli(γ/k) = Bernoulli(γ) AND Bernoulli(1/k), independent: exact without overflow.
      success =
          SampleBernoulliIn<T>(bits, num, den) && SampleBernoulliIn<std::uint64_t>(bits, 1, k);
    }
    if (!success) return (k & 1U) == 1U;
  }
}

// Bernoulli(exp(-num/den)) given threshold = floor(2^64 exp(-num/den)) (num > 0), by lazy
// comparison: 8-bit chunks of U against the threshold's bytes, the first difference decides
// (expected 8 + 8/255 bits); a tie on all 64 bits (probability 2^-64) continues exactly.
template <Uniform64Source G>
[[nodiscard]] bool LazyBernoulliExpNeg(RandomBits<G>& bits, std::uint64_t threshold, UInt128 num,
                                       UInt128 den) {
  std::uint64_t head = 0;
  for (int shift = 56; shift >= 0; shift -= 8) {
    const std::uint64_t chunk = bits.Bits(8);
    const std::uint64_t target = (threshold >> shift) & 0xFFU;
    if (chunk != target) return chunk < target;
    head = (head << 8) | chunk;
  }
  LazyUniform v{
      head, {}, {[](void* state) { return static_cast<RandomBits<G>*>(state)->Word(); }, &bits}};
  return LazyUniformBelowExpNeg(v, num, den);
}

// Bernoulli(exp(-1)) by lazy comparison of U with the binary expansion of 1/e: 8-bit chunks of U
// against the precomputed first 64 bits decide all but 2^-64 of the trials (expected 8 + 8/255
// bits, against about 13.7 bits and e - 1 rational trials for CKS Algorithm 1); the rest
// continues exactly on multiprecision bounds.
template <Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpMinusOne(RandomBits<G>& bits) {
  return LazyBernoulliExpNeg(bits, kExpMinusOneFloor64, 1, 1);
}

// exp(-γ) = exp(-1)^floor(γ) * exp(-(γ - floor(γ))), each factor an independent trial.
template <class T, Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpNegIn(RandomBits<G>& bits, T num, T den) {
  while (num >= den) {
    if (!SampleBernoulliExpMinusOne(bits)) return false;
    num -= den;
  }
  if (num == 0) return true;
  return SampleBernoulliExpNegAtMostOneIn<T>(bits, num, den);
}

// Continues a lazy comparison of U with p = num/den after the bits drawn so far tied with p's
// expansion, whose rest is remainder/den (remainder < den < 2^63): true iff U < p.
template <Uniform64Source G>
[[nodiscard]] bool ContinueBernoulli(RandomBits<G>& bits, std::uint64_t remainder,
                                     std::uint64_t den) {
  for (;;) {
    if (remainder == 0) return false;
    remainder <<= 1;
    const bool p_bit = remainder >= den;
    if (p_bit) remainder -= den;
    if (bits.Bit() != p_bit) return p_bit;
  }
}

// The count C = #{j >= 1 : V < exp(-j num/den)} (a geometric variable with ratio exp(-num/den))
// for a V whose first 64 bits tie with the threshold of j = first + 1: decided exactly.
[[nodiscard]] std::uint64_t SlowExpNegCount(std::uint64_t head, std::uint64_t first, UInt128 num,
                                            UInt128 den, WordDrawer more);

inline bool FitsIn63Bits(UInt128 value) {
  return (value >> 63) == 0;
}

}  // namespace internal

// Bernoulli(num / den) for integers 0 <= num <= den, 1 <= den < 2^127. Lazy comparison of a
// uniform U in [0,1) with the binary expansion of p, produced by long division: U < p decides at
// the first bit where they differ. 64-bit arithmetic when the fraction fits.
template <Uniform64Source G>
[[nodiscard]] bool SampleBernoulli(RandomBits<G>& bits, UInt128 num, UInt128 den) {
  assert(den > 0 && num <= den && (den >> 127) == 0);
  if (internal::FitsIn63Bits(den)) {
    return internal::SampleBernoulliIn<std::uint64_t>(bits, static_cast<std::uint64_t>(num),
                                                      static_cast<std::uint64_t>(den));
  }
  return internal::SampleBernoulliIn<UInt128>(bits, num, den);
}

// Bernoulli(exp(-num/den)) for integers num >= 0, 1 <= den < 2^126 (CKS Algorithm 1).
template <Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpNeg(RandomBits<G>& bits, UInt128 num, UInt128 den) {
  assert(den > 0 && (den >> 126) == 0);
  if (internal::FitsIn63Bits(num) && (den >> 62) == 0) {
    return internal::SampleBernoulliExpNegIn<std::uint64_t>(bits, static_cast<std::uint64_t>(num),
                                                            static_cast<std::uint64_t>(den));
  }
  return internal::SampleBernoulliExpNegIn<UInt128>(bits, num, den);
}

// Geometric on {0, 1, 2, ...} with P(X = k) ∝ exp(-k s/t), integers s, t >= 1 (the first half of
// CKS Algorithm 2): U uniform in [0,t) accepted with probability exp(-U/t), V ~ Geometric with
// ratio exp(-1), X = U + tV has ratio exp(-1/t), and floor(X/s) has ratio exp(-s/t). O(1) expected
// work for any t, where a chain of Bernoulli(exp(-1/t)) trials would take Θ(t).
template <Uniform64Source G>
[[nodiscard]] std::uint64_t SampleGeometricExp(RandomBits<G>& bits, std::uint64_t s,
                                               std::uint64_t t) {
  assert(s >= 1 && t >= 1);
  for (;;) {
    const std::uint64_t u = bits.UniformBelow(t);
    if (t < (std::uint64_t{1} << 62)) {
      if (!internal::SampleBernoulliExpNegIn<std::uint64_t>(bits, u, t)) continue;
    } else if (!SampleBernoulliExpNeg(bits, u, t)) {
      continue;
    }
    std::uint64_t v = 0;
    while (internal::SampleBernoulliExpMinusOne(bits)) ++v;
    const UInt128 x = static_cast<UInt128>(u) + static_cast<UInt128>(t) * v;
    // s is usually 1 or a power of two (the mechanisms choose it so): shift instead of divide.
    const UInt128 y = (s & (s - 1)) == 0 ? x >> std::countr_zero(s) : x / s;
    // Guard: values beyond 2^63 have probability below exp(-2^63 s/t); redraw them.
    if ((y >> 63) != 0) continue;
    return static_cast<std::uint64_t>(y);
  }
}

// Discrete Laplace on Z with P(z) ∝ exp(-|z| s/t), i.e. scale t/s (CKS Algorithm 2): a geometric
// magnitude and a sign, rejecting "-0" so that 0 is not counted twice.
template <Uniform64Source G>
[[nodiscard]] std::int64_t SampleDiscreteLaplace(RandomBits<G>& bits, std::uint64_t s,
                                                 std::uint64_t t) {
  for (;;) {
    const std::uint64_t magnitude = SampleGeometricExp(bits, s, t);
    const bool negative = bits.Bit();
    if (negative && magnitude == 0) continue;
    const auto value = static_cast<std::int64_t>(magnitude);
    return negative ? -value : value;
  }
}

// A precomputed exact sampler of the discrete Laplace with P(z) ∝ exp(-|z| s/t) and of its
// geometric magnitude, many times faster than the rejection loop of CKS Algorithm 2 for the large
// scales of the mechanisms (t/s up to 2^40 and more). Build once per scale, sample many times.
//
//   DiscreteLaplaceSampler sampler(1, std::uint64_t{1} << 40);   // scale 2^40
//   std::int64_t z = sampler.Sample(bits);
//
// The magnitude is G = 2^k C + D with independent parts (the pmf exp(-G s/t) factorises):
//  * C is geometric with ratio r = exp(-2^k s/t), k the largest with 2^k s <= t/16, so that C has
//    scale 16..32 (or k = 0 for scales below 16). C = #{j >= 1 : V < r^j} for a uniform V: the
//    first 64 bits of V are compared with the exact thresholds floor(2^64 r^j), j = 1..N (N = 256),
//    found through a guide table indexed by V's top 12 bits (about 1.1 comparisons). A tie with a
//    threshold (probability < 2^-56) is decided exactly on multiprecision bounds. V < r^N means
//    C >= N, and C - N is again geometric (memoryless): the table is used again and N added.
//  * D is uniform on [0, 2^k) accepted with probability exp(-D s/t) >= exp(-1/16) (CKS Algorithm 1,
//    whose first trial Bernoulli(D s/t) is decided by the spare bits of D's word and fails with
//    probability > 15/16, accepting at once).
// One 64-bit word for C and one for D and the sign: 16 bytes and about 1.03 words of rejections
// per sample at the Laplace mechanism's scale. No floating point; the time depends on the random
// bits only. Values >= 2^63 are redrawn, exactly as SampleGeometricExp does.
class DiscreteLaplaceSampler {
 public:
  static constexpr int kTableSize = 256;
  static constexpr int kGuideBits = 12;

  // s = t = 1 without a table (falls back to SampleDiscreteLaplace).
  DiscreteLaplaceSampler() = default;
  // Throws InvalidArgumentError unless s >= 1, 1 <= t < 2^63 and 1 <= table_size <= 65535 (tests
  // use a small table to exercise the memoryless tail).
  DiscreteLaplaceSampler(std::uint64_t s, std::uint64_t t, int table_size = kTableSize);

  // Geometric on {0, 1, ...} with P(G = g) ∝ exp(-g s/t).
  template <Uniform64Source G>
  [[nodiscard]] std::uint64_t SampleMagnitude(RandomBits<G>& bits) const {
    bool negative = false;
    return Draw<false>(bits, negative);
  }

  // Discrete Laplace: a magnitude and a sign, rejecting "-0" so that 0 is not counted twice.
  template <Uniform64Source G>
  [[nodiscard]] std::int64_t Sample(RandomBits<G>& bits) const {
    for (;;) {
      bool negative = false;
      const std::uint64_t magnitude = Draw<true>(bits, negative);
      if (negative && magnitude == 0) [[unlikely]]
        continue;
      const auto value = static_cast<std::int64_t>(magnitude);
      return negative ? -value : value;
    }
  }

  // Fills `out` with independent samples.
  template <Uniform64Source G>
  void SampleMany(RandomBits<G>& bits, std::span<std::int64_t> out) const {
    for (std::int64_t& value : out) value = Sample(bits);
  }

  [[nodiscard]] std::uint64_t s() const { return s_; }
  [[nodiscard]] std::uint64_t t() const { return t_; }
  // k: the magnitude is 2^k C + D.
  [[nodiscard]] int block_shift() const { return block_shift_; }
  [[nodiscard]] bool has_table() const { return table_ != nullptr; }

 private:
  struct Table {
    std::vector<std::uint64_t> thresholds;  // floor(2^64 r^(j+1)), j = 0..N-1, then a 0 sentinel
    std::vector<std::uint16_t> guide;       // #{j : thresholds[j] >= (i+1) 2^(64-kGuideBits)}
  };

  template <bool kSigned, Uniform64Source G>
  [[nodiscard]] std::uint64_t Draw(RandomBits<G>& bits, bool& negative) const {
    if (table_ == nullptr) [[unlikely]] {
      if constexpr (kSigned) negative = bits.Bit();
      return SampleGeometricExp(bits, s_, t_);
    }
    const internal::WordDrawer more{
        [](void* state) { return static_cast<RandomBits<G>*>(state)->Word(); }, &bits};
    for (;;) {
      // C, the count of thresholds above V, plus N for every pass through the memoryless tail.
      std::uint64_t high = 0;
      for (;;) {
        const std::uint64_t v = bits.Word();
        std::uint64_t c = guide_[v >> (64 - kGuideBits)];
        // One step without a branch (the table ends with a 0 sentinel), then rarely more.
        c += static_cast<std::uint64_t>(thresholds_[c] > v);
        while (c < size_ && thresholds_[c] > v) ++c;
        if (c < size_ && thresholds_[c] == v) [[unlikely]] {
          high += internal::SlowExpNegCount(v, c, block_num_, t_, more);
          break;
        }
        high += c;
        if (c < size_ || high > max_high_) break;
      }
      if (high > max_high_) [[unlikely]]
        continue;  // >= 2^63: redrawn
      if (block_shift_ == 0) {
        if constexpr (kSigned) negative = bits.Bit();
        return high;
      }
      // D: uniform k bits, the sign, then the spare bits start the acceptance trial.
      for (;;) {
        const std::uint64_t word = bits.Word();
        const std::uint64_t low = word & low_mask_;
        std::uint64_t spare = word >> block_shift_;
        int spare_bits = 64 - block_shift_;
        if constexpr (kSigned) {
          negative = (spare & 1U) != 0;
          spare >>= 1;
          --spare_bits;
        }
        if (spare_bits < 16) {
          spare = bits.Bits(32);
          spare_bits = 32;
        }
        if (AcceptLow(bits, low, spare, spare_bits)) return (high << block_shift_) | low;
      }
    }
  }

  // Bernoulli(exp(-low s/t)), low s/t < 1/16, by CKS Algorithm 1: the first trial Bernoulli(x)
  // compares the `spare_bits` bits in `spare` (the leading bits of U) with x = low s / t.
  template <Uniform64Source G>
  [[nodiscard]] bool AcceptLow(RandomBits<G>& bits, std::uint64_t low, std::uint64_t spare,
                               int spare_bits) const {
    if (low == 0) return true;
    const std::uint64_t num = low * s_;
    // U in [spare, spare + 1) / 2^w against num / t.
    const UInt128 scaled_num = static_cast<UInt128>(num) << spare_bits;
    const UInt128 scaled_u = static_cast<UInt128>(spare) * t_;
    if (scaled_u >= scaled_num) return true;  // first trial failed: K = 1, accept
    if (scaled_u + t_ <= scaled_num ||
        internal::ContinueBernoulli(bits, static_cast<std::uint64_t>(scaled_num - scaled_u), t_)) {
      // First trial succeeded: continue the series from k = 2.
      return internal::SampleBernoulliExpNegAtMostOneIn<std::uint64_t>(bits, num, t_, 2);
    }
    return true;
  }

  std::uint64_t s_ = 1;
  std::uint64_t t_ = 1;
  int block_shift_ = 0;
  std::uint64_t low_mask_ = 0;
  UInt128 block_num_ = 1;       // 2^k s: r = exp(-block_num_ / t)
  std::uint64_t max_high_ = 0;  // C above this makes the magnitude >= 2^63
  std::uint64_t size_ = 0;
  const std::uint64_t* thresholds_ = nullptr;
  const std::uint16_t* guide_ = nullptr;
  std::shared_ptr<const Table> table_;
};

// σ² as an exact fraction a/b with the constants CKS Algorithm 3 needs, computed once (Build()
// time) so that a sample does no division beyond the ones in its Bernoulli trials.
struct DiscreteGaussianParameters {
  std::uint64_t sigma2_num = 1;     // a
  std::uint64_t sigma2_den = 1;     // b; σ² = a/b
  std::uint64_t t = 1;              // floor(σ) + 1, the Laplace scale of the proposal
  UInt128 tb = 1;                   // t * b
  UInt128 gamma_den = 2;            // 2 a b t²: γ = (|Y| t b - a)² / (2 a b t²)
  std::uint64_t max_magnitude = 0;  // |Y| above this is redrawn (overflow guard)
  DiscreteLaplaceSampler proposal;  // the discrete Laplace with scale t, precomputed

  // The acceptance test per block c = |Y| >> k of the proposal (k = proposal.block_shift()),
  // for the blocks with γ below 64: `min_diff` is the smallest |y t b - a| over the block's y
  // (0 for the block holding σ²/t) and `threshold` = floor(2^64 exp(-min_diff² / gamma_den)).
  // exp(-γ) = exp(-min_diff²/gamma_den) * exp(-(diff² - min_diff²)/gamma_den): the first
  // factor is one lazy comparison with the threshold (about 8 bits), the second has an exponent
  // below about 0.1 in the bulk, so that its first CKS trial almost always ends the test.
  struct AcceptBlock {
    std::uint64_t threshold = 0;
    std::uint64_t min_diff = 0;
  };
  std::shared_ptr<const std::vector<AcceptBlock>> accept_blocks;

  // σ must lie in [2^-10, 2^24]. σ² is rounded UP to a fraction a/b with b a power of two and
  // a >= 2^20 (b = 1 once σ² >= 2^21), so the sampled σ is never below the requested one:
  // relative excess below 2^-21. Throws InvalidArgumentError outside the range.
  [[nodiscard]] static DiscreteGaussianParameters FromSigma(double sigma);
  // The exact σ² = a/b as a double, and its square root.
  [[nodiscard]] double Sigma2() const {
    return static_cast<double>(sigma2_num) / static_cast<double>(sigma2_den);
  }
};

// Discrete Gaussian on Z with P(y) ∝ exp(-y²/(2σ²)), σ² = a/b (CKS Algorithm 3): propose Y from
// the discrete Laplace with scale t = floor(σ)+1 and accept with probability
// exp(-(|Y| - σ²/t)² / (2σ²)). Proposals with |Y| > max_magnitude (probability below
// exp(-2000)) are redrawn rather than risk 128-bit overflow. With FromSigma's precomputed
// proposal table and acceptance blocks, a proposal costs two 64-bit words, about 8 bits for the
// block factor and one rational trial (about 40 ns -> about 25 ns per sample, bench figures in
// docs/privacy.md).
template <Uniform64Source G>
[[nodiscard]] std::int64_t SampleDiscreteGaussian(RandomBits<G>& bits,
                                                  const DiscreteGaussianParameters& p) {
  for (;;) {
    const std::int64_t y =
        p.proposal.has_table() ? p.proposal.Sample(bits) : SampleDiscreteLaplace(bits, 1, p.t);
    const std::uint64_t magnitude =
        y < 0 ? static_cast<std::uint64_t>(-(y + 1)) + 1U : static_cast<std::uint64_t>(y);
    if (magnitude > p.max_magnitude) continue;
    // magnitude * tb <= 2^62 (max_magnitude), so the distance fits in 64 bits and its square is
    // one 64x64 multiplication.
    const std::uint64_t scaled = magnitude * static_cast<std::uint64_t>(p.tb);
    const std::uint64_t diff =
        scaled >= p.sigma2_num ? scaled - p.sigma2_num : p.sigma2_num - scaled;
    const UInt128 square = static_cast<UInt128>(diff) * diff;
    const std::uint64_t block = magnitude >> p.proposal.block_shift();
    if (p.accept_blocks != nullptr && block < p.accept_blocks->size()) {
      const DiscreteGaussianParameters::AcceptBlock& entry = (*p.accept_blocks)[block];
      const UInt128 min_square = static_cast<UInt128>(entry.min_diff) * entry.min_diff;
      const UInt128 rest = square - min_square;  // exp(-rest/gamma_den): the second factor
      // Both factors from whole words, so that the common case (block factor passes, first trial
      // of the second factor fails) costs one unpredictable branch.
      const std::uint64_t u1 = bits.Word();
      const std::uint64_t u2 = bits.Word();
      bool first = entry.min_diff == 0 || u1 < entry.threshold;
      if (entry.min_diff != 0 && u1 == entry.threshold) [[unlikely]] {
        internal::LazyUniform v{
            u1,
            {},
            {[](void* state) { return static_cast<RandomBits<G>*>(state)->Word(); }, &bits}};
        first = internal::LazyUniformBelowExpNeg(v, min_square, p.gamma_den);
      }
      if (rest < p.gamma_den && (p.gamma_den >> 63) == 0) {
        // First CKS trial Bernoulli(rest/den), den < 2^63: U in [u2, u2+1)/2^64.
        const auto den = static_cast<std::uint64_t>(p.gamma_den);
        const UInt128 scaled_u = static_cast<UInt128>(u2) * den;
        const UInt128 scaled_num = rest << 64;
        const bool trial_fails = scaled_u >= scaled_num;
        if (first && trial_fails) return y;
        if (!first) continue;
        const bool trial_succeeds =
            scaled_u + den <= scaled_num ||
            internal::ContinueBernoulli(bits, static_cast<std::uint64_t>(scaled_num - scaled_u),
                                        den);
        if (!trial_succeeds) return y;
        if (internal::SampleBernoulliExpNegAtMostOneIn<std::uint64_t>(
                bits, static_cast<std::uint64_t>(rest), den, 2)) {
          return y;
        }
        continue;
      }
      if (first && SampleBernoulliExpNeg(bits, rest, p.gamma_den)) return y;
      continue;
    }
    if (SampleBernoulliExpNeg(bits, square, p.gamma_den)) return y;
  }
}

}  // namespace rampart::privacy
