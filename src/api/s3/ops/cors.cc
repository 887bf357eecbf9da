#include "api/s3/ops/cors.h"

#include <fmt/format.h>

#include "api/s3/common.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"
#include "service/objects/cors.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void SetAllowHeaders(const service::objects::CorsRule& rule, std::string_view origin, net::Response& res) {
  bool any_origin = false;
  for (const auto& o : rule.allowed_origins) any_origin = any_origin || o == "*";
  res.msg.set(http::field::access_control_allow_origin, any_origin ? std::string_view("*") : origin);
  if (!any_origin) res.msg.set(http::field::access_control_allow_credentials, "true");
  res.msg.set(http::field::access_control_allow_methods, Join(rule.allowed_methods));
  if (!rule.expose_headers.empty()) {
    res.msg.set(http::field::access_control_expose_headers, Join(rule.expose_headers));
  }
  if (rule.max_age_seconds) {
    res.msg.set(http::field::access_control_max_age, std::to_string(*rule.max_age_seconds));
  }
  res.msg.set(http::field::vary, "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}

Status CorsForbidden(std::string msg) {
  return Status(ErrorCode::kPermissionDenied, std::move(msg), "AccessForbidden");
}

}  // namespace

net::awaitable<Result<net::Response>> GetBucketCors::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->cors.empty()) {
    co_return Status(ErrorCode::kNotFound, "The CORS configuration does not exist", "NoSuchCORSConfiguration");
  }
  XmlWriter w;
  w.Declaration();
  w.Open("CORSConfiguration", kXmlns);
  for (const auto& rule : b->cors) {
    w.Open("CORSRule");
    if (!rule.id.empty()) w.Element("ID", rule.id);
    for (const auto& h : rule.allowed_headers) w.Element("AllowedHeader", h);
    for (const auto& m : rule.allowed_methods) w.Element("AllowedMethod", m);
    for (const auto& o : rule.allowed_origins) w.Element("AllowedOrigin", o);
    for (const auto& e : rule.expose_headers) w.Element("ExposeHeader", e);
    if (rule.max_age_seconds) w.Element("MaxAgeSeconds", *rule.max_age_seconds);
    w.Close();
  }
  co_return XmlResponse(w.Take());
}

Result<PutBucketCors::Request> PutBucketCors::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  auto rules = ParseCorsConfiguration(ctx.body ? *ctx.body : std::string());
  if (!rules.ok()) return rules.status();
  return Request{b->bucket, std::move(rules).value()};
}

net::awaitable<Result<net::Response>> PutBucketCors::Execute(OpContext& ctx, Request r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
    info.cors = std::move(r.rules);
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse();
}

net::awaitable<Result<net::Response>> DeleteBucketCors::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
    info.cors.clear();
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse(http::status::no_content);
}

net::awaitable<Result<net::Response>> PreflightRequest::Execute(OpContext& ctx, BucketRequest r) {
  const auto& h = ctx.exchange.header();
  auto origin = h[http::field::origin];
  auto method = h[http::field::access_control_request_method];
  if (origin.empty()) {
    co_return Status(ErrorCode::kInvalidArgument, "Insufficient information. Origin request header needed.",
                     "BadRequest");
  }
  if (method.empty()) {
    co_return Status(ErrorCode::kInvalidArgument,
                     "Invalid Access-Control-Request-Method: null", "BadRequest");
  }
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->cors.empty()) co_return CorsForbidden("CORSResponse: CORS is not enabled for this bucket.");
  auto requested = h[http::field::access_control_request_headers];
  const auto* rule = service::objects::MatchCors(b->cors, origin, method, requested);
  if (rule == nullptr) {
    co_return CorsForbidden(
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
        "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
        "are not whitelisted by the resource's CORS spec.");
  }
  net::Response res;
  res.msg.result(http::status::ok);
  SetAllowHeaders(*rule, origin, res);
  if (!requested.empty()) res.msg.set(http::field::access_control_allow_headers, requested);
  res.msg.prepare_payload();
  co_return res;
}

void ApplyCors(Services& services, const net::RequestHeader& h, std::string_view bucket,
               net::Response& res) {
  auto origin = h[http::field::origin];
  if (origin.empty() || bucket.empty() || services.objects == nullptr) return;
  if (h.method() == http::verb::options) return;  // the preflight op answers itself
  if (res.msg.find(http::field::access_control_allow_origin) != res.msg.end()) return;
  auto b = services.objects->GetBucket(bucket);
  if (!b.ok() || b->cors.empty()) return;
  const auto* rule = service::objects::MatchCors(b->cors, origin, h.method_string());
  if (rule != nullptr) SetAllowHeaders(*rule, origin, res);
}

}  // namespace api::s3
