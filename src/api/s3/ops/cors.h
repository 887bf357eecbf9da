#pragma once

// CORS: Get/Put/DeleteBucketCors, the preflight (OPTIONS), and the CORS
// headers of actual cross-origin requests (ApplyCors, run by the protocol on
// every S3 response to a request with an Origin header).

#include "api/common/op.h"
#include "api/s3/ops/buckets.h"
#include "service/objects/types.h"

namespace api::s3 {

struct GetBucketCors {
  static constexpr OpSpec kSpec{.name = "GetBucketCors", .action = "s3:GetBucketCORS"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

struct PutBucketCors {
  static constexpr OpSpec kSpec{.name = "PutBucketCors", .action = "s3:PutBucketCORS",
                                .body = BodyPolicy::kBuffered, .max_body = 64 << 10};
  struct Request {
    std::string bucket;
    std::vector<service::objects::CorsRule> rules;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteBucketCors {
  static constexpr OpSpec kSpec{.name = "DeleteBucketCors", .action = "s3:PutBucketCORS"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

// OPTIONS on a bucket or object: answered from the bucket's CORS rules,
// without credentials (browsers send none with a preflight).
struct PreflightRequest {
  static constexpr OpSpec kSpec{.name = "PreflightRequest", .action = "s3:PreflightRequest",
                                .anonymous = true};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

// Adds Access-Control-* headers to `res` when the request has an Origin and
// `bucket`'s CORS rules admit it and its method.
void ApplyCors(Services& services, const net::RequestHeader& h, std::string_view bucket,
               net::Response& res);

}  // namespace api::s3
