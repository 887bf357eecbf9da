#include "storage/memory_kv_store.h"

#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <utility>

#include "storage/kv_store_internal.h"

namespace storage {
namespace {

// std::string compares through char_traits<char>, which orders bytes as
// unsigned char: the same bytewise order as RocksDB's default comparator.
using Map = std::map<std::string, std::string, std::less<>>;

Status ClosedError() { return common::Unavailable("memory kv store is closed"); }

// Walks an immutable map version restricted to [lower_bound, upper_bound).
// Invalid is represented as it_ == end_.
class MemoryIterator final : public Iterator {
 public:
  MemoryIterator(std::shared_ptr<const Map> data, const IteratorOptions& options)
      : data_(std::move(data)), lower_(options.lower_bound), upper_(options.upper_bound) {
    begin_ = lower_ ? data_->lower_bound(*lower_) : data_->begin();
    end_ = upper_ ? data_->lower_bound(*upper_) : data_->end();
    if (lower_ && upper_ && *lower_ >= *upper_) begin_ = end_;  // empty range
    it_ = end_;
  }

  bool Valid() const override { return it_ != end_; }
  void SeekToFirst() override { it_ = begin_; }
  void SeekToLast() override { it_ = begin_ == end_ ? end_ : std::prev(end_); }

  void Seek(std::string_view target) override {
    if (lower_ && target < std::string_view(*lower_)) {
      it_ = begin_;
      return;
    }
    if (upper_ && target >= std::string_view(*upper_)) {
      it_ = end_;
      return;
    }
    it_ = data_->lower_bound(target);
  }

  void SeekForPrev(std::string_view target) override {
    if (upper_ && target >= std::string_view(*upper_)) {
      SeekToLast();
      return;
    }
    auto it = data_->upper_bound(target);  // first key > target
    if (it == data_->begin()) {
      it_ = end_;
      return;
    }
    --it;
    if (lower_ && it->first < *lower_) {
      it_ = end_;
      return;
    }
    it_ = it;
  }

  void Next() override {
    if (Valid()) ++it_;
  }

  void Prev() override {
    if (!Valid()) return;
    it_ = it_ == begin_ ? end_ : std::prev(it_);
  }

  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  Status status() const override { return Status::Ok(); }

 private:
  const std::shared_ptr<const Map> data_;
  const std::optional<std::string> lower_;
  const std::optional<std::string> upper_;
  Map::const_iterator begin_;
  Map::const_iterator end_;
  Map::const_iterator it_;
};

class MemoryKvStore final : public KvStore {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) override {
    std::lock_guard lock(mu_);
    if (closed_) return ClosedError();
    auto it = data_->find(key);
    if (it == data_->end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status Write(const WriteBatch& batch) override {
    std::lock_guard lock(mu_);
    if (closed_) return ClosedError();
    if (batch.empty()) return Status::Ok();
    // Iterators hold the current version; copy it before mutating. The count
    // can only grow under mu_, so 1 means nobody else can see the map.
    if (data_.use_count() > 1) data_ = std::make_shared<Map>(*data_);
    for (const WriteBatch::Op& op : batch.ops()) {
      switch (op.type) {
        case WriteBatch::OpType::kPut:
          (*data_)[op.key] = op.value;
          break;
        case WriteBatch::OpType::kDelete:
          if (auto it = data_->find(op.key); it != data_->end()) data_->erase(it);
          break;
      }
    }
    return Status::Ok();
  }

  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options) override {
    std::shared_ptr<const Map> snapshot;
    {
      std::lock_guard lock(mu_);
      if (closed_) return NewErrorIterator(ClosedError());
      snapshot = data_;
    }
    return std::make_unique<MemoryIterator>(std::move(snapshot), options);
  }

  Status Flush() override {
    std::lock_guard lock(mu_);
    return closed_ ? ClosedError() : Status::Ok();
  }

  Status Close() override {
    std::lock_guard lock(mu_);
    if (!closed_) {
      closed_ = true;
      data_ = std::make_shared<Map>();  // release memory; iterators keep theirs
    }
    return Status::Ok();
  }

 private:
  std::mutex mu_;
  std::shared_ptr<Map> data_ = std::make_shared<Map>();  // GUARDED_BY(mu_)
  bool closed_ = false;                                   // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<KvStore> NewMemoryKvStore() { return std::make_unique<MemoryKvStore>(); }

}  // namespace storage
