#include "storage/blob_store.h"

#include <set>

#include <gtest/gtest.h>

#include "storage/tests/temp_dir.h"

namespace storage {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = BlobStore::Open(dir_.path() / "blobs");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  std::string Put(std::string_view data) {
    auto w = store_->NewWriter();
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Append(data).ok());
    auto id = (*w)->Commit();
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return *id;
  }

  std::string ReadAll(std::string_view id) {
    auto r = store_->OpenReader(id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::string out;
    EXPECT_TRUE((*r)->ReadAt(0, (*r)->size(), out).ok());
    return out;
  }

  size_t FilesUnder(const std::filesystem::path& p) {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(p)) n += e.is_regular_file();
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

// Verifies a committed blob reads back byte for byte, whole and by range.
TEST_F(BlobStoreTest, CommitThenRead) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>(i * 7);
  auto w = store_->NewWriter();
  ASSERT_TRUE(w.ok());
  for (size_t off = 0; off < data.size(); off += 4096) {
    ASSERT_TRUE((*w)->Append(std::string_view(data).substr(off, 4096)).ok());
  }
  EXPECT_EQ((*w)->size(), data.size());
  auto id = (*w)->Commit();
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(IsBlobId(*id));
  EXPECT_EQ(ReadAll(*id), data);
  auto r = store_->OpenReader(*id);
  std::string part;
  ASSERT_TRUE((*r)->ReadAt(99990, 100, part).ok());
  EXPECT_EQ(part, data.substr(99990));
}

// Verifies an aborted or destroyed writer leaves no file behind.
TEST_F(BlobStoreTest, AbortLeavesNothing) {
  {
    auto w = store_->NewWriter();
    ASSERT_TRUE((*w)->Append("partial").ok());
    (*w)->Abort();
    (*w)->Abort();
  }
  {
    auto w = store_->NewWriter();
    ASSERT_TRUE((*w)->Append("dropped").ok());
  }
  EXPECT_EQ(FilesUnder(store_->dir()), 0u);
}

// Verifies a finished writer refuses further use.
TEST_F(BlobStoreTest, WriterIsFinishedAfterCommit) {
  auto w = store_->NewWriter();
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ((*w)->Append("x").code(), common::ErrorCode::kInternal);
  EXPECT_FALSE((*w)->Commit().ok());
}

// Verifies ids are unique and well-formed, and lookups validate them.
TEST_F(BlobStoreTest, IdsAndLookups) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(Put("x"));
  EXPECT_EQ(ids.size(), 50u);
  EXPECT_EQ(store_->OpenReader("../../etc/passwd").status().code(), common::ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->OpenReader(std::string(32, 'a')).status().code(), common::ErrorCode::kNotFound);
  EXPECT_FALSE(IsBlobId(std::string(32, 'A')));
  EXPECT_FALSE(IsBlobId("abc"));
}

// Verifies delete removes the blob and deleting twice is fine.
TEST_F(BlobStoreTest, Delete) {
  auto id = Put("bye");
  ASSERT_TRUE(store_->Delete(id).ok());
  EXPECT_EQ(store_->OpenReader(id).status().code(), common::ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Delete(id).ok());
}

// Verifies recovery removes temp files and unreferenced blobs and keeps live ones.
TEST_F(BlobStoreTest, GarbageCollection) {
  auto live = Put("keep me");
  auto dead = Put("orphan");
  auto pending = store_->NewWriter();
  ASSERT_TRUE((*pending)->Append("crashed mid-write").ok());
  // Simulate a crash: the writer's temp file stays; release it without aborting.
  auto removed = store_->CollectGarbage([&](std::string_view id) { return id == live; });
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(ReadAll(live), "keep me");
  EXPECT_EQ(store_->OpenReader(dead).status().code(), common::ErrorCode::kNotFound);
  (*pending)->Abort();
}

// Verifies a reopened store sees committed blobs (they are plain files).
TEST_F(BlobStoreTest, ReopenKeepsBlobs) {
  auto id = Put("durable");
  store_.reset();
  auto s = BlobStore::Open(dir_.path() / "blobs");
  ASSERT_TRUE(s.ok());
  store_ = std::move(s).value();
  EXPECT_EQ(ReadAll(id), "durable");
}

}  // namespace
}  // namespace storage
