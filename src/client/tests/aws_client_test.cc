#include "client/aws_client.h"

#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/common/query_string.h"
#include "auth/sigv4.h"

namespace client {
namespace {

namespace json = boost::json;
using common::ErrorCode;

const auth::Credentials kCredentials{"AKIATESTCLIENT000001", "secret/for+tests", ""};

// A server in process: verifies every request's SigV4 signature, remembers
// it, and answers with what the test set.
class FakeService final : public net::Handler {
 public:
  FakeService() { store_.Add(kCredentials, "arn:aws:iam::000000000000:user/test"); }

  net::awaitable<net::Response> Handle(net::Exchange& exchange) override {
    auto body = co_await exchange.ReadBody(1 << 20);
    const auto& h = exchange.header();
    auth::SignableRequest signable;
    signable.method = std::string(h.method_string());
    std::string_view target = h.target();
    signable.path = std::string(target.substr(0, target.find('?')));
    signable.query = target.find('?') == std::string_view::npos ? "" : std::string(target.substr(target.find('?') + 1));
    for (const auto& f : h) signable.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    bool s3 = h.find("x-amz-content-sha256") != h.end();
    if (!s3) signable.payload_hash = auth::Sha256Hex(*body);
    auto verified = auth::Verify(signable, store_, {.region = "ap-south-1", .now = std::chrono::system_clock::now(), .s3 = s3});
    last_verified = verified.ok();
    last_service = verified.ok() ? verified->service : "";
    last_target = h["x-amz-target"];
    last_body = *body;
    last_path = std::string(target);
    net::Response r;
    r.msg.result(status);
    r.msg.set("content-type", "application/x-amz-json-1.0");
    for (const auto& [k, v] : headers) r.msg.set(k, v);
    r.msg.body() = reply;
    r.msg.prepare_payload();
    if (h.method() == net::http::verb::head) r.head = true;
    co_return r;
  }
  net::Response ConnectionError(net::http::status, std::string_view) override { return {}; }

  unsigned status = 200;
  std::string reply = "{}";
  std::vector<std::pair<std::string, std::string>> headers;
  bool last_verified = false;
  std::string last_service, last_target, last_body, last_path;

 private:
  auth::CredentialStore store_;
};

class AwsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { ioc_.run(); });
    ClientEndpoint e{std::make_shared<InProcessTransport>(service_, ioc_.get_executor(), "127.0.0.1:4566"),
                     "ap-south-1", kCredentials};
    client_ = std::make_unique<AwsClient>(ioc_.get_executor(), e);
  }
  void TearDown() override {
    work_.reset();
    thread_.join();
  }

  net::asio::io_context ioc_;
  std::optional<net::asio::executor_work_guard<net::asio::io_context::executor_type>> work_{ioc_.get_executor()};
  std::thread thread_;
  FakeService service_;
  std::unique_ptr<AwsClient> client_;
};

TEST_F(AwsClientTest, JsonCallsAreSignedAndTargeted) {
  service_.reply = R"({"ConsumedCapacity":{"TableName":"t"}})";
  auto out = client_->Json(kDynamoDb, "PutItem", {{"TableName", "t"}, {"Item", {{"k", {{"S", "v"}}}}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(service_.last_verified);
  EXPECT_EQ(service_.last_service, "dynamodb");
  EXPECT_EQ(service_.last_target, "DynamoDB_20120810.PutItem");
  EXPECT_EQ(json::parse(service_.last_body).at("TableName").as_string(), "t");
  EXPECT_EQ(out->at("ConsumedCapacity").at("TableName").as_string(), "t");
}

TEST_F(AwsClientTest, JsonErrorsKeepTheirCode) {
  service_.status = 400;
  service_.reply = R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"})";
  auto out = client_->Json(kDynamoDb, "PutItem", {{"TableName", "t"}});
  EXPECT_EQ(out.status().code(), ErrorCode::kPreconditionFailed);
  EXPECT_EQ(AwsErrorCode(out.status()), "ConditionalCheckFailedException");
  EXPECT_EQ(out.status().message(), "ConditionalCheckFailedException: The conditional request failed");

  service_.status = 400;
  service_.reply = R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"nope"})";
  EXPECT_EQ(client_->Json(kSqs, "GetQueueUrl", {{"QueueName", "q"}}).status().code(), ErrorCode::kNotFound);
  service_.status = 503;
  service_.reply = "";
  EXPECT_EQ(client_->Json(kSqs, "GetQueueUrl", {{"QueueName", "q"}}).status().code(), ErrorCode::kUnavailable);
}

TEST_F(AwsClientTest, QueryCallsUseTheServiceModel) {
  service_.reply =
      "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId>"
      "</PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>";
  auto out = client_->Query(Sns(), "Publish",
                            {{"TopicArn", "arn:aws:sns:ap-south-1:000000000000:alerts"},
                             {"Message", "disk & full"},
                             {"MessageAttributes", {{"level", {{"DataType", "String"}, {"StringValue", "high"}}}}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->at("MessageId").as_string(), "m-1");
  EXPECT_TRUE(service_.last_verified);
  EXPECT_EQ(service_.last_service, "sns");
  auto form = api::ParseQuery(service_.last_body, true);
  ASSERT_TRUE(form);
  EXPECT_EQ((*form)["Action"], "Publish");
  EXPECT_EQ((*form)["Version"], "2010-03-31");
  EXPECT_EQ((*form)["Message"], "disk & full");
  EXPECT_EQ((*form)["MessageAttributes.entry.1.Name"], "level");
  EXPECT_EQ((*form)["MessageAttributes.entry.1.Value.StringValue"], "high");

  service_.status = 404;
  service_.reply =
      "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>"
      "<RequestId>r</RequestId></ErrorResponse>";
  auto missing = client_->Query(Sns(), "Publish", {{"TopicArn", "x"}, {"Message", "m"}});
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(AwsErrorCode(missing.status()), "NotFound");
}

TEST_F(AwsClientTest, S3RequestsAreSignedPathStyle) {
  service_.headers = {{"x-amz-checksum-sha256", "abc="}};
  S3Request r;
  r.method = net::http::verb::head;
  r.bucket = "main";
  r.key = "a b/c.txt";
  r.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  auto out = client_->S3(r);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(service_.last_verified);
  EXPECT_EQ(service_.last_service, "s3");
  EXPECT_EQ(service_.last_path, "/main/a%20b/c.txt");
  EXPECT_EQ((*out)["x-amz-checksum-sha256"], "abc=");
  EXPECT_TRUE(out->body().empty());
}

TEST_F(AwsClientTest, CallsPastTheDeadlineTimeOut) {
  client_->set_deadline(std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  EXPECT_EQ(client_->Json(kDynamoDb, "ListTables", {}).status().code(), ErrorCode::kTimeout);
}

TEST(AwsErrorCode, ParsesTheCodePrefix) {
  EXPECT_EQ(AwsErrorCode(common::Status(ErrorCode::kNotFound, "NoSuchKey: gone")), "NoSuchKey");
  EXPECT_EQ(AwsErrorCode(common::Status(ErrorCode::kNotFound, "no code here: at all")), "");
}

}  // namespace
}  // namespace client

namespace client {
namespace {

// Verifies endpoint URLs: scheme, default ports, IPv6, and refusals.
TEST(EndpointUrl, ParsesSchemesAndDefaultPorts) {
  auto a = ParseEndpointUrl("https://sqs.ap-south-1.amazonaws.com");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->address.ToString(), "sqs.ap-south-1.amazonaws.com:443");
  auto b = ParseEndpointUrl("http://127.0.0.1:4566/");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->tls);
  EXPECT_EQ(b->address.port, 4566);
  auto c = ParseEndpointUrl("http://[::1]");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->address.port, 80);
  EXPECT_FALSE(ParseEndpointUrl("ftp://x").ok());
  EXPECT_FALSE(ParseEndpointUrl("https://host/path").ok());
  EXPECT_FALSE(ParseEndpointUrl("https://").ok());
}

// Verifies AWS's own endpoints and the Host a transport signs for.
TEST(EndpointUrl, AwsEndpointsAndHosts) {
  EXPECT_EQ(AwsEndpoint("dynamodb", "eu-west-1").address.ToString(), "dynamodb.eu-west-1.amazonaws.com:443");
  EXPECT_EQ(AwsEndpoint("s3", "cn-north-1").address.host, "s3.cn-north-1.amazonaws.com.cn");
  net::asio::io_context ioc;
  net::HttpClient http(ioc.get_executor());
  EXPECT_EQ(HttpTransport(http, {"sqs.ap-south-1.amazonaws.com", 443}, true).host(), "sqs.ap-south-1.amazonaws.com");
  EXPECT_EQ(HttpTransport(http, {"127.0.0.1", 4566}, true).host(), "127.0.0.1:4566");
  EXPECT_EQ(HttpTransport(http, {"example.com", 80}).host(), "example.com");
  EXPECT_EQ(HttpTransport(http, {"example.com", 443}).host(), "example.com:443");
}

// Verifies that a per-service endpoint map sends each service to its own host.
TEST(EndpointUrl, PerServiceTransports) {
  net::asio::io_context ioc;
  net::HttpClient http(ioc.get_executor());
  std::vector<std::string> asked;
  ClientEndpoint e;
  e.region = "ap-south-1";
  e.scheme = "https";
  e.per_service = [&](std::string_view service) -> std::shared_ptr<Transport> {
    asked.emplace_back(service);
    return std::make_shared<HttpTransport>(http, AwsEndpoint(service, "ap-south-1").address, true);
  };
  AwsClient aws(ioc.get_executor(), e);
  S3Request put;
  put.method = net::http::verb::put;
  put.bucket = "b";
  put.key = "k";
  std::string url = aws.PresignS3(put, std::chrono::seconds(60));
  EXPECT_TRUE(url.starts_with("https://s3.ap-south-1.amazonaws.com/b/k?")) << url;
  EXPECT_EQ(asked, std::vector<std::string>{"s3"});
}

}  // namespace
}  // namespace client
