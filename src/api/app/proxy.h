#pragma once

// The application API's operations (the API Gateway role; gateway.h).

#include "api/common/op.h"

namespace api::app {

// Any configured route: checks the x-api-key and its throttle, then invokes
// the route's function with API Gateway's Lambda proxy event (payload 1.0:
// resource, path, httpMethod, headers, queryStringParameters,
// pathParameters, requestContext, body, isBase64Encoded) and answers with the
// function's {statusCode, headers, body, isBase64Encoded}. As API Gateway:
// 403 {"message":"Forbidden"} without an accepted key, 429 with Retry-After
// when throttled, 502 when the function fails or answers malformed, 504 when
// it times out. CORS headers on every answer to an allowed origin.
struct ProxyInvoke {
  static constexpr OpSpec kSpec{.name = "Invoke", .action = "", .body = BodyPolicy::kBuffered,
                                .max_body = 10 << 20, .anonymous = true};
  struct Request {};
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request req);
};

// OPTIONS on a routed path: the CORS preflight, 204 with the allowed origin,
// the path's methods and the headers browsers may send.
struct Preflight {
  static constexpr OpSpec kSpec{.name = "Preflight", .action = "", .anonymous = true};
  struct Request {};
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request req);
};

}  // namespace api::app
