// Statistical helpers of the privacy tests: chi-square goodness of fit (Boost.Math), the
// Kolmogorov-Smirnov p-value (written here: Boost 1.74 has no Kolmogorov distribution) and the
// DP audit on two output histograms (the idea of Google's stochastic tester).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

namespace rampart::privacy::testing {

// Samples are counted per test in the default build; sanitizer builds run a fraction of them so
// that the suite stays fast (the thresholds account for the sample size).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kSampleDivisor = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr int kSampleDivisor = 4;
#else
inline constexpr int kSampleDivisor = 1;
#endif
#else
inline constexpr int kSampleDivisor = 1;
#endif

struct ChiSquareResult {
  double statistic = 0.0;
  int degrees_of_freedom = 0;
  double p_value = 0.0;
};

// Pearson's chi-square of integer samples against a pmf on [lo, hi]; values outside, and cells
// with expected count < 5, are pooled (from the tails inward) so the chi-square approximation
// holds.
inline ChiSquareResult ChiSquareTest(const std::vector<std::int64_t>& samples, std::int64_t lo,
                                     std::int64_t hi,
                                     const std::function<double(std::int64_t)>& pmf) {
  const auto n = static_cast<double>(samples.size());
  std::map<std::int64_t, double> observed;
  for (const std::int64_t s : samples) observed[std::clamp(s, lo - 1, hi + 1)] += 1.0;
  // Cells: lo-1 means "< lo", hi+1 means "> hi".
  std::vector<double> obs;
  std::vector<double> expected;
  double inside = 0.0;
  for (std::int64_t v = lo; v <= hi; ++v) inside += pmf(v);
  // The cells are [lo, hi] pooled left to right until each expects >= 5 samples; the mass
  // outside [lo, hi] (callers choose the range to hold nearly all of it) joins the last cell.
  double pool_obs = 0.0;
  double pool_exp = 0.0;
  for (std::int64_t v = lo; v <= hi; ++v) {
    pool_obs += observed.count(v) ? observed[v] : 0.0;
    pool_exp += pmf(v) * n;
    if (pool_exp >= 5.0) {
      obs.push_back(pool_obs);
      expected.push_back(pool_exp);
      pool_obs = pool_exp = 0.0;
    }
  }
  pool_obs += observed[lo - 1] + observed[hi + 1];
  pool_exp += std::max(0.0, 1.0 - inside) * n;
  if (!expected.empty()) {
    obs.back() += pool_obs;
    expected.back() += pool_exp;
  }
  ChiSquareResult result;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const double d = obs[i] - expected[i];
    result.statistic += d * d / expected[i];
  }
  result.degrees_of_freedom = static_cast<int>(obs.size()) - 1;
  if (result.degrees_of_freedom < 1) {
    result.p_value = 1.0;
    return result;
  }
  const boost::math::chi_squared dist(result.degrees_of_freedom);
  result.p_value = boost::math::cdf(boost::math::complement(dist, result.statistic));
  return result;
}

// P(K > x) for the Kolmogorov distribution: 2 Σ_{k>=1} (-1)^{k-1} exp(-2k²x²).
inline double KolmogorovSurvival(double x) {
  if (x <= 0.0) return 1.0;
  if (x < 0.2) return 1.0;  // the series converges slowly there; the value is 1 - O(1e-20)
  double sum = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1 ? 1.0 : -1.0) * term;
    if (term < 1e-18) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

struct KsResult {
  double statistic = 0.0;
  double p_value = 0.0;
};

// One-sample KS test of integer samples against a cdf on the integers (F(v) = P(X <= v)).
// For a discrete law the continuous Kolmogorov p-value is conservative. Stephens' small-sample
// correction: x = D (√n + 0.12 + 0.11/√n).
inline KsResult KsTest(std::vector<std::int64_t> samples,
                       const std::function<double(std::int64_t)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<double>(samples.size());
  double d = 0.0;
  std::size_t i = 0;
  while (i < samples.size()) {
    std::size_t j = i;
    while (j < samples.size() && samples[j] == samples[i]) ++j;
    const double f_before = cdf(samples[i] - 1);
    const double f_at = cdf(samples[i]);
    d = std::max(d, std::abs(f_before - static_cast<double>(i) / n));
    d = std::max(d, std::abs(f_at - static_cast<double>(j) / n));
    i = j;
  }
  const double root = std::sqrt(n);
  return {.statistic = d, .p_value = KolmogorovSurvival(d * (root + 0.12 + 0.11 / root))};
}

struct AuditResult {
  double max_log_ratio = 0.0;  // over bins with enough mass in both histograms
  double max_excess = -1e300;  // max over those bins of |log ratio| - margin - epsilon
  int bins_compared = 0;
  double hockey_stick = 0.0;  // estimated δ at ε: Σ max(0, p̂_a - e^ε p̂_b), both directions
  double hockey_margin = 0.0;
  [[nodiscard]] bool PureDpHolds() const { return max_excess <= 0.0; }
};

// Compares two samples of a mechanism's output on neighbouring inputs. Bins are keyed by
// floor(value / bin_width); a bin counts when both histograms hold >= min_count samples. The
// margin of a bin is z * sqrt(1/a + 1/b), about z standard errors of the log ratio.
inline AuditResult DpAudit(const std::vector<double>& a, const std::vector<double>& b,
                           double bin_width, double epsilon, double min_count = 1000.0,
                           double z = 4.5) {
  std::map<std::int64_t, std::pair<double, double>> bins;
  for (const double v : a) bins[static_cast<std::int64_t>(std::floor(v / bin_width))].first += 1;
  for (const double v : b) bins[static_cast<std::int64_t>(std::floor(v / bin_width))].second += 1;
  AuditResult result;
  const auto na = static_cast<double>(a.size());
  const auto nb = static_cast<double>(b.size());
  // Hockey-stick divergence estimated in both directions; δ is the larger.
  double forward_sum = 0.0;
  double backward_sum = 0.0;
  double forward_variance = 0.0;
  double backward_variance = 0.0;
  const double e = std::exp(epsilon);
  for (const auto& [key, counts] : bins) {
    const auto [ca, cb] = counts;
    if (ca >= min_count && cb >= min_count) {
      ++result.bins_compared;
      const double ratio = std::abs(std::log((ca / na) / (cb / nb)));
      result.max_log_ratio = std::max(result.max_log_ratio, ratio);
      const double margin = z * std::sqrt(1.0 / ca + 1.0 / cb);
      result.max_excess = std::max(result.max_excess, ratio - margin - epsilon);
    }
    const double pa = ca / na;
    const double pb = cb / nb;
    if (pa - e * pb > 0.0) {
      forward_sum += pa - e * pb;
      forward_variance += pa / na + e * e * pb / nb;
    }
    if (pb - e * pa > 0.0) {
      backward_sum += pb - e * pa;
      backward_variance += pb / nb + e * e * pa / na;
    }
  }
  const bool forward_larger = forward_sum >= backward_sum;
  result.hockey_stick = forward_larger ? forward_sum : backward_sum;
  result.hockey_margin = z * std::sqrt(forward_larger ? forward_variance : backward_variance) +
                         10.0 / std::min(na, nb);
  return result;
}

}  // namespace rampart::privacy::testing
