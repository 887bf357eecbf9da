#include "api/json/errors.h"

#include <fmt/format.h>

#include "api/query/errors.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace api::json {

using common::ErrorCode;
using net::http::status;

const ErrorMap& JsonErrorMap() {
  static const ErrorMap kMap({
      {ErrorCode::kInvalidArgument, {status::bad_request, "ValidationException"}},
      {ErrorCode::kNotFound, {status::bad_request, "ResourceNotFoundException"}},
      {ErrorCode::kAlreadyExists, {status::bad_request, "ResourceInUseException"}},
      {ErrorCode::kConflict, {status::bad_request, "ResourceInUseException"}},
      {ErrorCode::kPreconditionFailed, {status::bad_request, "ConditionalCheckFailedException"}},
      {ErrorCode::kNotModified, {status::bad_request, "ValidationException"}},
      {ErrorCode::kUnauthenticated, {status::bad_request, "MissingAuthenticationTokenException"}},
      {ErrorCode::kInvalidAccessKey, {status::bad_request, "UnrecognizedClientException"}},
      {ErrorCode::kSignatureMismatch, {status::bad_request, "InvalidSignatureException"}},
      {ErrorCode::kAuthMalformed, {status::bad_request, "IncompleteSignatureException"}},
      {ErrorCode::kRequestExpired, {status::bad_request, "ExpiredTokenException"}},
      {ErrorCode::kClockSkew, {status::bad_request, "InvalidSignatureException"}},
      {ErrorCode::kPayloadHashMismatch, {status::bad_request, "InvalidSignatureException"}},
      {ErrorCode::kPermissionDenied, {status::bad_request, "AccessDeniedException"}},
      {ErrorCode::kThrottled, {status::bad_request, "ThrottlingException"}},
      {ErrorCode::kTooLarge, {status::payload_too_large, "RequestEntityTooLargeException"}},
      {ErrorCode::kUnimplemented, {status::bad_request, "UnknownOperationException"}},
      {ErrorCode::kUnavailable, {status::service_unavailable, "ServiceUnavailableException"}},
      {ErrorCode::kTimeout, {status::bad_request, "RequestTimeoutException"}},
      {ErrorCode::kIoError, {status::internal_server_error, "InternalServerError"}},
      {ErrorCode::kCorruption, {status::internal_server_error, "InternalServerError"}},
      {ErrorCode::kInternal, {status::internal_server_error, "InternalServerError"}},
  }, {}, {
      // Reasons the domain services give (DynamoDB's error shapes; all 400).
      {"ConditionalCheckFailedException", {status::bad_request, "ConditionalCheckFailedException"}},
      {"TransactionCanceledException", {status::bad_request, "TransactionCanceledException"}},
      {"TransactionConflictException", {status::bad_request, "TransactionConflictException"}},
      {"IdempotentParameterMismatchException", {status::bad_request, "IdempotentParameterMismatchException"}},
      {"TableNotFoundException", {status::bad_request, "TableNotFoundException"}},
      {"TableAlreadyExistsException", {status::bad_request, "TableAlreadyExistsException"}},
      {"PointInTimeRecoveryUnavailableException",
       {status::bad_request, "PointInTimeRecoveryUnavailableException"}},
      {"InvalidRestoreTimeException", {status::bad_request, "InvalidRestoreTimeException"}},
      {"LimitExceededException", {status::bad_request, "LimitExceededException"}},
      {"ItemCollectionSizeLimitExceededException", {status::bad_request, "ItemCollectionSizeLimitExceededException"}},
      {"SerializationException", {status::bad_request, "SerializationException"}},
      // SQS's error shapes (its JSON mode; query-compatible clients read the
      // Query code from x-amzn-query-error instead).
      {"QueueDoesNotExist", {status::bad_request, "QueueDoesNotExist"}},
      {"QueueNameExists", {status::bad_request, "QueueNameExists"}},
      {"QueueDeletedRecently", {status::bad_request, "QueueDeletedRecently"}},
      {"InvalidAttributeName", {status::bad_request, "InvalidAttributeName"}},
      {"InvalidAttributeValue", {status::bad_request, "InvalidAttributeValue"}},
      {"InvalidParameterValue", {status::bad_request, "InvalidParameterValueException"}},
      {"MissingParameter", {status::bad_request, "MissingRequiredParameterException"}},
      {"ReceiptHandleIsInvalid", {status::bad_request, "ReceiptHandleIsInvalid"}},
      {"MessageNotInflight", {status::bad_request, "MessageNotInflight"}},
      {"InvalidMessageContents", {status::bad_request, "InvalidMessageContents"}},
      {"PurgeQueueInProgress", {status::bad_request, "PurgeQueueInProgress"}},
      {"ResourceNotFoundException", {status::bad_request, "ResourceNotFoundException"}},
      {"UnsupportedOperation", {status::bad_request, "UnsupportedOperation"}},
      {"TooManyEntriesInBatchRequest", {status::bad_request, "TooManyEntriesInBatchRequest"}},
      {"EmptyBatchRequest", {status::bad_request, "EmptyBatchRequest"}},
      {"BatchEntryIdsNotDistinct", {status::bad_request, "BatchEntryIdsNotDistinct"}},
      {"BatchRequestTooLong", {status::bad_request, "BatchRequestTooLong"}},
      {"InvalidBatchEntryId", {status::bad_request, "InvalidBatchEntryId"}},
      {"InvalidIdFormat", {status::bad_request, "InvalidIdFormat"}},
      // EventBridge.
      {"InvalidEventPatternException", {status::bad_request, "InvalidEventPatternException"}},
  });
  return kMap;
}

net::Response RenderJsonError(const Status& st, const ErrorContext& ctx,
                              std::string_view error_namespace, std::string_view content_type,
                              bool query_compatible) {
  WireError wire = JsonErrorMap().Lookup(st, ctx.operation);
  net::Response res;
  res.msg.result(wire.status);
  res.msg.set(net::http::field::content_type, content_type);
  res.msg.set("x-amzn-ErrorType", wire.code);
  if (query_compatible) {
    WireError q = query::QueryErrorMap().Lookup(st, ctx.operation);
    res.msg.result(q.status);
    res.msg.set("x-amzn-query-error",
                fmt::format("{};{}", q.code, static_cast<unsigned>(q.status) >= 500 ? "Receiver" : "Sender"));
  }
  boost::json::object body;
  body["__type"] = std::string(error_namespace) + std::string(wire.code);
  body["message"] = st.message();
  if (!st.detail().empty()) {
    boost::system::error_code ec;
    boost::json::value detail = boost::json::parse(st.detail(), ec);
    if (!ec && detail.is_object()) {
      for (const auto& [k, v] : detail.as_object()) body[k] = v;
    }
  }
  SetErrorBody(res, boost::json::serialize(body), ctx.head);
  return res;
}

}  // namespace api::json
