#pragma once

// Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket,
// GetBucketLocation, Get/PutBucketVersioning.

#include "api/common/op.h"

namespace api::s3 {

struct BucketRequest {
  std::string bucket;
};

struct ListBuckets {
  static constexpr OpSpec kSpec{.name = "ListBuckets", .action = "s3:ListAllMyBuckets"};
  struct Request {};
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct CreateBucket {
  static constexpr OpSpec kSpec{.name = "CreateBucket", .action = "s3:CreateBucket",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  static Result<BucketRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct DeleteBucket {
  static constexpr OpSpec kSpec{.name = "DeleteBucket", .action = "s3:DeleteBucket"};
  static Result<BucketRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct HeadBucket {
  static constexpr OpSpec kSpec{.name = "HeadBucket", .action = "s3:ListBucket"};
  static Result<BucketRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct GetBucketLocation {
  static constexpr OpSpec kSpec{.name = "GetBucketLocation", .action = "s3:GetBucketLocation"};
  static Result<BucketRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct GetBucketVersioning {
  static constexpr OpSpec kSpec{.name = "GetBucketVersioning", .action = "s3:GetBucketVersioning"};
  static Result<BucketRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct PutBucketVersioning {
  static constexpr OpSpec kSpec{.name = "PutBucketVersioning", .action = "s3:PutBucketVersioning",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  struct Request {
    std::string bucket;
    std::string status;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

// The bucket of a bucket-level request, validated.
Result<BucketRequest> ParseBucket(OpContext& ctx);

}  // namespace api::s3
