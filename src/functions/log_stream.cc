#include "functions/log_stream.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace functions {

using common::ErrorCode;
using common::Result;
using common::Status;

Result<std::unique_ptr<LogStream>> LogStream::Open(std::filesystem::path file, uint64_t max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return Status(ErrorCode::kIoError, fmt::format("cannot create {}: {}", file.parent_path().string(), ec.message()));
  std::FILE* f = std::fopen(file.c_str(), "ae");
  if (f == nullptr) return Status(ErrorCode::kIoError, fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
  uint64_t size = std::filesystem::file_size(file, ec);
  return std::unique_ptr<LogStream>(new LogStream(std::move(file), f, ec ? 0 : size, max_bytes));
}

LogStream::~LogStream() {
  if (file_ != nullptr) std::fclose(file_);
}

void LogStream::Write(std::string_view text) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string stamp = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z\t", std::chrono::floor<std::chrono::seconds>(now),
                                  now.time_since_epoch().count() % 1000);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() || end == std::string_view::npos) {
      out += stamp;
      out += line;
      out += '\n';
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::lock_guard lock(mu_);
  if (file_ == nullptr) return;
  if (size_ + out.size() > max_bytes_ && size_ > 0) RotateLocked();
  if (file_ == nullptr) return;
  std::fwrite(out.data(), 1, out.size(), file_);
  std::fflush(file_);
  size_ += out.size();
}

void LogStream::RotateLocked() {
  std::fclose(file_);
  std::error_code ec;
  std::filesystem::rename(path_, path_.string() + ".1", ec);
  file_ = std::fopen(path_.c_str(), "ae");
  size_ = 0;
}

}  // namespace functions
