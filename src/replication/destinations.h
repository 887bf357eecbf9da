#pragma once

// Where a replication rule's destination bucket ARN leads: a region of this
// process, or an endpoint declared in the config ([[replication.endpoints]]).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "client/s3_client.h"
#include "common/config.h"
#include "common/status.h"

namespace replication {

// arn:aws:s3:<region>:<account>:<bucket>; region and account may be empty
// (AWS's own bucket ARNs leave both empty). InvalidArgument otherwise.
struct BucketArn {
  std::string region;
  std::string bucket;
};
common::Result<BucketArn> ParseBucketArn(std::string_view arn);

struct Destination {
  std::string bucket;
  client::Endpoint endpoint;
};

class Resolver {
 public:
  struct LocalRegion {
    std::string name;
    common::HostPort endpoint;
    std::function<bool(std::string_view bucket)> has_bucket;  // thread-safe
    bool tls = false;  // its listener is HTTPS
  };

  Resolver(std::vector<common::ReplicationEndpoint> endpoints, std::vector<LocalRegion> locals,
           auth::Credentials admin)
      : endpoints_(std::move(endpoints)), locals_(std::move(locals)), admin_(std::move(admin)) {}

  // In order: an endpoint that lists the bucket; for an ARN naming a region,
  // an endpoint declared for that region (without a bucket list), else the
  // region of this process of that name; for an ARN without one, the region
  // of this process that has the bucket. kNotFound (with why) if none.
  common::Result<Destination> Resolve(std::string_view arn) const;

 private:
  Destination Make(const common::ReplicationEndpoint& e, std::string bucket) const;

  std::vector<common::ReplicationEndpoint> endpoints_;
  std::vector<LocalRegion> locals_;
  auth::Credentials admin_;
};

}  // namespace replication
