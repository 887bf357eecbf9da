#pragma once

// The JSON protocol route table (awsJson 1.0/1.1): `X-Amz-Target:
// <TargetPrefix>.<Operation>` → service → operation. Each service is one row
// with its target prefix (e.g. "DynamoDB_20120810"), signing name, JSON
// version, error namespace and op table. Adding an operation is one entry.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/common/op.h"

namespace api::json {

struct JsonService {
  std::string_view target_prefix;    // "DynamoDB_20120810"
  std::string_view signing_name;     // "dynamodb"
  std::string_view content_type;     // "application/x-amz-json-1.0"
  std::string_view error_namespace;  // "com.amazonaws.dynamodb.v20120810#", may be ""
  std::vector<const Op*> ops;
  bool query_compatible = false;     // errors also carry x-amzn-query-error (awsQueryCompatible)
};

class Router {
 public:
  explicit Router(std::vector<JsonService> services);

  // kInvalidArgument for a target without '.', kUnimplemented for an unknown
  // prefix or operation.
  Result<RouteMatch> Route(std::string_view target) const;

  // The service whose prefix `target` names, or null.
  const JsonService* ServiceFor(std::string_view target) const;

 private:
  struct Entry {
    JsonService service;
    std::map<std::string_view, const Op*, std::less<>> ops;
  };
  std::map<std::string_view, Entry, std::less<>> services_;
};

}  // namespace api::json
