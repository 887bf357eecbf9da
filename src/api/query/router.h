#pragma once

// The Query protocol route table (SQS, SNS, STS, IAM): `Action=<Op>` from the
// form body (POST) or the query string (GET) → operation. Several services
// share the protocol; the service is the one named by the SigV4 credential
// scope, else the only one that has the action. Adding an operation is one
// entry.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/common/op.h"
#include "api/common/query_string.h"

namespace api::query {

struct QueryService {
  std::string_view signing_name;  // "sqs", "sns", "sts", "iam"
  std::string_view xmlns;         // response namespace, e.g. "http://queue.amazonaws.com/doc/2012-11-05/"
  std::vector<const Op*> ops;
};

class Router {
 public:
  explicit Router(std::vector<QueryService> services);

  // Routes by `params["Action"]`. `scope_service` is the service named in the
  // SigV4 credential scope ("" if unknown). kInvalidArgument when Action is
  // missing; kUnimplemented for an unknown action.
  Result<RouteMatch> Route(const Params& params, std::string_view scope_service) const;

  // The namespace for responses of `service`, or "".
  std::string_view XmlnsFor(std::string_view service) const;

 private:
  std::vector<QueryService> services_;
  // action → services that have it
  std::multimap<std::string_view, std::pair<const QueryService*, const Op*>, std::less<>> actions_;
};

// The service named in a SigV4 Authorization header's or X-Amz-Credential's
// scope (".../<region>/<service>/aws4_request"), or "".
std::string ScopeService(std::string_view authorization_or_credential);

}  // namespace api::query
