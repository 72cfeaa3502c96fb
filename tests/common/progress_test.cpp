#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include <rampart/common/progress.h>
#include <rampart/common/terminal.h>

namespace rampart {
namespace {

TEST(ProgressTest, DisabledDrawsNothing) {
  std::ostringstream out;
  {
    Progress progress("scan", 10, /*enabled=*/false, &out);
    progress.Advance(5);
    progress.Finish();
    EXPECT_EQ(progress.done(), 5);
  }
  EXPECT_TRUE(out.str().empty());
}

TEST(ProgressTest, EnabledDrawsBarAndEndsTheLine) {
  std::ostringstream out;
  Progress progress("attack", 4, /*enabled=*/true, &out);
  progress.Advance(4);
  progress.Finish();
  const std::string text = out.str();
  EXPECT_NE(text.find("attack ["), std::string::npos) << text;
  EXPECT_NE(text.find("4/4 100%"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(TerminalTest, NoColorAndNonTtyDisableColour) {
  // Under ctest stderr is a pipe or file, never a TTY.
  EXPECT_FALSE(ColorEnabled(STDERR_FILENO, false) && !IsTerminal(STDERR_FILENO));
  EXPECT_FALSE(ColorEnabled(STDERR_FILENO, /*no_color_flag=*/true));
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(ColorEnabled(STDERR_FILENO, false));
  ::unsetenv("NO_COLOR");
  EXPECT_FALSE(Progress::ShouldDraw(/*quiet=*/true));
}

}  // namespace
}  // namespace rampart
