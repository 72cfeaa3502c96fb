#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rampart/common/atomic_file.h>
#include <rampart/common/error.h>

namespace rampart {
namespace {

std::string SystemMessage(int error_number) {
  return std::strerror(error_number);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  struct stat existing {};
  if (::stat(target_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (S_ISDIR(existing.st_mode)) {
      throw IoError("is a directory, not a file", {.file = target_.string()});
    }
    // A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): renaming a file over it would
    // replace the device node itself (as root, /dev/null becomes a plain file for every
    // process). Such a target has no partial state to protect, so write straight into it.
    stream_.open(target_, std::ios::binary);
    if (!stream_) {
      throw IoError("cannot open for writing: " + SystemMessage(errno), {.file = target_.string()});
    }
    return;
  }
  std::filesystem::path directory = target_.parent_path();
  if (directory.empty()) directory = ".";
  // mkstemp gives a unique name in the target's directory, so that rename() stays within one
  // file system and is atomic.
  std::string pattern = (directory / ("." + target_.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw IoError("cannot create a temporary file: " + SystemMessage(errno),
                  {.file = target_.string()});
  }
  ::close(fd);
  temp_path_ = name.data();
  stream_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    std::filesystem::remove(temp_path_);
    throw IoError("cannot open the temporary file for writing", {.file = temp_path_.string()});
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_path_.empty()) {
    stream_.close();
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
  }
}

void AtomicFile::Commit() {
  if (committed_) return;
  stream_.flush();
  const bool written = static_cast<bool>(stream_);
  stream_.close();
  if (!written || stream_.fail()) {
    throw IoError("writing failed (disk full?)", {.file = target_.string()});
  }
  if (temp_path_.empty()) {  // written straight into a device or FIFO
    committed_ = true;
    return;
  }
  // fsync the data before the rename, so that a crash cannot leave an empty file in place.
  const int fd = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  // Keep the usual permissions of a new file (mkstemp creates it 0600).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp_path_.c_str(), static_cast<mode_t>(0666 & ~mask));
  if (std::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    throw IoError("cannot replace the file: " + SystemMessage(errno), {.file = target_.string()});
  }
  committed_ = true;
}

void WriteFileAtomically(const std::filesystem::path& target, std::string_view content) {
  AtomicFile file(target);
  file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  file.Commit();
}

}  // namespace rampart
