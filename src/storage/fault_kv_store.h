#pragma once

// FaultKvStore: a KvStore wrapper that makes writes fail on demand, for tests of
// the error paths above storage (the role of leveldb's SpecialEnv). Reads,
// iterators, Flush() and Close() pass straight through to the wrapped store. An
// injected failure returns kIoError without calling the wrapped store, so a
// failed Write() changes nothing, as the KvStore contract requires.
//
// Thread-safe: the fault switches are atomics and may be flipped from the test
// thread while other threads write.

#include <atomic>
#include <cstdint>
#include <memory>

#include "storage/kv_store.h"

namespace storage {

class FaultKvStore final : public KvStore {
 public:
  // Takes ownership of `base`, which must not be null.
  explicit FaultKvStore(std::unique_ptr<KvStore> base);

  FaultKvStore(const FaultKvStore&) = delete;
  FaultKvStore& operator=(const FaultKvStore&) = delete;

  // The next `n` calls to Write() fail with kIoError; n = 0 cancels a pending
  // count. Independent of SetFailAllWrites().
  void FailNextWrites(int64_t n);

  // While `fail` is true every Write() fails with kIoError.
  void SetFailAllWrites(bool fail);

  // How many Write() calls failed because of an injected fault.
  int64_t injected_failures() const { return injected_failures_.load(); }

  // The wrapped store, e.g. to inspect state behind the faults. Owned by this.
  KvStore* base() const { return base_.get(); }

  Result<std::optional<std::string>> Get(std::string_view key) override;
  // Fails with kIoError when a fault is armed; otherwise forwards.
  Status Write(const WriteBatch& batch) override;
  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options = {}) override;
  Status Flush() override;
  Status Close() override;

 private:
  // True when this call should fail; consumes one pending failure.
  bool TakeFault();

  const std::unique_ptr<KvStore> base_;
  std::atomic<int64_t> fail_next_{0};
  std::atomic<bool> fail_all_{false};
  std::atomic<int64_t> injected_failures_{0};
};

}  // namespace storage
