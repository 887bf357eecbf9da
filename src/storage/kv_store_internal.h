#pragma once

// Helpers shared by the KvStore implementations; not for use outside storage/.

#include <memory>

#include "storage/kv_store.h"

namespace storage {

// An iterator that is never valid and whose status() is `status` (not OK).
// NewIterator() returns one when it cannot serve, e.g. after Close(), since
// the interface has no error channel for iterator creation.
std::unique_ptr<Iterator> NewErrorIterator(Status status);

}  // namespace storage
