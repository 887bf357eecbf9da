#include "api/s3/ops/tagging.h"

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/ops/buckets.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

net::Response TagSet(const service::objects::Tags& tags, const std::string& version_id) {
  XmlWriter w;
  w.Declaration();
  w.Open("Tagging", kXmlns);
  w.Open("TagSet");
  for (const auto& [k, v] : tags) {
    w.Open("Tag");
    w.Element("Key", k);
    w.Element("Value", v);
    w.Close();
  }
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/xml");
  if (!version_id.empty() && version_id != "null") res.msg.set("x-amz-version-id", version_id);
  res.msg.body() = w.Take();
  res.msg.prepare_payload();
  return res;
}

net::Response Done(http::status status, const std::string& version_id = {}) {
  net::Response res;
  res.msg.result(status);
  if (!version_id.empty() && version_id != "null") res.msg.set("x-amz-version-id", version_id);
  res.msg.prepare_payload();
  return res;
}

Result<ObjectRequest> BucketOnly(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  return ObjectRequest{b->bucket, "", std::nullopt};
}

}  // namespace

net::awaitable<Result<net::Response>> GetObjectTagging::Execute(OpContext& ctx, ObjectRequest r) {
  auto v = Objects(ctx).HeadObject(r.bucket, r.key, r.version_id);
  if (!v.ok()) co_return v.status();
  if (v->delete_marker) {
    co_return r.version_id ? Status(ErrorCode::kInvalidArgument,
                                    "The specified method is not allowed against this resource.",
                                    "MethodNotAllowed")
                           : Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey");
  }
  co_return TagSet(v->tags, v->version_id);
}

Result<TaggingRequest> PutObjectTagging::Parse(OpContext& ctx) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  auto tags = ParseTagging(ctx.body ? *ctx.body : std::string(), 10);
  if (!tags.ok()) return tags.status();
  return TaggingRequest{std::move(target).value(), std::move(tags).value()};
}

net::awaitable<Result<net::Response>> PutObjectTagging::Execute(OpContext& ctx, TaggingRequest r) {
  auto v = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).SetObjectTags(r.target.bucket, r.target.key, r.target.version_id, std::move(r.tags));
  });
  if (!v.ok()) co_return v.status();
  co_return Done(http::status::ok, v->version_id);
}

net::awaitable<Result<net::Response>> DeleteObjectTagging::Execute(OpContext& ctx, ObjectRequest r) {
  auto v = co_await OnPool(ctx.services.blocking,
                           [&] { return Objects(ctx).SetObjectTags(r.bucket, r.key, r.version_id, {}); });
  if (!v.ok()) co_return v.status();
  co_return Done(http::status::no_content, v->version_id);
}

Result<ObjectRequest> GetBucketTagging::Parse(OpContext& ctx) { return BucketOnly(ctx); }

net::awaitable<Result<net::Response>> GetBucketTagging::Execute(OpContext& ctx, ObjectRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->tags.empty()) {
    co_return Status(ErrorCode::kNotFound, "The TagSet does not exist", "NoSuchTagSet");
  }
  co_return TagSet(b->tags, "");
}

Result<TaggingRequest> PutBucketTagging::Parse(OpContext& ctx) {
  auto target = BucketOnly(ctx);
  if (!target.ok()) return target.status();
  auto tags = ParseTagging(ctx.body ? *ctx.body : std::string(), 50);
  if (!tags.ok()) return tags.status();
  return TaggingRequest{std::move(target).value(), std::move(tags).value()};
}

net::awaitable<Result<net::Response>> PutBucketTagging::Execute(OpContext& ctx, TaggingRequest r) {
  auto b = Objects(ctx).UpdateBucket(r.target.bucket, [&](service::objects::BucketInfo& info) {
    info.tags = std::move(r.tags);
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return Done(http::status::no_content);
}

Result<ObjectRequest> DeleteBucketTagging::Parse(OpContext& ctx) { return BucketOnly(ctx); }

net::awaitable<Result<net::Response>> DeleteBucketTagging::Execute(OpContext& ctx, ObjectRequest r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
    info.tags.clear();
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return Done(http::status::no_content);
}

}  // namespace api::s3
