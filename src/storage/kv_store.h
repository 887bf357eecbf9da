#pragma once

// KvStore: the ordered key-value engine under one region's metadata. Keys are
// byte strings ordered bytewise; each service owns a key prefix (see
// docs/key-encoding.md). All writes go through WriteBatch and are atomic: after a
// crash either every operation of a batch is visible or none is. Write() returns
// only after the batch is durable (synced WAL), so a caller may acknowledge it.
//
// Implementations: RocksDB (rocksdb_kv_store.h) for serving, in-memory
// (memory_kv_store.h) and fault-injecting (fault_kv_store.h) for tests.
// Every method is thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace storage {

using common::Result;
using common::Status;

// An ordered list of puts and deletes applied atomically by KvStore::Write.
class WriteBatch {
 public:
  enum class OpType { kPut, kDelete };
  struct Op {
    OpType type;
    std::string key;
    std::string value;  // empty for kDelete
  };

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  void Clear();

  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  // Total bytes of keys and values, for limits and metrics.
  size_t ByteSize() const { return bytes_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

// A forward or backward cursor over a consistent snapshot of the store.
// Not thread-safe; use from one thread at a time. Must not outlive its store.
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Positions at the last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // Valid() must be true. The views stay valid until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // OK, or the I/O or corruption error that ended the iteration early.
  virtual Status status() const = 0;
};

struct IteratorOptions {
  // When set, the iterator sees only keys in [lower_bound, upper_bound).
  std::optional<std::string> lower_bound;
  std::optional<std::string> upper_bound;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The value under `key`, std::nullopt if there is none, or kIoError /
  // kCorruption.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;

  // Applies `batch` atomically and durably (fsync'd WAL) before returning OK.
  // On error nothing of the batch is visible. Returns kIoError, or
  // kUnavailable after Close().
  virtual Status Write(const WriteBatch& batch) = 0;

  // A new iterator over a snapshot taken now.
  virtual std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options = {}) = 0;

  // Flushes memtables to disk and syncs; called at graceful shutdown so the
  // next start replays no WAL. Returns kIoError on failure.
  virtual Status Flush() = 0;

  // Flushes and releases the engine; later calls return kUnavailable.
  // Idempotent. Iterators must be destroyed first.
  virtual Status Close() = 0;
};

// The smallest key greater than every key starting with `prefix` (for
// upper bounds); empty if there is none (prefix is all 0xff).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace storage
