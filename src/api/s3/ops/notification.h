#pragma once

// Get/PutBucketNotificationConfiguration: where the bucket's event
// notifications go (queues, topics, functions, the event bus). The service
// records matching events with each write (service/objects/notifications.h).

#include "api/common/op.h"
#include "api/s3/ops/buckets.h"
#include "service/objects/types.h"

namespace api::s3 {

struct GetBucketNotificationConfiguration {
  static constexpr OpSpec kSpec{.name = "GetBucketNotificationConfiguration", .action = "s3:GetBucketNotification"};
  static Result<BucketRequest> Parse(OpContext& ctx) { return ParseBucket(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, BucketRequest r);
};

// Unknown event names are InvalidArgument; a queue of this region that does
// not exist is InvalidArgument "Unable to validate the following destination
// configurations", as S3 answers. Each queue and topic gets an s3:TestEvent.
struct PutBucketNotificationConfiguration {
  static constexpr OpSpec kSpec{.name = "PutBucketNotificationConfiguration",
                                .action = "s3:PutBucketNotification",
                                .body = BodyPolicy::kBuffered, .max_body = 2 << 20};
  struct Request {
    std::string bucket;
    service::objects::NotificationConfig config;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::s3
