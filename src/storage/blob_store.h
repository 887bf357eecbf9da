#pragma once

// BlobStore: payloads too large for the metadata engine, as files under one
// region's data directory. The durability protocol (DESIGN.md, "Storage model"):
//
//   1. BlobWriter streams bytes into <dir>/tmp/<random>      (bounded memory)
//   2. Commit(): fsync the file, rename it to <dir>/<aa>/<id>, fsync the parent
//   3. the caller commits metadata that references <id> in a KvStore batch
//
// A crash before 3 leaves a blob nothing references (or a temp file); start-up
// recovery removes both with CollectGarbage(). A reader never sees a partial
// blob: names appear only by rename, after fsync.
//
// Blob ids are 32 lowercase hex characters (128 random bits). Thread-safe;
// each writer and reader is used by one thread at a time.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace storage {

using common::Result;
using common::Status;

class BlobWriter {
 public:
  virtual ~BlobWriter() = default;  // aborts (removes the temp file) unless committed

  // Appends `data` to the blob. kIoError on a write failure (e.g. disk full).
  virtual Status Append(std::string_view data) = 0;
  // Makes the blob durable and visible under its id; returns the id. The
  // writer is finished afterwards (further calls return kInternal).
  virtual Result<std::string> Commit() = 0;
  // Discards the blob. Idempotent.
  virtual void Abort() = 0;
  virtual uint64_t size() const = 0;
};

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t size() const = 0;
  // Reads up to `n` bytes at `offset` into `out` (replacing its contents);
  // fewer only at the end. kIoError on failure.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string& out) = 0;
};

class BlobStore {
 public:
  // Opens (creating) the store rooted at `dir`. kIoError if it cannot.
  static Result<std::unique_ptr<BlobStore>> Open(const std::filesystem::path& dir);

  // A writer for a new blob. kIoError if the temp file cannot be created.
  Result<std::unique_ptr<BlobWriter>> NewWriter();

  // A reader of blob `id`: kNotFound if there is no such blob,
  // kInvalidArgument for a malformed id.
  Result<std::unique_ptr<BlobReader>> OpenReader(std::string_view id);

  // Deletes blob `id` (durably: the parent directory is fsync'd). Deleting a
  // missing blob is OK.
  Status Delete(std::string_view id);

  // Start-up recovery: removes every temp file and every blob for which
  // `is_live(id)` is false. Returns how many files were removed. Call before
  // serving, when no writer is open.
  Result<size_t> CollectGarbage(const std::function<bool(std::string_view id)>& is_live);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit BlobStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path PathOf(std::string_view id) const;

  std::filesystem::path dir_;
};

// True for a well-formed blob id.
bool IsBlobId(std::string_view id);

}  // namespace storage
