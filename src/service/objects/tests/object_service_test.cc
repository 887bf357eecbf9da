#include "service/objects/object_service.h"

#include <gtest/gtest.h>

#include "storage/memory_kv_store.h"
#include "storage/rocksdb_kv_store.h"
#include "storage/tests/temp_dir.h"

namespace service::objects {
namespace {

using common::ErrorCode;

class ObjectServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kv_ = storage::NewMemoryKvStore();
    Reopen();
    ASSERT_TRUE(svc_->CreateBucket("b").ok());
  }
  void Reopen(uint64_t inline_limit = 1024) {
    svc_.reset();
    ServiceOptions o;
    o.region = "us-east-1";
    o.inline_limit = inline_limit;
    auto s = ObjectService::Open(*kv_, dir_.path() / "blobs", o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    svc_ = std::move(s).value();
  }

  Result<ObjectVersion> Put(std::string_view key, std::string_view data,
                            const WriteConditions& c = {},
                            std::optional<ChecksumAlgorithm> alg = std::nullopt) {
    auto w = svc_->NewWriter(data.size(), alg);
    if (!w.ok()) return w.status();
    // Several appends, as a streamed body arrives.
    for (size_t i = 0; i < data.size(); i += 700) {
      if (auto st = (*w)->Append(data.substr(i, 700)); !st.ok()) return st;
    }
    ObjectVersion meta;
    meta.content_type = "text/plain";
    return svc_->PutObject("b", key, meta, **w, c);
  }

  std::string Read(std::string_view key, std::optional<std::string_view> vid = std::nullopt) {
    auto o = svc_->OpenObject("b", key, vid);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    if (!o.ok() || !o->reader) return "<none>";
    std::string all, piece;
    for (uint64_t off = 0; off < o->reader->size(); off += piece.size()) {
      EXPECT_TRUE(o->reader->ReadAt(off, 333, piece).ok());
      if (piece.empty()) break;
      all += piece;
    }
    return all;
  }

  size_t FilesUnder(const std::filesystem::path& p) {
    size_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(p)) n += e.is_regular_file();
    return n;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<ObjectService> svc_;
};

TEST_F(ObjectServiceTest, BucketsCreateListDelete) {
  auto again = svc_->CreateBucket("b");
  EXPECT_EQ(again.status().reason(), "BucketAlreadyOwnedByYou");
  ASSERT_TRUE(svc_->CreateBucket("a").ok());
  auto list = svc_->ListBuckets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a");
  EXPECT_TRUE((*list)[0].public_access_block.has_value());
  ASSERT_TRUE(Put("k", "x").ok());
  EXPECT_EQ(svc_->DeleteBucket("b").reason(), "BucketNotEmpty");
  ASSERT_TRUE(svc_->DeleteObject("b", "k").ok());
  EXPECT_TRUE(svc_->DeleteBucket("b").ok());
  EXPECT_EQ(svc_->GetBucket("b").status().reason(), "NoSuchBucket");
  EXPECT_EQ(Put("k", "x").status().reason(), "NoSuchBucket");
}

TEST_F(ObjectServiceTest, PutGetSmallAndLarge) {
  std::string small = "hello";
  std::string large(5000, 'z');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + i % 26);
  auto a = Put("small", small);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(a->version_id, "null");
  EXPECT_FALSE(a->crc64nvme.empty());
  auto b = Put("large", large);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_FALSE(b->parts[0].data.inline_data);
  EXPECT_EQ(Read("small"), small);
  EXPECT_EQ(Read("large"), large);
  auto head = svc_->HeadObject("b", "large");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 5000u);
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(svc_->HeadObject("b", "nope").status().reason(), "NoSuchKey");
}

TEST_F(ObjectServiceTest, OverwriteReleasesOldData) {
  std::string large(5000, 'q');
  ASSERT_TRUE(Put("k", large).ok());
  ASSERT_EQ(FilesUnder(dir_.path() / "blobs"), 1u);
  ASSERT_TRUE(Put("k", std::string(6000, 'r')).ok());
  EXPECT_EQ(FilesUnder(dir_.path() / "blobs"), 1u);
  EXPECT_EQ(Read("k"), std::string(6000, 'r'));
  ASSERT_TRUE(svc_->DeleteObject("b", "k").ok());
  EXPECT_EQ(FilesUnder(dir_.path() / "blobs"), 0u);
}

TEST_F(ObjectServiceTest, ChecksumOfClientAlgorithm) {
  auto v = Put("k", "Hello world", {}, ChecksumAlgorithm::kCrc32);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->checksum, "i9aeUg==");
  EXPECT_EQ(v->checksum_type, "FULL_OBJECT");
}

TEST_F(ObjectServiceTest, WriteConditions) {
  WriteConditions create_only;
  create_only.if_none_match_any = true;
  ASSERT_TRUE(Put("k", "one", create_only).ok());
  EXPECT_EQ(Put("k", "two", create_only).status().code(), ErrorCode::kPreconditionFailed);
  WriteConditions match;
  match.if_match = "wrong";
  EXPECT_EQ(Put("k", "two", match).status().code(), ErrorCode::kPreconditionFailed);
  match.if_match = svc_->HeadObject("b", "k")->etag;
  EXPECT_TRUE(Put("k", "two", match).ok());
  EXPECT_EQ(Read("k"), "two");
  match.if_match = "*";
  EXPECT_EQ(Put("missing", "x", match).status().reason(), "NoSuchKey");
}

TEST_F(ObjectServiceTest, ListingWithPrefixDelimiterAndPages) {
  for (auto k : {"a/1", "a/2", "b", "c/x/1", "c/y", "d"}) ASSERT_TRUE(Put(k, "v").ok());
  ListQuery q;
  q.delimiter = "/";
  auto r = svc_->ListObjects("b", q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "b");
  EXPECT_EQ(r->objects[1].key, "d");
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"a/", "c/"}));
  EXPECT_FALSE(r->truncated);

  // Pages of two, resuming after the marker.
  std::vector<std::string> seen;
  ListQuery p;
  p.delimiter = "/";
  p.max_keys = 2;
  for (int i = 0; i < 10; ++i) {
    auto page = svc_->ListObjects("b", p);
    ASSERT_TRUE(page.ok());
    for (auto& cp : page->common_prefixes) seen.push_back(cp);
    for (auto& o : page->objects) seen.push_back(o.key);
    if (!page->truncated) break;
    p.start_after = page->next_marker;
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/", "b", "c/", "d"}));

  ListQuery pre;
  pre.prefix = "c/";
  pre.delimiter = "/";
  r = svc_->ListObjects("b", pre);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->objects.size(), 1u);
  EXPECT_EQ(r->objects[0].key, "c/y");
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"c/x/"}));
}

TEST_F(ObjectServiceTest, VersioningKeepsVersionsAndDeleteMarkers) {
  ASSERT_TRUE(Put("k", "null-version").ok());
  ASSERT_TRUE(svc_->UpdateBucket("b", [](BucketInfo& b) {
                  b.versioning = Versioning::kEnabled;
                  return Status::Ok();
                }).ok());
  auto v1 = Put("k", "one");
  auto v2 = Put("k", "two");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_NE(v1->version_id, "null");
  EXPECT_LT(v2->version_id, v1->version_id);  // newer sorts first
  EXPECT_EQ(Read("k"), "two");
  EXPECT_EQ(Read("k", v1->version_id), "one");
  EXPECT_EQ(Read("k", "null"), "null-version");

  auto del = svc_->DeleteObject("b", "k");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(del->delete_marker);
  auto head = svc_->HeadObject("b", "k");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->delete_marker);
  auto list = svc_->ListObjects("b", {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->objects.empty());

  auto versions = svc_->ListObjectVersions("b", {});
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->versions.size(), 4u);
  EXPECT_TRUE(versions->versions[0].version.delete_marker);
  EXPECT_TRUE(versions->versions[0].is_latest);
  EXPECT_EQ(versions->versions[1].version.version_id, v2->version_id);
  EXPECT_FALSE(versions->versions[1].is_latest);
  EXPECT_EQ(versions->versions[3].version.version_id, "null");

  // Removing the delete marker brings v2 back.
  ASSERT_TRUE(svc_->DeleteObject("b", "k", del->version_id).ok());
  EXPECT_EQ(Read("k"), "two");
  // Removing a version by id; malformed ids are refused.
  ASSERT_TRUE(svc_->DeleteObject("b", "k", v2->version_id).ok());
  EXPECT_EQ(Read("k"), "one");
  EXPECT_EQ(svc_->DeleteObject("b", "k", "bogus").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc_->HeadObject("b", "k", v2->version_id).status().reason(), "NoSuchVersion");

  // Version pages of one resume by (key, version id).
  VersionQuery q;
  q.max_keys = 1;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto page = svc_->ListObjectVersions("b", q);
    ASSERT_TRUE(page.ok());
    for (auto& e : page->versions) ids.push_back(e.version.version_id);
    if (!page->truncated) break;
    q.key_marker = page->next_key_marker;
    q.version_id_marker = page->next_version_id_marker;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{v1->version_id, "null"}));
}

TEST_F(ObjectServiceTest, SuspendedVersioningReplacesTheNullVersion) {
  ASSERT_TRUE(svc_->UpdateBucket("b", [](BucketInfo& b) {
                  b.versioning = Versioning::kEnabled;
                  return Status::Ok();
                }).ok());
  auto v1 = Put("k", "one");
  ASSERT_TRUE(svc_->UpdateBucket("b", [](BucketInfo& b) {
                  b.versioning = Versioning::kSuspended;
                  return Status::Ok();
                }).ok());
  ASSERT_TRUE(Put("k", "n1").ok());
  ASSERT_TRUE(Put("k", "n2").ok());
  auto versions = svc_->ListObjectVersions("b", {});
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->versions.size(), 2u);
  EXPECT_EQ(versions->versions[0].version.version_id, "null");
  EXPECT_EQ(Read("k"), "n2");
  EXPECT_EQ(Read("k", v1->version_id), "one");
}

TEST_F(ObjectServiceTest, MultipartAssemblesParts) {
  auto u = svc_->CreateUpload("b", "big", ObjectVersion{}, std::nullopt);
  ASSERT_TRUE(u.ok());
  std::string p1(3000, '1'), p2(2000, '2'), p3(10, '3');
  std::vector<CompletedPartRef> refs;
  for (auto [n, data] : {std::pair{1, &p1}, std::pair{2, &p2}, std::pair{3, &p3}}) {
    auto w = svc_->NewWriter(data->size(), std::nullopt);
    ASSERT_TRUE((*w)->Append(*data).ok());
    auto part = svc_->PutPart("b", "big", u->upload_id, n, **w);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    refs.push_back({n, part->etag});
  }
  auto listed = svc_->ListParts("b", "big", u->upload_id, 0, 2);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->parts.size(), 2u);
  EXPECT_TRUE(listed->truncated);

  auto small = svc_->CompleteUpload("b", "big", u->upload_id, refs, {}, 2500);
  EXPECT_EQ(small.status().reason(), "EntityTooSmall");
  auto bad_order = svc_->CompleteUpload("b", "big", u->upload_id, {refs[1], refs[0]}, {}, 0);
  EXPECT_EQ(bad_order.status().reason(), "InvalidPartOrder");
  auto bad_etag = svc_->CompleteUpload("b", "big", u->upload_id, {{1, "00"}}, {}, 0);
  EXPECT_EQ(bad_etag.status().reason(), "InvalidPart");

  auto done = svc_->CompleteUpload("b", "big", u->upload_id, refs, {}, 1000);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->etag.ends_with("-3"));
  EXPECT_EQ(done->size, 5010u);
  EXPECT_EQ(Read("big"), p1 + p2 + p3);
  // The full-object CRC is combined from the parts' CRCs.
  EXPECT_EQ(done->crc64nvme,
            common::Base64Encode(common::Digest(ChecksumAlgorithm::kCrc64Nvme, p1 + p2 + p3)));
  EXPECT_EQ(svc_->GetUpload("b", "big", u->upload_id).status().reason(), "NoSuchUpload");
}

TEST_F(ObjectServiceTest, FullObjectChecksumOfMultipartUpload) {
  auto u = svc_->CreateUpload("b", "k", ObjectVersion{}, ChecksumAlgorithm::kCrc32, "FULL_OBJECT");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  std::vector<CompletedPartRef> refs;
  std::string all;
  for (int n = 1; n <= 3; ++n) {
    std::string data(1500 + n, static_cast<char>('a' + n));
    all += data;
    auto w = svc_->NewWriter(data.size(), ChecksumAlgorithm::kCrc32);
    ASSERT_TRUE((*w)->Append(data).ok());
    auto part = svc_->PutPart("b", "k", u->upload_id, n, **w);
    ASSERT_TRUE(part.ok());
    refs.push_back({n, part->etag});
  }
  auto done = svc_->CompleteUpload("b", "k", u->upload_id, refs, {}, 0);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->checksum_type, "FULL_OBJECT");
  EXPECT_EQ(done->checksum, common::Base64Encode(common::Digest(ChecksumAlgorithm::kCrc32, all)));
  EXPECT_EQ(svc_->CreateUpload("b", "k", ObjectVersion{}, ChecksumAlgorithm::kSha256, "FULL_OBJECT")
                .status()
                .reason(),
            "InvalidRequest");
}

TEST_F(ObjectServiceTest, AbortDropsPartsAndUnlistedPartsAreReleased) {
  auto u = svc_->CreateUpload("b", "k", ObjectVersion{}, std::nullopt);
  auto w = svc_->NewWriter(std::nullopt, std::nullopt);
  ASSERT_TRUE((*w)->Append(std::string(4000, 'x')).ok());
  ASSERT_TRUE(svc_->PutPart("b", "k", u->upload_id, 1, **w).ok());
  EXPECT_EQ(FilesUnder(dir_.path() / "blobs"), 1u);
  auto uploads = svc_->ListUploads("b", {});
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->uploads.size(), 1u);
  ASSERT_TRUE(svc_->AbortUpload("b", "k", u->upload_id).ok());
  EXPECT_EQ(FilesUnder(dir_.path() / "blobs"), 0u);
  EXPECT_EQ(svc_->AbortUpload("b", "k", u->upload_id).reason(), "NoSuchUpload");
}

TEST_F(ObjectServiceTest, RecoveryRemovesUnreferencedBlobs) {
  // Data committed to a blob whose metadata batch never happened.
  auto w = svc_->NewWriter(std::nullopt, std::nullopt);
  ASSERT_TRUE((*w)->Append(std::string(4000, 'x')).ok());
  ASSERT_TRUE(Put("kept", std::string(4000, 'k')).ok());
  {
    // A crash between a blob's rename and its batch, simulated with a bucket that is gone.
    auto orphan = svc_->NewWriter(std::nullopt, std::nullopt);
    ASSERT_TRUE((*orphan)->Append(std::string(4000, 'o')).ok());
    ObjectVersion meta;
    EXPECT_FALSE(svc_->PutObject("missing-bucket", "k", meta, **orphan).ok());
  }
  Reopen();
  EXPECT_EQ(FilesUnder(dir_.path() / "blobs"), 1u);
  EXPECT_EQ(Read("kept"), std::string(4000, 'k'));
}

TEST_F(ObjectServiceTest, TagsOnVersions) {
  ASSERT_TRUE(Put("k", "v").ok());
  auto t = svc_->SetObjectTags("b", "k", std::nullopt, {{"a", "1"}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(svc_->HeadObject("b", "k")->tags, (Tags{{"a", "1"}}));
  EXPECT_EQ(svc_->SetObjectTags("b", "nope", std::nullopt, {}).status().reason(), "NoSuchKey");
}

TEST(ObjectServiceDurability, SurvivesReopenOnRocksDb) {
  storage::testing::TempDir dir;
  std::string big(300000, 'b');
  {
    auto kv = storage::OpenRocksDb(dir.path() / "meta");
    ASSERT_TRUE(kv.ok());
    auto svc = ObjectService::Open(**kv, dir.path() / "blobs", ServiceOptions{});
    ASSERT_TRUE(svc.ok());
    ASSERT_TRUE((*svc)->CreateBucket("b").ok());
    for (auto [key, data] : {std::pair<std::string, std::string>{"s", "small"}, {"l", big}}) {
      auto w = (*svc)->NewWriter(data.size(), std::nullopt);
      ASSERT_TRUE((*w)->Append(data).ok());
      ASSERT_TRUE((*svc)->PutObject("b", key, ObjectVersion{}, **w).ok());
    }
  }
  auto kv = storage::OpenRocksDb(dir.path() / "meta");
  ASSERT_TRUE(kv.ok());
  auto svc = ObjectService::Open(**kv, dir.path() / "blobs", ServiceOptions{});
  ASSERT_TRUE(svc.ok());
  auto o = (*svc)->OpenObject("b", "l");
  ASSERT_TRUE(o.ok());
  std::string got;
  ASSERT_TRUE(o->reader->ReadAt(0, big.size(), got).ok());
  EXPECT_EQ(got, big);
}

}  // namespace
}  // namespace service::objects
