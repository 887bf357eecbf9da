// RocksDB-only behaviour: persistence across reopen, the directory lock, and
// how open failures map to ErrorCodes. The shared contract is in
// kv_store_conformance_test.cc.

#include "storage/rocksdb_kv_store.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/tests/temp_dir.h"

namespace storage {
namespace {

using common::ErrorCode;
using ::testing::HasSubstr;

class RocksDbKvStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path DbDir() const { return tmp_.path() / "db"; }

  std::unique_ptr<KvStore> MustOpen(const RocksDbOptions& options = SmallOptions()) {
    auto store = OpenRocksDb(DbDir(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static RocksDbOptions SmallOptions() {
    RocksDbOptions options;
    options.block_cache_bytes = 1 << 20;
    options.write_buffer_bytes = 256 << 10;
    return options;
  }

  static void Put(KvStore& store, const std::string& key, const std::string& value) {
    WriteBatch batch;
    batch.Put(key, value);
    ASSERT_TRUE(store.Write(batch).ok());
  }

  static std::optional<std::string> Get(KvStore& store, const std::string& key) {
    auto got = store.Get(key);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }

  testing::TempDir tmp_;
};

// Verifies that data written, deleted and flushed survives Close and reopen.
TEST_F(RocksDbKvStoreTest, ReopenKeepsData) {
  {
    auto store = MustOpen();
    ASSERT_NE(store, nullptr);
    Put(*store, "kept", "v1");
    Put(*store, "deleted", "v");
    WriteBatch batch;
    batch.Delete("deleted");
    batch.Put("kept2", "v2");
    ASSERT_TRUE(store->Write(batch).ok());
    ASSERT_TRUE(store->Close().ok());
  }
  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Get(*store, "kept"), "v1");
  EXPECT_EQ(Get(*store, "kept2"), "v2");
  EXPECT_EQ(Get(*store, "deleted"), std::nullopt);
}

// Verifies that the destructor closes: the lock is released and data kept.
TEST_F(RocksDbKvStoreTest, DestructorCloses) {
  {
    auto store = MustOpen();
    ASSERT_NE(store, nullptr);
    Put(*store, "k", "v");
  }
  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Get(*store, "k"), "v");
}

// Verifies that data spilled to SST files (memtable flushes, compactions) reads
// back after reopen, in order, through the block cache and bloom filters.
TEST_F(RocksDbKvStoreTest, ManyKeysSurviveReopenFromSstFiles) {
  constexpr int kKeys = 3000;
  const std::string filler(512, 'x');
  {
    auto store = MustOpen();
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < kKeys; i += 100) {
      WriteBatch batch;
      for (int j = i; j < i + 100; ++j) batch.Put("key/" + std::to_string(100000 + j), filler);
      ASSERT_TRUE(store->Write(batch).ok());
    }
    ASSERT_TRUE(store->Flush().ok());
  }
  bool has_sst = false;
  for (const auto& entry : std::filesystem::directory_iterator(DbDir())) {
    has_sst |= entry.path().extension() == ".sst";
  }
  EXPECT_TRUE(has_sst);

  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Get(*store, "key/100000"), filler);
  EXPECT_EQ(Get(*store, "key/102999"), filler);
  EXPECT_EQ(Get(*store, "key/103000"), std::nullopt);
  auto it = store->NewIterator();
  int count = 0;
  std::string prev;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++count) {
    EXPECT_LT(prev, it->key());
    prev = std::string(it->key());
  }
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(count, kKeys);
}

// Verifies that a second open of a directory in use is kUnavailable, names the
// directory, and that the directory opens again once the first store closes.
TEST_F(RocksDbKvStoreTest, OpenTwiceInProcessIsUnavailable) {
  auto first = MustOpen();
  ASSERT_NE(first, nullptr);
  auto second = OpenRocksDb(DbDir(), SmallOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(DbDir().string()));
  EXPECT_THAT(second.status().message(), HasSubstr("another process"));

  ASSERT_TRUE(first->Close().ok());
  auto third = MustOpen();
  EXPECT_NE(third, nullptr);
}

// Verifies that a LOCK held by another process makes open kUnavailable.
TEST_F(RocksDbKvStoreTest, OpenLockedByAnotherProcessIsUnavailable) {
  std::filesystem::create_directories(DbDir());
  const std::string lock_path = (DbDir() / "LOCK").string();
  int locked[2];
  int release[2];
  ASSERT_EQ(::pipe(locked), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only async-signal-safe calls here: the parent has other threads.
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
    struct flock fl = {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? '1' : '0';
    (void)!::write(locked[1], &ok, 1);
    char done;
    (void)!::read(release[0], &done, 1);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(locked[0], &ok, 1), 1);
  ASSERT_EQ(ok, '1');

  auto store = OpenRocksDb(DbDir(), SmallOptions());
  EXPECT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(DbDir().string()));

  ASSERT_EQ(::write(release[1], "x", 1), 1);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  for (int fd : {locked[0], locked[1], release[0], release[1]}) ::close(fd);

  auto reopened = MustOpen();  // the child's lock died with it
  EXPECT_NE(reopened, nullptr);
}

// Verifies that opening a missing database without create_if_missing is
// kNotFound and creates nothing.
TEST_F(RocksDbKvStoreTest, MissingWithoutCreateIsNotFound) {
  RocksDbOptions options = SmallOptions();
  options.create_if_missing = false;
  auto store = OpenRocksDb(DbDir(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(DbDir().string()));
  EXPECT_FALSE(std::filesystem::exists(DbDir() / "CURRENT"));
}

// Verifies that create_if_missing makes missing parent directories.
TEST_F(RocksDbKvStoreTest, CreatesParentDirectories) {
  auto store = OpenRocksDb(tmp_.path() / "a" / "b" / "c", SmallOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(tmp_.path() / "a" / "b" / "c" / "CURRENT"));
}

// Verifies that a path that is a regular file is kIoError naming the path.
TEST_F(RocksDbKvStoreTest, FileInsteadOfDirectoryIsIoError) {
  const auto file = tmp_.path() / "not-a-dir";
  std::ofstream(file) << "x";
  auto store = OpenRocksDb(file, SmallOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kIoError) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(file.string()));
}

// Verifies that a damaged CURRENT file is reported as kCorruption.
TEST_F(RocksDbKvStoreTest, DamagedCurrentIsCorruption) {
  {
    auto store = MustOpen();
    ASSERT_NE(store, nullptr);
    Put(*store, "k", "v");
  }
  std::ofstream(DbDir() / "CURRENT", std::ios::trunc) << "garbage-without-newline";
  auto store = OpenRocksDb(DbDir(), SmallOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruption) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(DbDir().string()));
}

// Verifies that Close() with a live iterator is reported as a bug (abort in
// debug builds; kInternal and still open in release builds).
TEST_F(RocksDbKvStoreTest, CloseWithLiveIteratorIsABug) {
  // The default "fast" death-test style forks this process, so the child never
  // re-creates (and, aborting, never leaks) a temp directory. The child only
  // runs Close()'s live-iterator check, which touches no RocksDB thread state.
  auto store = MustOpen();
  ASSERT_NE(store, nullptr);
  Put(*store, "k", "v");
  auto it = store->NewIterator();
  Status closed;
  EXPECT_DEBUG_DEATH(closed = store->Close(), "live iterator");
#ifdef NDEBUG
  EXPECT_EQ(closed.code(), ErrorCode::kInternal);
  EXPECT_EQ(Get(*store, "k"), "v");
#endif
  it.reset();
  EXPECT_TRUE(store->Close().ok());
}

}  // namespace
}  // namespace storage
