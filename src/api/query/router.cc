#include "api/query/router.h"

#include <fmt/format.h>

namespace api::query {

Router::Router(std::vector<QueryService> services) : services_(std::move(services)) {
  for (const auto& s : services_) {
    for (const Op* op : s.ops) actions_.emplace(op->spec.name, std::make_pair(&s, op));
  }
}

std::string_view Router::XmlnsFor(std::string_view service) const {
  for (const auto& s : services_) {
    if (s.signing_name == service) return s.xmlns;
  }
  return {};
}

Result<RouteMatch> Router::Route(const Params& params, std::string_view scope_service) const {
  auto action = params.find("Action");
  if (action == params.end() || action->second.empty()) {
    return Status(common::ErrorCode::kInvalidArgument, "Missing required parameter Action");
  }
  auto [begin, end] = actions_.equal_range(action->second);
  const std::pair<const QueryService*, const Op*>* found = nullptr;
  int candidates = 0;
  for (auto it = begin; it != end; ++it) {
    ++candidates;
    if (scope_service.empty() || it->second.first->signing_name == scope_service) {
      found = &it->second;
      if (!scope_service.empty()) break;
    }
  }
  if (found == nullptr || (scope_service.empty() && candidates > 1)) {
    return Status(common::ErrorCode::kUnimplemented,
                  fmt::format("The action {} is not valid for this endpoint.", action->second));
  }
  RouteMatch m;
  m.op = found->second;
  m.service = std::string(found->first->signing_name);
  m.query = params;
  return m;
}

std::string ScopeService(std::string_view auth) {
  auto cred = auth.find("Credential=");
  std::string_view scope = cred == std::string_view::npos ? auth : auth.substr(cred + 11);
  // AKID/date/region/service/aws4_request
  auto end = scope.find("/aws4_request");
  if (end == std::string_view::npos) {
    end = scope.find("%2Faws4_request");
    if (end == std::string_view::npos) return {};
  }
  scope = scope.substr(0, end);
  auto slash = scope.rfind('/');
  auto enc = scope.rfind("%2F");
  if (slash == std::string_view::npos && enc == std::string_view::npos) return {};
  size_t start = slash == std::string_view::npos ? enc + 3
                 : enc == std::string_view::npos ? slash + 1
                                                 : std::max(slash + 1, enc + 3);
  return std::string(scope.substr(start));
}

}  // namespace api::query
