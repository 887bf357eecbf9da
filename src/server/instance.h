#pragma once

// The serving instance's identity, for the instance-metadata function (and
// the metadata route of the application API): on EC2 the real values from
// the instance metadata service (IMDSv2: a session token, then
// instance-id, placement/availability-zone, local-hostname, instance-type);
// elsewhere local ones — a stable instance id derived from the host and the
// data root, "<region>a" as availability zone, the host name.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "common/config.h"

namespace server {

struct InstanceInfo {
  std::string instance_id;
  std::string availability_zone;  // "" = "<region>a" per region
  std::string hostname;
  std::string instance_type;
  std::string source;  // "imds" or "local"
  int64_t started_at_ms = 0;
};

// Resolves the instance once at start. `imds_endpoint` as AppConfig's:
// "auto" asks 169.254.169.254 only when the machine's DMI data says Amazon
// EC2; an IMDS that does not answer within two seconds leaves local values.
InstanceInfo DescribeInstance(std::string_view imds_endpoint, const std::filesystem::path& data_root);

// What functions of `region` see of it, as environment variables:
// STRATUS_INSTANCE_ID, STRATUS_AVAILABILITY_ZONE, STRATUS_HOSTNAME,
// STRATUS_INSTANCE_TYPE, STRATUS_METADATA_SOURCE, STRATUS_STARTED_AT (unix
// ms), STRATUS_VERSION, and Lambda's own AWS_REGION / AWS_DEFAULT_REGION.
std::map<std::string, std::string> InstanceEnvironment(const InstanceInfo& info, const std::string& region);

}  // namespace server
