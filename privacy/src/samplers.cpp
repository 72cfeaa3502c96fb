#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/samplers.h>

namespace rampart::privacy {
namespace {

// floor(sqrt(n)) exactly.
std::uint64_t IntegerSqrt(std::uint64_t n) {
  auto root = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (static_cast<UInt128>(root) * root > n) --root;
  while (static_cast<UInt128>(root + 1) * (root + 1) <= n) ++root;
  return root;
}

}  // namespace

DiscreteGaussianParameters DiscreteGaussianParameters::FromSigma(double sigma) {
  if (!(sigma >= 0x1p-10 && sigma <= 0x1p24)) {
    throw InvalidArgumentError(
        fmt::format("discrete Gaussian sigma must lie in [2^-10, 2^24], got {}", sigma),
        {.field = "sigma"});
  }
  // sigma = mantissa * 2^exponent exactly, mantissa < 2^53; sigma² = mantissa² * 2^(2 exponent).
  int exponent = 0;
  const double fraction = std::frexp(sigma, &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  exponent -= 53;
  const UInt128 square = static_cast<UInt128>(mantissa) * mantissa;
  int square_width = 0;
  for (UInt128 rest = square; rest != 0; rest >>= 1) ++square_width;
  // a = ceil(sigma² * 2^j) with j >= 0 chosen so that a has at least 21 bits: the rounding adds
  // below 2^-20 to σ², and for σ >= 1449 (b = 1) the acceptance test of Algorithm 3 runs in
  // 64-bit arithmetic.
  int j = 21 - square_width - 2 * exponent;
  if (j < 0) j = 0;
  const int shift = 2 * exponent + j;  // a = ceil(square * 2^shift)
  UInt128 a = 0;
  if (shift >= 0) {
    a = square << shift;
  } else {
    const UInt128 divisor = static_cast<UInt128>(1) << (-shift);
    a = (square + divisor - 1) >> (-shift);
  }
  DiscreteGaussianParameters p;
  p.sigma2_num = static_cast<std::uint64_t>(a);
  p.sigma2_den = std::uint64_t{1} << j;
  p.t = IntegerSqrt(p.sigma2_num >> j) + 1;
  p.tb = static_cast<UInt128>(p.t) * p.sigma2_den;
  p.gamma_den = 2 * static_cast<UInt128>(p.sigma2_num) * p.sigma2_den * p.t * p.t;
  p.max_magnitude = static_cast<std::uint64_t>((static_cast<UInt128>(1) << 62) / p.tb);
  p.proposal = DiscreteLaplaceSampler(1, p.t);
  // Acceptance blocks while γ_min < 64 (beyond, the generic exact test runs: the proposal
  // reaches them with probability below exp(-8 σ/t)), at most 1024 of them.
  auto blocks = std::make_shared<std::vector<AcceptBlock>>();
  const int k = p.proposal.block_shift();
  const UInt128 sigma2_num = p.sigma2_num;
  for (std::uint64_t c = 0; c < 1024; ++c) {
    const std::uint64_t first = c << k;
    const std::uint64_t last = first + ((std::uint64_t{1} << k) - 1);
    if (last > p.max_magnitude) break;
    const UInt128 lo = static_cast<UInt128>(first) * p.tb;
    const UInt128 hi = static_cast<UInt128>(last) * p.tb;
    AcceptBlock block;
    if (sigma2_num < lo) {
      block.min_diff = static_cast<std::uint64_t>(lo - sigma2_num);
    } else if (sigma2_num > hi) {
      block.min_diff = static_cast<std::uint64_t>(sigma2_num - hi);
    }
    const UInt128 min_square = static_cast<UInt128>(block.min_diff) * block.min_diff;
    if (min_square / 64 > p.gamma_den) break;
    if (block.min_diff != 0) block.threshold = internal::ExpNegFloor64(min_square, p.gamma_den);
    blocks->push_back(block);
  }
  p.accept_blocks = std::move(blocks);
  return p;
}

DiscreteLaplaceSampler::DiscreteLaplaceSampler(std::uint64_t s, std::uint64_t t, int table_size)
    : s_(s), t_(t) {
  if (s == 0 || t == 0 || t >= (std::uint64_t{1} << 63)) {
    throw InvalidArgumentError(
        fmt::format("discrete Laplace parameters must satisfy s >= 1 and 1 <= t < 2^63, got s = "
                    "{}, t = {}",
                    s, t),
        {.field = "scale"});
  }
  if (table_size < 1 || table_size > 65535) {
    throw InvalidArgumentError(
        fmt::format("discrete Laplace table size must lie in [1, 65535], got {}", table_size),
        {.field = "table_size"});
  }
  // k: the largest with 2^k s <= t/16, so that C's scale t / (2^k s) lies in [16, 32) whenever
  // k > 0 and D's acceptance probability exp(-D s/t) stays above exp(-1/16).
  while (block_shift_ < 62 && (static_cast<UInt128>(s) << (block_shift_ + 1 + 4)) <= t) {
    ++block_shift_;
  }
  low_mask_ = (std::uint64_t{1} << block_shift_) - 1;
  block_num_ = static_cast<UInt128>(s) << block_shift_;
  max_high_ = std::numeric_limits<std::int64_t>::max() >> block_shift_;
  auto table = std::make_shared<Table>();
  table->thresholds = internal::ExpNegPowersFloor64(block_num_, t, table_size);
  table->guide.resize(std::size_t{1} << kGuideBits);
  std::size_t count = 0;
  for (std::size_t i = 0; i < table->guide.size(); ++i) {
    // Every threshold >= (i+1) 2^(64-G) exceeds each V whose top bits are i.
    const UInt128 bound = static_cast<UInt128>(i + 1) << (64 - kGuideBits);
    while (count > 0 && static_cast<UInt128>(table->thresholds[count - 1]) < bound) --count;
    if (i == 0) {
      while (count < table->thresholds.size() &&
             static_cast<UInt128>(table->thresholds[count]) >= bound) {
        ++count;
      }
    }
    table->guide[i] = static_cast<std::uint16_t>(count);
  }
  size_ = table->thresholds.size();
  table->thresholds.push_back(0);  // sentinel: never above a V, read by the branch-free step
  thresholds_ = table->thresholds.data();
  guide_ = table->guide.data();
  table_ = std::move(table);
}

namespace internal {

std::uint64_t SlowExpNegCount(std::uint64_t head, std::uint64_t first, UInt128 num, UInt128 den,
                              WordDrawer more) {
  LazyUniform v{head, {}, more};
  std::uint64_t count = first;
  while (LazyUniformBelowExpNeg(v, static_cast<UInt128>(count + 1) * num, den)) ++count;
  return count;
}

}  // namespace internal

}  // namespace rampart::privacy
