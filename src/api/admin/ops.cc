#include "api/admin/ops.h"

#include "api/common/query_string.h"
#include "replication/engine.h"
#include "service/topics/topic_service.h"

#include <fmt/format.h>

#include "common/version.h"

namespace api::admin {
namespace {

std::string_view ReadinessName(Readiness r) {
  switch (r) {
    case Readiness::kStarting: return "starting";
    case Readiness::kReady: return "ready";
    case Readiness::kStopping: return "stopping";
  }
  return "unknown";
}

void Json(net::Response& res, net::http::status status, std::string body) {
  res.msg.result(status);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.body() = std::move(body);
  res.msg.prepare_payload();
}

}  // namespace

Result<Health::Request> Health::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<Health::Output>> Health::Execute(OpContext& ctx, Request) {
  co_return Output{ctx.services.region};
}

void Health::Render(const Output& out, OpContext&, net::Response& res) {
  Json(res, net::http::status::ok,
       fmt::format("{{\"status\":\"ok\",\"region\":\"{}\",\"version\":\"{}\"}}\n", out.region,
                   common::kVersion));
}

Result<Ready::Request> Ready::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<Ready::Output>> Ready::Execute(OpContext& ctx, Request) {
  co_return Output{ctx.services.readiness.load()};
}

void Ready::Render(const Output& out, OpContext& ctx, net::Response& res) {
  bool ready = out.state == Readiness::kReady;
  Json(res, ready ? net::http::status::ok : net::http::status::service_unavailable,
       fmt::format("{{\"ready\":{},\"state\":\"{}\",\"region\":\"{}\"}}\n", ready,
                   ReadinessName(out.state), ctx.services.region));
  if (!ready) res.msg.set(net::http::field::retry_after, "1");
}

Result<Metrics::Request> Metrics::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<Metrics::Output>> Metrics::Execute(OpContext& ctx, Request) {
  co_return Output{ctx.services.metrics->RenderPrometheus()};
}

void Metrics::Render(const Output& out, OpContext&, net::Response& res) {
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.msg.body() = out.text;
  res.msg.prepare_payload();
}

Result<ReplicationStatus::Request> ReplicationStatus::Parse(OpContext& ctx) {
  std::string_view target = ctx.exchange.header().target();
  Request r;
  if (size_t q = target.find('?'); q != std::string_view::npos) {
    auto params = ParseQuery(target.substr(q + 1), true);
    if (!params) return Status(common::ErrorCode::kInvalidArgument, "malformed query string");
    if (auto it = params->find("bucket"); it != params->end()) r.bucket = it->second;
  }
  return r;
}

net::awaitable<Result<ReplicationStatus::Output>> ReplicationStatus::Execute(OpContext& ctx, Request req) {
  if (ctx.services.replication == nullptr) {
    co_return Status(common::ErrorCode::kUnimplemented, "replication is not running in this region");
  }
  co_return Output{ctx.services.replication->StatusJson(req.bucket)};
}

void ReplicationStatus::Render(const Output& out, OpContext&, net::Response& res) {
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.body() = out.json;
  res.msg.prepare_payload();
}

Result<SnsSigningCertificate::Request> SnsSigningCertificate::Parse(OpContext&) { return Request{}; }

net::awaitable<Result<SnsSigningCertificate::Output>> SnsSigningCertificate::Execute(OpContext& ctx, Request) {
  if (ctx.services.topics == nullptr || ctx.services.topics->SigningCertificate().empty()) {
    co_return Status(common::ErrorCode::kNotFound, "no SNS signing certificate in this region");
  }
  co_return Output{ctx.services.topics->SigningCertificate()};
}

void SnsSigningCertificate::Render(const Output& out, OpContext&, net::Response& res) {
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "application/x-pem-file");
  res.msg.body() = out.pem;
  res.msg.prepare_payload();
}

}  // namespace api::admin
