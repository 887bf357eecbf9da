#include "api/query/errors.h"

#include <fmt/format.h>

#include "api/rest_xml/errors.h"

namespace api::query {

using common::ErrorCode;
using net::http::status;

const ErrorMap& QueryErrorMap() {
  static const ErrorMap kMap({
      {ErrorCode::kInvalidArgument, {status::bad_request, "InvalidParameterValue"}},
      {ErrorCode::kNotFound, {status::bad_request, "ResourceNotFound"}},
      {ErrorCode::kAlreadyExists, {status::conflict, "EntityAlreadyExists"}},
      {ErrorCode::kConflict, {status::conflict, "Conflict"}},
      {ErrorCode::kPreconditionFailed, {status::bad_request, "ConditionFailed"}},
      {ErrorCode::kNotModified, {status::bad_request, "InvalidParameterValue"}},
      {ErrorCode::kUnauthenticated, {status::forbidden, "MissingAuthenticationToken"}},
      {ErrorCode::kInvalidAccessKey, {status::forbidden, "InvalidClientTokenId"}},
      {ErrorCode::kSignatureMismatch, {status::forbidden, "SignatureDoesNotMatch"}},
      {ErrorCode::kAuthMalformed, {status::bad_request, "IncompleteSignature"}},
      {ErrorCode::kRequestExpired, {status::bad_request, "RequestExpired"}},
      {ErrorCode::kClockSkew, {status::forbidden, "SignatureDoesNotMatch"}},
      {ErrorCode::kPayloadHashMismatch, {status::bad_request, "SignatureDoesNotMatch"}},
      {ErrorCode::kPermissionDenied, {status::forbidden, "AccessDenied"}},
      {ErrorCode::kThrottled, {status::bad_request, "Throttling"}},
      {ErrorCode::kTooLarge, {status::payload_too_large, "RequestEntityTooLarge"}},
      {ErrorCode::kUnimplemented, {status::bad_request, "InvalidAction"}},
      {ErrorCode::kUnavailable, {status::service_unavailable, "ServiceUnavailable"}},
      {ErrorCode::kTimeout, {status::bad_request, "RequestTimeout"}},
      {ErrorCode::kIoError, {status::internal_server_error, "InternalFailure"}},
      {ErrorCode::kCorruption, {status::internal_server_error, "InternalFailure"}},
      {ErrorCode::kInternal, {status::internal_server_error, "InternalFailure"}},
  }, {}, {
      // SQS (botocore's Query-protocol sqs model names these codes).
      {"QueueDoesNotExist", {status::bad_request, "AWS.SimpleQueueService.NonExistentQueue"}},
      {"QueueNameExists", {status::bad_request, "QueueAlreadyExists"}},
      {"QueueDeletedRecently", {status::bad_request, "AWS.SimpleQueueService.QueueDeletedRecently"}},
      {"InvalidAttributeName", {status::bad_request, "InvalidAttributeName"}},
      {"InvalidAttributeValue", {status::bad_request, "InvalidAttributeValue"}},
      {"InvalidParameterValue", {status::bad_request, "InvalidParameterValue"}},
      {"MissingParameter", {status::bad_request, "MissingParameter"}},
      {"ReceiptHandleIsInvalid", {status::bad_request, "ReceiptHandleIsInvalid"}},
      {"MessageNotInflight", {status::bad_request, "AWS.SimpleQueueService.MessageNotInflight"}},
      {"InvalidMessageContents", {status::bad_request, "InvalidMessageContents"}},
      {"PurgeQueueInProgress", {status::forbidden, "AWS.SimpleQueueService.PurgeQueueInProgress"}},
      {"ResourceNotFoundException", {status::bad_request, "ResourceNotFoundException"}},
      {"UnsupportedOperation", {status::bad_request, "AWS.SimpleQueueService.UnsupportedOperation"}},
      {"TooManyEntriesInBatchRequest", {status::bad_request, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"}},
      {"EmptyBatchRequest", {status::bad_request, "AWS.SimpleQueueService.EmptyBatchRequest"}},
      {"BatchEntryIdsNotDistinct", {status::bad_request, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"}},
      {"BatchRequestTooLong", {status::bad_request, "AWS.SimpleQueueService.BatchRequestTooLong"}},
      {"InvalidBatchEntryId", {status::bad_request, "AWS.SimpleQueueService.InvalidBatchEntryId"}},
      {"InvalidIdFormat", {status::bad_request, "InvalidIdFormat"}},
      // SNS.
      {"NotFound", {status::not_found, "NotFound"}},
      {"InvalidParameter", {status::bad_request, "InvalidParameter"}},
      {"ResourceNotFound", {status::not_found, "ResourceNotFound"}},
      {"AuthorizationError", {status::forbidden, "AuthorizationError"}},
      {"EmptyBatchRequestException", {status::bad_request, "EmptyBatchRequest"}},
      {"TooManyEntriesInBatchRequestException", {status::bad_request, "TooManyEntriesInBatchRequest"}},
      {"BatchEntryIdsNotDistinctException", {status::bad_request, "BatchEntryIdsNotDistinct"}},
  });
  return kMap;
}

net::Response RenderQueryError(const Status& st, const ErrorContext& ctx, std::string_view xmlns) {
  WireError wire = QueryErrorMap().Lookup(st, ctx.operation);
  net::Response res;
  res.msg.result(wire.status);
  res.msg.set(net::http::field::content_type, "text/xml");
  const char* type = static_cast<unsigned>(wire.status) >= 500 ? "Receiver" : "Sender";
  std::string ns = xmlns.empty() ? std::string() : fmt::format(" xmlns=\"{}\"", xmlns);
  SetErrorBody(res,
               fmt::format(
      "<?xml version=\"1.0\"?>\n<ErrorResponse{}><Error><Type>{}</Type><Code>{}</Code>"
      "<Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
      ns, type, wire.code, rest_xml::XmlEscape(st.message()), ctx.request_id),
               ctx.head);
  return res;
}

}  // namespace api::query
