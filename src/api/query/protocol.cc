#include "api/query/protocol.h"

#include "api/query/errors.h"

namespace api::query {
namespace {

std::string_view QueryOf(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

bool IsForm(const net::RequestHeader& header) {
  std::string_view ct = header[net::http::field::content_type];
  return ct.substr(0, 33) == "application/x-www-form-urlencoded";
}

std::string_view AuthSource(const net::RequestHeader& header) {
  std::string_view auth = header[net::http::field::authorization];
  return auth.empty() ? QueryOf(header.target()) : auth;
}

}  // namespace

bool QueryProtocol::Claims(const net::RequestHeader& header) const {
  if (header.method() == net::http::verb::post && IsForm(header)) return true;
  std::string_view q = QueryOf(header.target());
  return q.starts_with("Action=") || q.find("&Action=") != std::string_view::npos;
}

bool QueryProtocol::NeedsBodyToRoute(const net::RequestHeader& header) const {
  return header.method() == net::http::verb::post;
}

Result<RouteMatch> QueryProtocol::Route(const net::RequestHeader& header,
                                        const std::string* body) const {
  // Form fields and query parameters both count; the body's win.
  auto params = ParseQuery(body != nullptr ? std::string_view(*body) : std::string_view(), true);
  auto from_query = ParseQuery(QueryOf(header.target()), true);
  if (!params || !from_query) {
    return Status(common::ErrorCode::kInvalidArgument, "Malformed form body or query string");
  }
  params->merge(*from_query);
  return router_.Route(*params, ScopeService(AuthSource(header)));
}

net::Response QueryProtocol::RenderError(const Status& status, const ErrorContext& ctx) const {
  std::string_view xmlns;
  if (ctx.header != nullptr) xmlns = router_.XmlnsFor(ScopeService(AuthSource(*ctx.header)));
  return RenderQueryError(status, ctx, xmlns);
}

}  // namespace api::query
