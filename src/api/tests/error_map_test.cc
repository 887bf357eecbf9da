#include <gtest/gtest.h>

#include "api/admin/protocol.h"
#include "api/app/protocol.h"
#include "api/json/errors.h"
#include "api/query/errors.h"
#include "api/rest_xml/errors.h"

namespace api {
namespace {

using common::ErrorCode;
using net::http::status;

struct Case {
  ErrorCode code;
  status http;
  std::string_view wire;
};

void ExpectMap(const ErrorMap& map, std::initializer_list<Case> cases) {
  EXPECT_TRUE(map.Covers());
  for (const auto& c : cases) {
    WireError w = map.Lookup(c.code);
    EXPECT_EQ(w.status, c.http) << common::ErrorCodeName(c.code);
    EXPECT_EQ(w.code, c.wire) << common::ErrorCodeName(c.code);
  }
}

// Verifies the S3 map gives S3's codes and statuses for every domain error.
TEST(ErrorMapTest, S3Table) {
  ExpectMap(rest_xml::S3ErrorMap(),
            {
                {ErrorCode::kInvalidArgument, status::bad_request, "InvalidArgument"},
                {ErrorCode::kNotFound, status::not_found, "NoSuchKey"},
                {ErrorCode::kPreconditionFailed, status::precondition_failed, "PreconditionFailed"},
                {ErrorCode::kNotModified, status::not_modified, "NotModified"},
                {ErrorCode::kUnauthenticated, status::forbidden, "AccessDenied"},
                {ErrorCode::kInvalidAccessKey, status::forbidden, "InvalidAccessKeyId"},
                {ErrorCode::kSignatureMismatch, status::forbidden, "SignatureDoesNotMatch"},
                {ErrorCode::kAuthMalformed, status::bad_request, "AuthorizationHeaderMalformed"},
                {ErrorCode::kRequestExpired, status::forbidden, "AccessDenied"},
                {ErrorCode::kClockSkew, status::forbidden, "RequestTimeTooSkewed"},
                {ErrorCode::kPayloadHashMismatch, status::bad_request, "XAmzContentSHA256Mismatch"},
                {ErrorCode::kPermissionDenied, status::forbidden, "AccessDenied"},
                {ErrorCode::kThrottled, status::service_unavailable, "SlowDown"},
                {ErrorCode::kTooLarge, status::bad_request, "EntityTooLarge"},
                {ErrorCode::kUnimplemented, status::not_implemented, "NotImplemented"},
                {ErrorCode::kUnavailable, status::service_unavailable, "ServiceUnavailable"},
                {ErrorCode::kTimeout, status::bad_request, "RequestTimeout"},
                {ErrorCode::kInternal, status::internal_server_error, "InternalError"},
            });
}

// Verifies the JSON map gives the awsJson exception names botocore models.
TEST(ErrorMapTest, JsonTable) {
  ExpectMap(json::JsonErrorMap(),
            {
                {ErrorCode::kInvalidArgument, status::bad_request, "ValidationException"},
                {ErrorCode::kNotFound, status::bad_request, "ResourceNotFoundException"},
                {ErrorCode::kAlreadyExists, status::bad_request, "ResourceInUseException"},
                {ErrorCode::kPreconditionFailed, status::bad_request, "ConditionalCheckFailedException"},
                {ErrorCode::kUnauthenticated, status::bad_request, "MissingAuthenticationTokenException"},
                {ErrorCode::kInvalidAccessKey, status::bad_request, "UnrecognizedClientException"},
                {ErrorCode::kSignatureMismatch, status::bad_request, "InvalidSignatureException"},
                {ErrorCode::kPermissionDenied, status::bad_request, "AccessDeniedException"},
                {ErrorCode::kThrottled, status::bad_request, "ThrottlingException"},
                {ErrorCode::kUnimplemented, status::bad_request, "UnknownOperationException"},
                {ErrorCode::kInternal, status::internal_server_error, "InternalServerError"},
            });
}

// Verifies the Query map gives the Query-protocol codes (SQS/SNS/STS/IAM).
TEST(ErrorMapTest, QueryTable) {
  ExpectMap(query::QueryErrorMap(),
            {
                {ErrorCode::kInvalidArgument, status::bad_request, "InvalidParameterValue"},
                {ErrorCode::kUnauthenticated, status::forbidden, "MissingAuthenticationToken"},
                {ErrorCode::kInvalidAccessKey, status::forbidden, "InvalidClientTokenId"},
                {ErrorCode::kSignatureMismatch, status::forbidden, "SignatureDoesNotMatch"},
                {ErrorCode::kPermissionDenied, status::forbidden, "AccessDenied"},
                {ErrorCode::kUnimplemented, status::bad_request, "InvalidAction"},
                {ErrorCode::kInternal, status::internal_server_error, "InternalFailure"},
            });
}

// Verifies the admin and application maps cover every code.
TEST(ErrorMapTest, AdminAndAppTables) {
  ExpectMap(admin::AdminErrorMap(), {{ErrorCode::kNotFound, status::not_found, "NotFound"},
                                     {ErrorCode::kUnimplemented, status::method_not_allowed,
                                      "MethodNotAllowed"}});
  ExpectMap(app::AppErrorMap(), {{ErrorCode::kUnimplemented, status::not_found, "NotFoundException"},
                                 {ErrorCode::kInvalidArgument, status::bad_request,
                                  "BadRequestException"}});
}

// Verifies a per-operation override wins over the default only for that op.
TEST(ErrorMapTest, OverridesArePerOperation) {
  ErrorMap map({{ErrorCode::kNotFound, {status::not_found, "NoSuchKey"}}},
               {{"HeadBucket", ErrorCode::kNotFound, {status::not_found, "NoSuchBucket"}}});
  EXPECT_EQ(map.Lookup(ErrorCode::kNotFound, "HeadBucket").code, "NoSuchBucket");
  EXPECT_EQ(map.Lookup(ErrorCode::kNotFound, "GetObject").code, "NoSuchKey");
  EXPECT_EQ(map.Lookup(ErrorCode::kNotFound).code, "NoSuchKey");
  EXPECT_FALSE(map.Covers());
}

// Verifies S3 error bodies carry Code, Message, Resource and RequestId, escaped,
// and that HEAD errors have no body.
TEST(ErrorMapTest, S3ErrorBody) {
  ErrorContext ctx{"REQ1", "/b/<k>", "GetObject", false};
  auto res = rest_xml::RenderS3Error(common::NotFound("no such key & more"), ctx);
  EXPECT_EQ(res.msg.result(), status::not_found);
  EXPECT_NE(res.msg.body().find("<Code>NoSuchKey</Code>"), std::string::npos);
  EXPECT_NE(res.msg.body().find("<Message>no such key &amp; more</Message>"), std::string::npos);
  EXPECT_NE(res.msg.body().find("<Resource>/b/&lt;k&gt;</Resource>"), std::string::npos);
  EXPECT_NE(res.msg.body().find("<RequestId>REQ1</RequestId>"), std::string::npos);
  ctx.head = true;
  EXPECT_TRUE(rest_xml::RenderS3Error(common::NotFound("x"), ctx).msg.body().empty());
}

// Verifies JSON error bodies carry __type with the namespace and the message.
TEST(ErrorMapTest, JsonErrorBody) {
  ErrorContext ctx{"REQ2", "/", "", false};
  auto res = json::RenderJsonError(common::NotFound("Requested resource not found"), ctx,
                                   "com.amazonaws.dynamodb.v20120810#", "application/x-amz-json-1.0");
  EXPECT_EQ(res.msg.body(),
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
            "\"message\":\"Requested resource not found\"}");
  EXPECT_EQ(res.msg["x-amzn-ErrorType"], "ResourceNotFoundException");
}

// Verifies Query error bodies follow the ErrorResponse shape.
TEST(ErrorMapTest, QueryErrorBody) {
  ErrorContext ctx{"REQ3", "/", "", false};
  auto res = query::RenderQueryError(common::Unimplemented("The action Nope is not valid"), ctx,
                                     "http://queue.amazonaws.com/doc/2012-11-05/");
  EXPECT_EQ(res.msg.result(), status::bad_request);
  EXPECT_NE(res.msg.body().find("<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                                "<Error><Type>Sender</Type><Code>InvalidAction</Code>"),
            std::string::npos);
  EXPECT_NE(res.msg.body().find("<RequestId>REQ3</RequestId>"), std::string::npos);
}

}  // namespace
}  // namespace api

namespace api {
namespace {

// Verifies a 304 error response carries no body (HTTP forbids one) in every
// protocol that maps an error to 304, and rendering never throws.
TEST(ErrorMapTest, NotModifiedHasNoBody) {
  ErrorContext ctx{"REQ4", "/b/k", "GetObject", false};
  Status st(common::ErrorCode::kNotModified, "not modified");
  for (const net::Response& res :
       {rest_xml::RenderS3Error(st, ctx), admin::AdminProtocol().RenderError(st, ctx),
        app::AppProtocol({}).RenderError(st, ctx)}) {
    EXPECT_EQ(res.msg.result(), net::http::status::not_modified);
    EXPECT_TRUE(res.msg.body().empty());
  }
}

}  // namespace
}  // namespace api
