#pragma once

// Facts about this process, for metrics.

#include <cstdint>

namespace common {

// Resident set size in bytes (from /proc/self/statm); 0 if unknown.
uint64_t ProcessRssBytes();

}  // namespace common
