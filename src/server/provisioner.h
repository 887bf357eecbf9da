#pragma once

// Provisioning: at every start, each region's declared resources
// ([[regions.buckets]], [[regions.queues]], [[regions.topics]],
// [[regions.tables]], [[regions.rules]]; common/config.h) are created when
// absent and brought to what the config says — through the region's own AWS
// APIs (the AWS client, in process, signed with the administrator's key), so
// every value is checked exactly as a user's request would be, as a
// Terraform apply against the stack would.
//
// Two passes over all regions: first what stands alone (tables, queues and
// their attributes, topics, buckets and their versioning), then what refers
// to other resources, possibly in other regions (redrive policies,
// replication rules, notifications, subscriptions, rules and their targets).
// Idempotent: existing resources are kept and updated; nothing is deleted
// (a resource removed from the config stays until deleted through the API).
// A bucket's notification configuration is only rewritten when it differs,
// so a restart sends no new s3:TestEvent.

#include <functional>
#include <string_view>
#include <vector>

#include "client/aws_client.h"
#include "common/config.h"
#include "common/status.h"

namespace server {

struct ProvisionedRegion {
  const common::RegionConfig* config;
  client::AwsClient* client;  // the region's own APIs, as the administrator
  // Confirms an email subscription declared in the config (no mail to answer).
  std::function<common::Status(std::string_view topic_arn, std::string_view address)> confirm_email;
};

// Provisions every region; the first failure stops it, as
// "region <r>: <kind> <name>: <the service's error>". `cancelled` is asked
// before each call: once it says true, kUnavailable. Blocking; call from a
// thread that is not one of the regions' I/O threads.
common::Status Provision(const std::vector<ProvisionedRegion>& regions, const std::function<bool()>& cancelled);

}  // namespace server
