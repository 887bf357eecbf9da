#include "api/app/proxy.h"

#include <chrono>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "api/app/gateway.h"
#include "api/common/blocking.h"
#include "auth/credentials.h"
#include "common/checksum.h"

namespace api::app {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using net::http::status;

// Whether `s` is well-formed UTF-8 (a body that is not goes base64-encoded).
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n + 1;
  }
  return true;
}

void SetCors(Gateway& gw, OpContext& ctx, net::Response& res) {
  std::string origin = gw.AllowOrigin(ctx.exchange.header()[net::http::field::origin]);
  if (origin.empty()) return;
  res.msg.set(net::http::field::access_control_allow_origin, origin);
  if (origin != "*") res.msg.set(net::http::field::vary, "Origin");
}

net::Response Message(Gateway& gw, OpContext& ctx, status code, std::string_view message,
                      std::string_view error_type) {
  net::Response res;
  res.msg.result(code);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.set("x-amzn-ErrorType", error_type);
  res.msg.set("x-amzn-RequestId", ctx.request_id);
  res.msg.body() = json::serialize(json::object{{"message", message}});
  SetCors(gw, ctx, res);
  res.msg.prepare_payload();
  return res;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

// API Gateway's proxy event, payload format 1.0.
json::object ProxyEvent(OpContext& ctx, const Gateway::Match& m, std::string_view path) {
  const auto& h = ctx.exchange.header();
  json::object headers, multi_headers;
  for (const auto& field : h) {
    std::string name(field.name_string());
    std::string value(field.value());
    auto it = multi_headers.find(name);
    if (it == multi_headers.end()) {
      multi_headers[name] = json::array{json::value(value)};
    } else {
      it->value().as_array().emplace_back(value);
    }
    headers[name] = value;
  }
  json::value query = nullptr, multi_query = nullptr;
  if (!ctx.route.query.empty()) {
    json::object q, mq;
    for (const auto& [k, v] : ctx.route.query) {
      q[k] = v;
      mq[k] = json::array{json::value(v)};
    }
    query = std::move(q);
    multi_query = std::move(mq);
  }
  json::value path_parameters = nullptr;
  if (!m.path_parameters.empty()) {
    json::object p;
    for (const auto& [k, v] : m.path_parameters) p[k] = v;
    path_parameters = std::move(p);
  }
  json::value body = nullptr;
  bool base64 = false;
  if (ctx.body && !ctx.body->empty()) {
    base64 = !IsUtf8(*ctx.body);
    body = base64 ? common::Base64Encode(*ctx.body) : *ctx.body;
  }
  std::string method(h.method_string());
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string source_ip = ctx.exchange.remote_address();
  if (auto colon = source_ip.rfind(':'); colon != std::string::npos) source_ip.resize(colon);
  json::object identity{{"sourceIp", source_ip},
                        {"userAgent", std::string(h[net::http::field::user_agent])},
                        {"apiKey", std::string(h["x-api-key"])}};
  json::object request_context{{"resourcePath", m.resource},
                               {"httpMethod", method},
                               {"path", std::string(path)},
                               {"stage", "$default"},
                               {"requestId", ctx.request_id},
                               {"requestTimeEpoch", now},
                               {"domainName", std::string(h[net::http::field::host])},
                               {"apiId", "stratus"},
                               {"accountId", std::string(auth::kAccountId)},
                               {"identity", std::move(identity)}};
  return json::object{{"resource", m.resource},
                      {"path", std::string(path)},
                      {"httpMethod", method},
                      {"headers", std::move(headers)},
                      {"multiValueHeaders", std::move(multi_headers)},
                      {"queryStringParameters", std::move(query)},
                      {"multiValueQueryStringParameters", std::move(multi_query)},
                      {"pathParameters", std::move(path_parameters)},
                      {"stageVariables", nullptr},
                      {"requestContext", std::move(request_context)},
                      {"body", std::move(body)},
                      {"isBase64Encoded", base64}};
}

// The function's proxy result as the HTTP answer; nullopt when malformed.
std::optional<net::Response> ProxyResult(const json::value& result) {
  const json::object* o = result.if_object();
  if (o == nullptr) return std::nullopt;
  net::Response res;
  const json::value* code = o->if_contains("statusCode");
  int64_t status_code = 200;
  if (code != nullptr) {
    if (code->is_int64()) {
      status_code = code->as_int64();
    } else if (code->is_string()) {
      status_code = std::atoll(code->as_string().c_str());
    } else {
      return std::nullopt;
    }
  }
  if (status_code < 100 || status_code > 599) return std::nullopt;
  res.msg.result(static_cast<unsigned>(status_code));
  for (const char* key : {"headers", "multiValueHeaders"}) {
    const json::value* hs = o->if_contains(key);
    if (hs == nullptr || hs->is_null()) continue;
    if (!hs->is_object()) return std::nullopt;
    for (const auto& [name, value] : hs->as_object()) {
      if (value.is_string()) {
        res.msg.set(std::string_view(name), std::string_view(value.as_string()));
      } else if (value.is_array()) {
        for (const auto& v : value.as_array()) {
          if (v.is_string()) res.msg.insert(std::string_view(name), std::string_view(v.as_string()));
        }
      }
    }
  }
  const json::value* body = o->if_contains("body");
  std::string text;
  if (body != nullptr && body->is_string()) {
    text = std::string(body->as_string());
  } else if (body != nullptr && !body->is_null()) {
    return std::nullopt;
  }
  const json::value* b64 = o->if_contains("isBase64Encoded");
  if (b64 != nullptr && b64->is_bool() && b64->as_bool()) {
    auto raw = common::Base64Decode(text);
    if (!raw) return std::nullopt;
    text = std::move(*raw);
  }
  if (res.msg.find(net::http::field::content_type) == res.msg.end()) {
    res.msg.set(net::http::field::content_type, "application/json");
  }
  res.msg.body() = std::move(text);
  res.msg.prepare_payload();
  return res;
}

}  // namespace

Result<ProxyInvoke::Request> ProxyInvoke::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<net::Response>> ProxyInvoke::Execute(OpContext& ctx, Request) {
  Gateway* gw = ctx.services.gateway;
  if (gw == nullptr) co_return Status(ErrorCode::kUnimplemented, "no application API here");
  auto [path, query] = SplitTarget(ctx.exchange.header().target());
  auto match = gw->Find(std::string_view(ctx.exchange.header().method_string()), path);
  if (!match) co_return Status(ErrorCode::kUnimplemented, "Not Found");
  std::chrono::seconds retry_after{0};
  Status admitted = gw->Admit(ctx.exchange.header()["x-api-key"], &retry_after);
  if (admitted.code() == ErrorCode::kUnauthenticated) {
    co_return Message(*gw, ctx, status::forbidden, "Forbidden", "ForbiddenException");
  }
  if (admitted.code() == ErrorCode::kThrottled) {
    net::Response res = Message(*gw, ctx, status::too_many_requests, "Too Many Requests", "TooManyRequestsException");
    res.msg.set(net::http::field::retry_after, std::to_string(retry_after.count()));
    co_return res;
  }
  json::object event = ProxyEvent(ctx, *match, path);
  const std::string function = match->route->function;
  auto outcome = co_await OnPool(ctx.services.blocking, [&] { return gw->Invoke(function, event); });
  if (!outcome.ok()) {
    if (outcome.status().code() == ErrorCode::kThrottled) {
      net::Response res = Message(*gw, ctx, status::too_many_requests, "Too Many Requests", "TooManyRequestsException");
      res.msg.set(net::http::field::retry_after, "1");
      co_return res;
    }
    co_return Message(*gw, ctx, status::internal_server_error, "Internal server error", "InternalServerErrorException");
  }
  if (outcome->failed) {
    const json::object* err = outcome->payload.if_object();
    const json::value* message = err != nullptr ? err->if_contains("errorMessage") : nullptr;
    bool timed_out = message != nullptr && message->is_string() &&
                     std::string_view(message->as_string()).find("timed out") != std::string_view::npos;
    if (timed_out) {
      co_return Message(*gw, ctx, status::gateway_timeout, "Endpoint request timed out", "IntegrationTimeout");
    }
    co_return Message(*gw, ctx, status::bad_gateway, "Internal server error", "InternalServerErrorException");
  }
  auto res = ProxyResult(outcome->payload);
  if (!res) co_return Message(*gw, ctx, status::bad_gateway, "Internal server error", "InternalServerErrorException");
  res->msg.set("x-amzn-RequestId", ctx.request_id);
  SetCors(*gw, ctx, *res);
  co_return std::move(*res);
}

Result<Preflight::Request> Preflight::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<net::Response>> Preflight::Execute(OpContext& ctx, Request) {
  Gateway* gw = ctx.services.gateway;
  if (gw == nullptr) co_return Status(ErrorCode::kUnimplemented, "no application API here");
  auto [path, query] = SplitTarget(ctx.exchange.header().target());
  auto methods = gw->MethodsFor(path);
  if (methods.empty()) co_return Status(ErrorCode::kUnimplemented, "Not Found");
  net::Response res;
  res.msg.result(status::no_content);
  std::string allow = "OPTIONS";
  for (const auto& m : methods) allow += "," + m;
  SetCors(*gw, ctx, res);
  res.msg.set(net::http::field::access_control_allow_methods, allow);
  res.msg.set(net::http::field::access_control_allow_headers,
              "Content-Type,X-Api-Key,Authorization,X-Amz-Date,X-Amz-Security-Token");
  res.msg.set(net::http::field::access_control_max_age, "600");
  res.msg.prepare_payload();
  co_return res;
}

}  // namespace api::app
