#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <fmt/format.h>

#include <rampart/common/error.h>
#include <rampart/robustness/smoothing.h>

namespace rampart::robustness {

namespace {

// Noise draws per random stream: small enough that a batch splits into many independent jobs for
// the threads, large enough that seeding a generator (~1 us) is a small part of a block's work.
constexpr std::int64_t kBlockDraws = 64;
// Below this many noise values per batch, drawing on one thread beats starting others.
constexpr std::int64_t kMinValuesPerThread = 1 << 15;
// More draws than anyone can afford; the bound keeps draw counts times samples far from
// overflowing 64 bits.
constexpr std::int64_t kMaxDraws = 1'000'000'000'000;

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

// The generator of one block of draws: a hash of every coordinate of the block, so that streams
// are independent and reproducible whatever batch or thread draws them.
boost::random::mt19937_64 BlockRng(std::uint64_t seed, std::int64_t sample, int phase,
                                   std::int64_t block) {
  std::uint64_t state = SplitMix64(seed);
  state = SplitMix64(state ^ static_cast<std::uint64_t>(sample));
  state = SplitMix64(state ^ static_cast<std::uint64_t>(phase));
  state = SplitMix64(state ^ static_cast<std::uint64_t>(block));
  return boost::random::mt19937_64(state);
}

// `draws` noisy copies of input row `row` from stream `phase`.
struct Segment {
  std::int64_t row = 0;
  int phase = 0;
  std::int64_t draws = 0;
};

// Draws [from, to) of a segment's block `block`, written to batch rows from `dst_row` on.
struct Job {
  std::size_t segment = 0;
  std::int64_t block = 0;
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t dst_row = 0;
};

void RequireField(bool ok, const std::string& message, const char* field) {
  if (!ok) throw InvalidArgumentError(message, {.field = field});
}

}  // namespace

void ValidateSmoothingConfig(const SmoothingConfig& config) {
  RequireField(std::isfinite(config.sigma) && config.sigma > 0.0,
               fmt::format("sigma must be a positive number, got {}", config.sigma), "sigma");
  RequireField(config.n0 >= 1 && config.n0 <= kMaxDraws,
               fmt::format("n0 must be in [1, 10^12], got {}", config.n0), "n0");
  RequireField(config.n >= 1 && config.n <= kMaxDraws,
               fmt::format("n must be in [1, 10^12], got {}", config.n), "n");
  RequireField(config.alpha > 0.0 && config.alpha < 1.0,
               fmt::format("alpha must be in (0, 1), got {}", config.alpha), "alpha");
  RequireField(config.batch_size >= 1,
               fmt::format("batch size must be at least 1, got {}", config.batch_size),
               "batch-size");
  RequireField(config.threads >= 0,
               fmt::format("threads must be 0 (all cores) or more, got {}", config.threads),
               "threads");
}

double ClopperPearsonLower(std::int64_t successes, std::int64_t trials, double alpha) {
  if (trials < 1 || successes < 0 || successes > trials || !(alpha > 0.0 && alpha < 1.0)) {
    throw InvalidArgumentError(fmt::format(
        "Clopper-Pearson bound needs 0 <= successes <= trials, trials >= 1 and alpha in (0, 1); "
        "got {} of {} at alpha {}",
        successes, trials, alpha));
  }
  if (successes == 0) return 0.0;
  return boost::math::ibeta_inv(static_cast<double>(successes),
                                static_cast<double>(trials - successes + 1), alpha);
}

double BinomialTestPValue(std::int64_t successes, std::int64_t trials) {
  if (trials < 1 || successes < 0 || successes > trials) {
    throw InvalidArgumentError(
        fmt::format("binomial test needs 0 <= successes <= trials and trials >= 1; got {} of {}",
                    successes, trials));
  }
  const std::int64_t extreme = std::max(successes, trials - successes);
  if (2 * extreme == trials) return 1.0;
  // P(X >= extreme) for X ~ Bin(trials, 1/2) is the regularized incomplete beta
  // I_{1/2}(extreme, trials - extreme + 1).
  const double tail = boost::math::ibeta(static_cast<double>(extreme),
                                         static_cast<double>(trials - extreme + 1), 0.5);
  return std::min(1.0, 2.0 * tail);
}

double CertifiedRadius(double sigma, double p_lower) {
  if (!(p_lower > 0.5)) return 0.0;
  if (p_lower >= 1.0) return std::numeric_limits<double>::infinity();
  return sigma * boost::math::quantile(boost::math::normal_distribution<double>(), p_lower);
}

namespace {

// Classifies `draws` noisy copies for every segment and returns the class counts per segment.
// The copies of consecutive segments are packed into batches of config.batch_size rows.
std::vector<std::vector<std::int64_t>> CountSegments(Executor& executor,
                                                     const SmoothingConfig& config, int threads,
                                                     const Eigen::Ref<const Batch>& inputs,
                                                     const std::vector<Segment>& segments,
                                                     std::int64_t first_index) {
  const std::int64_t classes = executor.model().output_size();
  const std::int64_t cols = inputs.cols();
  std::vector<std::vector<std::int64_t>> counts(
      segments.size(), std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
  std::int64_t total = 0;
  std::vector<std::int64_t> offsets;
  offsets.reserve(segments.size());
  for (const Segment& s : segments) {
    offsets.push_back(total);
    total += s.draws;
  }
  if (total == 0) return counts;
  const std::int64_t batch_rows = std::min(config.batch_size, total);
  Batch noisy(batch_rows, cols);
  const auto sigma = static_cast<float>(config.sigma);
  std::vector<Job> jobs;
  std::size_t first_segment = 0;
  for (std::int64_t begin = 0; begin < total; begin += batch_rows) {
    const std::int64_t end = std::min(total, begin + batch_rows);
    // The blocks of every segment overlapping [begin, end).
    jobs.clear();
    while (offsets[first_segment] + segments[first_segment].draws <= begin) ++first_segment;
    for (std::size_t s = first_segment; s < segments.size() && offsets[s] < end; ++s) {
      const std::int64_t from = std::max(begin, offsets[s]) - offsets[s];
      const std::int64_t to = std::min(end, offsets[s] + segments[s].draws) - offsets[s];
      for (std::int64_t block = from / kBlockDraws; block * kBlockDraws < to; ++block) {
        const std::int64_t job_from = std::max(from, block * kBlockDraws);
        jobs.push_back({.segment = s,
                        .block = block,
                        .from = job_from,
                        .to = std::min(to, (block + 1) * kBlockDraws),
                        .dst_row = offsets[s] + job_from - begin});
      }
    }
    const auto draw = [&](std::size_t worker, std::size_t stride) {
      boost::random::normal_distribution<float> normal(0.0F, 1.0F);
      for (std::size_t j = worker; j < jobs.size(); j += stride) {
        const Job& job = jobs[j];
        const Segment& segment = segments[job.segment];
        boost::random::mt19937_64 rng =
            BlockRng(config.seed, first_index + segment.row, segment.phase, job.block);
        normal.reset();
        const float* x = inputs.data() + segment.row * inputs.outerStride();
        // The stream is consumed from the block's start: draws before `from` are discarded, so
        // a block split across batches yields the same noise as a whole one.
        for (std::int64_t d = job.block * kBlockDraws; d < job.to; ++d) {
          if (d < job.from) {
            for (std::int64_t c = 0; c < cols; ++c) (void)normal(rng);
            continue;
          }
          float* out = noisy.data() + (job.dst_row + d - job.from) * cols;
          for (std::int64_t c = 0; c < cols; ++c) out[c] = x[c] + sigma * normal(rng);
        }
      }
    };
    const std::int64_t rows = end - begin;
    const auto used = static_cast<std::size_t>(std::max<std::int64_t>(
        1, std::min<std::int64_t>({threads, static_cast<std::int64_t>(jobs.size()),
                                   rows * cols / kMinValuesPerThread})));
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < used; ++w) pool.emplace_back(draw, w, used);
    draw(0, used);
    for (std::thread& t : pool) t.join();

    const std::vector<std::int64_t> predicted = executor.Predict(noisy.topRows(rows));
    std::size_t s = first_segment;
    for (std::int64_t r = 0; r < rows; ++r) {
      while (offsets[s] + segments[s].draws <= begin + r) ++s;
      ++counts[s][static_cast<std::size_t>(predicted[static_cast<std::size_t>(r)])];
    }
    if (config.on_progress) config.on_progress(rows);
  }
  return counts;
}

std::int64_t ArgMax(const std::vector<std::int64_t>& counts, std::int64_t skip = -1) {
  std::int64_t best = -1;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    const auto cls = static_cast<std::int64_t>(c);
    if (cls == skip) continue;
    if (best < 0 || counts[c] > counts[static_cast<std::size_t>(best)]) best = cls;
  }
  return best;
}

}  // namespace

SmoothedClassifier::SmoothedClassifier(Executor& executor, SmoothingConfig config)
    : executor_(&executor), config_(std::move(config)) {
  ValidateSmoothingConfig(config_);
  threads_ = config_.threads > 0
                 ? config_.threads
                 : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

std::int64_t SmoothedClassifier::classes() const {
  return executor_->model().output_size();
}

std::vector<std::vector<std::int64_t>> SmoothedClassifier::SampleCounts(
    const Eigen::Ref<const Batch>& inputs, std::int64_t draws, int phase,
    std::int64_t first_index) {
  if (inputs.cols() != executor_->model().input_size()) {
    throw InvalidArgumentError(
        fmt::format("inputs have {} values per sample but the model expects {}", inputs.cols(),
                    executor_->model().input_size()));
  }
  if (draws < 0) throw InvalidArgumentError("the number of noise draws must not be negative");
  std::vector<Segment> segments;
  for (std::int64_t r = 0; r < inputs.rows(); ++r) {
    segments.push_back({.row = r, .phase = phase, .draws = draws});
  }
  return CountSegments(*executor_, config_, threads_, inputs, segments, first_index);
}

std::vector<Certificate> SmoothedClassifier::Certify(const Eigen::Ref<const Batch>& inputs,
                                                     std::int64_t first_index) {
  if (inputs.cols() != executor_->model().input_size()) {
    throw InvalidArgumentError(
        fmt::format("inputs have {} values per sample but the model expects {}", inputs.cols(),
                    executor_->model().input_size()));
  }
  // Selection and estimation draws are independent (the estimation counts every class; ĉA only
  // picks which count to read), so both run in the same batches.
  std::vector<Segment> segments;
  for (std::int64_t r = 0; r < inputs.rows(); ++r) {
    segments.push_back({.row = r, .phase = 0, .draws = config_.n0});
    segments.push_back({.row = r, .phase = 1, .draws = config_.n});
  }
  const std::vector<std::vector<std::int64_t>> counts =
      CountSegments(*executor_, config_, threads_, inputs, segments, first_index);
  std::vector<Certificate> certificates(static_cast<std::size_t>(inputs.rows()));
  for (std::size_t r = 0; r < certificates.size(); ++r) {
    Certificate& cert = certificates[r];
    cert.top_class = ArgMax(counts[2 * r]);
    cert.top_count = counts[2 * r + 1][static_cast<std::size_t>(cert.top_class)];
    cert.p_lower = ClopperPearsonLower(cert.top_count, config_.n, config_.alpha);
    if (cert.p_lower >= 0.5) {
      cert.prediction = cert.top_class;
      cert.radius = CertifiedRadius(config_.sigma, cert.p_lower);
    }
  }
  return certificates;
}

std::vector<SmoothedPrediction> SmoothedClassifier::Predict(const Eigen::Ref<const Batch>& inputs,
                                                            std::int64_t first_index) {
  const std::vector<std::vector<std::int64_t>> counts =
      SampleCounts(inputs, config_.n, 2, first_index);
  std::vector<SmoothedPrediction> predictions(counts.size());
  for (std::size_t r = 0; r < counts.size(); ++r) {
    SmoothedPrediction& p = predictions[r];
    p.top_class = ArgMax(counts[r]);
    p.top_count = counts[r][static_cast<std::size_t>(p.top_class)];
    p.runner_up = ArgMax(counts[r], p.top_class);
    p.runner_up_count = p.runner_up < 0 ? 0 : counts[r][static_cast<std::size_t>(p.runner_up)];
    p.p_value = BinomialTestPValue(p.top_count, p.top_count + p.runner_up_count);
    if (p.p_value <= config_.alpha) p.prediction = p.top_class;
  }
  return predictions;
}

}  // namespace rampart::robustness
