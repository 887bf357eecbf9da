#pragma once

// LogStream: one function's log, as a CloudWatch log group keeps it — a text
// file <dir>/<function>.log that `stratus logs FUNCTION [--follow]` prints.
// Each line is "<UTC time, ms>\t<text>"; the host writes START/END/REPORT
// lines around every invocation and the handler's own lines as
// "<request id>\t<line>". Past `max_bytes` the file moves to <function>.log.1
// (one generation kept) and a new one starts. Lines are flushed to the file
// as they are written (not synced: logs are diagnostics, not data).
// Thread-safe.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "common/status.h"

namespace functions {

class LogStream {
 public:
  static common::Result<std::unique_ptr<LogStream>> Open(std::filesystem::path file,
                                                         uint64_t max_bytes = 64ull << 20);
  ~LogStream();

  // Appends `text`; each line of a multi-line text gets its own timestamp.
  void Write(std::string_view text);

  const std::filesystem::path& path() const { return path_; }

 private:
  LogStream(std::filesystem::path path, std::FILE* file, uint64_t size, uint64_t max_bytes)
      : path_(std::move(path)), file_(file), size_(size), max_bytes_(max_bytes) {}
  void RotateLocked();

  std::filesystem::path path_;
  std::mutex mu_;
  std::FILE* file_;  // guarded by mu_
  uint64_t size_;    // guarded by mu_
  uint64_t max_bytes_;
};

}  // namespace functions
