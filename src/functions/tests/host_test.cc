#include "functions/host.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "functions/sqs_mapping.h"
#include "service/queues/queue_service.h"
#include "storage/memory_kv_store.h"

namespace functions {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

// Records what the host delivers to on-failure destinations.
class RecordingTargets final : public service::Targets {
 public:
  Status Deliver(std::string_view arn, const service::Delivery& d) override {
    std::lock_guard lock(mu);
    delivered.emplace_back(std::string(arn), d.body);
    return Status::Ok();
  }
  std::vector<std::pair<std::string, std::string>> Delivered() {
    std::lock_guard lock(mu);
    return delivered;
  }
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> delivered;
};

template <typename Pred>
bool Eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("functions-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    kv_ = storage::NewMemoryKvStore();
    handlers_["echo"] = [](Context& ctx, const json::value& event) -> Result<json::value> {
      ctx.Log("echoing");
      return json::value(json::object{{"event", event}, {"env", ctx.env("GREETING")}, {"arn", ctx.function_arn()}});
    };
    handlers_["fail"] = [this](Context&, const json::value& event) -> Result<json::value> {
      ++fail_calls_;
      if (event.is_object() && event.as_object().contains("ok_after") &&
          fail_calls_ > event.as_object().at("ok_after").as_int64()) {
        return json::value(nullptr);
      }
      return Status(ErrorCode::kInvalidArgument, "boom", "BoomError");
    };
    handlers_["slow"] = [](Context& ctx, const json::value&) -> Result<json::value> {
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      auto aws = ctx.Aws();  // past the deadline: any call would fail
      return json::value(aws.ok());
    };
    handlers_["sqs"] = [this](Context&, const json::value& event) -> Result<json::value> {
      std::lock_guard lock(mu_);
      json::array failures;
      for (const auto& r : event.at("Records").as_array()) {
        std::string body(r.at("body").as_string());
        bodies_.push_back(body);
        if (body.starts_with("bad")) failures.push_back(json::object{{"itemIdentifier", r.at("messageId")}});
      }
      ++batches_;
      return json::value(json::object{{"batchItemFailures", std::move(failures)}});
    };
  }
  void TearDown() override {
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open(std::vector<FunctionSpec> specs) {
    host_.reset();
    HostOptions o;
    o.region = "ap-south-1";
    o.log_dir = dir_;
    o.handlers = handlers_;
    o.retry_backoff = std::chrono::milliseconds(20);
    o.async_threads = 2;
    auto host = FunctionHost::Open(*kv_, o, std::move(specs), &targets_, &metrics_);
    ASSERT_TRUE(host.ok()) << host.status().ToString();
    host_ = std::move(host).value();
    ASSERT_TRUE(host_->Start().ok());
  }

  static FunctionSpec Spec(std::string name, std::string handler = "") {
    FunctionSpec s;
    s.name = std::move(name);
    s.handler = std::move(handler);
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::KvStore> kv_;
  std::map<std::string, Handler, std::less<>> handlers_;
  RecordingTargets targets_;
  common::metrics::Registry metrics_;
  std::unique_ptr<FunctionHost> host_;
  std::atomic<int> fail_calls_{0};
  std::mutex mu_;
  std::vector<std::string> bodies_;
  int batches_ = 0;
};

TEST_F(HostTest, InvokeRunsTheHandlerWithItsEnvironmentAndLogs) {
  auto spec = Spec("greeter", "echo");
  spec.environment["GREETING"] = "hello";
  Open({spec});
  auto r = host_->Invoke("greeter", json::object{{"k", 1}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->failed);
  EXPECT_EQ(r->payload.at("env").as_string(), "hello");
  EXPECT_EQ(r->payload.at("event").at("k").as_int64(), 1);
  EXPECT_EQ(r->payload.at("arn").as_string(), "arn:aws:lambda:ap-south-1:000000000000:function:greeter");
  std::string log = ReadFile(dir_ / "greeter.log");
  EXPECT_NE(log.find("START RequestId: " + r->request_id), std::string::npos) << log;
  EXPECT_NE(log.find(r->request_id + "\techoing"), std::string::npos) << log;
  EXPECT_NE(log.find("REPORT RequestId: " + r->request_id), std::string::npos) << log;
  EXPECT_NE(metrics_.RenderPrometheus().find("stratus_function_invocations_total{function=\"greeter\"} 1"),
            std::string::npos);
}

TEST_F(HostTest, UnknownHandlerOrFunctionIsRefused) {
  HostOptions o;
  o.log_dir = dir_;
  o.handlers = handlers_;
  auto host = FunctionHost::Open(*kv_, o, {Spec("x", "no-such-handler")}, nullptr, nullptr);
  EXPECT_EQ(host.status().code(), ErrorCode::kInvalidArgument);
  Open({Spec("echo")});
  EXPECT_EQ(host_->Invoke("nope", json::value()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(host_->InvokeAsync("nope", "{}").code(), ErrorCode::kNotFound);
}

TEST_F(HostTest, AHandlerErrorIsAFailedResultWithItsType) {
  Open({Spec("fail")});
  auto r = host_->Invoke("fail", json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->failed);
  EXPECT_EQ(r->payload.at("errorType").as_string(), "BoomError");
  EXPECT_EQ(r->payload.at("errorMessage").as_string(), "boom");
}

TEST_F(HostTest, AnOverrunIsATimeoutAndAwsCallsStop) {
  auto spec = Spec("slow");
  spec.timeout = std::chrono::seconds(1);
  Open({spec});
  auto r = host_->Invoke("slow", json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->failed);
  EXPECT_EQ(r->payload.at("errorType").as_string(), "Sandbox.Timedout");
  EXPECT_NE(ReadFile(dir_ / "slow.log").find("Task timed out after 1.00 seconds"), std::string::npos);
}

TEST_F(HostTest, ReservedConcurrencyThrottles) {
  auto spec = Spec("slow");
  spec.timeout = std::chrono::seconds(5);
  spec.reserved_concurrency = 1;
  Open({spec});
  std::thread t([&] { (void)host_->Invoke("slow", json::object()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(host_->Invoke("slow", json::object()).status().code(), ErrorCode::kThrottled);
  t.join();
  EXPECT_NE(metrics_.RenderPrometheus().find("stratus_function_throttles_total{function=\"slow\"} 1"),
            std::string::npos);
}

TEST_F(HostTest, AsyncRetriesThenSucceeds) {
  Open({Spec("fail")});
  ASSERT_TRUE(host_->InvokeAsync("fail", R"({"ok_after": 2})").ok());
  EXPECT_TRUE(Eventually([&] { return fail_calls_ == 3 && host_->async_pending() == 0; }));
  EXPECT_TRUE(targets_.Delivered().empty());
}

TEST_F(HostTest, AsyncExhaustedGoesToTheOnFailureDestination) {
  auto spec = Spec("fail");
  spec.maximum_retry_attempts = 1;
  spec.on_failure = "arn:aws:sqs:ap-south-1:000000000000:failures";
  Open({spec});
  ASSERT_TRUE(host_->InvokeAsync("fail", R"({"n": 7})").ok());
  ASSERT_TRUE(Eventually([&] { return targets_.Delivered().size() == 1; }));
  EXPECT_EQ(fail_calls_, 2);
  auto [arn, body] = targets_.Delivered()[0];
  EXPECT_EQ(arn, spec.on_failure);
  json::value d = json::parse(body);
  EXPECT_EQ(d.at("requestContext").at("condition").as_string(), "RetriesExhausted");
  EXPECT_EQ(d.at("requestContext").at("approximateInvokeCount").as_int64(), 2);
  EXPECT_EQ(d.at("requestPayload").at("n").as_int64(), 7);
  EXPECT_EQ(d.at("responsePayload").at("errorMessage").as_string(), "boom");
}

TEST_F(HostTest, AsyncEventsSurviveARestart) {
  auto spec = Spec("fail");
  spec.maximum_retry_attempts = 2;
  Open({spec});
  host_->Stop();  // nothing runs: the event stays stored
  ASSERT_TRUE(host_->InvokeAsync("fail", R"({"ok_after": 0})").ok());
  Open({spec});  // a new host over the same store finds it
  EXPECT_TRUE(Eventually([&] { return fail_calls_ == 1 && host_->async_pending() == 0; }));
}

class SqsMappingTest : public HostTest {
 protected:
  void SetUp() override {
    HostTest::SetUp();
    service::queues::QueueServiceOptions o;
    o.region = "ap-south-1";
    queues_ = service::queues::QueueService::Open(*kv_, o).value();
    ASSERT_TRUE(queues_->CreateQueue("work", {{"VisibilityTimeout", "1"}}, {}).ok());
  }
  void TearDown() override {
    mapping_.reset();
    HostTest::TearDown();
    queues_.reset();
  }
  void Send(std::string body) {
    std::vector<service::queues::NewMessage> m(1);
    m[0].body = std::move(body);
    ASSERT_TRUE(queues_->Send("work", std::move(m), "test").ok());
  }
  int64_t Visible() { return std::stoll(queues_->GetAttributes("work", {"ApproximateNumberOfMessages"}).value()["ApproximateNumberOfMessages"]); }
  int64_t InFlight() {
    return std::stoll(queues_->GetAttributes("work", {"ApproximateNumberOfMessagesNotVisible"})
                          .value()["ApproximateNumberOfMessagesNotVisible"]);
  }

  std::unique_ptr<service::queues::QueueService> queues_;
  std::unique_ptr<SqsMapping> mapping_;
};

TEST_F(SqsMappingTest, BatchesAreInvokedAndDeleted) {
  Open({Spec("consumer", "sqs")});
  SqsMappingSpec s;
  s.function = "consumer";
  s.queue = "work";
  s.batch_size = 5;
  s.maximum_batching_window = std::chrono::milliseconds(300);
  s.maximum_concurrency = 1;
  mapping_ = std::make_unique<SqsMapping>(*host_, *queues_, s, &metrics_);
  ASSERT_TRUE(mapping_->Start().ok());
  for (int i = 0; i < 5; ++i) Send("m" + std::to_string(i));
  ASSERT_TRUE(Eventually([&] { return Visible() == 0 && InFlight() == 0; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(bodies_.size(), 5u);
  EXPECT_LE(batches_, 2);  // gathered within the window, not one call per message
}

TEST_F(SqsMappingTest, ReportedFailuresStayAndComeBack) {
  Open({Spec("consumer", "sqs")});
  SqsMappingSpec s;
  s.function = "consumer";
  s.queue = "work";
  s.report_batch_item_failures = true;
  mapping_ = std::make_unique<SqsMapping>(*host_, *queues_, s, &metrics_);
  ASSERT_TRUE(mapping_->Start().ok());
  Send("good");
  Send("bad one");
  // The bad message is seen again after the 1 s visibility timeout.
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu_);
    return std::count(bodies_.begin(), bodies_.end(), "bad one") >= 2;
  }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(std::count(bodies_.begin(), bodies_.end(), "good"), 1);
}

TEST_F(SqsMappingTest, AFailedInvocationDeletesNothing) {
  Open({Spec("fail")});
  SqsMappingSpec s;
  s.function = "fail";
  s.queue = "work";
  mapping_ = std::make_unique<SqsMapping>(*host_, *queues_, s, &metrics_);
  ASSERT_TRUE(mapping_->Start().ok());
  Send("x");
  ASSERT_TRUE(Eventually([&] { return fail_calls_ >= 2; }));  // redelivered after the visibility timeout
  mapping_->Stop();
  EXPECT_EQ(Visible() + InFlight(), 1);
}

TEST_F(SqsMappingTest, AMissingFunctionOrBadBatchSizeIsRefused) {
  Open({Spec("consumer", "sqs")});
  SqsMappingSpec s;
  s.function = "nobody";
  s.queue = "work";
  EXPECT_EQ(SqsMapping(*host_, *queues_, s, nullptr).Start().code(), ErrorCode::kNotFound);
  s.function = "consumer";
  s.batch_size = 0;
  EXPECT_EQ(SqsMapping(*host_, *queues_, s, nullptr).Start().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SqsMappingTest, AQueueCreatedLaterIsPolled) {
  Open({Spec("consumer", "sqs")});
  SqsMappingSpec s;
  s.function = "consumer";
  s.queue = "later";
  mapping_ = std::make_unique<SqsMapping>(*host_, *queues_, s, &metrics_);
  ASSERT_TRUE(mapping_->Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(queues_->CreateQueue("later", {}, {}).ok());
  std::vector<service::queues::NewMessage> m(1);
  m[0].body = "hello";
  ASSERT_TRUE(queues_->Send("later", std::move(m), "test").ok());
  EXPECT_TRUE(Eventually([&] {
    std::lock_guard lock(mu_);
    return bodies_.size() == 1;
  }));
}

}  // namespace
}  // namespace functions
