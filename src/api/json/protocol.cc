#include "api/json/protocol.h"

#include "api/json/errors.h"

namespace api::json {

bool JsonProtocol::Claims(const net::RequestHeader& header) const {
  return header.find("x-amz-target") != header.end();
}

Result<RouteMatch> JsonProtocol::Route(const net::RequestHeader& header, const std::string*) const {
  if (header.method() != net::http::verb::post) {
    return Status(common::ErrorCode::kInvalidArgument, "JSON protocol requests must be POST");
  }
  return router_.Route(header["x-amz-target"]);
}

net::Response JsonProtocol::RenderError(const Status& status, const ErrorContext& ctx) const {
  const JsonService* service =
      ctx.header != nullptr ? router_.ServiceFor((*ctx.header)["x-amz-target"]) : nullptr;
  if (service == nullptr) return RenderJsonError(status, ctx, "", "application/x-amz-json-1.0");
  return RenderJsonError(status, ctx, service->error_namespace, service->content_type, service->query_compatible);
}

}  // namespace api::json
