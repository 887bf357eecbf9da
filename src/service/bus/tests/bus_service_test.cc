#include "service/bus/bus_service.h"

#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "service/queues/queue_service.h"
#include "service/targets/local_targets.h"
#include "storage/memory_kv_store.h"

namespace service::bus {
namespace {

namespace json = boost::json;

class BusServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kv_ = storage::NewMemoryKvStore();
    Open();
  }
  void Open() {
    bus_.reset();
    queues_.reset();
    queues::QueueServiceOptions qo;
    qo.region = "us-east-1";
    queues_ = queues::QueueService::Open(*kv_, qo).value();
    targets_ = std::make_unique<LocalTargets>("us-east-1", "000000000000", queues_.get());
    BusServiceOptions bo;
    bo.region = "us-east-1";
    bus_ = BusService::Open(*kv_, bo).value();
    ASSERT_TRUE(bus_->Start(targets_.get()).ok());
  }
  std::vector<queues::ReceivedMessage> Wait(std::string_view queue, size_t n) {
    std::vector<queues::ReceivedMessage> got;
    for (int i = 0; i < 200 && got.size() < n; ++i) {
      queues::ReceiveOptions o;
      o.max_messages = 10;
      auto r = queues_->Receive(queue, o);
      if (r.ok()) got.insert(got.end(), r->begin(), r->end());
      if (got.size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return got;
  }

  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<queues::QueueService> queues_;
  std::unique_ptr<LocalTargets> targets_;
  std::unique_ptr<BusService> bus_;
};

Event Make(std::string source, std::string detail) {
  Event e;
  e.source = std::move(source);
  e.detail_type = "Object Created";
  e.detail = std::move(detail);
  return e;
}

TEST_F(BusServiceTest, MatchingEventsReachQueueTargetsTransformed) {
  ASSERT_TRUE(queues_->CreateQueue("q", {}, {}).ok());
  Rule r;
  r.name = "uploads";
  r.event_pattern = R"({"source": ["aws.s3"], "detail": {"object": {"key": [{"prefix": "in/"}]}}})";
  ASSERT_EQ(bus_->PutRule(r).value(), "arn:aws:events:us-east-1:000000000000:rule/uploads");
  Target whole;
  whole.id = "whole";
  whole.arn = "arn:aws:sqs:us-east-1:000000000000:q";
  Target shaped = whole;
  shaped.id = "shaped";
  shaped.transformer = InputTransformer{{{"key", "$.detail.object.key"}}, R"({"k": "<key>", "rule": "<aws.events.rule-name>"})"};
  EXPECT_TRUE(bus_->PutTargets("default", "uploads", {whole, shaped}).value().empty());
  EXPECT_EQ(bus_->DeleteRule("default", "uploads", false).code(), common::ErrorCode::kInvalidArgument);

  std::vector<Event> events{Make("aws.s3", R"({"object": {"key": "in/a.txt"}})"),
                            Make("aws.s3", R"({"object": {"key": "out/b.txt"}})"), Make("aws.s3", "not json")};
  auto res = bus_->PutEvents(events).value();
  EXPECT_FALSE(res[0].event_id.empty());
  EXPECT_FALSE(res[1].event_id.empty());
  EXPECT_EQ(res[2].error_code, "MalformedDetail");
  auto got = Wait("q", 2);
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> bodies{got[0].body, got[1].body};
  EXPECT_TRUE(bodies.contains(R"({"k": "in/a.txt", "rule": "uploads"})")) << *bodies.begin();
  for (const auto& b : bodies) {
    if (b.starts_with("{\"k\"")) continue;
    auto event = json::parse(b).as_object();
    EXPECT_EQ(event.at("id").as_string(), res[0].event_id);
    EXPECT_EQ(event.at("detail").at("object").at("key").as_string(), "in/a.txt");
    EXPECT_EQ(event.at("region").as_string(), "us-east-1");
  }
  ASSERT_TRUE(bus_->SetRuleState("default", "uploads", false).ok());
  bus_->PutEvents({Make("aws.s3", R"({"object": {"key": "in/c.txt"}})")}).value();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  queues::ReceiveOptions o;
  EXPECT_TRUE(queues_->Receive("q", o).value().empty());
}

TEST_F(BusServiceTest, UndeliverableEventsGoToTheDeadLetterQueue) {
  ASSERT_TRUE(queues_->CreateQueue("dlq", {}, {}).ok());
  Rule r;
  r.name = "r";
  r.event_pattern = R"({"source": ["app"]})";
  ASSERT_TRUE(bus_->PutRule(r).ok());
  Target t;
  t.id = "gone";
  t.arn = "arn:aws:sqs:us-east-1:000000000000:missing";
  t.dead_letter_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  t.maximum_retry_attempts = 1;
  ASSERT_TRUE(bus_->PutTargets("default", "r", {t}).value().empty());
  bus_->PutEvents({Make("app", R"({"n": 1})")}).value();
  queues::ReceiveOptions o;
  std::vector<queues::ReceivedMessage> got;
  for (int i = 0; i < 200 && got.empty(); ++i) {
    got = queues_->Receive("dlq", o).value();
    if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].attributes.at("TARGET_ARN").string_value, t.arn);
  EXPECT_EQ(json::parse(got[0].body).at("detail").at("n").as_int64(), 1);
}

TEST_F(BusServiceTest, RulesSurviveReopen) {
  Rule r;
  r.name = "keep";
  r.event_pattern = R"({"source": ["x"]})";
  ASSERT_TRUE(bus_->PutRule(r).ok());
  Open();
  auto d = bus_->DescribeRule("default", "keep").value();
  EXPECT_EQ(d.event_pattern, r.event_pattern);
  EXPECT_EQ(bus_->DescribeRule("default", "nope").status().reason(), "ResourceNotFoundException");
  Rule bad;
  bad.name = "bad";
  bad.event_pattern = R"({"source": "x"})";
  EXPECT_EQ(bus_->PutRule(bad).status().reason(), "InvalidEventPatternException");
}

}  // namespace
}  // namespace service::bus
