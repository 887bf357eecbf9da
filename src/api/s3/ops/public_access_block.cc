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
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/xml");
  res.msg.body() = w.Take();
  res.msg.prepare_payload();
  co_return res;
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
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.prepare_payload();
  co_return res;
}

net::awaitable<Result<net::Response>> DeletePublicAccessBlock::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
    info.public_access_block.reset();
    return Status::Ok();
  });
  if (!b.ok()) co_return b.status();
  net::Response res;
  res.msg.result(http::status::no_content);
  co_return res;
}

}  // namespace api::s3
