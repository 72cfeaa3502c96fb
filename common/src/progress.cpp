#include <algorithm>
#include <iostream>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <unistd.h>

#include <rampart/common/progress.h>
#include <rampart/common/terminal.h>

namespace rampart {
namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;
}  // namespace

Progress::Progress(std::string label, std::int64_t total, bool enabled, std::ostream* out)
    : label_(std::move(label)),
      total_(std::max<std::int64_t>(total, 0)),
      enabled_(enabled),
      out_(out != nullptr ? out : &std::cerr),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - kRedrawInterval) {}

Progress::~Progress() {
  if (!finished_) Finish();
}

bool Progress::ShouldDraw(bool quiet) {
  return !quiet && IsTerminal(STDERR_FILENO);
}

void Progress::Advance(std::int64_t amount) {
  done_ += amount;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ >= kRedrawInterval) {
    last_draw_ = now;
    Draw();
  }
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw();
  *out_ << '\n' << std::flush;
}

void Progress::Draw() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction =
      total_ > 0 ? std::clamp(static_cast<double>(done_) / static_cast<double>(total_), 0.0, 1.0)
                 : 0.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  std::string eta;
  if (done_ > 0 && total_ > done_) {
    const double remaining =
        seconds * static_cast<double>(total_ - done_) / static_cast<double>(done_);
    eta = fmt::format(" eta {:.0f}s", remaining);
  }
  // \r and clear-to-end-of-line redraw the same terminal line.
  *out_ << fmt::format("\r{} [{}] {}/{} {:.0f}%{}\x1b[K", label_, bar, done_, total_,
                       fraction * 100.0, eta)
        << std::flush;
}

}  // namespace rampart
