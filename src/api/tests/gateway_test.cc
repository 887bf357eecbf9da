// The application API's gateway: route matching with path parameters, API
// keys, per-key throttling and CORS origins.

#include "api/app/gateway.h"

#include <thread>

#include <gtest/gtest.h>

namespace api::app {
namespace {

using common::ErrorCode;

GatewayOptions Options() {
  GatewayOptions o;
  o.routes = {{"POST", "/presign", "presigner"},
              {"GET", "/files/{key+}", "file-info"},
              {"GET", "/users/{id}/orders/{order}", "orders"},
              {"ANY", "/files/{key+}", "files-any"}};
  o.api_keys = {"key-one-0123456789abcdef", "key-two-0123456789abcdef"};
  o.rate_per_second = 5;
  o.burst = 3;
  o.cors_allow_origins = {"https://app.example.com"};
  return o;
}

Gateway Make(GatewayOptions o = Options()) {
  return Gateway(std::move(o), [](const std::string&, const boost::json::value&) {
    return common::Result<FunctionOutcome>(FunctionOutcome{});
  });
}

// Verifies exact paths, {name} and greedy {name+} parameters (decoded), and
// that an exact method wins over ANY.
TEST(GatewayTest, MatchesRoutesAndExtractsParameters) {
  Gateway gw = Make();
  auto presign = gw.Find("POST", "/presign");
  ASSERT_TRUE(presign);
  EXPECT_EQ(presign->route->function, "presigner");
  EXPECT_FALSE(gw.Find("GET", "/presign"));
  EXPECT_FALSE(gw.Find("POST", "/presign/x"));

  auto file = gw.Find("GET", "/files/reports/q3%202026.pdf");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->route->function, "file-info");
  EXPECT_EQ(file->resource, "/files/{key+}");
  EXPECT_EQ(file->path_parameters.at("key"), "reports/q3 2026.pdf");
  auto any = gw.Find("DELETE", "/files/a");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->route->function, "files-any");
  EXPECT_FALSE(gw.Find("GET", "/files/"));

  auto order = gw.Find("GET", "/users/u1/orders/o%2F2");
  ASSERT_TRUE(order);
  EXPECT_EQ(order->path_parameters.at("id"), "u1");
  EXPECT_EQ(order->path_parameters.at("order"), "o/2");
  EXPECT_FALSE(gw.Find("GET", "/users/u1/orders"));
  EXPECT_FALSE(gw.Find("GET", "/users//orders/o"));

  EXPECT_EQ(gw.MethodsFor("/presign"), std::vector<std::string>{"POST"});
  EXPECT_TRUE(gw.MethodsFor("/nothing").empty());
}

// Verifies that only configured keys are admitted, each with its own bucket
// of `burst` tokens refilled at `rate_per_second`, and Retry-After.
TEST(GatewayTest, AdmitsKnownKeysAndThrottlesEachKey) {
  Gateway gw = Make();
  std::chrono::seconds retry{0};
  EXPECT_EQ(gw.Admit("", &retry).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(gw.Admit("key-one-0123456789abcdeX", &retry).code(), ErrorCode::kUnauthenticated);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(gw.Admit("key-one-0123456789abcdef", &retry).ok()) << i;
  auto throttled = gw.Admit("key-one-0123456789abcdef", &retry);
  EXPECT_EQ(throttled.code(), ErrorCode::kThrottled);
  EXPECT_EQ(retry.count(), 1);
  // The other key has its own bucket.
  EXPECT_TRUE(gw.Admit("key-two-0123456789abcdef", &retry).ok());
  // 5 tokens a second: one is back after 200 ms.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_TRUE(gw.Admit("key-one-0123456789abcdef", &retry).ok());
}

// Verifies CORS: a listed origin is echoed, others get none; "*" allows all.
TEST(GatewayTest, AllowsConfiguredOrigins) {
  Gateway gw = Make();
  EXPECT_EQ(gw.AllowOrigin("https://app.example.com"), "https://app.example.com");
  EXPECT_EQ(gw.AllowOrigin("https://evil.example.com"), "");
  EXPECT_EQ(gw.AllowOrigin(""), "");
  GatewayOptions o = Options();
  o.cors_allow_origins = {"*"};
  Gateway any = Make(std::move(o));
  EXPECT_EQ(any.AllowOrigin("https://whoever.example"), "*");
}

}  // namespace
}  // namespace api::app
