#pragma once

// The REST-XML (S3) route table. A route is data: method, target kind
// (service root, bucket or object), and optionally a query parameter and a
// header that must be present (`?uploads`, `x-amz-copy-source`). The most
// specific matching row wins: rows with more conditions are tried first, then
// table order. Adding an S3 operation is one row.

#include <string>
#include <string_view>
#include <vector>

#include "api/common/op.h"
#include "api/common/query_string.h"

namespace api::rest_xml {

enum class Target { kService, kBucket, kObject };

struct RestRoute {
  net::http::verb method;
  Target target;
  std::string_view query;   // a query parameter that must be present, "" = none
  std::string_view header;  // a header that must be present, "" = none
  const Op* op;
};

// S3's sub-resource query parameters.
std::vector<std::string> DefaultSubresources();

// Where an S3 request points, from its Host and request-target.
struct ParsedTarget {
  Target target = Target::kService;
  std::string bucket;
  std::string key;
  Params query;
};

struct RouterOptions {
  // Query parameters that name a sub-resource (`?acl`, `?lifecycle`, ...): a
  // request carrying one matches only rows that ask for it, so an operation
  // stratus does not serve is refused as such rather than routed to the
  // plain row (GET ?lifecycle must not list the bucket).
  std::vector<std::string> subresources = DefaultSubresources();
  // Host names under which `bucket.<domain>` is virtual-hosted style; a Host
  // that is an IP literal or equals one of these is path style.
  std::vector<std::string> virtual_host_domains = {"localhost", "s3.localhost"};
};

class Router {
 public:
  explicit Router(std::vector<RestRoute> routes, RouterOptions options = {});

  // Splits the request into bucket, key and query. kInvalidArgument for a
  // malformed percent-escape or an empty key segment structure.
  Result<ParsedTarget> Parse(const net::RequestHeader& header) const;

  // The most specific route for the request; kUnimplemented if none.
  Result<RouteMatch> Route(const net::RequestHeader& header) const;

  const std::vector<RestRoute>& routes() const { return routes_; }

 private:
  // True if `query` names a sub-resource other than the one `r` requires.
  bool NamesOtherSubresource(const RestRoute& r, const Params& query) const;

  std::vector<RestRoute> routes_;  // sorted by specificity
  RouterOptions options_;
};

}  // namespace api::rest_xml
