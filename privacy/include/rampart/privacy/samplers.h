// Exact samplers over integers, after Canonne, Kamath & Steinke, "The Discrete Gaussian for
// Differential Privacy" (NeurIPS 2020; arXiv 2004.00010), Algorithms 1-3. No floating point on
// any sampling path: every probability is a ratio of integers or exp(-ratio), and each decision
// compares random bits with the exact binary expansion of a rational, so the output distribution
// is exactly the stated one (up to the documented overflow guards, which change it by less than
// 2^-1000 in total variation).
//
//   rampart::privacy::SecureRandom secure;
//   rampart::privacy::RandomBits bits(secure);
//   bool heads = SampleBernoulli(bits, 1, 3);                  // P = 1/3
//   std::int64_t z = SampleDiscreteLaplace(bits, 1, 10);       // P(z) ∝ exp(-|z|/10)
//   DiscreteGaussianParameters p = DiscreteGaussianParameters::FromSigma(4.0);
//   std::int64_t g = SampleDiscreteGaussian(bits, p);          // P(g) ∝ exp(-g²/(2σ²)), σ² >= 16
//
// Expected random bits per sample (analytic; measured by BitsPerSampleTest, docs/privacy.md):
//   SampleBernoulli(p)            8 + 2^-8 * 2: one 8-bit chunk decides the trial unless it equals
//                                 floor(256 p); then about 2 more bits.
//   RandomBits::UniformBelow(n)   < (bit_width(n-1) + 3) * 4/3 (multiply-and-reject).
//   SampleBernoulliExpNeg(γ<=1)   Σ_k γ^k/k! = e^γ trials of Bernoulli(γ/k) (CKS Alg. 1), the
//                                 first free when γ = 1: measured 13.7 bits for γ = 1.
//   SampleBernoulliExpNeg(γ>1)    at most floor(γ) Bernoulli(exp(-1)) (it stops at the first
//                                 failure, < 1.6 expected) plus one Bernoulli(exp(-frac γ)).
//   SampleGeometricExp(s/t)       1/(1-e^-1) ≈ 1.58 rounds of UniformBelow(t) and
//                                 Bernoulli(exp(-U/t)), then ≈ 1.58 Bernoulli(exp(-1)).
//   SampleDiscreteLaplace(s/t)    one geometric and a sign bit, repeated with probability
//                                 P(Y=0)/2 < 1/2 (CKS Alg. 2). Measured: 112 bits for t = 2^40.
//   SampleDiscreteGaussian(σ)     a discrete Laplace with t = floor(σ)+1 and a Bernoulli(exp(-γ)),
//                                 repeated while rejected (acceptance about 0.76 for large σ:
//                                 √(2π)/(2√e)). Measured: 109 bits at σ = 10^4.
// The sampling time depends only on the random bits, never on a protected value.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <limits>

#include <rampart/privacy/random.h>

namespace rampart::privacy {

__extension__ using UInt128 = unsigned __int128;
__extension__ using Int128 = __int128;

namespace internal {

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
template <class T, Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpNegAtMostOneIn(RandomBits<G>& bits, T num, T den) {
  for (std::uint64_t k = 1;; ++k) {
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

// exp(-γ) = exp(-1)^floor(γ) * exp(-(γ - floor(γ))), each factor an independent trial.
template <class T, Uniform64Source G>
[[nodiscard]] bool SampleBernoulliExpNegIn(RandomBits<G>& bits, T num, T den) {
  while (num > den) {
    if (!SampleBernoulliExpNegAtMostOneIn<std::uint64_t>(bits, 1, 1)) return false;
    num -= den;
  }
  return SampleBernoulliExpNegAtMostOneIn<T>(bits, num, den);
}

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
    while (internal::SampleBernoulliExpNegAtMostOneIn<std::uint64_t>(bits, 1, 1)) ++v;
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

// σ² as an exact fraction a/b with the constants CKS Algorithm 3 needs, computed once (Build()
// time) so that a sample does no division beyond the ones in its Bernoulli trials.
struct DiscreteGaussianParameters {
  std::uint64_t sigma2_num = 1;     // a
  std::uint64_t sigma2_den = 1;     // b; σ² = a/b
  std::uint64_t t = 1;              // floor(σ) + 1, the Laplace scale of the proposal
  UInt128 tb = 1;                   // t * b
  UInt128 gamma_den = 2;            // 2 a b t²: γ = (|Y| t b - a)² / (2 a b t²)
  std::uint64_t max_magnitude = 0;  // |Y| above this is redrawn (overflow guard)

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
// exp(-2000)) are redrawn rather than risk 128-bit overflow.
template <Uniform64Source G>
[[nodiscard]] std::int64_t SampleDiscreteGaussian(RandomBits<G>& bits,
                                                  const DiscreteGaussianParameters& p) {
  for (;;) {
    const std::int64_t y = SampleDiscreteLaplace(bits, 1, p.t);
    const std::uint64_t magnitude =
        y < 0 ? static_cast<std::uint64_t>(-(y + 1)) + 1U : static_cast<std::uint64_t>(y);
    if (magnitude > p.max_magnitude) continue;
    const UInt128 scaled = static_cast<UInt128>(magnitude) * p.tb;
    const UInt128 a = p.sigma2_num;
    const UInt128 diff = scaled >= a ? scaled - a : a - scaled;
    if (SampleBernoulliExpNeg(bits, diff * diff, p.gamma_den)) return y;
  }
}

}  // namespace rampart::privacy
