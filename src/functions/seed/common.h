#pragma once

// What the seed handlers share: reading S3 objects out of the events that
// announce them (S3 notifications and their EventBridge form), HeadObject
// with checksum mode, and publishing an alert to an SNS topic — all through
// the function's AWS client.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "functions/function.h"

namespace functions::seed {

// An object an event names.
struct ObjectRef {
  std::string bucket;
  std::string key;         // decoded
  std::string version_id;  // "" when the bucket is not versioned
  int64_t size = -1;       // -1 when the event does not say
  std::string etag;
  std::string event_time;  // ISO 8601, "" when the event does not say
  std::string event_name;  // "ObjectCreated:Put", "Object Created", ...
};

// The objects an event names: an S3 notification ({"Records": [{"s3": …}]},
// keys URL-encoded as S3 sends them) or an EventBridge S3 event
// ({"source": "aws.s3", "detail": {"bucket", "object"}}). kInvalidArgument
// when it is neither (a poison message).
common::Result<std::vector<ObjectRef>> ObjectsOf(const boost::json::value& event);

// One message of Lambda's SQS event, with the objects its body names.
struct SqsMessage {
  std::string id;
  std::string body;
  const boost::json::object* record = nullptr;  // the whole record (attributes, eventSourceARN)
  // kInvalidArgument when the body is not JSON or not an S3 object event.
  common::Result<std::vector<ObjectRef>> objects = std::vector<ObjectRef>{};
};

// The messages of an SQS event (which `event` must outlive); kInvalidArgument
// when it is not one.
common::Result<std::vector<SqsMessage>> SqsMessages(const boost::json::value& event);

// The ReportBatchItemFailures response naming `failed` message ids.
boost::json::value BatchItemFailures(const std::vector<std::string>& failed);

// What HeadObject (checksum mode on) tells about an object.
struct ObjectHead {
  bool exists = false;
  std::string etag;                // without quotes
  std::string checksum_algorithm;  // "SHA256", "CRC64NVME", "CRC32C", "CRC32", "SHA1"; "" if none
  std::string checksum;            // base64, as x-amz-checksum-*
  std::string replication_status;  // PENDING, COMPLETED, FAILED, REPLICA, ""
  std::string version_id;
  int64_t size = 0;
  std::string last_modified;
};

// HeadObject with x-amz-checksum-mode: ENABLED in `region` ("" = own); a 404
// is exists = false, other failures are errors.
common::Result<ObjectHead> HeadObject(Context& ctx, std::string_view region, const ObjectRef& object);

// Publishes to an SNS topic; returns the MessageId.
common::Result<std::string> Publish(Context& ctx, std::string_view topic_arn, std::string_view subject,
                                    std::string_view message);

// An environment variable the handler cannot run without.
common::Result<std::string> RequiredEnv(Context& ctx, std::string_view name);

// An API Gateway proxy result: {statusCode, headers: {Content-Type: JSON}, body}.
boost::json::value ApiResponse(int status, const boost::json::value& body);
// {statusCode, ..., body: {"message": message}} — an application API error.
boost::json::value ApiError(int status, std::string_view message);

}  // namespace functions::seed
