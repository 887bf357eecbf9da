#pragma once

// An in-memory KvStore for unit tests of the layers above storage (leveldb's
// memenv plays the same role). It keeps the full KvStore contract — bytewise
// order, atomic batches, iterators over a snapshot, kUnavailable after Close() —
// but nothing survives the process, and Write()/Flush() fail only after
// Close(). Pair it with FaultKvStore (fault_kv_store.h) to exercise I/O errors.

#include <memory>

#include "storage/kv_store.h"

namespace storage {

// A new, empty store. Thread-safe like every KvStore. Iterators share the data
// copy-on-write, so NewIterator() is O(1) and the first Write() after it copies
// the map once.
std::unique_ptr<KvStore> NewMemoryKvStore();

}  // namespace storage
