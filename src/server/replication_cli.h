#pragma once

// `stratus replication status`: asks running regions for their replication
// backlog (GET /_stratus/replication) and prints it per rule.

#include <optional>
#include <string>
#include <vector>

#include "common/config.h"

namespace server {

struct ReplicationStatusTarget {
  std::string region;
  common::HostPort endpoint;
};

// Prints each target's status to stdout; returns the exit code (0, or 1 if a
// region could not be asked).
int PrintReplicationStatus(const std::vector<ReplicationStatusTarget>& targets,
                           const std::string& bucket);

}  // namespace server
