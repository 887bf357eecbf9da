#include "storage/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/rand.h>

namespace storage {
namespace {

namespace fs = std::filesystem;
using common::ErrorCode;

Status Errno(std::string_view what, const fs::path& path) {
  return Status(ErrorCode::kIoError, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

Status FsyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync directory", dir);
}

std::string NewId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (size_t i = 0; i < 16; ++i) {
    id[2 * i] = kHex[bytes[i] >> 4];
    id[2 * i + 1] = kHex[bytes[i] & 0xF];
  }
  return id;
}

class FileWriter final : public BlobWriter {
 public:
  FileWriter(int fd, fs::path tmp, fs::path root) : fd_(fd), tmp_(std::move(tmp)), root_(std::move(root)) {}
  ~FileWriter() override { Abort(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status(ErrorCode::kInternal, "blob writer is finished");
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", tmp_);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Result<std::string> Commit() override {
    if (fd_ < 0) return Status(ErrorCode::kInternal, "blob writer is finished");
    if (::fsync(fd_) != 0) return Errno("fsync", tmp_);
    ::close(fd_);
    fd_ = -1;
    std::string id = NewId();
    fs::path parent = root_ / id.substr(0, 2);
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return Status(ErrorCode::kIoError, fmt::format("mkdir {}: {}", parent.string(), ec.message()));
    fs::path final_path = parent / id;
    if (::rename(tmp_.c_str(), final_path.c_str()) != 0) return Errno("rename", tmp_);
    tmp_.clear();
    STRATUS_RETURN_IF_ERROR(FsyncDir(parent));
    STRATUS_RETURN_IF_ERROR(FsyncDir(root_));
    return id;
  }

  void Abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!tmp_.empty()) {
      ::unlink(tmp_.c_str());
      tmp_.clear();
    }
  }

  uint64_t size() const override { return size_; }

 private:
  int fd_;
  fs::path tmp_;
  fs::path root_;
  uint64_t size_ = 0;
};

class FileReader final : public BlobReader {
 public:
  FileReader(int fd, uint64_t size, fs::path path) : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileReader() override { ::close(fd_); }

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    out.resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out.data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Errno("read", path_);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return Status::Ok();
  }

 private:
  int fd_;
  uint64_t size_;
  fs::path path_;
};

}  // namespace

bool IsBlobId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::unique_ptr<BlobStore>> BlobStore::Open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "tmp", ec);
  if (ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot create blob directory {}: {}",
                                                   dir.string(), ec.message()));
  }
  return std::unique_ptr<BlobStore>(new BlobStore(dir));
}

fs::path BlobStore::PathOf(std::string_view id) const {
  return dir_ / std::string(id.substr(0, 2)) / std::string(id);
}

Result<std::unique_ptr<BlobWriter>> BlobStore::NewWriter() {
  fs::path tmp = dir_ / "tmp" / NewId();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", tmp);
  return std::unique_ptr<BlobWriter>(new FileWriter(fd, std::move(tmp), dir_));
}

Result<std::unique_ptr<BlobReader>> BlobStore::OpenReader(std::string_view id) {
  if (!IsBlobId(id)) return Status(ErrorCode::kInvalidArgument, fmt::format("malformed blob id '{}'", id));
  fs::path path = PathOf(id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status(ErrorCode::kNotFound, fmt::format("no blob {}", id));
    return Errno("open", path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat", path);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<BlobReader>(new FileReader(fd, static_cast<uint64_t>(st.st_size), path));
}

Status BlobStore::Delete(std::string_view id) {
  if (!IsBlobId(id)) return Status(ErrorCode::kInvalidArgument, fmt::format("malformed blob id '{}'", id));
  fs::path path = PathOf(id);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("unlink", path);
  }
  return FsyncDir(path.parent_path());
}

Result<size_t> BlobStore::CollectGarbage(const std::function<bool(std::string_view)>& is_live) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / "tmp", ec)) {
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  if (ec) return Status(ErrorCode::kIoError, fmt::format("scan {}: {}", (dir_ / "tmp").string(), ec.message()));
  for (const auto& shard : fs::directory_iterator(dir_, ec)) {
    if (!shard.is_directory() || shard.path().filename() == "tmp") continue;
    bool changed = false;
    for (const auto& entry : fs::directory_iterator(shard.path(), ec)) {
      std::string name = entry.path().filename().string();
      if (IsBlobId(name) && is_live(name)) continue;
      if (fs::remove(entry.path(), ec)) {
        ++removed;
        changed = true;
      }
    }
    if (changed) STRATUS_RETURN_IF_ERROR(FsyncDir(shard.path()));
  }
  if (ec) return Status(ErrorCode::kIoError, fmt::format("scan {}: {}", dir_.string(), ec.message()));
  return removed;
}

}  // namespace storage
