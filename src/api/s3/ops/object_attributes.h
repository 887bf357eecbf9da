#pragma once

// GetObjectAttributes: ETag, Checksum, ObjectParts, StorageClass, ObjectSize
// of a version, as x-amz-object-attributes asks.

#include "api/common/op.h"
#include "api/s3/ops/objects.h"

namespace api::s3 {

struct GetObjectAttributes {
  static constexpr OpSpec kSpec{.name = "GetObjectAttributes", .action = "s3:GetObjectAttributes"};
  struct Request {
    ObjectRequest target;
    std::vector<std::string> attributes;
    int max_parts = 1000;
    int part_number_marker = 0;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::s3
