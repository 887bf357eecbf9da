// Replication: the backlog the object service keeps with each write, replica
// installation, destination resolution and the classification of answers.

#include <gtest/gtest.h>

#include "replication/destinations.h"
#include "replication/transfer.h"
#include "service/objects/object_service.h"
#include "storage/memory_kv_store.h"
#include "storage/tests/temp_dir.h"

namespace replication {
namespace {

using service::objects::BacklogEntry;
using service::objects::ObjectService;
using service::objects::ObjectVersion;
using service::objects::ReplicaOrigin;
using service::objects::ReplicationConfig;
using service::objects::ReplicationRule;
using service::objects::Versioning;

class BacklogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kv_ = storage::NewMemoryKvStore();
    Reopen();
    for (const char* b : {"src", "dst"}) {
      ASSERT_TRUE(svc_->CreateBucket(b).ok());
      ASSERT_TRUE(svc_->UpdateBucket(b, [](auto& info) {
                        info.versioning = Versioning::kEnabled;
                        return common::Status::Ok();
                      }).ok());
    }
  }
  void Reopen() {
    svc_.reset();
    service::objects::ServiceOptions o;
    o.region = "ap-south-1";
    auto s = ObjectService::Open(*kv_, dir_.path() / "blobs", o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    svc_ = std::move(s).value();
    svc_->SetBacklogListener([this](std::vector<BacklogEntry> e) {
      for (auto& x : e) announced_.push_back(std::move(x));
    });
  }
  void SetRules(std::vector<ReplicationRule> rules) {
    ASSERT_TRUE(svc_->UpdateBucket("src", [&](auto& info) {
                      info.replication = ReplicationConfig{"role", rules};
                      return common::Status::Ok();
                    }).ok());
  }
  static ReplicationRule Rule(std::string id, std::string dest, std::string prefix = "",
                              int priority = 0) {
    ReplicationRule r;
    r.id = std::move(id);
    r.destination = std::move(dest);
    r.prefix = std::move(prefix);
    r.priority = priority;
    return r;
  }
  ObjectVersion Put(std::string_view bucket, std::string_view key, std::string_view data,
                    ObjectVersion meta = {}) {
    auto w = svc_->NewWriter(data.size(), std::nullopt);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Append(data).ok());
    auto v = svc_->PutObject(bucket, key, std::move(meta), **w);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ObjectVersion{};
  }
  std::vector<BacklogEntry> Backlog() {
    auto b = svc_->ListBacklog("", 1000);
    EXPECT_TRUE(b.ok());
    return b.ok() ? *b : std::vector<BacklogEntry>{};
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<ObjectService> svc_;
  std::vector<BacklogEntry> announced_;
};

TEST_F(BacklogTest, MatchingWriteIsQueuedWithItAndCompletes) {
  SetRules({Rule("docs", "arn:aws:s3:::dst", "docs/")});
  Put("src", "other/a", "x");
  EXPECT_TRUE(Backlog().empty());
  auto v = Put("src", "docs/a", "hello");
  EXPECT_EQ(v.replication_status, "PENDING");
  auto backlog = Backlog();
  ASSERT_EQ(backlog.size(), 1u);
  EXPECT_EQ(backlog[0].key, "docs/a");
  EXPECT_EQ(backlog[0].version_id, v.version_id);
  EXPECT_EQ(backlog[0].rule_id, "docs");
  EXPECT_EQ(backlog[0].size, 5u);
  ASSERT_EQ(announced_.size(), 1u);
  EXPECT_EQ(announced_[0].id, backlog[0].id);

  // Survives a restart (it is in the store, not only announced).
  Reopen();
  ASSERT_EQ(Backlog().size(), 1u);
  ASSERT_TRUE(svc_->FinishReplication(backlog[0], true).ok());
  EXPECT_TRUE(Backlog().empty());
  EXPECT_EQ(svc_->HeadObject("src", "docs/a")->replication_status, "COMPLETED");
  EXPECT_EQ(svc_->HeadObject("src", "docs/a", v.version_id)->replication_status, "COMPLETED");
}

TEST_F(BacklogTest, OneEntryPerDestinationHighestPriorityWinsAndFailureIsSticky) {
  auto low = Rule("low", "arn:aws:s3:::dst", "", 1);
  low.storage_class = "STANDARD_IA";
  auto high = Rule("high", "arn:aws:s3:::dst", "", 5);
  SetRules({low, high, Rule("other", "arn:aws:s3:::elsewhere", "", 2)});
  auto v = Put("src", "k", "data");
  auto backlog = Backlog();
  ASSERT_EQ(backlog.size(), 2u);
  std::set<std::string> rules{backlog[0].rule_id, backlog[1].rule_id};
  EXPECT_EQ(rules, (std::set<std::string>{"high", "other"}));
  ASSERT_TRUE(svc_->FinishReplication(backlog[0], false).ok());
  EXPECT_EQ(svc_->HeadObject("src", "k")->replication_status, "FAILED");
  ASSERT_TRUE(svc_->FinishReplication(backlog[1], true).ok());
  EXPECT_EQ(svc_->HeadObject("src", "k")->replication_status, "FAILED");
}

TEST_F(BacklogTest, TagFiltersAndDisabledRules) {
  auto tagged = Rule("tagged", "arn:aws:s3:::dst");
  tagged.tags = {{"replicate", "yes"}};
  auto off = Rule("off", "arn:aws:s3:::elsewhere");
  off.enabled = false;
  SetRules({tagged, off});
  Put("src", "plain", "x");
  EXPECT_TRUE(Backlog().empty());
  ObjectVersion meta;
  meta.tags = {{"a", "b"}, {"replicate", "yes"}};
  Put("src", "marked", "x", meta);
  ASSERT_EQ(Backlog().size(), 1u);
  EXPECT_EQ(Backlog()[0].key, "marked");
}

TEST_F(BacklogTest, DeleteMarkersOnlyWithDeleteMarkerReplication) {
  auto rule = Rule("r", "arn:aws:s3:::dst");
  SetRules({rule});
  Put("src", "k", "x");
  for (const auto& e : Backlog()) ASSERT_TRUE(svc_->FinishReplication(e, true).ok());
  ASSERT_TRUE(svc_->DeleteObject("src", "k").ok());
  EXPECT_TRUE(Backlog().empty());
  rule.delete_marker_replication = true;
  SetRules({rule});
  auto out = svc_->DeleteObject("src", "k");
  ASSERT_TRUE(out.ok());
  auto backlog = Backlog();
  ASSERT_EQ(backlog.size(), 1u);
  EXPECT_TRUE(backlog[0].delete_marker);
  EXPECT_EQ(backlog[0].version_id, out->version_id);
  // Deleting a specific version is not replicated (as S3).
  ASSERT_TRUE(svc_->FinishReplication(backlog[0], true).ok());
  auto v = Put("src", "k2", "x");
  announced_.clear();
  for (const auto& e : Backlog()) ASSERT_TRUE(svc_->FinishReplication(e, true).ok());
  ASSERT_TRUE(svc_->DeleteObject("src", "k2", v.version_id).ok());
  EXPECT_TRUE(Backlog().empty());
  EXPECT_TRUE(announced_.empty());
}

TEST_F(BacklogTest, ReplicasKeepTheirVersionAndTheNewestWinsWhateverTheOrder) {
  // Replica writes into a bucket that itself replicates are not queued again.
  ASSERT_TRUE(svc_->UpdateBucket("dst", [](auto& info) {
                    info.replication = ReplicationConfig{"role", {Rule("back", "arn:aws:s3:::src")}};
                    return common::Status::Ok();
                  }).ok());
  SetRules({Rule("r", "arn:aws:s3:::dst")});
  auto v1 = Put("src", "k", "one");
  auto v2 = Put("src", "k", "two");
  ASSERT_EQ(Backlog().size(), 2u);
  auto replicate = [&](const ObjectVersion& v, std::string_view data) {
    ObjectVersion meta;
    meta.replication_status = "REPLICA";
    meta.version_id = v.version_id;
    meta.last_modified_ms = v.last_modified_ms;
    return Put("dst", "k", data, meta);
  };
  // The newer version arrives first; the older one must not become current.
  auto r2 = replicate(v2, "two");
  EXPECT_EQ(r2.version_id, v2.version_id);
  auto r1 = replicate(v1, "one");
  EXPECT_EQ(r1.version_id, v1.version_id);
  auto cur = svc_->HeadObject("dst", "k");
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->version_id, v2.version_id);
  EXPECT_EQ(cur->replication_status, "REPLICA");
  EXPECT_EQ(cur->last_modified_ms, v2.last_modified_ms);
  // Shipping a version again replaces it: still two versions.
  replicate(v2, "two");
  auto versions = svc_->ListObjectVersions("dst", {});
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->versions.size(), 2u);
  // Only the two source writes are in the backlog: no loop back from dst.
  EXPECT_EQ(Backlog().size(), 2u);

  // A replicated delete marker keeps its id too.
  auto marker = svc_->DeleteObject("dst", "k", std::nullopt,
                                   ReplicaOrigin{std::string(32, 'f'), 1});
  ASSERT_TRUE(marker.ok());
  // Its id sorts as older than v2 (a larger inverted stamp): v2 stays current.
  EXPECT_EQ(svc_->HeadObject("dst", "k")->version_id, v2.version_id);
}

TEST_F(BacklogTest, ExistingObjectsAreQueuedOnce) {
  Put("src", "a", "1");
  Put("src", "b", "2");
  auto rule = Rule("r", "arn:aws:s3:::dst");
  rule.existing_object_replication = true;
  SetRules({rule});
  auto n = svc_->QueueExistingObjects("src");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(svc_->QueueExistingObjects("src").value(), 0u);
  EXPECT_EQ(Backlog().size(), 2u);
  EXPECT_EQ(svc_->HeadObject("src", "a")->replication_status, "PENDING");
}

TEST(BucketArnTest, Parses) {
  auto a = ParseBucketArn("arn:aws:s3:::replica");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->bucket, "replica");
  EXPECT_EQ(a->region, "");
  auto b = ParseBucketArn("arn:aws:s3:ap-southeast-1:123456789012:replica");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->region, "ap-southeast-1");
  for (const char* bad : {"", "replica", "arn:aws:sqs:::q", "arn:aws:s3:::", "arn:aws:s3:::a/b",
                          "arn:aws:s3::a", "arn::s3:::b"}) {
    EXPECT_FALSE(ParseBucketArn(bad).ok()) << bad;
  }
}

TEST(ResolverTest, EndpointsThenRegionsThenBuckets) {
  common::ReplicationEndpoint listed{"eu-west-1", {"127.0.0.1", 9000}, "AKIAOTHER", "secret", {"backup"}};
  common::ReplicationEndpoint regional{"us-west-2", {"127.0.0.1", 9001}, "", "", {}};
  std::vector<Resolver::LocalRegion> locals{
      {"ap-southeast-1", {"127.0.0.1", 4567}, [](std::string_view b) { return b == "replica"; }}};
  Resolver r({listed, regional}, locals, auth::Credentials{"AKIAADMIN", "adminsecret", ""});

  auto d = r.Resolve("arn:aws:s3:::backup");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->endpoint.address.port, 9000);
  EXPECT_EQ(d->endpoint.credentials.access_key_id, "AKIAOTHER");
  d = r.Resolve("arn:aws:s3:us-west-2::x");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->endpoint.address.port, 9001);
  EXPECT_EQ(d->endpoint.credentials.access_key_id, "AKIAADMIN");
  d = r.Resolve("arn:aws:s3:ap-southeast-1::anything");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->endpoint.region, "ap-southeast-1");
  d = r.Resolve("arn:aws:s3:::replica");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->endpoint.address.port, 4567);
  EXPECT_EQ(r.Resolve("arn:aws:s3:::nowhere").status().code(), common::ErrorCode::kNotFound);
  EXPECT_EQ(r.Resolve("arn:aws:s3:sa-east-1::x").status().code(), common::ErrorCode::kNotFound);
}

net::ClientResponse Answer(unsigned status, std::string body = "") {
  net::ClientResponse r;
  r.result(status);
  r.body() = std::move(body);
  return r;
}

TEST(ClassifyTest, RetriesWhatMaySucceedAndFailsWhatCannot) {
  auto is = [](common::Result<net::ClientResponse> r) { return Classify(r).outcome; };
  EXPECT_EQ(is(Answer(200)), Outcome::kDone);
  EXPECT_EQ(is(Answer(204)), Outcome::kDone);
  EXPECT_EQ(is(Answer(500)), Outcome::kTransient);
  EXPECT_EQ(is(Answer(503, "<Error><Code>SlowDown</Code></Error>")), Outcome::kTransient);
  EXPECT_EQ(is(Answer(400, "<Error><Code>BadDigest</Code></Error>")), Outcome::kMismatch);
  EXPECT_EQ(is(Answer(400, "<Error><Code>RequestTimeout</Code></Error>")), Outcome::kTransient);
  EXPECT_EQ(is(Answer(403, "<Error><Code>AccessDenied</Code></Error>")), Outcome::kPermanent);
  EXPECT_EQ(Classify(Answer(404, "<Error><Code>NoSuchBucket</Code></Error>")).reason, "NoSuchBucket");
  EXPECT_EQ(is(common::Status(common::ErrorCode::kUnavailable, "refused")), Outcome::kTransient);
  EXPECT_EQ(Classify(common::Status(common::ErrorCode::kTimeout, "t")).reason, "timeout");
}

}  // namespace
}  // namespace replication
