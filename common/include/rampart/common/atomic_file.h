// Atomic file output: write to a temporary file beside the target, then rename over it, so that
// a reader (or a crash) never sees a half-written report. Nothing is left behind on failure.
//
//   rampart::AtomicFile out("report.json");
//   out.stream() << document;
//   out.Commit();            // fsync + rename; without Commit() the temp file is removed
//
//   rampart::WriteFileAtomically("report.json", text);   // the same in one call
//
// A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is written
// directly: renaming over it would replace the device node. A directory is an IoError.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace rampart {

class AtomicFile {
 public:
  // Creates the temporary file in the target's directory. Throws IoError if it cannot.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  [[nodiscard]] std::ostream& stream() { return stream_; }
  [[nodiscard]] const std::filesystem::path& target() const { return target_; }
  // Empty when the target is a device or FIFO written directly.
  [[nodiscard]] const std::filesystem::path& temp_path() const { return temp_path_; }

  // Flushes, fsyncs and renames the temporary file onto the target. Throws IoError on failure
  // (the target is then unchanged).
  void Commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

void WriteFileAtomically(const std::filesystem::path& target, std::string_view content);

}  // namespace rampart
