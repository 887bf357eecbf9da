#include "api/rest_xml/errors.h"

#include <fmt/format.h>

namespace api::rest_xml {

using common::ErrorCode;
using net::http::status;

const ErrorMap& S3ErrorMap() {
  static const ErrorMap kMap({
      {ErrorCode::kInvalidArgument, {status::bad_request, "InvalidArgument"}},
      {ErrorCode::kNotFound, {status::not_found, "NoSuchKey"}},
      {ErrorCode::kAlreadyExists, {status::conflict, "BucketAlreadyOwnedByYou"}},
      {ErrorCode::kConflict, {status::conflict, "OperationAborted"}},
      {ErrorCode::kPreconditionFailed, {status::precondition_failed, "PreconditionFailed"}},
      {ErrorCode::kNotModified, {status::not_modified, "NotModified"}},
      {ErrorCode::kUnauthenticated, {status::forbidden, "AccessDenied"}},
      {ErrorCode::kInvalidAccessKey, {status::forbidden, "InvalidAccessKeyId"}},
      {ErrorCode::kSignatureMismatch, {status::forbidden, "SignatureDoesNotMatch"}},
      {ErrorCode::kAuthMalformed, {status::bad_request, "AuthorizationHeaderMalformed"}},
      {ErrorCode::kRequestExpired, {status::forbidden, "AccessDenied"}},
      {ErrorCode::kClockSkew, {status::forbidden, "RequestTimeTooSkewed"}},
      {ErrorCode::kPayloadHashMismatch, {status::bad_request, "XAmzContentSHA256Mismatch"}},
      {ErrorCode::kPermissionDenied, {status::forbidden, "AccessDenied"}},
      {ErrorCode::kThrottled, {status::service_unavailable, "SlowDown"}},
      {ErrorCode::kTooLarge, {status::bad_request, "EntityTooLarge"}},
      {ErrorCode::kUnimplemented, {status::not_implemented, "NotImplemented"}},
      {ErrorCode::kUnavailable, {status::service_unavailable, "ServiceUnavailable"}},
      {ErrorCode::kTimeout, {status::bad_request, "RequestTimeout"}},
      {ErrorCode::kIoError, {status::internal_server_error, "InternalError"}},
      {ErrorCode::kCorruption, {status::internal_server_error, "InternalError"}},
      {ErrorCode::kInternal, {status::internal_server_error, "InternalError"}},
  }, {}, {
      // The object service's reasons, and S3's own codes raised by the S3 ops.
      {"NoSuchBucket", {status::not_found, "NoSuchBucket"}},
      {"NoSuchKey", {status::not_found, "NoSuchKey"}},
      {"NoSuchVersion", {status::not_found, "NoSuchVersion"}},
      {"NoSuchUpload", {status::not_found, "NoSuchUpload"}},
      {"NoSuchTagSet", {status::not_found, "NoSuchTagSet"}},
      {"NoSuchCORSConfiguration", {status::not_found, "NoSuchCORSConfiguration"}},
      {"NoSuchPublicAccessBlockConfiguration", {status::not_found, "NoSuchPublicAccessBlockConfiguration"}},
      {"NoSuchBucketPolicy", {status::not_found, "NoSuchBucketPolicy"}},
      {"ReplicationConfigurationNotFoundError", {status::not_found, "ReplicationConfigurationNotFoundError"}},
      {"BucketNotEmpty", {status::conflict, "BucketNotEmpty"}},
      {"BucketAlreadyOwnedByYou", {status::conflict, "BucketAlreadyOwnedByYou"}},
      {"BucketAlreadyExists", {status::conflict, "BucketAlreadyExists"}},
      {"InvalidPart", {status::bad_request, "InvalidPart"}},
      {"InvalidPartOrder", {status::bad_request, "InvalidPartOrder"}},
      {"InvalidPartNumber", {status::range_not_satisfiable, "InvalidPartNumber"}},
      {"EntityTooSmall", {status::bad_request, "EntityTooSmall"}},
      {"EntityTooLarge", {status::bad_request, "EntityTooLarge"}},
      {"PreconditionFailed", {status::precondition_failed, "PreconditionFailed"}},
      {"NotModified", {status::not_modified, "NotModified"}},
      {"MalformedXML", {status::bad_request, "MalformedXML"}},
      {"InvalidTag", {status::bad_request, "InvalidTag"}},
      {"BadRequest", {status::bad_request, "BadRequest"}},
      {"InvalidBucketName", {status::bad_request, "InvalidBucketName"}},
      {"InvalidArgument", {status::bad_request, "InvalidArgument"}},
      {"InvalidRequest", {status::bad_request, "InvalidRequest"}},
      {"InvalidStorageClass", {status::bad_request, "InvalidStorageClass"}},
      {"BadDigest", {status::bad_request, "BadDigest"}},
      {"InvalidDigest", {status::bad_request, "InvalidDigest"}},
      {"IncompleteBody", {status::bad_request, "IncompleteBody"}},
      {"MetadataTooLarge", {status::bad_request, "MetadataTooLarge"}},
      {"KeyTooLongError", {status::bad_request, "KeyTooLongError"}},
      {"MissingContentLength", {status::length_required, "MissingContentLength"}},
      {"MethodNotAllowed", {status::method_not_allowed, "MethodNotAllowed"}},
      {"InvalidRange", {status::range_not_satisfiable, "InvalidRange"}},
      {"IllegalLocationConstraintException", {status::bad_request, "IllegalLocationConstraintException"}},
      {"InvalidLocationConstraint", {status::bad_request, "InvalidLocationConstraint"}},
      {"NotImplemented", {status::not_implemented, "NotImplemented"}},
      {"AccessForbidden", {status::forbidden, "AccessForbidden"}},
      {"AccessDenied", {status::forbidden, "AccessDenied"}},
      {"MalformedPolicy", {status::bad_request, "MalformedPolicy"}},
      {"MaxMessageLengthExceeded", {status::bad_request, "MaxMessageLengthExceeded"}},
  });
  return kMap;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

net::Response RenderS3Error(const Status& st, const ErrorContext& ctx) {
  WireError wire = S3ErrorMap().Lookup(st, ctx.operation);
  net::Response res;
  res.msg.result(wire.status);
  res.msg.set(net::http::field::content_type, "application/xml");
  SetErrorBody(res,
               fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>"
                           "<Message>{}</Message><Resource>{}</Resource><RequestId>{}</RequestId>"
                           "</Error>",
                           wire.code, XmlEscape(st.message()), XmlEscape(ctx.resource),
                           ctx.request_id),
               ctx.head);
  return res;
}

}  // namespace api::rest_xml
