// ApproxBounds for DP SQL (sql_bounds.h): noisy power-of-two histogram, threshold, bounds.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/privacy/sql_bounds.h>

namespace rampart::privacy {

ValueBounds ApproxBoundsBinRange(std::int64_t bin) {
  if (bin < -kApproxBoundsMaxBin || bin > kApproxBoundsMaxBin) {
    throw InternalError(fmt::format("ApproxBounds bin {} out of range", bin));
  }
  if (bin == 0) {
    const double edge = std::ldexp(1.0, kApproxBoundsMinExponent);
    return {.lower = -edge, .upper = edge};
  }
  const auto magnitude = static_cast<int>(bin > 0 ? bin : -bin);
  const double low = std::ldexp(1.0, kApproxBoundsMinExponent + magnitude - 1);
  const double high = std::ldexp(1.0, kApproxBoundsMinExponent + magnitude);
  return bin > 0 ? ValueBounds{.lower = low, .upper = high}
                 : ValueBounds{.lower = -high, .upper = -low};
}

std::int64_t ApproxBoundsThreshold(double scale, double failure_probability, std::int64_t bins) {
  if (!(scale > 0.0) || !std::isfinite(scale) || !(failure_probability > 0.0) ||
      !(failure_probability < 1.0) || bins < 1) {
    throw InvalidArgumentError(
        fmt::format("ApproxBounds threshold needs scale > 0, failure probability in (0, 1) and "
                    "bins >= 1, got {}, {}, {}",
                    scale, failure_probability, bins),
        {.field = "approx_bounds"});
  }
  // P(Z >= m) = q^m / (1 + q) <= beta / bins  <=>  m >= scale * (ln(bins / beta) - ln(1 + q)).
  const double log_q = -1.0 / scale;
  const double per_bin = std::log(failure_probability / static_cast<double>(bins));
  const double m = std::ceil(-scale * (per_bin + std::log1p(std::exp(log_q))));
  if (!(m < 9.0e18)) {
    throw InvalidArgumentError("the ApproxBounds threshold overflows: epsilon is too small",
                               {.field = "epsilon"});
  }
  auto threshold = std::max<std::int64_t>(1, static_cast<std::int64_t>(m));
  // Guard the closed form against rounding: step up while the tail is still too heavy.
  while (static_cast<double>(threshold) * log_q - std::log1p(std::exp(log_q)) > per_bin) {
    ++threshold;
  }
  return threshold;
}

FoundBounds ApproxBoundsFromHistogram(const std::map<std::int64_t, std::int64_t>& weights,
                                      const ApproxBoundsStep& step, NoiseSource& noise) {
  FoundBounds found;
  found.value_index = step.value_index;
  found.label = step.label;
  for (const auto& [bin, weight] : weights) {
    if (bin < -kApproxBoundsMaxBin || bin > kApproxBoundsMaxBin || weight < 0) {
      throw InternalError(
          fmt::format("ApproxBounds bin {} with weight {} out of range", bin, weight));
    }
  }
  std::optional<std::int64_t> lowest;
  std::optional<std::int64_t> highest;
  // Every bin gets noise, empty ones included: which bins exist is itself private.
  for (std::int64_t bin = -kApproxBoundsMaxBin; bin <= kApproxBoundsMaxBin; ++bin) {
    const auto it = weights.find(bin);
    const std::int64_t exact = it == weights.end() ? 0 : it->second;
    const std::int64_t noisy = noise.AddNoise(exact, step.statistic);
    found.noisy_weights.push_back(noisy);
    if (noisy >= step.threshold) {
      if (!lowest) lowest = bin;
      highest = bin;
    }
  }
  if (lowest) {
    found.bounds = ValueBounds{.lower = ApproxBoundsBinRange(*lowest).lower,
                               .upper = ApproxBoundsBinRange(*highest).upper};
  }
  return found;
}

std::vector<FoundBounds> FindApproxBounds(Database& db, const BoundedQuery& query,
                                          const PrivacyPlan& plan, NoiseSource& noise) {
  std::vector<FoundBounds> all;
  for (const ApproxBoundsStep& step : plan.approx_bounds) {
    if (step.value_index >= query.values.size() ||
        query.values[step.value_index].approx_bounds_sql.empty()) {
      throw InternalError(fmt::format("no ApproxBounds query for {}", step.label));
    }
    const QueryResult rows = db.Query(query.values[step.value_index].approx_bounds_sql);
    if (rows.columns.size() != 2) {
      throw InternalError("the ApproxBounds query must return rampart_bin, rampart_weight");
    }
    std::map<std::int64_t, std::int64_t> weights;
    for (const auto& row : rows.rows) {
      const auto integer = [](const DbValue& value) -> std::int64_t {
        if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
        if (IsNull(value)) return 0;
        const double real = DbValueAsDouble(value);
        if (real != std::floor(real) || std::fabs(real) > 9.0e15) {
          throw InternalError("the ApproxBounds query returned a non-integer");
        }
        return static_cast<std::int64_t>(real);
      };
      weights[integer(row[0])] += integer(row[1]);
    }
    FoundBounds found = ApproxBoundsFromHistogram(weights, step, noise);
    if (!found.bounds) {
      throw InputError(
          fmt::format("could not find clamping bounds for {} privately: no power-of-two bin of "
                      "its values has a noisy unit weight reaching the threshold {} (too few "
                      "privacy units, or too small an epsilon share {}, to find bounds without "
                      "revealing individual values); pass --bounds {}=LO:HI. The query's budget "
                      "is spent",
                      step.label, static_cast<double>(step.threshold) * step.statistic.unit,
                      step.statistic.epsilon, step.label),
          {.field = step.label});
    }
    all.push_back(std::move(found));
  }
  return all;
}

BoundedQuery WithFoundBounds(const BoundedQuery& query, const std::vector<FoundBounds>& found) {
  SqlQueryOptions options = query.options;
  for (const FoundBounds& f : found) {
    if (!f.bounds || f.value_index >= query.values.size()) {
      throw InternalError(fmt::format("no bounds found for {}", f.label));
    }
    options.found_bounds[query.values[f.value_index].expression] = *f.bounds;
  }
  BoundedQuery bounded = RewriteQuery(query.original_sql, options);
  if (BoundsPending(bounded)) throw InternalError("bounds still pending after ApproxBounds");
  return bounded;
}

}  // namespace rampart::privacy
