// Terminal facts the CLI needs: is a stream a TTY, and may we use colour there
// (no-color.org: NO_COLOR set and non-empty disables it; so do TERM=dumb and --no-color).
//
//   bool color = rampart::ColorEnabled(STDERR_FILENO, /*no_color_flag=*/false);
#pragma once

namespace rampart {

[[nodiscard]] bool IsTerminal(int fd);

// True only if `fd` is a TTY, NO_COLOR is unset or empty, TERM is not "dumb" and the user did
// not pass --no-color.
[[nodiscard]] bool ColorEnabled(int fd, bool no_color_flag);

}  // namespace rampart
