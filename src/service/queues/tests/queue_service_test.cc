#include "service/queues/queue_service.h"

#include <gtest/gtest.h>

#include "common/tests/fake_clock.h"
#include "storage/fault_kv_store.h"
#include "storage/memory_kv_store.h"

namespace service::queues {
namespace {

using common::testing::FakeClock;

class QueueServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fault = std::make_unique<storage::FaultKvStore>(storage::NewMemoryKvStore());
    fault_ = fault.get();
    kv_ = std::move(fault);
    Reopen();
  }

  void Reopen() {
    service_.reset();
    QueueServiceOptions o;
    o.region = "us-east-1";
    o.start_maintenance = false;
    o.clock = clock_.fn();
    service_ = QueueService::Open(*kv_, o).value();
  }

  SentMessage Send(std::string_view queue, std::string body, std::string group = {}, std::string dedup = {}) {
    NewMessage m;
    m.body = std::move(body);
    m.group_id = std::move(group);
    m.deduplication_id = std::move(dedup);
    std::vector<NewMessage> v;
    v.push_back(std::move(m));
    auto r = service_->Send(queue, std::move(v), "AIDA");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE((*r)[0].ok()) << (*r)[0].status().ToString();
    return *(*r)[0];
  }

  std::vector<ReceivedMessage> Receive(std::string_view queue, int max = 10, std::optional<int> vt = std::nullopt) {
    ReceiveOptions o;
    o.max_messages = max;
    o.visibility_timeout = vt;
    auto r = service_->Receive(queue, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<ReceivedMessage>{};
  }

  std::string Attr(std::string_view queue, std::string name) {
    return service_->GetAttributes(queue, {name}).value()[name];
  }

  FakeClock clock_;
  std::unique_ptr<storage::KvStore> kv_;
  storage::FaultKvStore* fault_ = nullptr;
  std::unique_ptr<QueueService> service_;
};

TEST(Md5OfAttributes, MatchesPublishedValues) {
  MessageAttributes a;
  a["timestamp"] = {"Number", "1493147359900", ""};
  EXPECT_EQ(Md5OfAttributes(a), "235c5c510d26fb653d073faed50ae77c");
  MessageAttributes b;
  b["SellerName"] = {"String", "Example Store", ""};
  EXPECT_EQ(Md5OfAttributes(b), "cd28f3b68aeee4b2eac9c66f2f694b58");
  MessageAttributes c;
  c["ordinal"] = {"Number", "1", ""};
  c["category"] = {"String", "test", ""};
  EXPECT_EQ(Md5OfAttributes(c), "d21ae90c49061e927f57df5f5d72be1f");
  EXPECT_EQ(Md5OfAttributes({}), "");
}

TEST_F(QueueServiceTest, SendReceiveDeleteAndVisibility) {
  ASSERT_TRUE(service_->CreateQueue("q", {{"VisibilityTimeout", "5"}}, {}).ok());
  auto sent = Send("q", "hello");
  EXPECT_EQ(sent.md5_of_body, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessages"), "1");
  auto got = Receive("q");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "hello");
  EXPECT_EQ(got[0].message_id, sent.message_id);
  EXPECT_EQ(got[0].system.at("ApproximateReceiveCount"), "1");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessagesNotVisible"), "1");
  EXPECT_TRUE(Receive("q").empty());  // in flight
  clock_.Advance(5.1);
  auto again = Receive("q");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].system.at("ApproximateReceiveCount"), "2");
  EXPECT_NE(again[0].receipt_handle, got[0].receipt_handle);
  // The old handle cannot change visibility; the new one can.
  auto cv = service_->ChangeVisibility("q", {{got[0].receipt_handle, 0}, {again[0].receipt_handle, 0}}).value();
  EXPECT_EQ(cv[0].reason(), "MessageNotInflight");
  EXPECT_TRUE(cv[1].ok());
  auto third = Receive("q");
  ASSERT_EQ(third.size(), 1u);
  auto del = service_->Delete("q", {third[0].receipt_handle, "bm90LWEtaGFuZGxl"}).value();
  EXPECT_TRUE(del[0].ok());
  EXPECT_EQ(del[1].reason(), "ReceiptHandleIsInvalid");
  clock_.Advance(60);
  EXPECT_TRUE(Receive("q").empty());
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessages"), "0");
}

TEST_F(QueueServiceTest, SurvivesReopenWithInflightStillInvisible) {
  ASSERT_TRUE(service_->CreateQueue("q", {}, {{"team", "a"}}).ok());
  Send("q", "one");
  Send("q", "two");
  auto got = Receive("q", 1, 100);
  ASSERT_EQ(got.size(), 1u);
  Reopen();
  EXPECT_EQ(service_->ListTags("q").value().at("team"), "a");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessagesNotVisible"), "1");
  auto rest = Receive("q");
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_NE(rest[0].body, got[0].body);
  // The handle from before the restart still deletes.
  EXPECT_TRUE(service_->Delete("q", {got[0].receipt_handle}).value()[0].ok());
  Reopen();
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessagesNotVisible"), "1");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessages"), "0");
}

TEST_F(QueueServiceTest, FailedWriteAcknowledgesNothing) {
  ASSERT_TRUE(service_->CreateQueue("q", {}, {}).ok());
  fault_->FailNextWrites(1);
  NewMessage m;
  m.body = "lost?";
  std::vector<NewMessage> v;
  v.push_back(std::move(m));
  EXPECT_FALSE(service_->Send("q", std::move(v), "x").ok());
  EXPECT_TRUE(Receive("q").empty());
  Send("q", "kept");
  fault_->FailNextWrites(1);
  ReceiveOptions o;
  EXPECT_FALSE(service_->Receive("q", o).ok());
  auto got = Receive("q");  // the failed receive returned it to the queue
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].system.at("ApproximateReceiveCount"), "2");
}

TEST_F(QueueServiceTest, MovesToDeadLetterQueueAfterMaxReceives) {
  ASSERT_TRUE(service_->CreateQueue("dlq", {}, {}).ok());
  std::string policy = R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"})";
  ASSERT_TRUE(service_->CreateQueue("src", {{"RedrivePolicy", policy}, {"VisibilityTimeout", "1"}}, {}).ok());
  EXPECT_EQ(service_->DeadLetterSources("dlq").value(), std::vector<std::string>{"src"});
  auto sent = Send("src", "poison");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Receive("src").size(), 1u) << i;
    clock_.Advance(1.1);
  }
  service_->RunMaintenance();
  EXPECT_TRUE(Receive("src").empty());
  auto dead = Receive("dlq");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message_id, sent.message_id);
  EXPECT_EQ(dead[0].system.at("DeadLetterQueueSourceArn"), "arn:aws:sqs:us-east-1:000000000000:src");
  EXPECT_TRUE(service_->ChangeVisibility("dlq", {{dead[0].receipt_handle, 0}}).value()[0].ok());

  // Redrive back to the source.
  auto handle = service_->StartMoveTask("arn:aws:sqs:us-east-1:000000000000:dlq", "", 10);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(service_->StartMoveTask("arn:aws:sqs:us-east-1:000000000000:dlq", "", 10).status().reason(),
            "UnsupportedOperation");
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(0.1);
    service_->RunMaintenance();
  }
  auto tasks = service_->ListMoveTasks("arn:aws:sqs:us-east-1:000000000000:dlq", 10).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, MoveTaskStatus::kCompleted);
  EXPECT_EQ(tasks[0].moved, 1);
  auto back = Receive("src");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].body, "poison");
  EXPECT_EQ(back[0].system.at("ApproximateReceiveCount"), "1");
  EXPECT_EQ(service_->StartMoveTask("arn:aws:sqs:us-east-1:000000000000:src", "", {}).status().reason(),
            "InvalidParameterValue");
}

TEST_F(QueueServiceTest, FifoOrderPerGroupAndDeduplication) {
  EXPECT_EQ(service_->CreateQueue("f.fifo", {}, {}).status().reason(), "InvalidParameterValue");
  ASSERT_TRUE(service_->CreateQueue("f.fifo", {{"FifoQueue", "true"}}, {}).ok());
  auto a1 = Send("f.fifo", "a1", "A", "1");
  auto dup = Send("f.fifo", "a1-again", "A", "1");
  EXPECT_EQ(dup.message_id, a1.message_id);
  EXPECT_EQ(dup.sequence_number, a1.sequence_number);
  Send("f.fifo", "a2", "A", "2");
  Send("f.fifo", "b1", "B", "3");
  auto first = Receive("f.fifo", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].body, "a1");
  // Group A is in flight: only B can be received.
  auto second = Receive("f.fifo", 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].body, "b1");
  EXPECT_TRUE(Receive("f.fifo").empty());
  ASSERT_TRUE(service_->Delete("f.fifo", {first[0].receipt_handle}).value()[0].ok());
  auto third = Receive("f.fifo");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].body, "a2");
  // Missing group or deduplication id.
  NewMessage m;
  m.body = "x";
  std::vector<NewMessage> v;
  v.push_back(m);
  EXPECT_EQ((*service_->Send("f.fifo", v, "x"))[0].status().reason(), "MissingParameter");
  v[0].group_id = "A";
  EXPECT_EQ((*service_->Send("f.fifo", v, "x"))[0].status().reason(), "InvalidParameterValue");
  // Deduplication lasts five minutes.
  clock_.Advance(301);
  service_->RunMaintenance();
  auto fresh = Send("f.fifo", "a1", "A", "1");
  EXPECT_NE(fresh.message_id, a1.message_id);
}

// Verifies ReceiveRequestAttemptId: a retried FIFO receive gets the same
// messages and receipt handles (receive count unchanged) until one of them
// is deleted, and a new attempt id gets new messages.
TEST_F(QueueServiceTest, FifoReceiveAttemptsAreRepeatable) {
  ASSERT_TRUE(service_->CreateQueue("r.fifo", {{"FifoQueue", "true"}}, {}).ok());
  Send("r.fifo", "a1", "A", "1");
  Send("r.fifo", "b1", "B", "2");
  ReceiveOptions o;
  o.max_messages = 1;
  o.attempt_id = "attempt-1";
  auto first = service_->Receive("r.fifo", o);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  auto retried = service_->Receive("r.fifo", o);
  ASSERT_TRUE(retried.ok());
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].receipt_handle, (*first)[0].receipt_handle);
  EXPECT_EQ((*retried)[0].system.at("ApproximateReceiveCount"), "1");
  o.attempt_id = "attempt-2";
  auto other = service_->Receive("r.fifo", o);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_NE((*other)[0].body, (*first)[0].body);
  // Deleted: the first attempt is no longer repeatable; nothing else is ready.
  ASSERT_TRUE(service_->Delete("r.fifo", {(*first)[0].receipt_handle}).value()[0].ok());
  o.attempt_id = "attempt-1";
  auto after = service_->Receive("r.fifo", o);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_F(QueueServiceTest, DelayRetentionAndPurge) {
  ASSERT_TRUE(service_->CreateQueue("q", {{"DelaySeconds", "10"}, {"MessageRetentionPeriod", "60"}}, {}).ok());
  Send("q", "late");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessagesDelayed"), "1");
  EXPECT_TRUE(Receive("q").empty());
  ASSERT_NE(service_->NextDeadline("q"), std::nullopt);
  clock_.Advance(10.1);
  EXPECT_EQ(Receive("q", 1, 0).size(), 1u);
  clock_.Advance(60);
  service_->RunMaintenance();
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(Attr("q", "ApproximateNumberOfMessagesNotVisible"), "0");
  Send("q", "purged");
  ASSERT_TRUE(service_->PurgeQueue("q").ok());
  EXPECT_EQ(service_->PurgeQueue("q").reason(), "PurgeQueueInProgress");
  clock_.Advance(11);
  EXPECT_TRUE(Receive("q").empty());
  Reopen();
  clock_.Advance(1);
  EXPECT_TRUE(Receive("q").empty());
}

TEST_F(QueueServiceTest, AttributesAreValidatedAndCompared) {
  EXPECT_EQ(service_->CreateQueue("q", {{"VisibilityTimeout", "99999"}}, {}).status().reason(), "InvalidAttributeValue");
  EXPECT_EQ(service_->CreateQueue("q", {{"Bogus", "1"}}, {}).status().reason(), "InvalidAttributeName");
  EXPECT_EQ(service_->CreateQueue("bad name", {}, {}).status().reason(), "InvalidParameterValue");
  ASSERT_TRUE(service_->CreateQueue("q", {{"VisibilityTimeout", "40"}}, {}).ok());
  EXPECT_TRUE(service_->CreateQueue("q", {{"VisibilityTimeout", "40"}}, {}).ok());
  EXPECT_EQ(service_->CreateQueue("q", {{"VisibilityTimeout", "41"}}, {}).status().reason(), "QueueNameExists");
  EXPECT_EQ(service_->CreateQueue("q2", {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:none","maxReceiveCount":2})"}}, {})
                .status()
                .reason(),
            "InvalidParameterValue");
  ASSERT_TRUE(service_->SetAttributes("q", {{"DelaySeconds", "3"}}).ok());
  auto all = service_->GetAttributes("q", {"All"}).value();
  EXPECT_EQ(all.at("DelaySeconds"), "3");
  EXPECT_EQ(all.at("VisibilityTimeout"), "40");
  EXPECT_EQ(all.at("QueueArn"), "arn:aws:sqs:us-east-1:000000000000:q");
  EXPECT_EQ(service_->GetAttributes("q", {"Nope"}).status().reason(), "InvalidAttributeName");
  ASSERT_TRUE(service_->DeleteQueue("q").ok());
  EXPECT_EQ(service_->GetQueue("q").status().reason(), "QueueDoesNotExist");
  EXPECT_EQ(service_->CreateQueue("q", {}, {}).status().reason(), "QueueDeletedRecently");
}

}  // namespace
}  // namespace service::queues
