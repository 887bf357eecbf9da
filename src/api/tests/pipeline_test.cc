#include "api/common/pipeline.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "api/admin/protocol.h"
#include "api/app/protocol.h"
#include "api/json/protocol.h"
#include "api/query/protocol.h"
#include "api/rest_xml/protocol.h"
#include "auth/sigv4.h"

namespace api {
namespace {

namespace asio = boost::asio;
using common::ErrorCode;
using net::http::status;
using net::http::verb;
using Clock = std::chrono::system_clock;

constexpr std::string_view kRegion = "ap-south-1";
constexpr std::string_view kHost = "127.0.0.1:4566";
constexpr std::string_view kAccessKeyId = "AKIAPIPELINETEST0001";
constexpr std::string_view kSecret = "pipelineTestSecret0123456789abcdefghijKLM";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded; charset=utf-8";
constexpr std::string_view kJsonTarget = "TestJson_20240101";

// The pipeline's injected clock: every test request is signed "now".
Clock::time_point Now() {
  return std::chrono::sys_days{std::chrono::November / 22 / 2026} + std::chrono::hours(5);
}

auth::Credentials Admin() { return {std::string(kAccessKeyId), std::string(kSecret), ""}; }

// The in-flight gauge as an operation sees it while it runs.
int64_t InFlightNow(OpContext& ctx, std::string_view listener) {
  return ctx.services.metrics
      ->GetGauge("stratus_requests_in_flight", "", {{"listener", std::string(listener)}})
      .Value();
}

void RenderText(net::Response& res, std::string_view content_type, std::string body) {
  res.msg.result(status::ok);
  res.msg.set(net::http::field::content_type, content_type);
  res.msg.body() = std::move(body);
  res.msg.prepare_payload();
}

// ---- Test operations, one per behaviour the pipeline must support. ----

// JSON, buffered body (at most 64 bytes): echoes the body it was given.
struct Echo {
  static constexpr OpSpec kSpec{
      .name = "Echo", .action = "testjson:Echo", .body = BodyPolicy::kBuffered, .max_body = 64};
  struct Request {
    std::string body;
  };
  using Output = Request;
  static Result<Request> Parse(OpContext& ctx) {
    if (!ctx.body) return Status(ErrorCode::kInternal, "no buffered body");
    return Request{*ctx.body};
  }
  static net::awaitable<Result<Output>> Execute(OpContext&, Request req) { co_return req; }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "application/x-amz-json-1.0", out.body);
  }
};

// JSON, no body: always fails with a domain error.
struct Fail {
  static constexpr OpSpec kSpec{.name = "Fail", .action = "testjson:Fail"};
  struct Request {};
  struct Output {};
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<Output>> Execute(OpContext&, Request) {
    co_return Status(ErrorCode::kNotFound, "Requested resource not found");
  }
  static void Render(const Output&, OpContext&, net::Response&) {}
};

// Query, buffered body: answers with its Name parameter.
struct GetThing {
  static constexpr OpSpec kSpec{
      .name = "GetThing", .action = "testquery:GetThing", .body = BodyPolicy::kBuffered};
  struct Request {
    std::string name;
  };
  using Output = Request;
  static Result<Request> Parse(OpContext& ctx) {
    auto it = ctx.route.query.find("Name");
    if (it == ctx.route.query.end()) return Status(ErrorCode::kInvalidArgument, "Name is required");
    return Request{it->second};
  }
  static net::awaitable<Result<Output>> Execute(OpContext&, Request req) { co_return req; }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "text/xml",
               "<GetThingResponse><Name>" + out.name + "</Name></GetThingResponse>");
  }
};

// REST-XML GET object, no body: names the object and reports the in-flight
// gauge it saw while running.
struct GetObject {
  static constexpr OpSpec kSpec{.name = "GetObject", .action = "s3:GetObject"};
  struct Request {
    std::string bucket;
    std::string key;
  };
  struct Output {
    std::string object;
    int64_t in_flight;
  };
  static Result<Request> Parse(OpContext& ctx) { return Request{ctx.route.bucket, ctx.route.key}; }
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req) {
    co_return Output{req.bucket + "/" + req.key, InFlightNow(ctx, "aws")};
  }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "text/plain", "object " + out.object);
    res.msg.set("x-test-in-flight", std::to_string(out.in_flight));
  }
};

// REST-XML HEAD object: GetObject under another name.
struct HeadObject : GetObject {
  static constexpr OpSpec kSpec{.name = "HeadObject", .action = "s3:GetObject"};
};

// REST-XML PUT object, streamed body: reads it itself in 4-byte pieces.
struct PutObject {
  static constexpr OpSpec kSpec{
      .name = "PutObject", .action = "s3:PutObject", .body = BodyPolicy::kStreamed};
  struct Request {};
  struct Output {
    std::string content;
  };
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request) {
    Output out;
    char piece[4];
    for (;;) {
      auto n = co_await ctx.exchange.ReadSome(asio::buffer(piece));
      if (!n.ok()) co_return n.status();
      if (*n == 0) break;
      out.content.append(piece, *n);
    }
    co_return out;
  }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "text/plain", "stored " + out.content);
  }
};

// REST-XML PUT bucket?tagging, buffered body: echoes it.
struct PutBucketTagging {
  static constexpr OpSpec kSpec{
      .name = "PutBucketTagging", .action = "s3:PutBucketTagging", .body = BodyPolicy::kBuffered};
  using Request = Echo::Request;
  using Output = Echo::Output;
  static Result<Request> Parse(OpContext& ctx) { return Echo::Parse(ctx); }
  static net::awaitable<Result<Output>> Execute(OpContext&, Request req) { co_return req; }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "application/xml", out.body);
  }
};

// REST-XML DELETE object: always fails with a domain error.
struct DeleteObject {
  static constexpr OpSpec kSpec{.name = "DeleteObject", .action = "s3:DeleteObject"};
  using Request = Fail::Request;
  using Output = Fail::Output;
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<Output>> Execute(OpContext&, Request) {
    co_return Status(ErrorCode::kNotFound, "The specified key does not exist.");
  }
  static void Render(const Output&, OpContext&, net::Response&) {}
};

// App API, anonymous: which region answered.
struct GetMetadata {
  static constexpr OpSpec kSpec{.name = "GetMetadata", .action = "", .anonymous = true};
  struct Request {};
  struct Output {
    std::string region;
  };
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request) {
    co_return Output{ctx.services.region};
  }
  static void Render(const Output& out, OpContext&, net::Response& res) {
    RenderText(res, "application/json", "{\"region\":\"" + out.region + "\"}");
  }
};

constexpr Op kEcho = MakeOp<Echo>();
constexpr Op kFail = MakeOp<Fail>();
constexpr Op kGetThing = MakeOp<GetThing>();
constexpr Op kGetObject = MakeOp<GetObject>();
constexpr Op kHeadObject = MakeOp<HeadObject>();
constexpr Op kPutObject = MakeOp<PutObject>();
constexpr Op kPutBucketTagging = MakeOp<PutBucketTagging>();
constexpr Op kDeleteObject = MakeOp<DeleteObject>();
constexpr Op kGetMetadata = MakeOp<GetMetadata>();

// An Exchange over a literal header and body that records how the body was taken.
class FakeExchange final : public net::Exchange {
 public:
  FakeExchange(net::RequestHeader header, std::string body)
      : header_(std::move(header)), body_(std::move(body)) {}

  const net::RequestHeader& header() const override { return header_; }

  net::awaitable<Result<std::string>> ReadBody(uint64_t limit) override {
    ++read_body_calls_;
    if (body_.size() - offset_ > limit) {
      co_return Status(ErrorCode::kTooLarge, "request body exceeds the limit");
    }
    std::string rest = body_.substr(offset_);
    offset_ = body_.size();
    co_return rest;
  }

  net::awaitable<Result<size_t>> ReadSome(asio::mutable_buffer buf) override {
    ++read_some_calls_;
    size_t n = std::min(buf.size(), body_.size() - offset_);
    std::copy_n(body_.data() + offset_, n, static_cast<char*>(buf.data()));
    offset_ += n;
    co_return n;
  }

  bool body_complete() const override { return offset_ == body_.size(); }
  uint64_t body_bytes_read() const override { return offset_; }
  std::string remote_address() const override { return "192.0.2.7:50123"; }
  bool secure() const override { return false; }

  int read_body_calls() const { return read_body_calls_; }
  int read_some_calls() const { return read_some_calls_; }

 private:
  net::RequestHeader header_;
  std::string body_;
  size_t offset_ = 0;
  int read_body_calls_ = 0;
  int read_some_calls_ = 0;
};

// A request as a client would send it. Host is always set.
struct TestRequest {
  verb method = verb::get;
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

TestRequest Request(verb method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::string body = "") {
  headers.emplace(headers.begin(), "Host", std::string(kHost));
  return TestRequest{method, std::move(target), std::move(headers), std::move(body)};
}

TestRequest JsonRequest(std::string_view operation, std::string body) {
  return Request(verb::post, "/",
                 {{"Content-Type", "application/x-amz-json-1.0"},
                  {"X-Amz-Target", std::string(kJsonTarget) + "." + std::string(operation)}},
                 std::move(body));
}

TestRequest FormRequest(std::string body) {
  return Request(verb::post, "/", {{"Content-Type", std::string(kFormType)}}, std::move(body));
}

// How a test signs: by default as the admin, in this region, now, over the body.
struct Signing {
  auth::Credentials credentials = Admin();
  std::string region = std::string(kRegion);
  Clock::time_point when = Now();
  std::optional<std::string> signed_body;  // the body the signature covers; default: the body sent
  std::string payload_hash;                // a literal hash instead, e.g. UNSIGNED-PAYLOAD
};

// Signs `req` with SigV4 header auth for `service`, as an SDK does (S3 adds
// x-amz-content-sha256).
TestRequest Signed(TestRequest req, std::string_view service, const Signing& how = {}) {
  const bool s3 = service == "s3";
  auth::SignableRequest sr;
  sr.method = std::string(std::string_view(net::http::to_string(req.method)));
  auto q = req.target.find('?');
  sr.path = req.target.substr(0, q);
  if (q != std::string::npos) sr.query = req.target.substr(q + 1);
  sr.headers = std::move(req.headers);
  sr.payload_hash = !how.payload_hash.empty() ? how.payload_hash
                                              : auth::Sha256Hex(how.signed_body.value_or(req.body));
  auth::Sign(sr, how.credentials, how.region, service, how.when, s3);
  req.headers = std::move(sr.headers);
  return req;
}

// The signature hex of a header-signed request.
std::string SignatureOf(const TestRequest& req) {
  for (const auto& [name, value] : req.headers) {
    if (name != "Authorization") continue;
    auto at = value.find("Signature=");
    return at == std::string::npos ? std::string() : value.substr(at + 10);
  }
  return {};
}

net::RequestHeader ToHeader(const TestRequest& req) {
  net::RequestHeader h;
  h.method(req.method);
  h.target(req.target);
  h.version(11);
  for (const auto& [name, value] : req.headers) h.insert(name, value);
  return h;
}

// A JSON field as text: strings as themselves, anything else serialised,
// "<missing>" when absent.
std::string Field(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr) return "<missing>";
  return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
}

// What came back, plus how the pipeline took the body.
struct Sent {
  net::Response response;
  int read_body_calls = 0;
  int read_some_calls = 0;

  unsigned status() const { return response.msg.result_int(); }
  const std::string& body() const { return response.msg.body(); }
  std::string header(std::string_view name) const {
    return std::string(std::string_view(response.msg[name]));
  }
  boost::json::object json() const {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body(), ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << body();
      return {};
    }
    return v.as_object();
  }
};

net::awaitable<void> HandleInto(Pipeline& pipeline, net::Exchange& exchange,
                                std::optional<net::Response>& out) {
  out.emplace(co_await pipeline.Handle(exchange));
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest()
      : json_(json::Router({{.target_prefix = kJsonTarget,
                             .signing_name = "testjson",
                             .content_type = "application/x-amz-json-1.0",
                             .error_namespace = "com.example.testjson#",
                             .ops = {&kEcho, &kFail}}})),
        query_(query::Router({{"testquery", "https://example.com/testquery/", {&kGetThing}}})),
        rest_xml_(rest_xml::Router({
            {verb::get, rest_xml::Target::kObject, "", "", &kGetObject},
            {verb::head, rest_xml::Target::kObject, "", "", &kHeadObject},
            {verb::put, rest_xml::Target::kObject, "", "", &kPutObject},
            {verb::delete_, rest_xml::Target::kObject, "", "", &kDeleteObject},
            {verb::put, rest_xml::Target::kBucket, "tagging", "", &kPutBucketTagging},
        })),
        app_({{verb::get, "/metadata", false, &kGetMetadata}}) {
    services_.region = std::string(kRegion);
    services_.metrics = &metrics_;
    services_.readiness = Readiness::kReady;
    credentials_.Add(Admin(), "arn:aws:iam::000000000000:root");
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(access_text_);
    access_log_ = std::make_shared<spdlog::logger>("pipeline-test-access", std::move(sink));
    access_log_->set_pattern("%v");
    aws_pipeline_ = std::make_unique<Pipeline>(
        services_, credentials_, std::vector<const Protocol*>{&admin_, &json_, &query_, &rest_xml_},
        PipelineOptions{"aws", 1 << 20, access_log_, &Now});
    app_pipeline_ = std::make_unique<Pipeline>(services_, credentials_,
                                               std::vector<const Protocol*>{&admin_, &app_},
                                               PipelineOptions{"app", 1 << 20, access_log_, &Now});
  }

  // Runs one request through `pipeline` to completion.
  static Sent Send(Pipeline& pipeline, const TestRequest& req) {
    FakeExchange exchange(ToHeader(req), req.body);
    std::optional<net::Response> out;
    asio::io_context ioc;
    asio::co_spawn(ioc, HandleInto(pipeline, exchange, out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    ioc.run();
    EXPECT_TRUE(out.has_value());
    Sent sent;
    if (out) sent.response = std::move(*out);
    sent.read_body_calls = exchange.read_body_calls();
    sent.read_some_calls = exchange.read_some_calls();
    return sent;
  }
  Sent Aws(const TestRequest& req) { return Send(*aws_pipeline_, req); }
  Sent App(const TestRequest& req) { return Send(*app_pipeline_, req); }

  uint64_t Requests(std::string_view listener, std::string_view protocol,
                    std::string_view operation, unsigned code) {
    return metrics_
        .GetCounter("stratus_requests_total", "",
                    {{"listener", std::string(listener)},
                     {"protocol", std::string(protocol)},
                     {"operation", std::string(operation)},
                     {"status", std::to_string(code)}})
        .Value();
  }
  uint64_t Errors(std::string_view listener, std::string_view protocol, std::string_view operation,
                  std::string_view error) {
    return metrics_
        .GetCounter("stratus_request_errors_total", "",
                    {{"listener", std::string(listener)},
                     {"protocol", std::string(protocol)},
                     {"operation", std::string(operation)},
                     {"error", std::string(error)}})
        .Value();
  }

  // The access log so far, one parsed JSON object per line.
  std::vector<boost::json::object> AccessLines() const {
    std::vector<boost::json::object> lines;
    std::istringstream in(access_text_.str());
    for (std::string line; std::getline(in, line);) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) {
        ADD_FAILURE() << "access log line is not a JSON object: " << line;
        continue;
      }
      lines.push_back(v.as_object());
    }
    return lines;
  }

  common::metrics::Registry metrics_;
  Services services_;
  auth::CredentialStore credentials_;
  admin::AdminProtocol admin_;
  json::JsonProtocol json_;
  query::QueryProtocol query_;
  rest_xml::RestXmlProtocol rest_xml_;
  app::AppProtocol app_;
  std::ostringstream access_text_;
  std::shared_ptr<spdlog::logger> access_log_;
  std::unique_ptr<Pipeline> aws_pipeline_;
  std::unique_ptr<Pipeline> app_pipeline_;
};

// ---- Choosing the protocol ----

// Verifies protocols are asked in order: admin paths first, then X-Amz-Target
// (JSON), then form posts and ?Action= (Query), and REST-XML takes the rest.
TEST_F(PipelineTest, ChoosesProtocolInOrder) {
  // An admin path wins even with a JSON target and a Query action.
  auto health = Aws(Request(verb::get, "/_stratus/health?Action=GetThing",
                            {{"X-Amz-Target", std::string(kJsonTarget) + ".Echo"}}));
  EXPECT_EQ(health.status(), 200u);
  EXPECT_EQ(Requests("aws", "admin", "Health", 200), 1u);

  // X-Amz-Target wins over a form body that carries an Action.
  auto json = Aws(Signed(Request(verb::post, "/",
                                 {{"Content-Type", std::string(kFormType)},
                                  {"X-Amz-Target", std::string(kJsonTarget) + ".Echo"}},
                                 "Action=GetThing&Name=x"),
                         "testjson"));
  EXPECT_EQ(json.status(), 200u) << json.body();
  EXPECT_EQ(json.body(), "Action=GetThing&Name=x");
  EXPECT_EQ(Requests("aws", "json", "Echo", 200), 1u);

  auto form = Aws(Signed(FormRequest("Action=GetThing&Name=from-form"), "testquery"));
  EXPECT_EQ(form.status(), 200u) << form.body();
  EXPECT_EQ(form.body(), "<GetThingResponse><Name>from-form</Name></GetThingResponse>");
  auto get = Aws(Signed(Request(verb::get, "/?Action=GetThing&Name=from-query"), "testquery"));
  EXPECT_EQ(get.status(), 200u) << get.body();
  EXPECT_EQ(get.body(), "<GetThingResponse><Name>from-query</Name></GetThingResponse>");
  EXPECT_EQ(Requests("aws", "query", "GetThing", 200), 2u);

  // A parameter merely ending in "Action" is not the Query protocol.
  auto s3 = Aws(Signed(Request(verb::get, "/bucket/key?MyAction=1"), "s3"));
  EXPECT_EQ(s3.status(), 200u) << s3.body();
  EXPECT_EQ(s3.body(), "object bucket/key");
  EXPECT_EQ(Requests("aws", "rest-xml", "GetObject", 200), 1u);
}

// Verifies the app listener's pipeline serves the admin paths and then the
// application API, labelled with its own listener.
TEST_F(PipelineTest, AppListenerServesAdminAndAppRoutes) {
  auto health = App(Request(verb::get, "/_stratus/health"));
  EXPECT_EQ(health.status(), 200u);
  EXPECT_EQ(Requests("app", "admin", "Health", 200), 1u);

  auto metadata = App(Request(verb::get, "/metadata"));
  EXPECT_EQ(metadata.status(), 200u) << metadata.body();
  EXPECT_EQ(metadata.body(), "{\"region\":\"ap-south-1\"}");
  EXPECT_EQ(Requests("app", "app", "GetMetadata", 200), 1u);
  EXPECT_EQ(Requests("aws", "app", "GetMetadata", 200), 0u);
}

// ---- Unknown operations: each protocol's own error ----

// Verifies an S3 request no route matches is NotImplemented, 501, as S3 XML.
TEST_F(PipelineTest, UnknownS3OperationIsNotImplemented) {
  auto r = Aws(Request(verb::delete_, "/bucket"));
  EXPECT_EQ(r.status(), 501u);
  EXPECT_EQ(r.header("Content-Type"), "application/xml");
  EXPECT_NE(r.body().find("<Code>NotImplemented</Code>"), std::string::npos) << r.body();
  EXPECT_NE(r.body().find("<Resource>/bucket</Resource>"), std::string::npos) << r.body();
  EXPECT_NE(r.body().find("<RequestId>" + r.header("x-amz-request-id") + "</RequestId>"),
            std::string::npos)
      << r.body();
  EXPECT_EQ(Requests("aws", "rest-xml", "Unknown", 501), 1u);
  EXPECT_EQ(Errors("aws", "rest-xml", "Unknown", "Unimplemented"), 1u);
}

// Verifies an unknown JSON operation is UnknownOperationException, 400, with
// the service's namespace in __type and x-amzn-ErrorType.
TEST_F(PipelineTest, UnknownJsonOperationIsUnknownOperationException) {
  auto r = Aws(JsonRequest("Nope", "{}"));
  EXPECT_EQ(r.status(), 400u);
  EXPECT_EQ(r.header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.header("x-amzn-ErrorType"), "UnknownOperationException");
  auto body = r.json();
  ASSERT_TRUE(body.contains("__type"));
  EXPECT_EQ(Field(body, "__type"), "com.example.testjson#UnknownOperationException");
  EXPECT_TRUE(body.contains("message"));
  // Refused before the body was needed.
  EXPECT_EQ(r.read_body_calls, 0);
}

// Verifies an unknown Query action is InvalidAction, 400, as a Query XML error.
TEST_F(PipelineTest, UnknownQueryActionIsInvalidAction) {
  auto r = Aws(FormRequest("Action=Nope"));
  EXPECT_EQ(r.status(), 400u);
  EXPECT_EQ(r.header("Content-Type"), "text/xml");
  EXPECT_NE(r.body().find("<ErrorResponse"), std::string::npos) << r.body();
  EXPECT_NE(r.body().find("<Type>Sender</Type><Code>InvalidAction</Code>"), std::string::npos)
      << r.body();
  EXPECT_NE(r.body().find("<RequestId>" + r.header("x-amz-request-id") + "</RequestId>"),
            std::string::npos)
      << r.body();
  // The form body was read to find the Action.
  EXPECT_EQ(r.read_body_calls, 1);
}

// Verifies an unknown admin path is a 404 JSON error.
TEST_F(PipelineTest, UnknownAdminPathIsNotFound) {
  auto r = Aws(Request(verb::get, "/_stratus/nope"));
  EXPECT_EQ(r.status(), 404u);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto body = r.json();
  EXPECT_EQ(Field(body, "error"), "NotFound");
  EXPECT_EQ(Field(body, "request_id"), r.header("x-amz-request-id"));
}

// Verifies an unknown app route is API Gateway's 404 {"message":"Not Found"}.
TEST_F(PipelineTest, UnknownAppRouteIsNotFound) {
  auto r = App(Request(verb::get, "/nope"));
  EXPECT_EQ(r.status(), 404u);
  EXPECT_EQ(r.body(), "{\"message\":\"Not Found\"}");
  EXPECT_EQ(r.header("x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(Requests("app", "app", "Unknown", 404), 1u);
}

// ---- Authentication ----

// Verifies an unsigned request to an authenticated op gets its protocol's
// missing-authentication error and never reaches the op.
TEST_F(PipelineTest, UnsignedRequestIsRefused) {
  auto s3 = Aws(Request(verb::get, "/bucket/key"));
  EXPECT_EQ(s3.status(), 403u);
  EXPECT_NE(s3.body().find("<Code>AccessDenied</Code>"), std::string::npos) << s3.body();

  auto json = Aws(JsonRequest("Echo", "{}"));
  EXPECT_EQ(json.status(), 400u);
  EXPECT_EQ(json.header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_EQ(Field(json.json(), "__type"),
            "com.example.testjson#MissingAuthenticationTokenException");

  auto query = Aws(FormRequest("Action=GetThing&Name=x"));
  EXPECT_EQ(query.status(), 403u);
  EXPECT_NE(query.body().find("<Code>MissingAuthenticationToken</Code>"), std::string::npos)
      << query.body();

  EXPECT_EQ(Errors("aws", "rest-xml", "GetObject", "Unauthenticated"), 1u);
  EXPECT_EQ(Errors("aws", "json", "Echo", "Unauthenticated"), 1u);
}

// Verifies a signature made with the wrong secret is SignatureDoesNotMatch
// (S3) / InvalidSignatureException (JSON).
TEST_F(PipelineTest, BadSignatureIsRefused) {
  Signing wrong_secret;
  wrong_secret.credentials.secret_access_key = "notTheSecret0123456789abcdefghijKLMNOPQR";
  auto s3 = Aws(Signed(Request(verb::get, "/bucket/key"), "s3", wrong_secret));
  EXPECT_EQ(s3.status(), 403u);
  EXPECT_NE(s3.body().find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos) << s3.body();

  auto json = Aws(Signed(JsonRequest("Echo", "{}"), "testjson", wrong_secret));
  EXPECT_EQ(json.status(), 400u);
  EXPECT_EQ(json.header("x-amzn-ErrorType"), "InvalidSignatureException");
}

// Verifies a key the store does not know is InvalidAccessKeyId (S3) /
// UnrecognizedClientException (JSON).
TEST_F(PipelineTest, UnknownAccessKeyIsRefused) {
  Signing stranger;
  stranger.credentials = {"AKIANOBODYKNOWSTHIS1", std::string(kSecret), ""};
  auto s3 = Aws(Signed(Request(verb::get, "/bucket/key"), "s3", stranger));
  EXPECT_EQ(s3.status(), 403u);
  EXPECT_NE(s3.body().find("<Code>InvalidAccessKeyId</Code>"), std::string::npos) << s3.body();

  auto json = Aws(Signed(JsonRequest("Echo", "{}"), "testjson", stranger));
  EXPECT_EQ(json.status(), 400u);
  EXPECT_EQ(json.header("x-amzn-ErrorType"), "UnrecognizedClientException");
}

// Verifies a credential scope naming another region is
// AuthorizationHeaderMalformed, and the message names the expected region.
TEST_F(PipelineTest, WrongRegionInScopeIsMalformed) {
  Signing other_region;
  other_region.region = "us-east-1";
  auto s3 = Aws(Signed(Request(verb::get, "/bucket/key"), "s3", other_region));
  EXPECT_EQ(s3.status(), 400u);
  EXPECT_NE(s3.body().find("<Code>AuthorizationHeaderMalformed</Code>"), std::string::npos)
      << s3.body();
  EXPECT_NE(s3.body().find("expecting &apos;ap-south-1&apos;"), std::string::npos) << s3.body();
  EXPECT_NE(s3.body().find("us-east-1"), std::string::npos) << s3.body();
}

// Verifies a request dated more than 15 minutes from the pipeline's clock is
// RequestTimeTooSkewed, and one just inside the window is served.
TEST_F(PipelineTest, ClockSkewBeyondFifteenMinutesIsRefused) {
  Signing late;
  late.when = Now() - std::chrono::minutes(16);
  auto s3 = Aws(Signed(Request(verb::get, "/bucket/key"), "s3", late));
  EXPECT_EQ(s3.status(), 403u);
  EXPECT_NE(s3.body().find("<Code>RequestTimeTooSkewed</Code>"), std::string::npos) << s3.body();

  Signing early;
  early.when = Now() + std::chrono::minutes(16);
  EXPECT_EQ(Aws(Signed(Request(verb::get, "/bucket/key"), "s3", early)).status(), 403u);

  Signing slightly_late;
  slightly_late.when = Now() - std::chrono::minutes(14);
  auto ok = Aws(Signed(Request(verb::get, "/bucket/key"), "s3", slightly_late));
  EXPECT_EQ(ok.status(), 200u) << ok.body();
}

// Verifies the JSON body is covered by the signature: changing it after
// signing fails with InvalidSignatureException.
TEST_F(PipelineTest, JsonBodyAlteredAfterSigningIsRefused) {
  auto good = Aws(Signed(JsonRequest("Echo", "{\"Amount\":1}"), "testjson"));
  EXPECT_EQ(good.status(), 200u) << good.body();
  EXPECT_EQ(good.body(), "{\"Amount\":1}");

  Signing over_other_body;
  over_other_body.signed_body = "{\"Amount\":1}";
  auto altered = Aws(Signed(JsonRequest("Echo", "{\"Amount\":1000}"), "testjson", over_other_body));
  EXPECT_EQ(altered.status(), 400u);
  EXPECT_EQ(altered.header("x-amzn-ErrorType"), "InvalidSignatureException");
}

// Verifies a buffered S3 body must match its signed x-amz-content-sha256:
// a mismatch is XAmzContentSHA256Mismatch and the op does not run.
TEST_F(PipelineTest, S3PayloadHashMismatchOnBufferedBody) {
  const std::string tagging = "<Tagging><TagSet/></Tagging>";
  auto good = Aws(Signed(Request(verb::put, "/bucket?tagging", {}, tagging), "s3"));
  EXPECT_EQ(good.status(), 200u) << good.body();
  EXPECT_EQ(good.body(), tagging);

  Signing over_other_body;
  over_other_body.signed_body = tagging;
  auto bad = Aws(Signed(Request(verb::put, "/bucket?tagging", {}, "<Tagging>evil</Tagging>"), "s3",
                        over_other_body));
  EXPECT_EQ(bad.status(), 400u);
  EXPECT_NE(bad.body().find("<Code>XAmzContentSHA256Mismatch</Code>"), std::string::npos)
      << bad.body();
  EXPECT_EQ(Errors("aws", "rest-xml", "PutBucketTagging", "PayloadHashMismatch"), 1u);
}

// Verifies S3 header auth without x-amz-content-sha256 is refused, as S3
// does: otherwise a signature over the empty payload would let a streamed op
// accept a body nobody signed.
TEST_F(PipelineTest, S3HeaderAuthRequiresDeclaredPayloadHash) {
  // Signed as for any other service: over SHA-256("") and without the header.
  auth::SignableRequest sr{.method = "PUT",
                           .path = "/bucket/key",
                           .headers = {{"Host", std::string(kHost)}},
                           .payload_hash = auth::Sha256Hex("")};
  auth::Sign(sr, Admin(), kRegion, "s3", Now(), /*s3=*/false);
  auto r = Aws(TestRequest{verb::put, "/bucket/key", sr.headers, "content nobody signed"});
  EXPECT_EQ(r.status(), 400u) << r.body();
  // S3's answer: "Missing required header for this request: x-amz-content-sha256".
  EXPECT_NE(r.body().find("<Code>InvalidRequest</Code>"), std::string::npos) << r.body();
  EXPECT_NE(r.body().find("x-amz-content-sha256"), std::string::npos) << r.body();
  EXPECT_EQ(r.read_some_calls, 0);
}

// Verifies anonymous ops (admin health, an anonymous app route) need no
// credentials.
TEST_F(PipelineTest, AnonymousOpsNeedNoCredentials) {
  auto health = Aws(Request(verb::get, "/_stratus/health"));
  EXPECT_EQ(health.status(), 200u);
  EXPECT_EQ(health.header("Content-Type"), "application/json");
  auto body = health.json();
  EXPECT_EQ(Field(body, "status"), "ok");
  EXPECT_EQ(Field(body, "region"), "ap-south-1");

  EXPECT_EQ(App(Request(verb::get, "/metadata")).status(), 200u);
}

// ---- Body policies ----

// Verifies a buffered body is read before authentication (its hash is signed):
// an unsigned request still has its body read, then is refused.
TEST_F(PipelineTest, BufferedBodyIsReadBeforeAuthentication) {
  auto unsigned_json = Aws(JsonRequest("Echo", "{\"a\":1}"));
  EXPECT_EQ(unsigned_json.status(), 400u);
  EXPECT_EQ(unsigned_json.read_body_calls, 1);

  auto unsigned_form = Aws(FormRequest("Action=GetThing&Name=n"));
  EXPECT_EQ(unsigned_form.status(), 403u);
  EXPECT_EQ(unsigned_form.read_body_calls, 1);

  auto signed_json = Aws(Signed(JsonRequest("Echo", "{\"a\":1}"), "testjson"));
  EXPECT_EQ(signed_json.status(), 200u);
  EXPECT_EQ(signed_json.body(), "{\"a\":1}");
  EXPECT_EQ(signed_json.read_body_calls, 1);
  EXPECT_EQ(signed_json.read_some_calls, 0);
}

// Verifies a buffered body over the op's limit is refused as too large.
TEST_F(PipelineTest, BufferedBodyOverOpLimitIsTooLarge) {
  auto r = Aws(Signed(JsonRequest("Echo", std::string(65, 'x')), "testjson"));
  EXPECT_EQ(r.status(), 413u);
  EXPECT_EQ(r.header("x-amzn-ErrorType"), "RequestEntityTooLargeException");
  EXPECT_EQ(Errors("aws", "json", "Echo", "TooLarge"), 1u);
}

// Verifies a streamed op reads the body itself through ReadSome; the pipeline
// never buffers it, and an unauthenticated streamed request reads nothing.
TEST_F(PipelineTest, StreamedOpReadsBodyItself) {
  Signing unsigned_payload;
  unsigned_payload.payload_hash = "UNSIGNED-PAYLOAD";
  auto r = Aws(Signed(Request(verb::put, "/bucket/key", {}, "0123456789"), "s3", unsigned_payload));
  EXPECT_EQ(r.status(), 200u) << r.body();
  EXPECT_EQ(r.body(), "stored 0123456789");
  EXPECT_EQ(r.read_body_calls, 0);
  EXPECT_EQ(r.read_some_calls, 4);  // 4 + 4 + 2 bytes, then the end

  auto refused = Aws(Request(verb::put, "/bucket/key", {}, "0123456789"));
  EXPECT_EQ(refused.status(), 403u);
  EXPECT_EQ(refused.read_body_calls, 0);
  EXPECT_EQ(refused.read_some_calls, 0);
}

// Verifies an op whose policy is kNone never has its body read, even when the
// client sends one.
TEST_F(PipelineTest, NoneBodyPolicyNeverReadsBody) {
  auto r = Aws(Signed(Request(verb::get, "/bucket/key", {}, "ignored body"), "s3"));
  EXPECT_EQ(r.status(), 200u) << r.body();
  EXPECT_EQ(r.read_body_calls, 0);
  EXPECT_EQ(r.read_some_calls, 0);
}

// Verifies an op's error Status goes through its protocol's error map.
TEST_F(PipelineTest, OpErrorIsRenderedThroughProtocolErrorMap) {
  auto s3 = Aws(Signed(Request(verb::delete_, "/bucket/some/key"), "s3"));
  EXPECT_EQ(s3.status(), 404u);
  EXPECT_NE(s3.body().find("<Code>NoSuchKey</Code><Message>The specified key does not exist."
                           "</Message><Resource>/bucket/some/key</Resource>"),
            std::string::npos)
      << s3.body();

  auto json = Aws(Signed(JsonRequest("Fail", ""), "testjson"));
  EXPECT_EQ(json.status(), 400u);
  auto body = json.json();
  EXPECT_EQ(Field(body, "__type"), "com.example.testjson#ResourceNotFoundException");
  EXPECT_EQ(Field(body, "message"), "Requested resource not found");
  EXPECT_EQ(Errors("aws", "json", "Fail", "NotFound"), 1u);
}

// Verifies /_stratus/ready follows the region's readiness: 503 with
// Retry-After while starting or stopping, 200 when ready.
TEST_F(PipelineTest, ReadyFollowsReadiness) {
  services_.readiness = Readiness::kStarting;
  auto starting = Aws(Request(verb::get, "/_stratus/ready"));
  EXPECT_EQ(starting.status(), 503u);
  EXPECT_EQ(Field(starting.json(), "state"), "starting");
  EXPECT_EQ(starting.header("Retry-After"), "1");

  services_.readiness = Readiness::kReady;
  auto ready = Aws(Request(verb::get, "/_stratus/ready"));
  EXPECT_EQ(ready.status(), 200u);
  EXPECT_EQ(Field(ready.json(), "ready"), "true");

  services_.readiness = Readiness::kStopping;
  auto stopping = Aws(Request(verb::get, "/_stratus/ready"));
  EXPECT_EQ(stopping.status(), 503u);
  EXPECT_EQ(Field(stopping.json(), "state"), "stopping");
}

// ---- Response headers ----

// Verifies every response carries a 16-hex-digit x-amz-request-id, Server and
// Date (from the injected clock); JSON and Query also carry x-amzn-RequestId.
TEST_F(PipelineTest, EveryResponseCarriesRequestIdServerAndDate) {
  struct Case {
    const char* what;
    Sent sent;
    bool amzn_request_id;
  };
  std::vector<Case> cases;
  cases.push_back({"s3 ok", Aws(Signed(Request(verb::get, "/b/k"), "s3")), false});
  cases.push_back({"s3 error", Aws(Request(verb::get, "/b/k")), false});
  cases.push_back({"s3 unknown", Aws(Request(verb::post, "/b")), false});
  cases.push_back({"json ok", Aws(Signed(JsonRequest("Echo", "{}"), "testjson")), true});
  cases.push_back({"json error", Aws(JsonRequest("Nope", "{}")), true});
  cases.push_back(
      {"query ok", Aws(Signed(FormRequest("Action=GetThing&Name=a"), "testquery")), true});
  cases.push_back({"query error", Aws(FormRequest("Action=GetThing")), true});
  cases.push_back({"admin", Aws(Request(verb::get, "/_stratus/health")), true});
  cases.push_back({"app", App(Request(verb::get, "/nope")), true});

  const std::regex request_id("[0-9A-F]{16}");
  std::vector<std::string> ids;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string id = c.sent.header("x-amz-request-id");
    EXPECT_TRUE(std::regex_match(id, request_id)) << id;
    EXPECT_EQ(c.sent.header("Server"), "Stratus");
    EXPECT_EQ(c.sent.header("Date"), "Sun, 22 Nov 2026 05:00:00 GMT");
    if (c.amzn_request_id) {
      EXPECT_EQ(c.sent.header("x-amzn-RequestId"), id);
    } else {
      EXPECT_EQ(c.sent.header("x-amzn-RequestId"), "");
    }
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "request ids repeat";
}

// Verifies responses to connection-level failures carry the same headers.
TEST_F(PipelineTest, ConnectionErrorCarriesRequestIdServerAndDate) {
  auto res = aws_pipeline_->ConnectionError(status::request_header_fields_too_large, "too big");
  EXPECT_EQ(res.msg.result_int(), 431u);
  EXPECT_TRUE(std::regex_match(std::string(std::string_view(res.msg["x-amz-request-id"])),
                               std::regex("[0-9A-F]{16}")));
  EXPECT_EQ(res.msg[net::http::field::server], "Stratus");
  EXPECT_EQ(res.msg[net::http::field::date], "Sun, 22 Nov 2026 05:00:00 GMT");
}

// ---- HEAD ----

// Verifies HEAD on a routed op yields a HEAD response (headers only, the
// Content-Length a GET would send).
TEST_F(PipelineTest, HeadOnRoutedOpIsHeadResponse) {
  auto head = Aws(Signed(Request(verb::head, "/bucket/key"), "s3"));
  EXPECT_EQ(head.status(), 200u);
  EXPECT_TRUE(head.response.head);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(std::string("object bucket/key").size()));
  EXPECT_EQ(Requests("aws", "rest-xml", "HeadObject", 200), 1u);

  auto get = Aws(Signed(Request(verb::get, "/bucket/key"), "s3"));
  EXPECT_FALSE(get.response.head);
}

// Verifies S3 error responses to HEAD have no body.
TEST_F(PipelineTest, HeadErrorsHaveNoBody) {
  auto refused = Aws(Request(verb::head, "/bucket/key"));
  EXPECT_EQ(refused.status(), 403u);
  EXPECT_EQ(refused.body(), "");

  auto unknown = Aws(Request(verb::head, "/bucket"));
  EXPECT_EQ(unknown.status(), 501u);
  EXPECT_EQ(unknown.body(), "");
}

// ---- Metrics ----

// Verifies requests, errors, latency and in-flight metrics after a few
// requests, read back by their labels and from the Prometheus text.
TEST_F(PipelineTest, MetricsCountRequestsErrorsAndLatency) {
  auto first = Aws(Signed(Request(verb::get, "/b/k"), "s3"));
  EXPECT_EQ(first.header("x-test-in-flight"), "1");  // this request, while it ran
  Aws(Signed(Request(verb::get, "/b/k"), "s3"));
  Aws(Request(verb::get, "/b/k"));
  Aws(Signed(Request(verb::delete_, "/b/k"), "s3"));
  Aws(Request(verb::post, "/b"));
  App(Request(verb::get, "/metadata"));

  EXPECT_EQ(Requests("aws", "rest-xml", "GetObject", 200), 2u);
  EXPECT_EQ(Requests("aws", "rest-xml", "GetObject", 403), 1u);
  EXPECT_EQ(Requests("aws", "rest-xml", "DeleteObject", 404), 1u);
  EXPECT_EQ(Requests("aws", "rest-xml", "Unknown", 501), 1u);
  EXPECT_EQ(Requests("app", "app", "GetMetadata", 200), 1u);

  EXPECT_EQ(Errors("aws", "rest-xml", "GetObject", "Unauthenticated"), 1u);
  EXPECT_EQ(Errors("aws", "rest-xml", "DeleteObject", "NotFound"), 1u);
  EXPECT_EQ(Errors("aws", "rest-xml", "Unknown", "Unimplemented"), 1u);

  auto& latency = metrics_.GetHistogram(
      "stratus_request_duration_seconds", "",
      {{"listener", "aws"}, {"protocol", "rest-xml"}, {"operation", "GetObject"}});
  EXPECT_EQ(latency.Count(), 3u);

  EXPECT_EQ(metrics_.GetGauge("stratus_requests_in_flight", "", {{"listener", "aws"}}).Value(), 0);
  EXPECT_EQ(metrics_.GetGauge("stratus_requests_in_flight", "", {{"listener", "app"}}).Value(), 0);

  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("stratus_requests_total{listener=\"aws\",protocol=\"rest-xml\","
                      "operation=\"GetObject\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stratus_request_errors_total{listener=\"aws\",protocol=\"rest-xml\","
                      "operation=\"DeleteObject\",error=\"NotFound\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stratus_request_duration_seconds_count{listener=\"aws\",protocol=\"rest-"
                      "xml\",operation=\"GetObject\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stratus_requests_in_flight{listener=\"aws\"} 0\n"), std::string::npos)
      << text;
  // Successful requests count no error.
  EXPECT_EQ(text.find("operation=\"GetMetadata\",error="), std::string::npos) << text;
}

// ---- Access log ----

// Verifies the access log gets one JSON line per request, with its request id,
// operation, status, error and principal.
TEST_F(PipelineTest, AccessLogHasOneJsonLinePerRequest) {
  auto ok = Aws(Signed(Request(verb::get, "/bucket/key"), "s3"));
  auto refused = Aws(JsonRequest("Echo", "{}"));
  auto health = App(Request(verb::get, "/_stratus/health"));

  auto lines = AccessLines();
  ASSERT_EQ(lines.size(), 3u) << access_text_.str();

  EXPECT_EQ(Field(lines[0], "request_id"), ok.header("x-amz-request-id"));
  EXPECT_EQ(Field(lines[0], "region"), "ap-south-1");
  EXPECT_EQ(Field(lines[0], "listener"), "aws");
  EXPECT_EQ(Field(lines[0], "protocol"), "rest-xml");
  EXPECT_EQ(Field(lines[0], "operation"), "GetObject");
  EXPECT_EQ(Field(lines[0], "method"), "GET");
  EXPECT_EQ(Field(lines[0], "path"), "/bucket/key");
  EXPECT_EQ(Field(lines[0], "status"), "200");
  EXPECT_EQ(Field(lines[0], "error"), "");
  EXPECT_EQ(Field(lines[0], "principal"), kAccessKeyId);
  EXPECT_EQ(Field(lines[0], "remote"), "192.0.2.7:50123");
  EXPECT_EQ(Field(lines[0], "time"), "2026-11-22T05:00:00Z");

  EXPECT_EQ(Field(lines[1], "request_id"), refused.header("x-amz-request-id"));
  EXPECT_EQ(Field(lines[1], "operation"), "Echo");
  EXPECT_EQ(Field(lines[1], "status"), "400");
  EXPECT_EQ(Field(lines[1], "error"), "Unauthenticated");
  EXPECT_EQ(Field(lines[1], "principal"), "");
  EXPECT_EQ(Field(lines[1], "bytes_in"), "2");  // "{}", read before authentication

  EXPECT_EQ(Field(lines[2], "request_id"), health.header("x-amz-request-id"));
  EXPECT_EQ(Field(lines[2], "listener"), "app");
  EXPECT_EQ(Field(lines[2], "operation"), "Health");
  EXPECT_EQ(Field(lines[2], "status"), "200");
}

// Verifies the access log never holds a presigned query, an Authorization
// header or a signature, for accepted and refused requests alike.
TEST_F(PipelineTest, AccessLogNeverContainsCredentials) {
  auth::SignableRequest sr;
  sr.method = "GET";
  sr.path = "/bucket/key";
  sr.headers = {{"Host", std::string(kHost)}};
  const std::string presigned =
      auth::Presign(sr, Admin(), kRegion, "s3", Now(), std::chrono::seconds(300));
  const std::string presigned_signature = presigned.substr(presigned.find("X-Amz-Signature=") + 16);
  ASSERT_FALSE(presigned_signature.empty());

  auto by_query = Aws(Request(verb::get, "/bucket/key?" + presigned));
  EXPECT_EQ(by_query.status(), 200u) << by_query.body();
  // The same URL with its signature tampered with is refused.
  std::string tampered = presigned;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto refused = Aws(Request(verb::get, "/bucket/key?" + tampered));
  EXPECT_EQ(refused.status(), 403u);

  auto header_signed = Signed(Request(verb::get, "/bucket/key"), "s3");
  const std::string header_signature = SignatureOf(header_signed);
  ASSERT_EQ(header_signature.size(), 64u);
  EXPECT_EQ(Aws(header_signed).status(), 200u);
  auto json_signed = Signed(JsonRequest("Echo", "{}"), "testjson");
  const std::string json_signature = SignatureOf(json_signed);
  ASSERT_EQ(json_signature.size(), 64u);
  EXPECT_EQ(Aws(json_signed).status(), 200u);
  const std::string tampered_signature = tampered.substr(tampered.size() - 64);

  const std::string log = access_text_.str();
  auto lines = AccessLines();
  ASSERT_EQ(lines.size(), 4u) << log;
  for (const auto& line : lines) {
    EXPECT_EQ(line.at("path").as_string().find('?'), boost::json::string::npos) << log;
  }
  EXPECT_EQ(Field(lines[0], "path"), "/bucket/key");
  const std::vector<std::string_view> secrets = {
      "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm", "Signature=", "Authorization",
      "AWS4-HMAC-SHA256", presigned_signature, tampered_signature, header_signature,
      json_signature, kSecret};
  for (std::string_view secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "access log holds " << secret << ":\n" << log;
  }
}

}  // namespace
}  // namespace api
