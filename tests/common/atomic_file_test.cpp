#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include <rampart/common/atomic_file.h>
#include <rampart/common/error.h>

namespace rampart {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rampart_atomic_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::size_t EntriesInDir() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}));
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, CommitReplacesTheTarget) {
  const fs::path target = dir_ / "report.json";
  std::ofstream(target) << "old";
  {
    AtomicFile file(target);
    file.stream() << "new content";
    EXPECT_EQ(Read(target), "old");  // not visible before Commit
    file.Commit();
  }
  EXPECT_EQ(Read(target), "new content");
  EXPECT_EQ(EntriesInDir(), 1U);  // no temporary file left
}

TEST_F(AtomicFileTest, WithoutCommitNothingChangesAndNothingIsLeft) {
  const fs::path target = dir_ / "report.json";
  std::ofstream(target) << "old";
  {
    AtomicFile file(target);
    file.stream() << "half";
  }
  EXPECT_EQ(Read(target), "old");
  EXPECT_EQ(EntriesInDir(), 1U);
}

TEST_F(AtomicFileTest, OneCallHelper) {
  WriteFileAtomically(dir_ / "a.txt", "hello\n");
  EXPECT_EQ(Read(dir_ / "a.txt"), "hello\n");
}

TEST_F(AtomicFileTest, MissingDirectoryIsAnIoError) {
  EXPECT_THROW(WriteFileAtomically(dir_ / "no" / "such" / "dir.txt", "x"), IoError);
}

}  // namespace
}  // namespace rampart
