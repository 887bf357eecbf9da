#include "api/json/router.h"

#include <fmt/format.h>

namespace api::json {

Router::Router(std::vector<JsonService> services) {
  for (auto& s : services) {
    Entry e{s, {}};
    for (const Op* op : s.ops) e.ops.emplace(op->spec.name, op);
    services_.emplace(s.target_prefix, std::move(e));
  }
}

const JsonService* Router::ServiceFor(std::string_view target) const {
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  auto it = services_.find(target.substr(0, dot));
  return it == services_.end() ? nullptr : &it->second.service;
}

Result<RouteMatch> Router::Route(std::string_view target) const {
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == target.size()) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("X-Amz-Target '{}' is not of the form Service.Operation", target));
  }
  auto it = services_.find(target.substr(0, dot));
  if (it == services_.end()) {
    return Status(common::ErrorCode::kUnimplemented,
                  fmt::format("No service answers to target prefix '{}'", target.substr(0, dot)));
  }
  auto op = it->second.ops.find(target.substr(dot + 1));
  if (op == it->second.ops.end()) {
    return Status(common::ErrorCode::kUnimplemented,
                  fmt::format("Operation '{}' is not supported by {}", target.substr(dot + 1),
                              it->second.service.target_prefix));
  }
  RouteMatch m;
  m.op = op->second;
  m.service = std::string(it->second.service.signing_name);
  return m;
}

}  // namespace api::json
