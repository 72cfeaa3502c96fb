// Rigorous bounds on exp(-num/den) at any precision (Boost.Multiprecision integers, no floating
// point), for the precomputed thresholds of the table samplers and for their rare slow path,
// which continues comparing a uniform real with exp(-x) bit by bit until the comparison is
// decided (samplers.h, "Lazy comparisons").
#include <cassert>
#include <utility>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include <rampart/privacy/samplers.h>

namespace rampart::privacy::internal {
namespace {

using boost::multiprecision::cpp_int;

cpp_int ToBig(UInt128 value) {
  cpp_int result = static_cast<std::uint64_t>(value >> 64);
  result <<= 64;
  result += static_cast<std::uint64_t>(value);
  return result;
}

// An interval [lo, hi] of fixed-point values scaled by 2^bits that contains the true value.
struct Interval {
  cpp_int lo;
  cpp_int hi;
};

cpp_int CeilDiv(const cpp_int& a, const cpp_int& b) {
  return (a + b - 1) / b;
}

// exp(-f) for f = fn/fd in [0, 1], by the alternating series Σ (-f)^k / k!, whose terms do not
// increase (f/k <= 1), so the error after the last term is at most the next term. Every term is
// bracketed by a floor and a ceiling sequence, so the interval is rigorous.
Interval ExpNegAtMostOne(const cpp_int& fn, const cpp_int& fd, int bits) {
  const cpp_int one = cpp_int(1) << bits;
  cpp_int term_lo = one;
  cpp_int term_hi = one;
  Interval sum{one, one};
  for (unsigned k = 1;; ++k) {
    term_lo = term_lo * fn / (fd * k);
    term_hi = CeilDiv(term_hi * fn, fd * k);
    if (term_hi == 0) break;
    if ((k & 1U) == 1U) {
      sum.lo -= term_hi;
      sum.hi -= term_lo;
    } else {
      sum.lo += term_lo;
      sum.hi += term_hi;
    }
    // |remainder after term k| <= term k+1 <= term_hi * f / (k+1) <= term_hi: stop once the
    // terms are below one unit; the remainder is then accounted for below.
    if (term_hi <= 1) break;
  }
  sum.lo -= 1;
  sum.hi += 1;
  if (sum.lo < 0) sum.lo = 0;
  if (sum.hi > one) sum.hi = one;
  return sum;
}

Interval Multiply(const Interval& a, const Interval& b, int bits) {
  Interval product;
  product.lo = (a.lo * b.lo) >> bits;
  product.hi = CeilDiv(a.hi * b.hi, cpp_int(1) << bits);
  return product;
}

// exp(-num/den) = exp(-1)^floor(x) * exp(-frac(x)), scaled by 2^bits.
Interval ExpNegInterval(UInt128 num, UInt128 den, int bits) {
  const UInt128 whole = num / den;
  Interval result = ExpNegAtMostOne(ToBig(num % den), ToBig(den), bits);
  if (whole == 0) return result;
  Interval power = ExpNegAtMostOne(1, 1, bits);
  for (UInt128 n = whole;;) {
    if ((n & 1U) != 0) result = Multiply(result, power, bits);
    n >>= 1;
    if (n == 0) break;
    power = Multiply(power, power, bits);
  }
  return result;
}

}  // namespace

std::uint64_t ExpNegFloor64(UInt128 num, UInt128 den) {
  assert(num > 0 && den > 0);
  // exp(-x) is transcendental for rational x > 0, so it is never a multiple of 2^-64 and enough
  // precision always separates it from the neighbouring multiples.
  for (int bits = 160;; bits *= 2) {
    const Interval interval = ExpNegInterval(num, den, bits);
    const cpp_int lo = interval.lo >> (bits - 64);
    const cpp_int hi = interval.hi >> (bits - 64);
    if (lo == hi) return static_cast<std::uint64_t>(lo);
  }
}

std::vector<std::uint64_t> ExpNegPowersFloor64(UInt128 num, UInt128 den, int count) {
  assert(num > 0 && den > 0 && count >= 0);
  // r^j by repeated interval multiplication at 256 bits: the width grows by about one unit per
  // step, far below the 2^192 units between 2^-64 and 2^-256. A power whose interval still
  // straddles a multiple of 2^-64 is recomputed directly at higher precision.
  constexpr int kBits = 256;
  const Interval ratio = ExpNegInterval(num, den, kBits);
  Interval power = ratio;
  std::vector<std::uint64_t> result;
  result.reserve(static_cast<std::size_t>(count));
  for (int j = 1; j <= count; ++j) {
    if (j > 1) power = Multiply(power, ratio, kBits);
    const cpp_int lo = power.lo >> (kBits - 64);
    const cpp_int hi = power.hi >> (kBits - 64);
    result.push_back(lo == hi ? static_cast<std::uint64_t>(lo)
                              : ExpNegFloor64(static_cast<UInt128>(j) * num, den));
  }
  return result;
}

bool LazyUniformBelowExpNeg(LazyUniform& v, UInt128 num, UInt128 den) {
  if (num == 0) return true;  // V < 1 always
  for (int bits = 192;; bits *= 2) {
    const Interval p = ExpNegInterval(num, den, bits);
    for (;;) {
      const int known = 64 * (1 + static_cast<int>(v.tail.size()));
      if (known + 32 > bits) break;  // refine p before reading more of V
      cpp_int prefix = v.head;
      for (const std::uint64_t word : v.tail) {
        prefix <<= 64;
        prefix += word;
      }
      // V lies in [prefix, prefix + 1) / 2^known; p in [lo, hi] / 2^bits.
      const int shift = bits - known;
      if (((prefix + 1) << shift) <= p.lo) return true;
      if ((prefix << shift) >= p.hi) return false;
      v.tail.push_back(v.more());
    }
  }
}

}  // namespace rampart::privacy::internal
