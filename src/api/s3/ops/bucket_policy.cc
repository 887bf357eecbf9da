#include "api/s3/ops/bucket_policy.h"

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/xml/xml_writer.h"
#include "auth/policy.h"
#include "service/objects/object_service.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

constexpr size_t kMaxPolicyBytes = 20 * 1024;  // S3's bucket policy limit

}  // namespace

net::awaitable<Result<net::Response>> GetBucketPolicy::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->policy.empty()) {
    co_return Status(ErrorCode::kNotFound, "The bucket policy does not exist", "NoSuchBucketPolicy");
  }
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/json");
  res.msg.body() = b->policy;
  res.msg.prepare_payload();
  co_return res;
}

Result<PutBucketPolicy::Request> PutBucketPolicy::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  const std::string& body = ctx.body ? *ctx.body : std::string();
  auth::ParseOptions po;
  po.kind = auth::PolicyKind::kResource;
  po.max_bytes = kMaxPolicyBytes;
  po.resource_scope = "arn:aws:s3:::" + b->bucket;
  auto policy = auth::ParsePolicy(body, po);
  if (!policy.ok()) return policy.status();
  return Request{b->bucket, body};
}

net::awaitable<Result<net::Response>> PutBucketPolicy::Execute(OpContext& ctx, Request r) {
  auto policy = auth::ParsePolicy(r.policy, auth::ParseOptions{});
  if (!policy.ok()) co_return policy.status();
  const bool is_public = auth::IsPublic(*policy);
  auto b = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
      if (is_public && info.public_access_block && info.public_access_block->block_public_policy) {
        return Status(ErrorCode::kPermissionDenied,
                      "User is not authorized to perform PutBucketPolicy because public policies "
                      "are blocked by the BlockPublicPolicy block public access setting.",
                      "AccessDenied");
      }
      info.policy = r.policy;
      return Status::Ok();
    });
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse(http::status::no_content);
}

net::awaitable<Result<net::Response>> DeleteBucketPolicy::Execute(OpContext& ctx, BucketRequest r) {
  auto b = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
      info.policy.clear();
      return Status::Ok();
    });
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse(http::status::no_content);
}

net::awaitable<Result<net::Response>> GetBucketPolicyStatus::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->policy.empty()) {
    co_return Status(ErrorCode::kNotFound, "The bucket policy does not exist", "NoSuchBucketPolicy");
  }
  auto policy = auth::ParsePolicy(b->policy, auth::ParseOptions{});
  XmlWriter w;
  w.Declaration();
  w.Open("PolicyStatus", kXmlns);
  w.Element("IsPublic", policy.ok() && auth::IsPublic(*policy));
  w.Close();
  co_return XmlResponse(w.Take());
}

std::optional<ResourceAccess> BucketAccess(Services& services, const RouteMatch& match) {
  if (match.bucket.empty() || services.objects == nullptr) return std::nullopt;
  auto b = services.objects->GetBucket(match.bucket);
  if (!b.ok()) return std::nullopt;
  ResourceAccess access;
  access.arn = "arn:aws:s3:::" + match.bucket;
  if (!match.key.empty()) access.arn += "/" + match.key;
  access.policy = b->policy;
  access.restrict_public = b->public_access_block && b->public_access_block->restrict_public_buckets;
  return access;
}

}  // namespace api::s3
