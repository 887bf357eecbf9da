#pragma once

// Listings: ListObjects (v1), ListObjectsV2, ListObjectVersions.

#include "api/common/op.h"
#include "service/objects/object_service.h"

namespace api::s3 {

struct ListRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string marker;              // v1 marker, v2 start-after or token, versions key-marker
  std::string continuation_token;  // v2, as sent
  std::string start_after;         // v2, as sent
  std::string version_id_marker;   // versions
  int max_keys = 1000;
  bool url_encoding = false;
  bool fetch_owner = false;
};

struct ListObjects {
  static constexpr OpSpec kSpec{.name = "ListObjects", .action = "s3:ListBucket"};
  static Result<ListRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ListRequest r);
};

struct ListObjectsV2 {
  static constexpr OpSpec kSpec{.name = "ListObjectsV2", .action = "s3:ListBucket"};
  static Result<ListRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ListRequest r);
};

struct ListObjectVersions {
  static constexpr OpSpec kSpec{.name = "ListObjectVersions", .action = "s3:ListBucketVersions"};
  static Result<ListRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, ListRequest r);
};

}  // namespace api::s3
