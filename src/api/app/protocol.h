#pragma once

// The application API (the API Gateway role of the seeds: /presign,
// /metadata, /temperature/..., /tfstate/...): a REST route table of method +
// path, JSON bodies, and API Gateway's error shape {"message": "..."}.
// Each region serves it on its own app_endpoint.

#include <string_view>
#include <vector>

#include "api/common/error_map.h"
#include "api/common/protocol.h"

namespace api::app {

struct AppRoute {
  net::http::verb method;
  std::string_view path;  // exact path, or a prefix ending in '/' when prefix == true
  bool prefix = false;
  const Op* op = nullptr;
};

const ErrorMap& AppErrorMap();

class Gateway;

// Routes: OPTIONS on a path the gateway serves → the CORS preflight; a
// request the gateway routes → its function (proxy.h); else the fixed
// `routes`; else 404 {"message": "Not Found"}.
class AppProtocol final : public Protocol {
 public:
  AppProtocol(std::vector<AppRoute> routes, const Gateway* gateway = nullptr)
      : routes_(std::move(routes)), gateway_(gateway) {}

  std::string_view name() const override { return "app"; }
  bool Claims(const net::RequestHeader&) const override { return true; }
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string*) const override;
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;

 private:
  std::vector<AppRoute> routes_;
  const Gateway* gateway_;
};

}  // namespace api::app
