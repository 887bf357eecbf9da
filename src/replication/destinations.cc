#include "replication/destinations.h"

#include <algorithm>

#include <fmt/format.h>

namespace replication {

using common::ErrorCode;
using common::Result;
using common::Status;

Result<BucketArn> ParseBucketArn(std::string_view arn) {
  // arn : partition : service : region : account : resource
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() != 5 || parts[0] != "arn" || parts[1].empty() || parts[2] != "s3" ||
      start >= arn.size() || arn.substr(start).find_first_of(":/") != std::string_view::npos) {
    return Status(ErrorCode::kInvalidArgument, "Invalid ARN", "InvalidArgument");
  }
  return BucketArn{std::string(parts[3]), std::string(arn.substr(start))};
}

Destination Resolver::Make(const common::ReplicationEndpoint& e, std::string bucket) const {
  auth::Credentials creds = admin_;
  if (!e.access_key_id.empty()) creds = {e.access_key_id, e.secret_access_key, ""};
  return Destination{std::move(bucket), client::Endpoint{e.endpoint, e.region, creds, e.tls}};
}

Result<Destination> Resolver::Resolve(std::string_view arn) const {
  auto parsed = ParseBucketArn(arn);
  if (!parsed.ok()) return parsed.status();
  const std::string& bucket = parsed->bucket;
  for (const auto& e : endpoints_) {
    if (std::find(e.buckets.begin(), e.buckets.end(), bucket) != e.buckets.end()) {
      return Make(e, bucket);
    }
  }
  if (!parsed->region.empty()) {
    for (const auto& e : endpoints_) {
      if (e.buckets.empty() && e.region == parsed->region) return Make(e, bucket);
    }
    for (const auto& l : locals_) {
      if (l.name == parsed->region) return Destination{bucket, {l.endpoint, l.name, admin_, l.tls}};
    }
    return Status(ErrorCode::kNotFound,
                  fmt::format("No region or replication endpoint in the configuration serves {}",
                              parsed->region));
  }
  for (const auto& l : locals_) {
    if (l.has_bucket && l.has_bucket(bucket)) return Destination{bucket, {l.endpoint, l.name, admin_, l.tls}};
  }
  return Status(ErrorCode::kNotFound,
                fmt::format("No region of this server has a bucket {}, and no replication endpoint "
                            "in the configuration lists it",
                            bucket));
}

}  // namespace replication
