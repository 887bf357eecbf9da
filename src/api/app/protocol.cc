#include "api/app/protocol.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "api/app/gateway.h"
#include "api/app/proxy.h"
#include "api/common/query_string.h"

namespace api::app {

using common::ErrorCode;
using net::http::status;

const ErrorMap& AppErrorMap() {
  static const ErrorMap kMap({
      {ErrorCode::kInvalidArgument, {status::bad_request, "BadRequestException"}},
      {ErrorCode::kNotFound, {status::not_found, "NotFoundException"}},
      {ErrorCode::kAlreadyExists, {status::conflict, "ConflictException"}},
      {ErrorCode::kConflict, {status::conflict, "ConflictException"}},
      {ErrorCode::kPreconditionFailed, {status::precondition_failed, "PreconditionFailedException"}},
      {ErrorCode::kNotModified, {status::not_modified, "NotModified"}},
      {ErrorCode::kUnauthenticated, {status::unauthorized, "UnauthorizedException"}},
      {ErrorCode::kInvalidAccessKey, {status::forbidden, "UnauthorizedException"}},
      {ErrorCode::kSignatureMismatch, {status::forbidden, "InvalidSignatureException"}},
      {ErrorCode::kAuthMalformed, {status::bad_request, "IncompleteSignatureException"}},
      {ErrorCode::kRequestExpired, {status::forbidden, "ExpiredTokenException"}},
      {ErrorCode::kClockSkew, {status::forbidden, "InvalidSignatureException"}},
      {ErrorCode::kPayloadHashMismatch, {status::bad_request, "BadRequestException"}},
      {ErrorCode::kPermissionDenied, {status::forbidden, "AccessDeniedException"}},
      {ErrorCode::kThrottled, {status::too_many_requests, "TooManyRequestsException"}},
      {ErrorCode::kTooLarge, {status::payload_too_large, "RequestTooLargeException"}},
      {ErrorCode::kUnimplemented, {status::not_found, "NotFoundException"}},
      {ErrorCode::kUnavailable, {status::service_unavailable, "ServiceUnavailableException"}},
      {ErrorCode::kTimeout, {status::gateway_timeout, "IntegrationTimeout"}},
      {ErrorCode::kIoError, {status::internal_server_error, "InternalServerErrorException"}},
      {ErrorCode::kCorruption, {status::internal_server_error, "InternalServerErrorException"}},
      {ErrorCode::kInternal, {status::internal_server_error, "InternalServerErrorException"}},
  });
  return kMap;
}

namespace {
constexpr Op kProxyInvoke = MakeOp<ProxyInvoke>();
constexpr Op kPreflight = MakeOp<Preflight>();
}  // namespace

Result<RouteMatch> AppProtocol::Route(const net::RequestHeader& header, const std::string*) const {
  std::string_view target = header.target();
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  const Op* gateway_op = nullptr;
  if (gateway_ != nullptr) {
    if (header.method() == net::http::verb::options) {
      if (!gateway_->MethodsFor(path).empty()) gateway_op = &kPreflight;
    } else if (gateway_->Find(std::string_view(header.method_string()), path)) {
      gateway_op = &kProxyInvoke;
    }
  }
  if (gateway_op != nullptr) {
    RouteMatch m;
    m.op = gateway_op;
    m.service = "execute-api";
    if (q != std::string_view::npos) {
      auto params = ParseQuery(target.substr(q + 1), true);
      if (!params) return Status(ErrorCode::kInvalidArgument, "Malformed query string");
      m.query = std::move(*params);
    }
    return m;
  }
  for (const auto& r : routes_) {
    if (r.method != header.method()) continue;
    if (r.prefix ? !path.starts_with(r.path) : path != r.path) continue;
    RouteMatch m;
    m.op = r.op;
    m.service = "execute-api";
    m.key = std::string(path.substr(r.prefix ? r.path.size() : path.size()));
    if (q != std::string_view::npos) {
      auto params = ParseQuery(target.substr(q + 1), true);
      if (!params) return Status(ErrorCode::kInvalidArgument, "Malformed query string");
      m.query = std::move(*params);
    }
    return m;
  }
  return Status(ErrorCode::kUnimplemented,
                fmt::format("No route for {} {}", std::string_view(header.method_string()), path));
}

net::Response AppProtocol::RenderError(const Status& st, const ErrorContext& ctx) const {
  WireError wire = AppErrorMap().Lookup(st, ctx.operation);
  net::Response res;
  res.msg.result(wire.status);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.set("x-amzn-ErrorType", wire.code);
  boost::json::object body;
  body["message"] = st.code() == ErrorCode::kUnimplemented ? "Not Found" : st.message();
  SetErrorBody(res, boost::json::serialize(body), ctx.head);
  return res;
}

}  // namespace api::app
