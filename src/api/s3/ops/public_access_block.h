#pragma once

// Public access block: Get/Put/DeletePublicAccessBlock. New buckets have all
// four settings on; the settings gate what bucket policies may grant
// (PutBucketPolicy) and whom they may grant it to (authorisation).

#include "api/common/op.h"
#include "api/s3/ops/buckets.h"
#include "service/objects/types.h"

namespace api::s3 {

struct GetPublicAccessBlock {
  static constexpr OpSpec kSpec{.name = "GetPublicAccessBlock", .action = "s3:GetBucketPublicAccessBlock"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct PutPublicAccessBlock {
  static constexpr OpSpec kSpec{.name = "PutPublicAccessBlock", .action = "s3:PutBucketPublicAccessBlock",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  struct Request {
    std::string bucket;
    service::objects::PublicAccessBlock block;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeletePublicAccessBlock {
  static constexpr OpSpec kSpec{.name = "DeletePublicAccessBlock", .action = "s3:PutBucketPublicAccessBlock"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

}  // namespace api::s3
