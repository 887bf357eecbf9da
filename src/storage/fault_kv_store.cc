#include "storage/fault_kv_store.h"

#include <cassert>
#include <utility>

namespace storage {

FaultKvStore::FaultKvStore(std::unique_ptr<KvStore> base) : base_(std::move(base)) {
  assert(base_ != nullptr);
}

void FaultKvStore::FailNextWrites(int64_t n) { fail_next_.store(n < 0 ? 0 : n); }

void FaultKvStore::SetFailAllWrites(bool fail) { fail_all_.store(fail); }

bool FaultKvStore::TakeFault() {
  if (fail_all_.load()) return true;
  // Decrement only while positive, so concurrent writers consume exactly n.
  int64_t pending = fail_next_.load();
  while (pending > 0) {
    if (fail_next_.compare_exchange_weak(pending, pending - 1)) return true;
  }
  return false;
}

Result<std::optional<std::string>> FaultKvStore::Get(std::string_view key) {
  return base_->Get(key);
}

Status FaultKvStore::Write(const WriteBatch& batch) {
  if (TakeFault()) {
    injected_failures_.fetch_add(1);
    return common::IoError("injected write failure (FaultKvStore)");
  }
  return base_->Write(batch);
}

std::unique_ptr<Iterator> FaultKvStore::NewIterator(const IteratorOptions& options) {
  return base_->NewIterator(options);
}

Status FaultKvStore::Flush() { return base_->Flush(); }

Status FaultKvStore::Close() { return base_->Close(); }

}  // namespace storage
