// instance-metadata (seed 000's get_ec2_metadata): behind GET /metadata on
// the application API. Answers 200 {"instance_id", "region",
// "availability_zone", "hostname", "instance_type", "version",
// "uptime_seconds", "started_at", "source"} — the instance serving the
// request, as the host describes it in the STRATUS_* environment (on EC2 the
// instance metadata service's values, "source": "imds"; elsewhere local
// ones, "source": "local").

#include "functions/seed/handlers.h"

#include <chrono>

#include <boost/json.hpp>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::Result;

Result<json::value> InstanceMetadata(Context& ctx, const json::value&) {
  auto started = RequiredEnv(ctx, "STRATUS_STARTED_AT");
  if (!started.ok()) return started.status();
  int64_t started_ms = std::atoll(started->c_str());
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto str = [&](std::string_view name) { return json::value(std::string(ctx.env(name))); };
  return ApiResponse(200, json::object{{"instance_id", str("STRATUS_INSTANCE_ID")},
                                       {"region", ctx.region()},
                                       {"availability_zone", str("STRATUS_AVAILABILITY_ZONE")},
                                       {"hostname", str("STRATUS_HOSTNAME")},
                                       {"instance_type", str("STRATUS_INSTANCE_TYPE")},
                                       {"version", str("STRATUS_VERSION")},
                                       {"uptime_seconds", std::max<int64_t>(0, (now_ms - started_ms) / 1000)},
                                       {"started_at", started_ms},
                                       {"source", str("STRATUS_METADATA_SOURCE")}});
}

}  // namespace functions::seed
