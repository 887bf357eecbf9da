#include "api/admin/protocol.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "api/admin/ops.h"

namespace api::admin {
namespace {

using common::ErrorCode;
using net::http::status;
using net::http::verb;

constexpr Op kHealth = MakeOp<Health>();
constexpr Op kReady = MakeOp<Ready>();
constexpr Op kMetrics = MakeOp<Metrics>();
constexpr Op kReplicationStatus = MakeOp<ReplicationStatus>();
constexpr Op kSnsSigningCertificate = MakeOp<SnsSigningCertificate>();

constexpr std::string_view kPrefix = "/_stratus/";

}  // namespace

const ErrorMap& AdminErrorMap() {
  static const ErrorMap kMap({
      {ErrorCode::kInvalidArgument, {status::bad_request, "InvalidArgument"}},
      {ErrorCode::kNotFound, {status::not_found, "NotFound"}},
      {ErrorCode::kAlreadyExists, {status::conflict, "AlreadyExists"}},
      {ErrorCode::kConflict, {status::conflict, "Conflict"}},
      {ErrorCode::kPreconditionFailed, {status::precondition_failed, "PreconditionFailed"}},
      {ErrorCode::kNotModified, {status::not_modified, "NotModified"}},
      {ErrorCode::kUnauthenticated, {status::unauthorized, "Unauthenticated"}},
      {ErrorCode::kInvalidAccessKey, {status::forbidden, "InvalidAccessKey"}},
      {ErrorCode::kSignatureMismatch, {status::forbidden, "SignatureDoesNotMatch"}},
      {ErrorCode::kAuthMalformed, {status::bad_request, "AuthorizationMalformed"}},
      {ErrorCode::kRequestExpired, {status::forbidden, "RequestExpired"}},
      {ErrorCode::kClockSkew, {status::forbidden, "RequestTimeTooSkewed"}},
      {ErrorCode::kPayloadHashMismatch, {status::bad_request, "PayloadHashMismatch"}},
      {ErrorCode::kPermissionDenied, {status::forbidden, "AccessDenied"}},
      {ErrorCode::kThrottled, {status::too_many_requests, "Throttled"}},
      {ErrorCode::kTooLarge, {status::payload_too_large, "TooLarge"}},
      {ErrorCode::kUnimplemented, {status::method_not_allowed, "MethodNotAllowed"}},
      {ErrorCode::kUnavailable, {status::service_unavailable, "Unavailable"}},
      {ErrorCode::kTimeout, {status::request_timeout, "Timeout"}},
      {ErrorCode::kIoError, {status::internal_server_error, "InternalError"}},
      {ErrorCode::kCorruption, {status::internal_server_error, "InternalError"}},
      {ErrorCode::kInternal, {status::internal_server_error, "InternalError"}},
  });
  return kMap;
}

AdminProtocol::AdminProtocol()
    : routes_{
          {verb::get, "/_stratus/health", &kHealth},
          {verb::get, "/_stratus/ready", &kReady},
          {verb::get, "/_stratus/metrics", &kMetrics},
          {verb::get, "/_stratus/replication", &kReplicationStatus},
          {verb::get, "/_stratus/sns-signing-cert.pem", &kSnsSigningCertificate},
      } {}

bool AdminProtocol::Claims(const net::RequestHeader& header) const {
  return header.target().starts_with(kPrefix);
}

Result<RouteMatch> AdminProtocol::Route(const net::RequestHeader& header, const std::string*) const {
  std::string_view target = header.target();
  std::string_view path = target.substr(0, target.find('?'));
  verb method = header.method() == verb::head ? verb::get : header.method();
  bool path_known = false;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method != method) continue;
    RouteMatch m;
    m.op = r.op;
    m.service = "_stratus";
    return m;
  }
  if (path_known) {
    return Status(ErrorCode::kUnimplemented,
                  fmt::format("{} does not allow {}", path, std::string_view(header.method_string())));
  }
  return Status(ErrorCode::kNotFound, fmt::format("No admin endpoint {}", path));
}

net::Response AdminProtocol::RenderError(const Status& st, const ErrorContext& ctx) const {
  WireError wire = AdminErrorMap().Lookup(st, ctx.operation);
  net::Response res;
  res.msg.result(wire.status);
  res.msg.set(net::http::field::content_type, "application/json");
  if (wire.status == status::method_not_allowed) res.msg.set(net::http::field::allow, "GET, HEAD");
  boost::json::object body;
  body["error"] = wire.code;
  body["message"] = st.message();
  body["request_id"] = ctx.request_id;
  SetErrorBody(res, boost::json::serialize(body) + "\n", ctx.head);
  return res;
}

}  // namespace api::admin
