// The KvStore contract, checked against every implementation: the in-memory
// store, RocksDB, and a disarmed FaultKvStore (which must be transparent).
// Anything the layers above rely on belongs here, so that service tests on the
// memory store mean something for the RocksDB store that serves.

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "storage/fault_kv_store.h"
#include "storage/kv_store.h"
#include "storage/memory_kv_store.h"
#include "storage/rocksdb_kv_store.h"
#include "storage/tests/temp_dir.h"

namespace storage {
namespace {

using common::ErrorCode;
using namespace std::string_literals;

struct MemoryStoreFactory {
  std::unique_ptr<KvStore> Open() { return NewMemoryKvStore(); }
};

struct RocksDbStoreFactory {
  testing::TempDir dir;
  std::unique_ptr<KvStore> Open() {
    RocksDbOptions options;
    options.block_cache_bytes = 1 << 20;
    options.write_buffer_bytes = 1 << 20;
    auto store = OpenRocksDb(dir.path() / "db", options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
};

struct FaultStoreFactory {
  std::unique_ptr<KvStore> Open() { return std::make_unique<FaultKvStore>(NewMemoryKvStore()); }
};

template <typename Factory>
class KvStoreConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }

  void Put(std::string_view key, std::string_view value) {
    WriteBatch batch;
    batch.Put(key, value);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  void Delete(std::string_view key) {
    WriteBatch batch;
    batch.Delete(key);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  std::optional<std::string> Get(std::string_view key) {
    auto got = store_->Get(key);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }

  // Keys seen walking forward from SeekToFirst().
  std::vector<std::string> Forward(const IteratorOptions& options = {}) {
    std::vector<std::string> keys;
    auto it = store_->NewIterator(options);
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return keys;
  }

  // Keys seen walking backward from SeekToLast().
  std::vector<std::string> Backward(const IteratorOptions& options = {}) {
    std::vector<std::string> keys;
    auto it = store_->NewIterator(options);
    for (it->SeekToLast(); it->Valid(); it->Prev()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return keys;
  }

  // Puts "a" "b" "c" "d" "e" with values "va" ... "ve".
  void PutAlphabet() {
    WriteBatch batch;
    for (std::string k : {"a", "b", "c", "d", "e"}) batch.Put(k, "v" + k);
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  static IteratorOptions Bounds(std::optional<std::string> lower,
                                std::optional<std::string> upper) {
    IteratorOptions options;
    options.lower_bound = std::move(lower);
    options.upper_bound = std::move(upper);
    return options;
  }

  Factory factory_;  // first: outlives the store (owns the RocksDB directory)
  std::unique_ptr<KvStore> store_;
};

using Implementations = ::testing::Types<MemoryStoreFactory, RocksDbStoreFactory, FaultStoreFactory>;

class ImplementationNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, MemoryStoreFactory>) return "Memory";
    if constexpr (std::is_same_v<T, RocksDbStoreFactory>) return "RocksDb";
    if constexpr (std::is_same_v<T, FaultStoreFactory>) return "Fault";
    return "Unknown";
  }
};

TYPED_TEST_SUITE(KvStoreConformanceTest, Implementations, ImplementationNames);

// Verifies that a key never written reads as absent, not as an error.
TYPED_TEST(KvStoreConformanceTest, GetMissingIsNullopt) {
  EXPECT_EQ(this->Get("nope"), std::nullopt);
}

// Verifies put-then-get, overwrite, and that an empty value is present.
TYPED_TEST(KvStoreConformanceTest, PutGetOverwrite) {
  this->Put("k", "v1");
  EXPECT_EQ(this->Get("k"), "v1");
  this->Put("k", "v2");
  EXPECT_EQ(this->Get("k"), "v2");
  this->Put("empty", "");
  EXPECT_EQ(this->Get("empty"), "");
}

// Verifies that Delete removes a key and that deleting a missing key is OK.
TYPED_TEST(KvStoreConformanceTest, DeleteRemoves) {
  this->Put("k", "v");
  this->Delete("k");
  EXPECT_EQ(this->Get("k"), std::nullopt);
  this->Delete("never-there");
  EXPECT_EQ(this->Get("never-there"), std::nullopt);
}

// Verifies that keys and values are arbitrary bytes, including NUL and 0xff.
TYPED_TEST(KvStoreConformanceTest, BinaryKeysAndValues) {
  const std::string key = "a\0b\xff"s;
  const std::string value = "\0\0\xff\x01"s;
  this->Put(key, value);
  EXPECT_EQ(this->Get(key), value);
  EXPECT_EQ(this->Get("a"), std::nullopt);
  EXPECT_EQ(this->Get("a\0b"s), std::nullopt);
}

// Verifies that a large value round-trips intact.
TYPED_TEST(KvStoreConformanceTest, LargeValue) {
  std::string value(3 << 20, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 131 % 251);
  this->Put("big", value);
  EXPECT_EQ(this->Get("big"), value);
}

// Verifies that a batch applies every op, and that an empty batch is OK.
TYPED_TEST(KvStoreConformanceTest, BatchAppliesAllOps) {
  this->Put("old", "x");
  WriteBatch batch;
  batch.Put("k1", "v1");
  batch.Put("k2", "v2");
  batch.Delete("old");
  ASSERT_TRUE(this->store_->Write(batch).ok());
  EXPECT_EQ(this->Get("k1"), "v1");
  EXPECT_EQ(this->Get("k2"), "v2");
  EXPECT_EQ(this->Get("old"), std::nullopt);
  EXPECT_TRUE(this->store_->Write(WriteBatch()).ok());
  EXPECT_EQ(this->Forward(), (std::vector<std::string>{"k1", "k2"}));
}

// Verifies that within one batch a later op on the same key wins.
TYPED_TEST(KvStoreConformanceTest, LaterOpInBatchWins) {
  this->Put("gone", "before");
  WriteBatch batch;
  batch.Put("a", "1");
  batch.Delete("a");
  batch.Put("a", "2");
  batch.Put("b", "1");
  batch.Delete("b");
  batch.Put("c", "1");
  batch.Put("c", "3");
  batch.Put("gone", "again");
  batch.Delete("gone");
  ASSERT_TRUE(this->store_->Write(batch).ok());
  EXPECT_EQ(this->Get("a"), "2");
  EXPECT_EQ(this->Get("b"), std::nullopt);
  EXPECT_EQ(this->Get("c"), "3");
  EXPECT_EQ(this->Get("gone"), std::nullopt);
}

// Verifies bytewise order forward and backward, with 0x00 and 0xff bytes
// (0xff sorts after every ASCII byte: unsigned comparison).
TYPED_TEST(KvStoreConformanceTest, IteratesInBytewiseOrder) {
  const std::vector<std::string> sorted = {
      ""s,      "\0"s,     "\0\0"s,  "\x01"s,     "A"s,     "a"s,      "a\0"s,
      "a\0\0"s, "a\x01"s,  "ab"s,    "a\x7f"s,    "a\x80"s,  "a\xff"s,   "b"s,
      "\x80"s,   "\xfe\xff"s, "\xff"s, "\xff\0"s, "\xff\xff"s,
  };
  ASSERT_TRUE(std::is_sorted(sorted.begin(), sorted.end()));  // std::string is bytewise too
  std::vector<std::string> shuffled = sorted;
  std::reverse(shuffled.begin(), shuffled.end());
  std::rotate(shuffled.begin(), shuffled.begin() + 7, shuffled.end());
  WriteBatch batch;
  for (const auto& k : shuffled) batch.Put(k, "v:" + k);
  ASSERT_TRUE(this->store_->Write(batch).ok());

  EXPECT_EQ(this->Forward(), sorted);
  std::vector<std::string> reversed(sorted.rbegin(), sorted.rend());
  EXPECT_EQ(this->Backward(), reversed);

  auto it = this->store_->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EXPECT_EQ(it->value(), "v:" + std::string(it->key()));
  }
}

// Verifies that an iterator over an empty store is never valid.
TYPED_TEST(KvStoreConformanceTest, EmptyStoreIterator) {
  auto it = this->store_->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

// Verifies that bounds restrict the range to [lower, upper) in both directions.
TYPED_TEST(KvStoreConformanceTest, BoundsRestrictRange) {
  this->PutAlphabet();
  using V = std::vector<std::string>;
  EXPECT_EQ(this->Forward(this->Bounds("b", "d")), (V{"b", "c"}));
  EXPECT_EQ(this->Backward(this->Bounds("b", "d")), (V{"c", "b"}));
  EXPECT_EQ(this->Forward(this->Bounds("bb", "dd")), (V{"c", "d"}));
  EXPECT_EQ(this->Backward(this->Bounds("bb", "dd")), (V{"d", "c"}));
  EXPECT_EQ(this->Forward(this->Bounds("c", std::nullopt)), (V{"c", "d", "e"}));
  EXPECT_EQ(this->Backward(this->Bounds("c", std::nullopt)), (V{"e", "d", "c"}));
  EXPECT_EQ(this->Forward(this->Bounds(std::nullopt, "c")), (V{"a", "b"}));
  EXPECT_EQ(this->Backward(this->Bounds(std::nullopt, "c")), (V{"b", "a"}));
  EXPECT_EQ(this->Forward(this->Bounds("", "\xff"s)), (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(this->Forward(this->Bounds("x", "z")), V{});
  EXPECT_EQ(this->Backward(this->Bounds("x", "z")), V{});
}

// Verifies that an empty or inverted range yields nothing.
TYPED_TEST(KvStoreConformanceTest, EmptyAndInvertedBounds) {
  this->PutAlphabet();
  using V = std::vector<std::string>;
  EXPECT_EQ(this->Forward(this->Bounds("c", "c")), V{});
  EXPECT_EQ(this->Backward(this->Bounds("c", "c")), V{});
  EXPECT_EQ(this->Forward(this->Bounds("d", "b")), V{});
  EXPECT_EQ(this->Backward(this->Bounds("d", "b")), V{});
  auto it = this->store_->NewIterator(this->Bounds("c", "c"));
  it->Seek("c");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("c");
  EXPECT_FALSE(it->Valid());
}

// Verifies Seek: first key >= target, invalid past the end.
TYPED_TEST(KvStoreConformanceTest, Seek) {
  this->PutAlphabet();
  auto it = this->store_->NewIterator();
  it->Seek("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  EXPECT_EQ(it->value(), "vc");
  it->Seek("bz");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Seek("");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  it->Seek("e\0"s);
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

// Verifies SeekForPrev: last key <= target, invalid before the start.
TYPED_TEST(KvStoreConformanceTest, SeekForPrev) {
  this->PutAlphabet();
  auto it = this->store_->NewIterator();
  it->SeekForPrev("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekForPrev("c\0"s);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekForPrev("zzz");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e");
  it->SeekForPrev("\xff\xff"s);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e");
  it->SeekForPrev("0");
  EXPECT_FALSE(it->Valid());
}

// Verifies Seek and SeekForPrev against bounds: targets outside the range
// clamp to it or make the iterator invalid.
TYPED_TEST(KvStoreConformanceTest, SeekWithinBounds) {
  this->PutAlphabet();
  auto it = this->store_->NewIterator(this->Bounds("b", "d"));
  it->Seek("a");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Seek("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Seek("cc");
  EXPECT_FALSE(it->Valid());
  it->Seek("d");
  EXPECT_FALSE(it->Valid());
  it->Seek("z");
  EXPECT_FALSE(it->Valid());

  it->SeekForPrev("z");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekForPrev("d");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekForPrev("bb");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->SeekForPrev("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->SeekForPrev("a");
  EXPECT_FALSE(it->Valid());
}

// Verifies mixed Next/Prev walks, and that stepping off either end invalidates.
TYPED_TEST(KvStoreConformanceTest, NextAndPrev) {
  this->PutAlphabet();
  auto it = this->store_->NewIterator();
  it->Seek("c");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->Prev();
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");

  it->SeekToFirst();
  it->Prev();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e");
  it->Next();
  EXPECT_FALSE(it->Valid());
  it->SeekToFirst();  // usable again after running off the end
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  EXPECT_TRUE(it->status().ok());
}

// Verifies snapshot isolation: writes after NewIterator are not seen by it,
// but are seen by a new iterator.
TYPED_TEST(KvStoreConformanceTest, IteratorIgnoresLaterWrites) {
  this->PutAlphabet();
  auto it = this->store_->NewIterator();
  WriteBatch batch;
  batch.Put("bb", "new");
  batch.Delete("c");
  batch.Put("a", "changed");
  batch.Put("z", "new");
  ASSERT_TRUE(this->store_->Write(batch).ok());

  std::vector<std::string> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    seen.emplace_back(std::string(it->key()) + "=" + std::string(it->value()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a=va", "b=vb", "c=vc", "d=vd", "e=ve"}));
  it->Seek("bb");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");

  EXPECT_EQ(this->Forward(), (std::vector<std::string>{"a", "b", "bb", "d", "e", "z"}));
  EXPECT_EQ(this->Get("a"), "changed");
}

// Verifies a prefix scan with [prefix, PrefixSuccessor(prefix)), including a
// prefix that ends in 0xff.
TYPED_TEST(KvStoreConformanceTest, PrefixScan) {
  WriteBatch batch;
  for (const std::string& k : {"t1"s, "t1/"s, "t1/a"s, "t1/\xff"s, "t10"s, "t2/a"s, "p\xfe"s,
                              "p\xff"s, "p\xff\0"s, "p\xff\xff\xff"s, "q"s}) {
    batch.Put(k, "v");
  }
  ASSERT_TRUE(this->store_->Write(batch).ok());
  using V = std::vector<std::string>;
  EXPECT_EQ(this->Forward(this->Bounds("t1/", PrefixSuccessor("t1/"))), (V{"t1/", "t1/a", "t1/\xff"s}));
  EXPECT_EQ(this->Forward(this->Bounds("p\xff"s, PrefixSuccessor("p\xff"s))),
            (V{"p\xff"s, "p\xff\0"s, "p\xff\xff\xff"s}));
  EXPECT_EQ(this->Backward(this->Bounds("p\xff"s, PrefixSuccessor("p\xff"s))),
            (V{"p\xff\xff\xff"s, "p\xff\0"s, "p\xff"s}));
}

// Verifies that Flush succeeds and keeps data readable.
TYPED_TEST(KvStoreConformanceTest, FlushKeepsData) {
  this->PutAlphabet();
  EXPECT_TRUE(this->store_->Flush().ok());
  EXPECT_EQ(this->Get("c"), "vc");
  this->Put("f", "vf");
  EXPECT_TRUE(this->store_->Flush().ok());
  EXPECT_EQ(this->Forward().size(), 6u);
}

// Verifies that Close is idempotent and that every later call is kUnavailable.
TYPED_TEST(KvStoreConformanceTest, CloseIsIdempotentAndLaterCallsUnavailable) {
  this->Put("k", "v");
  EXPECT_TRUE(this->store_->Close().ok());
  EXPECT_TRUE(this->store_->Close().ok());

  auto got = this->store_->Get("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
  WriteBatch batch;
  batch.Put("k2", "v");
  EXPECT_EQ(this->store_->Write(batch).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(this->store_->Write(WriteBatch()).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(this->store_->Flush().code(), ErrorCode::kUnavailable);
  auto it = this->store_->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(it->status().code(), ErrorCode::kUnavailable);
}

// Verifies that concurrent writers and readers all succeed and every write lands.
TYPED_TEST(KvStoreConformanceTest, ConcurrentWriters) {
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        WriteBatch batch;
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(100 + i);
        batch.Put(key, key);
        batch.Put("last/" + std::to_string(t), key);
        EXPECT_TRUE(this->store_->Write(batch).ok());
        auto got = this->store_->Get(key);
        EXPECT_TRUE(got.ok() && *got == key);
        auto it = this->store_->NewIterator();
        it->SeekToFirst();
        EXPECT_TRUE(it->Valid());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto keys = this->Forward(this->Bounds("t", "u"));
  EXPECT_EQ(keys.size(), static_cast<size_t>(kThreads * kWritesPerThread));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(this->Get("last/" + std::to_string(t)),
              "t" + std::to_string(t) + "/" + std::to_string(100 + kWritesPerThread - 1));
  }
}

}  // namespace
}  // namespace storage
