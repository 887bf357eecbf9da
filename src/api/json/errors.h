#pragma once

// The JSON protocol (awsJson 1.0/1.1) error map and error body:
//   {"__type": "<namespace>#<Code>", "message": "..."}  + x-amzn-ErrorType

#include "api/common/error_map.h"
#include "api/common/protocol.h"

namespace api::json {

const ErrorMap& JsonErrorMap();

// `error_namespace` prefixes the code in __type (e.g.
// "com.amazonaws.dynamodb.v20120810#"); `content_type` echoes the service's.
// A `query_compatible` service (SQS, which moved from the Query protocol)
// also names its Query protocol error in `x-amzn-query-error: <Code>;Sender`
// with that error's HTTP status, as AWS does, so clients that know the
// Query codes keep seeing them.
net::Response RenderJsonError(const Status& status, const ErrorContext& ctx,
                              std::string_view error_namespace, std::string_view content_type,
                              bool query_compatible = false);

}  // namespace api::json
