#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>
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

// A FIFO stands for /dev/null and /dev/stdout: renaming a temporary file over such a target
// would replace the node itself (as root, a test writing to /dev/null once did exactly that).
TEST_F(AtomicFileTest, FifoIsWrittenDirectlyAndStaysAFifo) {
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = Read(fifo); });
  WriteFileAtomically(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(EntriesInDir(), 1U);  // no temporary file left beside it
}

TEST_F(AtomicFileTest, DirectoryTargetIsAnIoError) {
  EXPECT_THROW(WriteFileAtomically(dir_, "x"), IoError);
  EXPECT_TRUE(fs::is_directory(dir_));
}

}  // namespace
}  // namespace rampart
