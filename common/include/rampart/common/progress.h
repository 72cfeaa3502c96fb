// A progress bar for long runs (attacks, certification, scans), drawn on stderr and only when
// stderr is a terminal and the user did not ask for --quiet: CI logs and pipes stay clean.
//
//   rampart::Progress progress("attacking", total_samples, rampart::Progress::ShouldDraw(quiet));
//   for (...) progress.Advance(batch_size);
//   progress.Finish();
//
// Redraws are rate-limited (at most ~10 per second), so Advance is cheap in a hot loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace rampart {

class Progress {
 public:
  // `out` defaults to std::cerr; tests pass their own stream.
  Progress(std::string label, std::int64_t total, bool enabled, std::ostream* out = nullptr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // True when stderr is a TTY and not quiet: the usual value for `enabled`.
  [[nodiscard]] static bool ShouldDraw(bool quiet);

  void Advance(std::int64_t amount = 1);
  // Draws the final state and ends the line. Called by the destructor if needed.
  void Finish();

  [[nodiscard]] std::int64_t done() const { return done_; }
  [[nodiscard]] bool enabled() const { return enabled_; }

 private:
  void Draw();

  std::string label_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::ostream* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace rampart
