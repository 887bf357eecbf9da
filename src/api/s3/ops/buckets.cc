#include "api/s3/ops/buckets.h"

#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

using common::ErrorCode;
using service::objects::Versioning;
namespace http = net::http;

Result<BucketRequest> ParseBucket(OpContext& ctx) {
  STRATUS_RETURN_IF_ERROR(ValidateBucketName(ctx.route.bucket));
  return BucketRequest{ctx.route.bucket};
}

net::awaitable<Result<net::Response>> ListBuckets::Execute(OpContext& ctx, Request) {
  auto buckets = Objects(ctx).ListBuckets();
  if (!buckets.ok()) co_return buckets.status();
  XmlWriter w;
  w.Declaration();
  w.Open("ListAllMyBucketsResult", kXmlns);
  w.Open("Owner");
  w.Element("ID", auth::kAccountId);
  w.Element("DisplayName", ctx.principal.access_key_id);
  w.Close();
  w.Open("Buckets");
  for (const auto& b : *buckets) {
    w.Open("Bucket");
    w.Element("Name", b.name);
    w.Element("CreationDate", IsoTime(b.created_ms));
    w.Element("BucketRegion", b.region);
    w.Close();
  }
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<BucketRequest> CreateBucket::Parse(OpContext& ctx) {
  auto r = ParseBucket(ctx);
  if (!r.ok()) return r;
  auto location = ParseCreateBucketConfiguration(ctx.body ? *ctx.body : std::string());
  if (!location.ok()) return location.status();
  const std::string& region = ctx.services.region;
  // An absent constraint creates the bucket here; a named one must be here.
  if (!location->empty() && *location != region) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("The {} location constraint is incompatible for the region specific "
                              "endpoint this request was sent to ({}).",
                              *location, region),
                  "IllegalLocationConstraintException");
  }
  if (*location == "us-east-1") {
    return Status(ErrorCode::kInvalidArgument, "The specified location-constraint is not valid",
                  "InvalidLocationConstraint");
  }
  return r;
}

net::awaitable<Result<net::Response>> CreateBucket::Execute(OpContext& ctx, BucketRequest r) {
  auto b = co_await OnPool(ctx.services.blocking, [&] { return Objects(ctx).CreateBucket(r.bucket); });
  // us-east-1 answers a repeated create by the owner with success, as S3 does.
  if (!b.ok() && !(b.status().reason() == "BucketAlreadyOwnedByYou" &&
                   ctx.services.region == "us-east-1")) {
    co_return b.status();
  }
  net::Response res = EmptyResponse();
  res.msg.set(http::field::location, "/" + r.bucket);
  co_return res;
}

Result<BucketRequest> DeleteBucket::Parse(OpContext& ctx) { return ParseBucket(ctx); }

net::awaitable<Result<net::Response>> DeleteBucket::Execute(OpContext& ctx, BucketRequest r) {
  auto st = co_await OnPool(ctx.services.blocking, [&] { return Objects(ctx).DeleteBucket(r.bucket); });
  if (!st.ok()) co_return st;
  co_return EmptyResponse(http::status::no_content);
}

Result<BucketRequest> HeadBucket::Parse(OpContext& ctx) { return ParseBucket(ctx); }

net::awaitable<Result<net::Response>> HeadBucket::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  net::Response res = EmptyResponse();
  res.msg.set("x-amz-bucket-region", b->region);
  res.msg.set("x-amz-access-point-alias", "false");
  co_return res;
}

Result<BucketRequest> GetBucketLocation::Parse(OpContext& ctx) { return ParseBucket(ctx); }

net::awaitable<Result<net::Response>> GetBucketLocation::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  XmlWriter w;
  w.Declaration();
  // us-east-1 is the empty constraint.
  w.Open("LocationConstraint", kXmlns);
  if (b->region != "us-east-1") w.Text(b->region);
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<BucketRequest> GetBucketVersioning::Parse(OpContext& ctx) { return ParseBucket(ctx); }

net::awaitable<Result<net::Response>> GetBucketVersioning::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  XmlWriter w;
  w.Declaration();
  w.Open("VersioningConfiguration", kXmlns);
  if (b->versioning == Versioning::kEnabled) w.Element("Status", "Enabled");
  if (b->versioning == Versioning::kSuspended) w.Element("Status", "Suspended");
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<PutBucketVersioning::Request> PutBucketVersioning::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  auto conf = ParseVersioningConfiguration(ctx.body ? *ctx.body : std::string());
  if (!conf.ok()) return conf.status();
  if (conf->status != "Enabled" && conf->status != "Suspended") {
    return Status(ErrorCode::kInvalidArgument, "The versioning status is not valid", "MalformedXML");
  }
  return Request{b->bucket, conf->status};
}

net::awaitable<Result<net::Response>> PutBucketVersioning::Execute(OpContext& ctx, Request r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
    info.versioning = r.status == "Enabled" ? Versioning::kEnabled : Versioning::kSuspended;
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse();
}

}  // namespace api::s3
