#include <cstdlib>
#include <string_view>

#include <unistd.h>

#include <rampart/common/terminal.h>

namespace rampart {

bool IsTerminal(int fd) {
  return ::isatty(fd) == 1;
}

bool ColorEnabled(int fd, bool no_color_flag) {
  if (no_color_flag) return false;
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') {
    return false;
  }
  if (const char* term = std::getenv("TERM"); term != nullptr && std::string_view(term) == "dumb") {
    return false;
  }
  return IsTerminal(fd);
}

}  // namespace rampart
