// Small schemas written to a temporary directory and scanned, for the audit rule tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <rampart/compliance/policy.h>
#include <rampart/compliance/rules/audit.h>
#include <rampart/compliance/scanner.h>

namespace rampart::compliance::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("rampart_audit_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::vector<const Finding*> FindingsOf(const AuditResult& audit, std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : audit.findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

inline const Finding* FindingFor(const AuditResult& audit, std::string_view rule,
                                 const std::string& target) {
  for (const Finding& f : audit.findings) {
    if (f.rule == rule && f.target == target) return &f;
  }
  return nullptr;
}

}  // namespace rampart::compliance::testing
