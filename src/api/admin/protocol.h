#pragma once

// The admin endpoints under /_stratus/ on every listener of a region:
// health, readiness and Prometheus metrics. `_` cannot start a bucket name,
// so these never collide with path-style S3. Unauthenticated (loopback
// monitoring); errors are small JSON documents.

#include <string_view>
#include <vector>

#include "api/common/error_map.h"
#include "api/common/protocol.h"

namespace api::admin {

struct AdminRoute {
  net::http::verb method;  // GET routes also answer HEAD
  std::string_view path;   // exact, e.g. "/_stratus/health"
  const Op* op;
};

const ErrorMap& AdminErrorMap();

class AdminProtocol final : public Protocol {
 public:
  // The standard admin routes (health, ready, metrics).
  AdminProtocol();

  std::string_view name() const override { return "admin"; }
  bool Claims(const net::RequestHeader& header) const override;
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string*) const override;
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;

 private:
  std::vector<AdminRoute> routes_;
};

}  // namespace api::admin
