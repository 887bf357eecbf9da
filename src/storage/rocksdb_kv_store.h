#pragma once

// The serving KvStore: RocksDB with a synced WAL. The only file that includes
// RocksDB headers is rocksdb_kv_store.cc.

#include <cstddef>
#include <filesystem>
#include <memory>

#include "storage/kv_store.h"

namespace storage {

struct RocksDbOptions {
  size_t block_cache_bytes = 8 << 20;  // per region; small to keep idle RSS low
  size_t write_buffer_bytes = 8 << 20;
  bool create_if_missing = true;
};

// Opens (creating if asked) the database in `dir`. kIoError when the
// directory cannot be used, kCorruption when the engine refuses its files,
// kUnavailable when another process (or another open store in this process)
// holds its lock, kNotFound when `dir` holds no database and
// create_if_missing is false. The message names `dir`.
Result<std::unique_ptr<KvStore>> OpenRocksDb(const std::filesystem::path& dir,
                                             const RocksDbOptions& options = {});

}  // namespace storage
