#include "storage/rocksdb_kv_store.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <system_error>
#include <utility>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "common/log.h"
#include "storage/kv_store_internal.h"

namespace storage {
namespace {

// Limits that keep an idle region small: one process hosts several regions
// and must idle under 60 MB RSS in total.
constexpr int kMaxOpenFiles = 256;
constexpr size_t kKeepInfoLogFiles = 3;
constexpr size_t kMaxInfoLogBytes = 4 << 20;
constexpr uint64_t kMaxManifestBytes = 64 << 20;
constexpr int kMaxBackgroundJobs = 2;
constexpr int kBloomBitsPerKey = 10;

std::shared_ptr<spdlog::logger> Logger() { return common::log::Get("storage"); }

Status ClosedError(const std::string& dir) {
  return common::Unavailable("kv store " + dir + " is closed");
}

// RocksDB reports a held LOCK file as an IOError. Another process holding it
// ("While lock file: <dir>/LOCK: Resource temporarily unavailable") and another
// open DB in this process ("lock hold by current process") are both "in use",
// not a broken disk, so they map to kUnavailable.
bool IsLockHeld(const rocksdb::Status& s) {
  if (!s.IsIOError()) return false;
  const std::string text = s.ToString();
  return text.find("While lock file") != std::string::npos ||
         text.find("lock hold by current process") != std::string::npos;
}

// Maps a RocksDB status to our vocabulary. `what` names the operation and
// `dir` the database, so every message says where it happened.
Status FromRocksDb(const rocksdb::Status& s, std::string_view what, const std::string& dir) {
  if (s.ok()) return Status::Ok();
  std::string msg = "rocksdb ";
  msg += what;
  msg += " in ";
  msg += dir;
  msg += ": ";
  msg += s.ToString();
  if (IsLockHeld(s)) {
    return common::Unavailable("data directory " + dir +
                               " is in use by another process (or another store in this "
                               "process): " +
                               s.ToString());
  }
  if (s.IsCorruption()) return common::Corruption(std::move(msg));
  if (s.IsIOError()) return common::IoError(std::move(msg));  // includes NoSpace, PathNotFound
  if (s.IsNotFound()) return common::NotFound(std::move(msg));
  if (s.IsInvalidArgument()) return common::InvalidArgument(std::move(msg));
  if (s.IsNotSupported()) return common::Unimplemented(std::move(msg));
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsShutdownInProgress() ||
      s.IsAborted()) {
    return common::Unavailable(std::move(msg));
  }
  return common::Internal(std::move(msg));
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// A RocksDB iterator. A RocksDB iterator reads a consistent point-in-time view
// (the sequence number current at creation, with its memtables and files
// pinned), so writes made after NewIterator() are never seen. Not copyable or
// movable: ReadOptions points into this object's bound storage.
class RocksDbIterator final : public Iterator {
 public:
  RocksDbIterator(rocksdb::DB* db, const IteratorOptions& options, const std::string* dir,
                  std::atomic<int>* live)
      : lower_(options.lower_bound), upper_(options.upper_bound), dir_(dir), live_(live) {
    rocksdb::ReadOptions ro;
    if (lower_) {
      lower_slice_ = ToSlice(*lower_);
      ro.iterate_lower_bound = &lower_slice_;
    }
    if (upper_) {
      upper_slice_ = ToSlice(*upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    it_.reset(db->NewIterator(ro));
  }

  ~RocksDbIterator() override {
    it_.reset();
    live_->fetch_sub(1);
  }

  RocksDbIterator(const RocksDbIterator&) = delete;
  RocksDbIterator& operator=(const RocksDbIterator&) = delete;

  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void SeekForPrev(std::string_view target) override { it_->SeekForPrev(ToSlice(target)); }
  void Next() override {
    if (it_->Valid()) it_->Next();
  }
  void Prev() override {
    if (it_->Valid()) it_->Prev();
  }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  Status status() const override { return FromRocksDb(it_->status(), "iterate", *dir_); }

 private:
  // Declared before it_ so that they outlive it: RocksDB reads the bounds
  // through ReadOptions until the iterator is deleted.
  const std::optional<std::string> lower_;
  const std::optional<std::string> upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  const std::string* const dir_;  // owned by the store, which outlives us
  std::atomic<int>* const live_;  // the store's live-iterator count
};

// Every operation takes mu_ shared, so concurrent writers still reach RocksDB
// together and share WAL fsyncs (group commit); Close() takes it exclusively.
class RocksDbKvStore final : public KvStore {
 public:
  RocksDbKvStore(std::string dir, std::unique_ptr<rocksdb::DB> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}

  ~RocksDbKvStore() override {
    Status s = Close();
    if (!s.ok()) {
      Logger()->error("event=close_failed dir={} error=\"{}\"", dir_, s.ToString());
    }
    std::unique_lock lock(mu_);
    if (db_ != nullptr) {
      // Close() refused because iterators are alive (a caller bug, already
      // reported). Leak the engine rather than free memory they still use.
      (void)db_.release();
    }
  }

  RocksDbKvStore(const RocksDbKvStore&) = delete;
  RocksDbKvStore& operator=(const RocksDbKvStore&) = delete;

  Result<std::optional<std::string>> Get(std::string_view key) override {
    std::shared_lock lock(mu_);
    if (db_ == nullptr) return ClosedError(dir_);
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocksDb(s, "get", dir_);
    return std::optional<std::string>(std::move(value));
  }

  Status Write(const WriteBatch& batch) override {
    std::shared_lock lock(mu_);
    if (db_ == nullptr) return ClosedError(dir_);
    if (batch.empty()) return Status::Ok();
    rocksdb::WriteBatch rb;
    for (const WriteBatch::Op& op : batch.ops()) {
      rocksdb::Status s;
      switch (op.type) {
        case WriteBatch::OpType::kPut:
          s = rb.Put(op.key, op.value);
          break;
        case WriteBatch::OpType::kDelete:
          s = rb.Delete(op.key);
          break;
      }
      if (!s.ok()) return FromRocksDb(s, "batch", dir_);
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;  // durable before acknowledged
    rocksdb::Status s = db_->Write(wo, &rb);
    if (!s.ok()) {
      Status st = FromRocksDb(s, "write", dir_);
      Logger()->error("event=write_failed dir={} ops={} bytes={} error=\"{}\"", dir_, batch.size(),
                      batch.ByteSize(), st.ToString());
      return st;
    }
    return Status::Ok();
  }

  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options) override {
    std::shared_lock lock(mu_);
    if (db_ == nullptr) return NewErrorIterator(ClosedError(dir_));
    live_iterators_.fetch_add(1);
    return std::make_unique<RocksDbIterator>(db_.get(), options, &dir_, &live_iterators_);
  }

  Status Flush() override {
    std::shared_lock lock(mu_);
    if (db_ == nullptr) return ClosedError(dir_);
    return FlushLocked();
  }

  Status Close() override {
    std::unique_lock lock(mu_);
    if (db_ == nullptr) return Status::Ok();
    if (int live = live_iterators_.load(); live > 0) {
      std::string msg =
          "Close() of " + dir_ + " with " + std::to_string(live) + " live iterator(s)";
      STRATUS_BUG(msg);
      return common::Internal(std::move(msg));
    }
    Status flushed = FlushLocked();
    rocksdb::Status closed = db_->Close();
    db_.reset();
    Status st = flushed.ok() ? FromRocksDb(closed, "close", dir_) : flushed;
    if (st.ok()) {
      Logger()->info("event=closed dir={}", dir_);
    } else {
      Logger()->error("event=closed dir={} error=\"{}\"", dir_, st.ToString());
    }
    return st;
  }

 private:
  // Requires mu_ held (shared or exclusive) and db_ open.
  Status FlushLocked() {
    rocksdb::Status s = db_->FlushWAL(/*sync=*/true);
    if (!s.ok()) return FromRocksDb(s, "sync wal", dir_);
    rocksdb::FlushOptions fo;
    fo.wait = true;
    s = db_->Flush(fo);
    if (!s.ok()) return FromRocksDb(s, "flush", dir_);
    return Status::Ok();
  }

  const std::string dir_;
  std::shared_mutex mu_;
  std::unique_ptr<rocksdb::DB> db_;  // GUARDED_BY(mu_); null once closed
  std::atomic<int> live_iterators_{0};
};

rocksdb::Options MakeOptions(const RocksDbOptions& options) {
  rocksdb::Options o;
  // Env::Default() is a process-wide singleton: every region shares its
  // background thread pools (sized by the largest max_background_jobs, not the
  // sum) and its periodic-task timer thread.
  o.env = rocksdb::Env::Default();
  o.create_if_missing = options.create_if_missing;
  o.write_buffer_size = options.write_buffer_bytes;
  o.max_write_buffer_number = 2;
  o.max_open_files = kMaxOpenFiles;
  o.max_background_jobs = kMaxBackgroundJobs;
  o.keep_log_file_num = kKeepInfoLogFiles;
  o.max_log_file_size = kMaxInfoLogBytes;
  o.max_manifest_file_size = kMaxManifestBytes;
  o.stats_dump_period_sec = 0;
  o.stats_persist_period_sec = 0;
  o.level_compaction_dynamic_level_bytes = true;

  rocksdb::BlockBasedTableOptions t;
  // Half the cache is kept for index and filter blocks (high priority), so
  // data blocks streaming through cannot evict them.
  t.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes, -1, false, 0.5);
  // Index and filter blocks live in (and are bounded by) the block cache
  // instead of growing with the data on the heap. They are partitioned: a
  // point read loads one small partition, not a whole file's index (with a
  // small cache, whole indexes of large files were read and decompressed
  // again on almost every Get).
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.pin_top_level_index_and_filter = true;
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.partition_filters = true;
  t.metadata_block_size = 4096;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  t.optimize_filters_for_memory = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

Result<std::unique_ptr<KvStore>> OpenRocksDb(const std::filesystem::path& dir,
                                             const RocksDbOptions& options) {
  const std::string name = dir.string();
  if (options.create_if_missing) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return common::IoError("cannot create data directory " + name + ": " + ec.message());
    }
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(MakeOptions(options), name, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!s.ok()) {
    if (!options.create_if_missing && s.IsInvalidArgument() &&
        s.ToString().find("does not exist") != std::string::npos) {
      return common::NotFound("no database in " + name + " (create_if_missing is false)");
    }
    Status st = FromRocksDb(s, "open", name);
    Logger()->error("event=open_failed dir={} error=\"{}\"", name, st.ToString());
    return st;
  }
  Logger()->info("event=opened dir={} block_cache_bytes={} write_buffer_bytes={}", name,
                 options.block_cache_bytes, options.write_buffer_bytes);
  return std::unique_ptr<KvStore>(std::make_unique<RocksDbKvStore>(name, std::move(db)));
}

}  // namespace storage
