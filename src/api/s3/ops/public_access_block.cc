#include "api/s3/ops/public_access_block.h"

#include "api/s3/common.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

net::awaitable<Result<net::Response>> GetPublicAccessBlock::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (!b->public_access_block) {
    co_return Status(ErrorCode::kNotFound, "The public access block configuration was not found",
                     "NoSuchPublicAccessBlockConfiguration");
  }
  const auto& p = *b->public_access_block;
  XmlWriter w;
  w.Declaration();
  w.Open("PublicAccessBlockConfiguration", kXmlns);
  w.Element("BlockPublicAcls", p.block_public_acls);
  w.Element("IgnorePublicAcls", p.ignore_public_acls);
  w.Element("BlockPublicPolicy", p.block_public_policy);
  w.Element("RestrictPublicBuckets", p.restrict_public_buckets);
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<PutPublicAccessBlock::Request> PutPublicAccessBlock::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  auto block = ParsePublicAccessBlockConfiguration(ctx.body ? *ctx.body : std::string());
  if (!block.ok()) return block.status();
  return Request{b->bucket, *block};
}

net::awaitable<Result<net::Response>> PutPublicAccessBlock::Execute(OpContext& ctx, Request r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
    info.public_access_block = r.block;
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse();
}

net::awaitable<Result<net::Response>> DeletePublicAccessBlock::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
    info.public_access_block.reset();
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse(http::status::no_content);
}

}  // namespace api::s3
