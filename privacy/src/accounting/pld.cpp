#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <unsupported/Eigen/FFT>

#include <rampart/common/error.h>
#include <rampart/privacy/accounting/pld.h>
#include <rampart/privacy/parameters.h>

#include "accounting/numeric.h"

namespace rampart::privacy {
namespace {

using internal::kInf;
using internal::NormalCdf;
using internal::NormalSf;
using Direction = PrivacyLossDistribution::Direction;

// One order (P, Q) of a mechanism's pair, described by the tails of its privacy loss L:
// p_above(l) = P(L > l) (including L = inf) and q_above(l) = Q(L > l). The hockey-stick
// divergence is delta(e) = p_above(e) - e^e q_above(e). Finite losses lie in [min_loss, max_loss].
struct LossTails {
  std::function<double(double)> p_above;
  std::function<double(double)> q_above;
  double min_loss = -kInf;
  double max_loss = kInf;
};

// log((e^u - (1 - q)) / q) for e^u > 1 - q, without cancellation near u = 0 or overflow for big u.
double LogShiftedRatio(double u, double q) {
  const double inner =
      u > 1.0 ? u + std::log1p(-(1.0 - q) * std::exp(-u)) : std::log(std::expm1(u) + q);
  return inner - std::log(q);
}

LossTails GaussianTails(double sigma, double sensitivity) {
  // L ~ N(mu, 2 mu) under P and N(-mu, 2 mu) under Q, mu = Delta^2 / (2 sigma^2).
  const double s = sensitivity / sigma;
  const double mu = s * s / 2;
  return {.p_above = [=](double l) { return NormalSf((l - mu) / s); },
          .q_above = [=](double l) { return NormalSf((l + mu) / s); }};
}

double LaplaceCdf(double x, double location, double scale) {
  return x < location ? 0.5 * std::exp((x - location) / scale)
                      : 1.0 - 0.5 * std::exp(-(x - location) / scale);
}

LossTails LaplaceTails(double scale, double sensitivity) {
  // P = Lap(0, b), Q = Lap(Delta, b): L(x) = (|x - Delta| - |x|) / b, non-increasing in x, so
  // L > l  <=>  x < (Delta - b l) / 2 for |l| < Delta / b.
  const double eps = sensitivity / scale;
  const auto above = [=](double l, double location) {
    if (l >= eps) return 0.0;
    if (l < -eps) return 1.0;
    return LaplaceCdf((sensitivity - scale * l) / 2, location, scale);
  };
  return {.p_above = [=](double l) { return above(l, 0.0); },
          .q_above = [=](double l) { return above(l, sensitivity); },
          .min_loss = -eps,
          .max_loss = eps};
}

// MTZ19-style pair for the Poisson-subsampled Gaussian, noise multiplier s (= sigma / Delta):
// mixture = (1 - q) N(0, s^2) + q N(1, s^2), base = N(0, s^2).
LossTails SubsampledGaussianRemoveTails(double q, double s) {
  // (P, Q) = (mixture, base): L(x) = log(1 - q + q exp((2x - 1) / (2 s^2))), increasing.
  const double min_loss = std::log1p(-q);
  const auto x_of = [=](double l) { return s * s * LogShiftedRatio(l, q) + 0.5; };
  return {.p_above =
              [=](double l) {
                if (l <= min_loss) return 1.0;
                const double x = x_of(l);
                return (1 - q) * NormalSf(x / s) + q * NormalSf((x - 1) / s);
              },
          .q_above =
              [=](double l) {
                if (l <= min_loss) return 1.0;
                return NormalSf(x_of(l) / s);
              },
          .min_loss = min_loss};
}

LossTails SubsampledGaussianAddTails(double q, double s) {
  // (P, Q) = (base, mixture): L(x) = -log(1 - q + q exp((2x - 1) / (2 s^2))), decreasing;
  // L > l  <=>  x < s^2 log((e^-l - (1 - q)) / q) + 1/2, for l < -log(1 - q).
  const double max_loss = -std::log1p(-q);
  const auto x_of = [=](double l) { return s * s * LogShiftedRatio(-l, q) + 0.5; };
  return {.p_above =
              [=](double l) {
                if (l >= max_loss) return 0.0;
                return NormalCdf(x_of(l) / s);
              },
          .q_above =
              [=](double l) {
                if (l >= max_loss) return 0.0;
                const double x = x_of(l);
                return (1 - q) * NormalCdf(x / s) + q * NormalCdf((x - 1) / s);
              },
          .max_loss = max_loss};
}

// A pair with finitely many outcomes (discrete mechanisms, (epsilon, delta) releases): atoms of
// (loss, P mass, Q mass) sorted by decreasing loss, with suffix sums for the tails.
LossTails AtomTails(std::vector<std::array<double, 3>> atoms, double infinity_mass) {
  std::sort(atoms.begin(), atoms.end(), [](const auto& a, const auto& b) { return a[0] > b[0]; });
  auto losses = std::make_shared<std::vector<double>>();
  auto p_cum = std::make_shared<std::vector<double>>(1, infinity_mass);
  auto q_cum = std::make_shared<std::vector<double>>(1, 0.0);
  for (const auto& atom : atoms) {
    losses->push_back(atom[0]);
    p_cum->push_back(p_cum->back() + atom[1]);
    q_cum->push_back(q_cum->back() + atom[2]);
  }
  // Number of atoms with loss > l (losses are in decreasing order).
  const auto count_above = [losses](double l) {
    return static_cast<std::size_t>(
        std::partition_point(losses->begin(), losses->end(), [l](double x) { return x > l; }) -
        losses->begin());
  };
  const double min_loss = atoms.empty() ? 0.0 : atoms.back()[0];
  const double max_loss = atoms.empty() ? 0.0 : atoms.front()[0];
  return {.p_above = [=](double l) { return std::min(1.0, (*p_cum)[count_above(l)]); },
          .q_above = [=](double l) { return std::min(1.0, (*q_cum)[count_above(l)]); },
          .min_loss = min_loss,
          .max_loss = max_loss};
}

// Discrete Gaussian N_Z(0, sigma^2) against N_Z(Delta, sigma^2) (CKS20), or discrete Laplace
// P(x) ∝ exp(-|x| / t): enumerate the integers that carry all but a negligible mass (the rest,
// a far tail, is charged to L = inf).
LossTails DiscreteTails(bool gaussian, double noise, std::int64_t sensitivity) {
  const double reach = gaussian ? noise * 12.0 : noise * 75.0;  // P(|x| > reach) < 1e-31
  const auto k = static_cast<std::int64_t>(std::ceil(reach)) + sensitivity;
  if (k > 4'000'000) {
    throw UnsupportedError(
        fmt::format("the pld accountant enumerates discrete noise; scale {} is too large "
                    "(use the continuous mechanism's event instead)",
                    noise),
        {.field = "event"});
  }
  const auto log_weight = [=](double x) {
    return gaussian ? -x * x / (2 * noise * noise) : -std::fabs(x) / noise;
  };
  double norm = 0.0;
  for (std::int64_t x = -k - sensitivity; x <= k + sensitivity; ++x) {
    norm += std::exp(log_weight(static_cast<double>(x)));
  }
  std::vector<std::array<double, 3>> atoms;
  const auto delta = static_cast<double>(sensitivity);
  for (std::int64_t x = -k; x <= k + sensitivity; ++x) {
    const auto xd = static_cast<double>(x);
    const double p = std::exp(log_weight(xd)) / norm;
    const double q = std::exp(log_weight(xd - delta)) / norm;
    if (p == 0.0 && q == 0.0) continue;
    atoms.push_back({log_weight(xd) - log_weight(xd - delta), p, q});
  }
  // The enumerated P mass misses < 1e-30: charged to infinity.
  return AtomTails(std::move(atoms), 1e-30);
}

LossTails EpsilonDeltaTails(double epsilon, double delta) {
  // The dominating pair of every (epsilon, delta)-DP mechanism (Kairouz, Oh & Viswanath 2015):
  // randomized response with probability delta of revealing everything.
  const double keep = 1.0 - delta;
  const double hi = keep * std::exp(epsilon) / (1.0 + std::exp(epsilon));
  const double lo = keep / (1.0 + std::exp(epsilon));
  return AtomTails({{epsilon, hi, lo}, {-epsilon, lo, hi}}, delta);
}

// Smallest grid index i in [lo, hi] with f(i) true, f monotone (false..., true...); hi if none.
template <typename Pred>
std::int64_t FirstTrue(std::int64_t lo, std::int64_t hi, Pred f) {
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (f(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Grid bounds [i_lo, i_hi] of a pair: below i_lo * h and above i_hi * h at most `tail` of P.
std::pair<std::int64_t, std::int64_t> GridBounds(const LossTails& tails, double h, double tail) {
  // Search window: finite support, else grown until the tail is small enough.
  std::int64_t lo_cap = -1;
  std::int64_t hi_cap = 1;
  if (std::isfinite(tails.min_loss)) {
    lo_cap = static_cast<std::int64_t>(std::floor(tails.min_loss / h)) - 1;
  } else {
    while (1.0 - tails.p_above(static_cast<double>(lo_cap) * h) > tail) lo_cap *= 2;
  }
  if (std::isfinite(tails.max_loss)) {
    hi_cap = static_cast<std::int64_t>(std::ceil(tails.max_loss / h)) + 1;
  } else {
    while (tails.p_above(static_cast<double>(hi_cap) * h) > tail) hi_cap *= 2;
  }
  hi_cap = std::max(hi_cap, lo_cap + 2);
  if (hi_cap - lo_cap > 200'000'000) {
    throw UnsupportedError(
        "the privacy-loss distribution needs more than 2e8 grid points; use a "
        "coarser discretization");
  }
  const std::int64_t i_lo = FirstTrue(lo_cap, hi_cap, [&](std::int64_t i) {
    return 1.0 - tails.p_above(static_cast<double>(i + 1) * h) > tail;
  });
  const std::int64_t i_hi = FirstTrue(lo_cap, hi_cap, [&](std::int64_t i) {
    return tails.p_above(static_cast<double>(i) * h) <= tail;
  });
  return {i_lo, std::max(i_hi, i_lo + 1)};
}

Direction Discretize(const LossTails& tails, const PldOptions& options) {
  const double h = options.discretization;
  const auto [i_lo, i_hi] = GridBounds(tails, h, options.tail_mass);
  const auto n = static_cast<std::size_t>(i_hi - i_lo + 1);
  Direction out{.offset = i_lo, .masses = std::vector<double>(n, 0.0)};
  const auto loss = [&](std::size_t j) {
    return static_cast<double>(i_lo + static_cast<std::int64_t>(j)) * h;
  };
  if (options.method == PldDiscretization::kPessimistic) {
    // Mass in ((i-1)h, ih] goes to ih; at or below i_lo h to i_lo h; above i_hi h to infinity.
    std::vector<double> above(n);
    for (std::size_t j = 0; j < n; ++j) above[j] = tails.p_above(loss(j));
    out.masses[0] = 1.0 - above[0];
    for (std::size_t j = 1; j < n; ++j) out.masses[j] = std::max(0.0, above[j - 1] - above[j]);
    out.infinity_mass = above[n - 1];
    return out;
  }
  // Connect the dots: delta(y), y = e^eps, is convex; replace it by its chords between grid
  // points. The chords' slopes are -Q(L > eps); their jumps are the Q masses of a discrete pair
  // whose P masses are e^eps times those. Beyond i_hi delta is flat at delta(i_hi h) = the mass
  // put at infinity; P mass conservation fixes the lowest point.
  std::vector<double> y(n);
  std::vector<double> delta(n);
  for (std::size_t j = 0; j < n; ++j) {
    y[j] = std::exp(loss(j));
    delta[j] = std::max(0.0, tails.p_above(loss(j)) - y[j] * tails.q_above(loss(j)));
  }
  std::vector<double> slope(n + 1, 0.0);  // slope[j]: on [y[j-1], y[j]]; slope[n] = 0
  for (std::size_t j = 1; j < n; ++j) slope[j] = (delta[j] - delta[j - 1]) / (y[j] - y[j - 1]);
  double upper = 0.0;
  for (std::size_t j = n - 1; j >= 1; --j) {
    const double q_mass = std::max(0.0, slope[j + 1] - slope[j]);
    out.masses[j] = q_mass * y[j];
    upper += out.masses[j];
  }
  out.infinity_mass = delta[n - 1];
  out.masses[0] = std::max(0.0, 1.0 - out.infinity_mass - upper);
  return out;
}

// Moves the mass of each tail up to `tail` out of the array: the top into infinity, the bottom
// into the lowest remaining point (both pessimistic); clamps FFT round-off below zero.
void Truncate(Direction& d, double tail) {
  for (double& m : d.masses) m = std::max(0.0, m);
  std::size_t top = d.masses.size();
  double cut = 0.0;
  while (top > 1 && cut + d.masses[top - 1] <= tail) cut += d.masses[--top];
  d.infinity_mass = std::min(1.0, d.infinity_mass + cut);
  d.masses.resize(top);
  std::size_t bottom = 0;
  double low = 0.0;
  while (bottom + 1 < d.masses.size() && low + d.masses[bottom] <= tail) low += d.masses[bottom++];
  if (bottom > 0) {
    d.masses.erase(d.masses.begin(), d.masses.begin() + static_cast<std::ptrdiff_t>(bottom));
    d.masses[0] += low;
    d.offset += static_cast<std::int64_t>(bottom);
  }
}

// Even FFT length >= n with only the factors 2, 3 and 5 (fast for kissfft).
std::size_t FftSize(std::size_t n) {
  for (std::size_t size = std::max<std::size_t>(n, 2);; ++size) {
    if (size % 2 != 0) continue;
    std::size_t r = size;
    for (const std::size_t f : {2U, 3U, 5U}) {
      while (r % f == 0) r /= f;
    }
    if (r == 1) return size;
  }
}

Direction Convolve(const Direction& a, const Direction& b, double tail) {
  const std::size_t n = a.masses.size() + b.masses.size() - 1;
  Direction out{.offset = a.offset + b.offset};
  out.infinity_mass = 1.0 - (1.0 - a.infinity_mass) * (1.0 - b.infinity_mass);
  if (a.masses.size() * b.masses.size() < 4096) {
    out.masses.assign(n, 0.0);
    for (std::size_t i = 0; i < a.masses.size(); ++i) {
      for (std::size_t j = 0; j < b.masses.size(); ++j)
        out.masses[i + j] += a.masses[i] * b.masses[j];
    }
  } else {
    const std::size_t size = FftSize(n);
    Eigen::FFT<double> fft;
    fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    std::vector<double> pa(size, 0.0);
    std::copy(a.masses.begin(), a.masses.end(), pa.begin());
    std::vector<std::complex<double>> fa;
    fft.fwd(fa, pa);
    if (&a == &b) {
      for (auto& c : fa) c *= c;
    } else {
      std::vector<double> pb(size, 0.0);
      std::copy(b.masses.begin(), b.masses.end(), pb.begin());
      std::vector<std::complex<double>> fb;
      fft.fwd(fb, pb);
      for (std::size_t i = 0; i < fa.size(); ++i) fa[i] *= fb[i];
    }
    std::vector<double> result;
    fft.inv(result, fa);
    result.resize(n);
    out.masses = std::move(result);
  }
  Truncate(out, tail);
  return out;
}

double DirectionDelta(const Direction& d, double epsilon, double h) {
  double delta = d.infinity_mass;
  for (std::size_t j = d.masses.size(); j-- > 0;) {
    const double loss = static_cast<double>(d.offset + static_cast<std::int64_t>(j)) * h;
    if (loss <= epsilon) break;
    delta += d.masses[j] * -std::expm1(epsilon - loss);
  }
  return std::min(1.0, delta);
}

double DirectionEpsilon(const Direction& d, double target, double h) {
  if (d.infinity_mass > target) return kInf;
  // Scan down from the top: on [l_j, l_{j+1}), delta(e) = inf_mass + A - e^e B with A, B the
  // sums of p_i and p_i e^{-l_i} over the points above; solve in the segment where it crosses.
  double a = 0.0;
  double b = 0.0;
  for (std::size_t j = d.masses.size(); j-- > 0;) {
    const double loss = static_cast<double>(d.offset + static_cast<std::int64_t>(j)) * h;
    // delta at this grid point with the points above it.
    const double at = d.infinity_mass + a - std::exp(loss) * b;
    if (at > target || loss <= 0.0) {
      // Crossing in [loss, next point) (or at epsilon = 0 when delta(0) is already small).
      if (b <= 0.0) return std::max(0.0, loss);
      const double eps = std::log((d.infinity_mass + a - target) / b);
      if (at <= target) return std::max(0.0, std::min(eps, loss));
      return std::max({0.0, loss, eps});
    }
    a += d.masses[j];
    b += d.masses[j] * std::exp(-loss);
  }
  // Every point's loss is above the target crossing: solve with all points included.
  if (b <= 0.0) return 0.0;
  return std::max(0.0, std::log((d.infinity_mass + a - target) / b));
}

void CheckOptions(const PldOptions& options) {
  CheckPositive(options.discretization, "discretization");
  if (!(options.tail_mass > 0.0 && options.tail_mass < 1e-3)) {
    throw InvalidArgumentError(
        fmt::format("tail mass must lie in (0, 1e-3), got {}", options.tail_mass),
        {.field = "tail_mass"});
  }
}

}  // namespace

PrivacyLossDistribution PrivacyLossDistribution::FromEvent(const PrivacyEvent& event,
                                                           const PldOptions& options) {
  CheckOptions(options);
  std::optional<PrivacyLossDistribution> total;
  for (const auto& [atom, count] : FlattenEvent(event)) {
    Direction remove;
    Direction add;
    bool symmetric = true;
    switch (atom.kind()) {
      case EventKind::kGaussian:
        remove = Discretize(GaussianTails(atom.noise(), atom.sensitivity()), options);
        break;
      case EventKind::kLaplace:
        remove = Discretize(LaplaceTails(atom.noise(), atom.sensitivity()), options);
        break;
      case EventKind::kDiscreteGaussian:
      case EventKind::kDiscreteLaplace:
        remove = Discretize(DiscreteTails(atom.kind() == EventKind::kDiscreteGaussian, atom.noise(),
                                          static_cast<std::int64_t>(atom.sensitivity())),
                            options);
        break;
      case EventKind::kEpsilonDelta:
        remove = Discretize(EpsilonDeltaTails(atom.epsilon(), atom.delta()), options);
        break;
      case EventKind::kPoissonSubsampled: {
        const PrivacyEvent& inner = atom.children().front();
        if (inner.kind() != EventKind::kGaussian) {
          throw UnsupportedError(
              fmt::format("the pld accountant supports Poisson subsampling of Gaussian events "
                          "only, not of '{}'",
                          EventKindName(inner.kind())),
              {.field = "event"});
        }
        const double q = atom.sampling_rate();
        const double s = inner.noise() / inner.sensitivity();
        if (q == 1.0) {
          remove = Discretize(GaussianTails(s, 1.0), options);
        } else {
          remove = Discretize(SubsampledGaussianRemoveTails(q, s), options);
          add = Discretize(SubsampledGaussianAddTails(q, s), options);
          symmetric = false;
        }
        break;
      }
      case EventKind::kSelfComposed:
      case EventKind::kComposed:
        throw InternalError("composite event reached the PLD of an atom");
    }
    PrivacyLossDistribution pld(options, std::move(remove), std::move(add), symmetric);
    pld = pld.SelfCompose(count);
    total = total ? total->Compose(pld) : std::move(pld);
  }
  if (!total) {
    // The empty composition releases nothing: all mass at loss 0.
    Direction zero{.offset = 0, .masses = {1.0}};
    return {options, zero, zero, true};
  }
  return *std::move(total);
}

PrivacyLossDistribution PrivacyLossDistribution::Compose(
    const PrivacyLossDistribution& other) const {
  if (other.options_.discretization != options_.discretization) {
    throw InvalidArgumentError("cannot compose privacy-loss distributions on different grids");
  }
  const double tail = options_.tail_mass;
  Direction remove = Convolve(remove_, other.remove_, tail);
  if (symmetric_ && other.symmetric_) return {options_, std::move(remove), {}, true};
  const Direction& a = symmetric_ ? remove_ : add_;
  const Direction& b = other.symmetric_ ? other.remove_ : other.add_;
  return {options_, std::move(remove), Convolve(a, b, tail), false};
}

PrivacyLossDistribution PrivacyLossDistribution::SelfCompose(std::int64_t count) const {
  if (count < 1) {
    throw InvalidArgumentError(fmt::format("count must be >= 1, got {}", count),
                               {.field = "count"});
  }
  const double tail = options_.tail_mass;
  const auto power = [&](const Direction& base_in) {
    Direction base = base_in;
    std::optional<Direction> result;
    for (std::int64_t k = count;;) {
      if (k & 1) result = result ? Convolve(*result, base, tail) : base;
      k >>= 1;
      if (k == 0) break;
      base = Convolve(base, base, tail);
    }
    return *std::move(result);
  };
  if (count == 1) return *this;
  Direction remove = power(remove_);
  if (symmetric_) return {options_, std::move(remove), {}, true};
  return {options_, std::move(remove), power(add_), false};
}

double PrivacyLossDistribution::DeltaForEpsilon(double epsilon) const {
  if (!std::isfinite(epsilon) || epsilon < 0.0) {
    throw InvalidArgumentError(fmt::format("epsilon must be a finite number >= 0, got {}", epsilon),
                               {.field = "epsilon"});
  }
  const double h = options_.discretization;
  const double remove = DirectionDelta(remove_, epsilon, h);
  return symmetric_ ? remove : std::max(remove, DirectionDelta(add_, epsilon, h));
}

double PrivacyLossDistribution::EpsilonForDelta(double delta) const {
  CheckDelta(delta, /*allow_zero=*/false);
  const double h = options_.discretization;
  const double remove = DirectionEpsilon(remove_, delta, h);
  return symmetric_ ? remove : std::max(remove, DirectionEpsilon(add_, delta, h));
}

std::size_t PrivacyLossDistribution::size() const {
  return symmetric_ ? remove_.masses.size() : std::max(remove_.masses.size(), add_.masses.size());
}

PldAccountant::PldAccountant(PldOptions options) : options_(options) {
  CheckOptions(options_);
}

PrivacyGuarantee PldAccountant::EpsilonFor(const PrivacyEvent& event, double delta) const {
  CheckDelta(delta, /*allow_zero=*/false);
  const auto pld = PrivacyLossDistribution::FromEvent(event, options_);
  return {.epsilon = pld.EpsilonForDelta(delta), .delta = delta, .method = "pld"};
}

PrivacyGuarantee PldAccountant::DeltaFor(const PrivacyEvent& event, double epsilon) const {
  const auto pld = PrivacyLossDistribution::FromEvent(event, options_);
  return {.epsilon = epsilon, .delta = pld.DeltaForEpsilon(epsilon), .method = "pld"};
}

}  // namespace rampart::privacy
