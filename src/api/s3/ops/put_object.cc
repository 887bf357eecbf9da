#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/ops/objects.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

Result<ObjectRequest> ParseObject(OpContext& ctx) {
  STRATUS_RETURN_IF_ERROR(ValidateBucketName(ctx.route.bucket));
  STRATUS_RETURN_IF_ERROR(ValidateKey(ctx.route.key));
  ObjectRequest r{ctx.route.bucket, ctx.route.key, std::nullopt};
  if (auto v = VersionIdParam(ctx)) r.version_id = std::string(*v);
  return r;
}

Result<PutObject::Request> PutObject::Parse(OpContext& ctx) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  auto meta = MetadataFromHeaders(ctx.exchange.header());
  if (!meta.ok()) return meta.status();
  auto replica = ReplicaOriginOf(ctx.exchange.header());
  if (!replica.ok()) return replica.status();
  if (*replica) STRATUS_RETURN_IF_ERROR(MarkReplica(ctx.exchange.header(), **replica, *meta, false));
  return Request{std::move(target).value(), std::move(meta).value()};
}

// Write conditions of a PUT: If-None-Match: * (create only) and If-Match.
Result<service::objects::WriteConditions> WriteConditionsOf(const net::RequestHeader& h) {
  service::objects::WriteConditions c;
  if (auto inm = h[http::field::if_none_match]; !inm.empty()) {
    if (inm != "*") {
      return Status(ErrorCode::kUnimplemented,
                    "If-None-Match on writes takes only '*'", "NotImplemented");
    }
    c.if_none_match_any = true;
  }
  if (auto im = h[http::field::if_match]; !im.empty()) c.if_match = Unquoted(im);
  return c;
}

net::awaitable<Result<net::Response>> PutObject::Execute(OpContext& ctx, Request r) {
  auto conditions = WriteConditionsOf(ctx.exchange.header());
  if (!conditions.ok()) co_return conditions.status();
  conditions->event = EventCause(ctx);
  auto plan = PlanBody(ctx, kMaxPutSize);
  if (!plan.ok()) co_return plan.status();
  auto& objects = Objects(ctx);
  // Refuse early (before the body is sent) when the bucket does not exist.
  if (auto b = objects.GetBucket(r.target.bucket); !b.ok()) co_return b.status();
  auto writer = objects.NewWriter(plan->size, plan->algorithm);
  if (!writer.ok()) co_return writer.status();
  if (auto st = co_await ReadBody(ctx, *plan, **writer, kMaxPutSize); !st.ok()) co_return st;
  if (auto st = co_await InjectedWriteFault(); !st.ok()) co_return st;
  r.meta.owner = ctx.principal.access_key_id;
  auto v = co_await OnPool(ctx.services.blocking, [&] {
    return objects.PutObject(r.target.bucket, r.target.key, std::move(r.meta), **writer, *conditions);
  });
  if (!v.ok()) co_return v.status();
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::etag, Quoted(v->etag));
  if (v->version_id != "null") res.msg.set("x-amz-version-id", v->version_id);
  if (v->checksum_algorithm) {
    res.msg.set(common::ChecksumHeader(*v->checksum_algorithm), v->checksum);
    res.msg.set("x-amz-checksum-type", v->checksum_type);
  }
  res.msg.prepare_payload();
  co_return res;
}

}  // namespace api::s3
