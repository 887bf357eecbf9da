#pragma once

// Bucket policies: Get/Put/DeleteBucketPolicy, GetBucketPolicyStatus, and
// BucketAccess, which hands the pipeline's authorise stage a request's
// resource ARN and its bucket's policy.

#include <optional>

#include "api/common/op.h"
#include "api/common/protocol.h"
#include "api/s3/ops/buckets.h"

namespace api::s3 {

struct GetBucketPolicy {
  static constexpr OpSpec kSpec{.name = "GetBucketPolicy", .action = "s3:GetBucketPolicy"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct PutBucketPolicy {
  static constexpr OpSpec kSpec{.name = "PutBucketPolicy", .action = "s3:PutBucketPolicy",
                                .body = BodyPolicy::kBuffered, .max_body = 80 << 10};
  struct Request {
    std::string bucket;
    std::string policy;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteBucketPolicy {
  static constexpr OpSpec kSpec{.name = "DeleteBucketPolicy", .action = "s3:DeleteBucketPolicy"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct GetBucketPolicyStatus {
  static constexpr OpSpec kSpec{.name = "GetBucketPolicyStatus", .action = "s3:GetBucketPolicyStatus"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

// The ARN a routed S3 request acts on (arn:aws:s3:::bucket or
// arn:aws:s3:::bucket/key), its bucket's policy, and whether the bucket's
// public access block restricts public grants. nullopt for the service root
// or a bucket that does not exist.
std::optional<ResourceAccess> BucketAccess(Services& services, const RouteMatch& match);

}  // namespace api::s3
