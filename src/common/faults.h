#pragma once

// Fault injection for fault tests: named points that fire with a configured
// probability. Off unless the STRATUS_FAULTS environment variable names some
// at start-up, e.g.
//
//   STRATUS_FAULTS="s3.write.error=0.3,s3.write.stall=0.1:3000,replication.corrupt=0.5"
//
// Each entry is <point>=<probability 0..1>[:<parameter>]. Points:
//   s3.write.error       an S3 write (PUT, part, complete, DELETE) answers 500 InternalError
//   s3.write.stall       an S3 write waits <parameter> ms before it is handled
//   replication.corrupt  replication flips one byte of the data it sends
// Thread-safe; a point that is not configured costs one map lookup on an
// empty map.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace common::faults {

// Parses a specification (the variable's format). kInvalidArgument naming the
// bad entry; nothing changes on error.
Status Configure(std::string_view spec);
// Configure(getenv("STRATUS_FAULTS")) if set; returns the spec ("" if none).
Result<std::string> ConfigureFromEnvironment();

// True with the point's probability (always false when not configured).
bool Fires(std::string_view point);
// The point's parameter (0 when none or not configured).
int64_t Parameter(std::string_view point);

}  // namespace common::faults
