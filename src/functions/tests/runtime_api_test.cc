// RuntimeApi's waiting side (the HTTP side is driven end to end in
// tests/e2e/test_runtime_api.py): an event nobody fetches times out, and
// Stop ends a waiting invocation at once.

#include "functions/runtime_api.h"

#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace functions {
namespace {

using common::ErrorCode;

TEST(RuntimeApiTest, AnUnfetchedEventTimesOut) {
  RuntimeApi api("arn:aws:lambda:ap-south-1:000000000000:function:f");
  auto start = std::chrono::steady_clock::now();
  auto r = api.Invoke("req-1", boost::json::object{{"a", 1}},
                      std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout);
  EXPECT_EQ(r.status().message(), "Task timed out");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(45));
}

TEST(RuntimeApiTest, StopEndsWaitingInvocationsAndRefusesNewOnes) {
  RuntimeApi api("arn:aws:lambda:ap-south-1:000000000000:function:f");
  auto waiting = std::async(std::launch::async, [&] {
    return api.Invoke("req-1", boost::json::object{}, std::chrono::system_clock::now() + std::chrono::seconds(30));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  api.Stop();
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(waiting.get().status().code(), ErrorCode::kUnavailable);
  auto after = api.Invoke("req-2", boost::json::object{}, std::chrono::system_clock::now() + std::chrono::seconds(1));
  EXPECT_EQ(after.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace functions
