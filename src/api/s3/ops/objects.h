#pragma once

// Object operations: PutObject, GetObject, HeadObject, DeleteObject,
// DeleteObjects, CopyObject.

#include <optional>

#include "api/common/op.h"
#include "service/objects/types.h"

namespace api::s3 {

struct ObjectRequest {
  std::string bucket;
  std::string key;
  std::optional<std::string> version_id;
};

// Bucket, key and ?versionId of an object-level request, validated.
Result<ObjectRequest> ParseObject(OpContext& ctx);

struct PutObject {
  static constexpr OpSpec kSpec{.name = "PutObject", .action = "s3:PutObject",
                                .body = BodyPolicy::kStreamed};
  struct Request {
    ObjectRequest target;
    service::objects::ObjectVersion meta;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct GetObject {
  static constexpr OpSpec kSpec{.name = "GetObject", .action = "s3:GetObject"};
  static Result<ObjectRequest> Parse(OpContext& ctx) { return ParseObject(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct HeadObject {
  static constexpr OpSpec kSpec{.name = "HeadObject", .action = "s3:GetObject"};
  static Result<ObjectRequest> Parse(OpContext& ctx) { return ParseObject(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct DeleteObject {
  static constexpr OpSpec kSpec{.name = "DeleteObject", .action = "s3:DeleteObject"};
  static Result<ObjectRequest> Parse(OpContext& ctx) { return ParseObject(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ObjectRequest r);
};

struct DeleteObjects {
  static constexpr OpSpec kSpec{.name = "DeleteObjects", .action = "s3:DeleteObject",
                                .body = BodyPolicy::kBuffered, .max_body = 2 << 20};
  struct Request {
    std::string bucket;
    std::vector<std::pair<std::string, std::string>> objects;  // key, version id ("" = none)
    bool quiet = false;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct CopyObject {
  static constexpr OpSpec kSpec{.name = "CopyObject", .action = "s3:PutObject"};
  struct Request {
    ObjectRequest target;
    std::string source_bucket;
    std::string source_key;
    std::optional<std::string> source_version;
    bool replace_metadata = false;
    bool replace_tags = false;
    service::objects::ObjectVersion meta;  // from the request's headers
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

// Parses x-amz-copy-source ("bucket/key?versionId=v", URL-encoded, optional
// leading '/'). InvalidArgument when malformed.
struct CopySource {
  std::string bucket;
  std::string key;
  std::optional<std::string> version_id;
};
Result<CopySource> ParseCopySource(std::string_view header);

}  // namespace api::s3
