#pragma once

// AwsClient: the AWS client functions use to reach services (DESIGN.md
// principle 4). Every call is a SigV4-signed request in the service's own
// wire protocol — JSON 1.0/1.1 with X-Amz-Target (DynamoDB, SQS, EventBridge,
// Kinesis, KMS, Secrets Manager), Query (SNS, encoded with the same model
// the server decodes with) or REST-XML (S3) — sent over a Transport: in
// process for the function's own region, HTTP for another region or AWS.
//
// Calls block the calling thread (function handlers are plain sequential
// code) while the request runs on `executor`; never call from a thread of
// that executor. Past the deadline (the invocation's timeout) a call fails
// with kTimeout. Thread-safe.
//
// Errors: transport failures as the Transport reports them; a service error
// maps its HTTP status and code to an ErrorCode (404/…NotFound… → kNotFound,
// 400 → kInvalidArgument, 403 → kPermissionDenied, 409 → kConflict, 412 and
// ConditionalCheckFailedException → kPreconditionFailed, 429/Throttling →
// kThrottled, 5xx → kUnavailable) with the message "<AwsCode>: <message>";
// AwsErrorCode() gives the code back.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/query/model.h"
#include "auth/credentials.h"
#include "client/s3_client.h"
#include "client/transport.h"
#include "common/status.h"

namespace client {

// A JSON-protocol service: signing name, X-Amz-Target prefix, content type.
struct JsonApi {
  std::string_view signing_name;
  std::string_view target_prefix;
  std::string_view content_type;
};
inline constexpr JsonApi kDynamoDb{"dynamodb", "DynamoDB_20120810", "application/x-amz-json-1.0"};
inline constexpr JsonApi kSqs{"sqs", "AmazonSQS", "application/x-amz-json-1.0"};
inline constexpr JsonApi kEvents{"events", "AWSEvents", "application/x-amz-json-1.1"};

// A Query-protocol service: signing name, API version, wire model.
struct QueryApi {
  std::string_view signing_name;
  std::string_view version;
  const api::query::ServiceModel& (*model)();
};
// SNS (2010-03-31).
const QueryApi& Sns();

struct ClientEndpoint {
  std::shared_ptr<Transport> transport;
  std::string region;  // requests are signed for it
  auth::Credentials credentials;
  std::string scheme = "http";  // of the URLs PresignS3 hands out ("https" behind TLS)
  // Set: each service has a host of its own, as on AWS
  // (https://sqs.<region>.amazonaws.com, ...; see AwsEndpoints); `transport`
  // is then unused.
  std::function<std::shared_ptr<Transport>(std::string_view service)> per_service;
};

class AwsClient {
 public:
  AwsClient(net::asio::any_io_executor executor, ClientEndpoint endpoint)
      : executor_(std::move(executor)), endpoint_(std::move(endpoint)) {}

  // Calls after `deadline` fail with kTimeout, and a call in flight stops
  // waiting at it.
  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }

  // A JSON-protocol operation: the input and output as the service model's
  // shapes, e.g. Json(kDynamoDb, "PutItem", {{"TableName", "t"}, {"Item", ...}}).
  common::Result<boost::json::object> Json(const JsonApi& api, std::string_view op,
                                           const boost::json::object& input) const;

  // A Query-protocol operation with the same JSON-shaped input and output.
  common::Result<boost::json::object> Query(const QueryApi& api, std::string_view op,
                                            const boost::json::object& input) const;

  // An S3 request, path style (payload unsigned, as S3Client). Returns the
  // response of any HTTP status; a HEAD's body is empty.
  common::Result<net::ClientResponse> S3(S3Request request) const;

  // A presigned URL for `request` (path style; its body is not used) on this
  // client's endpoint, valid for `expires` (1 s to 7 days): anyone holding it
  // may send that request without credentials, with exactly the headers in
  // `request` (they are signed) — e.g. a browser's or curl's PUT of an upload.
  std::string PresignS3(const S3Request& request, std::chrono::seconds expires) const;

  const std::string& region() const { return endpoint_.region; }

 private:
  std::shared_ptr<Transport> TransportFor(std::string_view service) const;
  common::Result<net::ClientResponse> Run(std::shared_ptr<Transport> transport, net::ClientRequest request) const;

  net::asio::any_io_executor executor_;
  ClientEndpoint endpoint_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// The AWS error code of a status a call returned ("" if it has none).
std::string_view AwsErrorCode(const common::Status& status);

// The ErrorCode for an AWS error response (HTTP status and code).
common::ErrorCode ErrorCodeFor(unsigned http_status, std::string_view aws_code);

}  // namespace client
