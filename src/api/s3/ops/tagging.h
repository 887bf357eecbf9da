#pragma once

// Tags: Get/Put/DeleteObjectTagging and Get/Put/DeleteBucketTagging.

#include "api/common/op.h"
#include "api/s3/ops/objects.h"
#include "service/objects/types.h"

namespace api::s3 {

struct TaggingRequest {
  ObjectRequest target;  // key empty for a bucket
  service::objects::Tags tags;
};

struct GetObjectTagging {
  static constexpr OpSpec kSpec{.name = "GetObjectTagging", .action = "s3:GetObjectTagging"};
  static Result<ObjectRequest> Parse(OpContext& ctx) { return ParseObject(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct PutObjectTagging {
  static constexpr OpSpec kSpec{.name = "PutObjectTagging", .action = "s3:PutObjectTagging",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  static Result<TaggingRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TaggingRequest r);
};

struct DeleteObjectTagging {
  static constexpr OpSpec kSpec{.name = "DeleteObjectTagging", .action = "s3:DeleteObjectTagging"};
  static Result<ObjectRequest> Parse(OpContext& ctx) { return ParseObject(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct GetBucketTagging {
  static constexpr OpSpec kSpec{.name = "GetBucketTagging", .action = "s3:GetBucketTagging"};
  static Result<ObjectRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct PutBucketTagging {
  static constexpr OpSpec kSpec{.name = "PutBucketTagging", .action = "s3:PutBucketTagging",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  static Result<TaggingRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TaggingRequest r);
};

struct DeleteBucketTagging {
  static constexpr OpSpec kSpec{.name = "DeleteBucketTagging", .action = "s3:PutBucketTagging"};
  static Result<ObjectRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

}  // namespace api::s3
