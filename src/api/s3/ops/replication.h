#pragma once

// Get/Put/DeleteBucketReplication: the bucket's replication rules. The
// engine that acts on them is replication::Engine.

#include "api/common/op.h"
#include "api/s3/ops/buckets.h"
#include "service/objects/types.h"

namespace api::s3 {

struct GetBucketReplication {
  static constexpr OpSpec kSpec{.name = "GetBucketReplication",
                                .action = "s3:GetReplicationConfiguration"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

// Refused with InvalidRequest unless versioning is enabled on the bucket and
// on every destination (checked through the destination's S3 API; an
// unreachable destination is accepted). Rules with existing-object
// replication queue the bucket's versions that were never replicated.
struct PutBucketReplication {
  static constexpr OpSpec kSpec{.name = "PutBucketReplication",
                                .action = "s3:PutReplicationConfiguration",
                                .body = BodyPolicy::kBuffered, .max_body = 2 << 20};
  struct Request {
    std::string bucket;
    service::objects::ReplicationConfig config;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteBucketReplication {
  static constexpr OpSpec kSpec{.name = "DeleteBucketReplication",
                                .action = "s3:PutReplicationConfiguration"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

}  // namespace api::s3
