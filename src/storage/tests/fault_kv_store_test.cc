#include "storage/fault_kv_store.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/memory_kv_store.h"
#include "storage/rocksdb_kv_store.h"
#include "storage/tests/temp_dir.h"

namespace storage {
namespace {

using common::ErrorCode;

WriteBatch PutBatch(const std::string& key, const std::string& value) {
  WriteBatch batch;
  batch.Put(key, value);
  return batch;
}

class FaultKvStoreTest : public ::testing::Test {
 protected:
  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    auto it = store_.NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
    return keys;
  }

  FaultKvStore store_{NewMemoryKvStore()};
};

// Verifies that exactly the next N writes fail with kIoError, change nothing,
// and that writes succeed again afterwards.
TEST_F(FaultKvStoreTest, FailNextWritesFailsExactlyN) {
  ASSERT_TRUE(store_.Write(PutBatch("before", "v")).ok());
  store_.FailNextWrites(2);
  WriteBatch batch;
  batch.Put("a", "1");
  batch.Delete("before");
  EXPECT_EQ(store_.Write(batch).code(), ErrorCode::kIoError);
  EXPECT_EQ(store_.Write(PutBatch("b", "2")).code(), ErrorCode::kIoError);
  EXPECT_EQ(store_.injected_failures(), 2);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"before"}));
  EXPECT_EQ(*store_.Get("before"), "v");

  ASSERT_TRUE(store_.Write(PutBatch("c", "3")).ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"before", "c"}));
  EXPECT_EQ(store_.injected_failures(), 2);
}

// Verifies that FailNextWrites(0) cancels pending failures.
TEST_F(FaultKvStoreTest, FailNextWritesZeroCancels) {
  store_.FailNextWrites(5);
  store_.FailNextWrites(0);
  EXPECT_TRUE(store_.Write(PutBatch("k", "v")).ok());
  EXPECT_EQ(store_.injected_failures(), 0);
}

// Verifies that the fail-all switch fails every write until turned off while
// reads and iterators keep passing through.
TEST_F(FaultKvStoreTest, FailAllWritesUntilCleared) {
  ASSERT_TRUE(store_.Write(PutBatch("k", "v")).ok());
  store_.SetFailAllWrites(true);
  for (int i = 0; i < 3; ++i) {
    Status s = store_.Write(PutBatch("k", "changed"));
    EXPECT_EQ(s.code(), ErrorCode::kIoError);
    EXPECT_FALSE(s.message().empty());
  }
  EXPECT_EQ(*store_.Get("k"), "v");
  EXPECT_EQ(*store_.base()->Get("k"), "v");
  EXPECT_EQ(Keys(), (std::vector<std::string>{"k"}));
  EXPECT_TRUE(store_.Flush().ok());
  EXPECT_EQ(store_.injected_failures(), 3);

  store_.SetFailAllWrites(false);
  ASSERT_TRUE(store_.Write(PutBatch("k", "changed")).ok());
  EXPECT_EQ(*store_.Get("k"), "changed");
}

// Verifies that concurrent writers consume exactly N injected failures.
TEST_F(FaultKvStoreTest, ConcurrentWritersConsumeExactlyN) {
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 10;
  store_.FailNextWrites(7);
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        Status s = store_.Write(PutBatch(std::to_string(t) + "/" + std::to_string(i), "v"));
        if (!s.ok()) failed.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 7);
  EXPECT_EQ(store_.injected_failures(), 7);
  EXPECT_EQ(Keys().size(), static_cast<size_t>(kThreads * kWritesPerThread - 7));
}

// Verifies that Close passes through to the wrapped store.
TEST_F(FaultKvStoreTest, ClosePassesThrough) {
  EXPECT_TRUE(store_.Close().ok());
  EXPECT_EQ(store_.base()->Get("k").status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store_.Write(PutBatch("k", "v")).code(), ErrorCode::kUnavailable);
}

// Verifies that an injected failure around RocksDB leaves nothing on disk:
// the batch is absent after reopen.
TEST(FaultKvStoreRocksDbTest, FailedWriteLeavesNothingAfterReopen) {
  testing::TempDir tmp;
  {
    auto base = OpenRocksDb(tmp.path());
    ASSERT_TRUE(base.ok()) << base.status().ToString();
    FaultKvStore store(std::move(base).value());
    ASSERT_TRUE(store.Write(PutBatch("ok", "1")).ok());
    store.FailNextWrites(1);
    WriteBatch batch;
    batch.Put("failed", "1");
    batch.Delete("ok");
    EXPECT_EQ(store.Write(batch).code(), ErrorCode::kIoError);
    ASSERT_TRUE(store.Close().ok());
  }
  auto reopened = OpenRocksDb(tmp.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*reopened.value()->Get("ok"), "1");
  EXPECT_EQ(*reopened.value()->Get("failed"), std::nullopt);
}

}  // namespace
}  // namespace storage
