#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <rampart/common/error.h>
#include <rampart/robustness/executor.h>

#include "graph.h"

namespace rampart::robustness {

namespace {

using internal::Graph;
using internal::InputRef;

// Fewer rows than this per thread do not pay for waking a pool thread (a few microseconds).
constexpr std::int64_t kMinRowsPerThread = 8;
// Rows run through the graph at once: large enough for efficient GEMMs, small enough that a
// chunk's activations and gradients stay in the L2 cache of small CNNs.
constexpr std::int64_t kRowsPerChunk = 32;
// Plans kept per worker (a batch size and its tail chunk are typical).
constexpr std::size_t kMaxPlansPerWorker = 4;

// Buffers and pointers for running the graph on `rows` samples: laid out once, reused.
struct Plan {
  struct Step {
    std::vector<Shape> input_shapes;
    std::vector<const float*> inputs;
    std::vector<float*> input_grads;
    float* output = nullptr;
    float* output_grad = nullptr;
    Shape output_shape;
  };

  Plan(const Graph& graph, std::int64_t rows) {
    std::vector<std::size_t> offsets;
    std::size_t total = 0;
    for (const Shape& symbolic : graph.value_shapes) {
      Shape shape = symbolic;
      shape[0] = rows;
      offsets.push_back(total);
      total += static_cast<std::size_t>(ElementCount(shape));
      shapes.push_back(std::move(shape));
    }
    values.assign(total, 0.0F);
    grads.assign(total, 0.0F);
    std::int64_t scratch_size = 0;
    for (const internal::Node& node : graph.nodes) {
      Step step;
      for (const InputRef& ref : node.inputs) {
        switch (ref.kind) {
          case InputRef::Kind::kAbsent:
            step.input_shapes.emplace_back();
            step.inputs.push_back(nullptr);
            step.input_grads.push_back(nullptr);
            break;
          case InputRef::Kind::kConstant: {
            const internal::ConstTensor& c = *graph.constants[ref.index];
            step.input_shapes.push_back(c.shape);
            step.inputs.push_back(c.type == internal::DataType::kFloat ? c.floats.data() : nullptr);
            step.input_grads.push_back(nullptr);
            break;
          }
          case InputRef::Kind::kValue:
            step.input_shapes.push_back(shapes[ref.index]);
            step.inputs.push_back(values.data() + offsets[ref.index]);
            step.input_grads.push_back(grads.data() + offsets[ref.index]);
            break;
        }
      }
      step.output = values.data() + offsets[node.output];
      step.output_grad = grads.data() + offsets[node.output];
      step.output_shape = shapes[node.output];
      scratch_size =
          std::max(scratch_size, node.op->ScratchSize(step.input_shapes, step.output_shape));
      steps.push_back(std::move(step));
    }
    scratch.assign(static_cast<std::size_t>(scratch_size), 0.0F);
    value_offsets = std::move(offsets);
  }

  float* Value(std::size_t v) { return values.data() + value_offsets[v]; }
  float* Grad(std::size_t v) { return grads.data() + value_offsets[v]; }

  std::vector<Shape> shapes;
  std::vector<std::size_t> value_offsets;
  std::vector<float> values;
  std::vector<float> grads;
  std::vector<float> scratch;
  std::vector<Step> steps;
};

// Threads started once per executor and reused by every call: starting threads per call costs
// ~50 us, more than a small batch takes. Run(threads, items, body) runs body(thread, item) for
// every item on the caller (thread 0) and up to threads - 1 pool threads. Items are claimed one
// at a time from a shared counter, so a pool thread that the OS schedules late (a loaded machine)
// only means the others take its share; the call waits for claimed items alone. A waiting pool
// thread spins briefly before it sleeps, because calls of an attack loop come back-to-back.
class ThreadPool {
 public:
  using Body = std::function<void(int, std::int64_t)>;

  explicit ThreadPool(int extra_threads) {
    for (int i = 0; i < extra_threads; ++i) threads_.emplace_back([this, i] { Loop(i + 1); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      job_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void Run(int threads, std::int64_t items, const Body& body) {
    if (threads <= 1 || threads_.empty() || items <= 1) {
      for (std::int64_t i = 0; i < items; ++i) body(0, i);
      return;
    }
    std::uint64_t job = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      job = job_.load(std::memory_order_relaxed) + 1;
      body_ = &body;
      items_ = items;
      active_ = threads;
      done_.store(0, std::memory_order_relaxed);
      claim_.store((job & kJobMask) << kItemBits, std::memory_order_relaxed);
      job_.store(job, std::memory_order_release);
    }
    wake_.notify_all();
    Work(0, job, body, items);
    while (done_.load(std::memory_order_acquire) != items) std::this_thread::yield();
    std::exception_ptr error;
    {
      const std::lock_guard<std::mutex> lock(error_mutex_);
      std::swap(error, error_);
    }
    if (error) std::rethrow_exception(error);
  }

 private:
  static constexpr int kItemBits = 32;
  static constexpr std::uint64_t kItemMask = (std::uint64_t{1} << kItemBits) - 1;
  static constexpr std::uint64_t kJobMask = kItemMask;

  // Claims and runs items of `job` until none is left. The claim (job number and next item in
  // one atomic) fails once the job is over, so a late thread never touches a finished job's body.
  void Work(int thread, std::uint64_t job, const Body& body, std::int64_t items) {
    const std::uint64_t tag = (job & kJobMask) << kItemBits;
    for (;;) {
      std::uint64_t current = claim_.load(std::memory_order_acquire);
      do {
        if ((current & ~kItemMask) != tag ||
            static_cast<std::int64_t>(current & kItemMask) >= items) {
          return;
        }
      } while (!claim_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
      try {
        body(thread, static_cast<std::int64_t>(current & kItemMask));
      } catch (...) {
        // Kept for the caller (e.g. bad_alloc in a loss); the other items still run.
        const std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void Loop(int index) {
    std::uint64_t seen = 0;
    for (;;) {
      // Spin for up to ~100 us, then sleep until the next call.
      const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
      while (job_.load(std::memory_order_acquire) == seen &&
             std::chrono::steady_clock::now() < spin_until) {
        std::this_thread::yield();
      }
      const Body* body = nullptr;
      std::int64_t items = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return job_.load(std::memory_order_relaxed) != seen; });
        seen = job_.load(std::memory_order_relaxed);
        if (stop_) return;
        if (index < active_) {
          body = body_;
          items = items_;
        }
      }
      if (body != nullptr) Work(index, seen, *body, items);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> job_{0};
  std::atomic<std::uint64_t> claim_{0};
  std::atomic<std::int64_t> done_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
  const Body* body_ = nullptr;
  std::int64_t items_ = 0;
  int active_ = 0;
  bool stop_ = false;
};

struct Worker {
  std::map<std::int64_t, std::unique_ptr<Plan>> plans;

  Plan& PlanFor(const Graph& graph, std::int64_t rows) {
    auto it = plans.find(rows);
    if (it != plans.end()) return *it->second;
    return *plans.emplace(rows, std::make_unique<Plan>(graph, rows)).first->second;
  }
};

}  // namespace

struct Executor::Impl {
  OnnxModel model;
  int threads;
  std::vector<Worker> workers;
  ThreadPool pool;

  Impl(OnnxModel m, int t) : model(std::move(m)), threads(ResolveThreads(t)), pool(threads - 1) {
    workers.resize(static_cast<std::size_t>(threads));
  }

  static int ResolveThreads(int t) {
    return t > 0 ? t : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }

  [[nodiscard]] const Graph& graph() const { return model.graph(); }

  void CheckInputs(const Eigen::Ref<const Batch>& inputs) const {
    if (inputs.cols() != model.input_size()) {
      throw InvalidArgumentError("inputs have " + std::to_string(inputs.cols()) +
                                 " values per sample but the model expects " +
                                 std::to_string(model.input_size()) + " (" +
                                 ShapeToString(model.input_shape()) + ")");
    }
  }

  // Splits `rows` into chunks of at most kRowsPerChunk (activations of a chunk stay in cache),
  // about as many per worker, prepares every plan here (allocation may throw), then runs
  // f(plan, begin, count) on the chunks in parallel. Kernels do not throw; an exception from f
  // (an allocation) reaches the caller once every chunk is done.
  template <typename F>
  void Parallel(std::int64_t rows, F&& f) {
    if (rows == 0) return;
    const std::int64_t used = std::clamp<std::int64_t>(rows / kMinRowsPerThread, 1, threads);
    const std::int64_t per_worker = (rows + used - 1) / used;
    const std::int64_t chunk = std::min(kRowsPerChunk, per_worker);
    const std::int64_t chunks = (rows + chunk - 1) / chunk;
    const std::int64_t tail = rows - (chunks - 1) * chunk;
    for (std::int64_t worker = 0; worker < used; ++worker) {
      // Any worker may run any chunk: each needs the full and the tail size. Drop old plans
      // before adding new ones so the count stays bounded.
      Worker& w = workers[static_cast<std::size_t>(worker)];
      const bool missing = w.plans.count(chunk) == 0 || w.plans.count(tail) == 0;
      if (missing && w.plans.size() + 2 > kMaxPlansPerWorker) w.plans.clear();
      (void)w.PlanFor(graph(), chunk);
      (void)w.PlanFor(graph(), tail);
    }
    const ThreadPool::Body body = [&](int worker, std::int64_t c) {
      const std::int64_t count = std::min(chunk, rows - c * chunk);
      f(*workers[static_cast<std::size_t>(worker)].plans.at(count), c * chunk, count);
    };
    pool.Run(static_cast<int>(used), chunks, body);
  }

  void RunForward(Plan& plan, const Eigen::Ref<const Batch>& inputs, std::int64_t begin,
                  std::int64_t count, std::size_t node_count) const {
    float* x = plan.Value(0);
    const std::int64_t cols = inputs.cols();
    for (std::int64_t r = 0; r < count; ++r) {
      const float* src = inputs.data() + (begin + r) * inputs.outerStride();
      std::copy(src, src + cols, x + r * cols);
    }
    const Graph& g = graph();
    for (std::size_t i = 0; i < node_count; ++i) {
      Plan::Step& step = plan.steps[i];
      g.nodes[i].op->Forward(
          {step.inputs, step.input_shapes, step.output, step.output_shape, plan.scratch.data()});
    }
  }

  // Back-propagates from the gradient already stored for `seed_value` through the first
  // `node_count` nodes; the caller zeroed the gradients first.
  void RunBackward(Plan& plan, std::size_t node_count) const {
    const Graph& g = graph();
    for (std::size_t i = node_count; i-- > 0;) {
      Plan::Step& step = plan.steps[i];
      g.nodes[i].op->Backward({step.inputs, step.input_shapes, step.output, step.output_shape,
                               step.output_grad, step.input_grads, plan.scratch.data()});
    }
  }

  Batch Outputs(const Eigen::Ref<const Batch>& inputs, std::size_t value, std::size_t nodes) {
    CheckInputs(inputs);
    const std::int64_t width = ElementCount(
        Shape(graph().value_shapes[value].begin() + 1, graph().value_shapes[value].end()));
    Batch out(inputs.rows(), width);
    Parallel(inputs.rows(), [&](Plan& plan, std::int64_t begin, std::int64_t count) {
      RunForward(plan, inputs, begin, count, nodes);
      out.middleRows(begin, count) = internal::ConstMatrixMap(plan.Value(value), count, width);
    });
    return out;
  }
};

Executor::Executor(OnnxModel model, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), options.threads)) {}
Executor::~Executor() = default;
Executor::Executor(Executor&&) noexcept = default;
Executor& Executor::operator=(Executor&&) noexcept = default;

const OnnxModel& Executor::model() const {
  return impl_->model;
}

Batch Executor::Forward(const Eigen::Ref<const Batch>& inputs) {
  const Graph& g = impl_->graph();
  return impl_->Outputs(inputs, g.output_value, g.nodes.size());
}

Batch Executor::Logits(const Eigen::Ref<const Batch>& inputs) {
  const Graph& g = impl_->graph();
  return impl_->Outputs(inputs, g.logits_value, g.logits_node_count);
}

std::vector<std::int64_t> Executor::Predict(const Eigen::Ref<const Batch>& inputs) {
  const Batch logits = Logits(inputs);
  std::vector<std::int64_t> classes(static_cast<std::size_t>(logits.rows()));
  for (std::int64_t r = 0; r < logits.rows(); ++r) {
    Eigen::Index best = 0;
    logits.row(r).maxCoeff(&best);
    classes[static_cast<std::size_t>(r)] = best;
  }
  return classes;
}

Batch Executor::Vjp(const Eigen::Ref<const Batch>& inputs,
                    const Eigen::Ref<const Batch>& output_grad) {
  impl_->CheckInputs(inputs);
  const Graph& g = impl_->graph();
  if (output_grad.rows() != inputs.rows() || output_grad.cols() != g.output_size) {
    throw InvalidArgumentError("the output gradient must have one row per sample and " +
                               std::to_string(g.output_size) + " columns");
  }
  Batch grad(inputs.rows(), inputs.cols());
  impl_->Parallel(inputs.rows(), [&](Plan& plan, std::int64_t begin, std::int64_t count) {
    impl_->RunForward(plan, inputs, begin, count, g.nodes.size());
    std::fill(plan.grads.begin(), plan.grads.end(), 0.0F);
    internal::MatrixMap(plan.Grad(g.output_value), count, g.output_size) =
        output_grad.middleRows(begin, count);
    impl_->RunBackward(plan, g.nodes.size());
    grad.middleRows(begin, count) = internal::ConstMatrixMap(plan.Grad(0), count, inputs.cols());
  });
  return grad;
}

LossGradient Executor::Gradient(const Eigen::Ref<const Batch>& inputs,
                                std::span<const std::int64_t> labels, Loss loss) {
  impl_->CheckInputs(inputs);
  const Graph& g = impl_->graph();
  if (static_cast<std::int64_t>(labels.size()) != inputs.rows()) {
    throw InvalidArgumentError(std::to_string(labels.size()) + " labels for " +
                               std::to_string(inputs.rows()) + " samples");
  }
  // Validates labels and the class count before any thread starts.
  (void)LossOnLogits(loss, Batch::Zero(std::min<Eigen::Index>(inputs.rows(), 1), g.output_size),
                     labels.first(std::min<std::size_t>(labels.size(), 1)), nullptr);
  for (const std::int64_t label : labels) {
    if (label < 0 || label >= g.output_size) {
      throw InvalidArgumentError("label " + std::to_string(label) + " out of range for " +
                                 std::to_string(g.output_size) + " classes");
    }
  }
  LossGradient result;
  result.loss.resize(inputs.rows());
  result.gradient.resize(inputs.rows(), inputs.cols());
  result.logits.resize(inputs.rows(), g.output_size);
  impl_->Parallel(inputs.rows(), [&](Plan& plan, std::int64_t begin, std::int64_t count) {
    impl_->RunForward(plan, inputs, begin, count, g.logits_node_count);
    const internal::ConstMatrixMap logits(plan.Value(g.logits_value), count, g.output_size);
    result.logits.middleRows(begin, count) = logits;
    Batch dz;
    result.loss.segment(begin, count) = LossOnLogits(
        loss, logits,
        labels.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(count)), &dz);
    std::fill(plan.grads.begin(), plan.grads.end(), 0.0F);
    internal::MatrixMap(plan.Grad(g.logits_value), count, g.output_size) = dz;
    impl_->RunBackward(plan, g.logits_node_count);
    result.gradient.middleRows(begin, count) =
        internal::ConstMatrixMap(plan.Grad(0), count, inputs.cols());
  });
  return result;
}

}  // namespace rampart::robustness
