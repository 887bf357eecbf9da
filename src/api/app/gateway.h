#pragma once

// Gateway: the application API's configuration at run time — the API Gateway
// role. Routes ("METHOD /path/{param}/{rest+}") lead to functions through
// the Lambda proxy integration; requests need an accepted x-api-key and are
// throttled per key with a token bucket; browsers get CORS headers.
//
// Thread-safe: routes, keys and origins are fixed at construction; the token
// buckets are behind a mutex.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "common/config.h"
#include "common/status.h"

namespace api::app {

struct GatewayOptions {
  std::vector<common::ApiRouteConfig> routes;
  std::vector<std::string> api_keys;
  double rate_per_second = 100;
  double burst = 200;
  std::vector<std::string> cors_allow_origins = {"*"};
};

// What a function answered: its result, or (failed) {errorMessage, errorType}.
struct FunctionOutcome {
  boost::json::value payload;
  bool failed = false;
};
// Invokes a function (RequestResponse) with an event; blocking. Errors are
// the invocation's (kNotFound, kThrottled), not the handler's.
using FunctionInvoker =
    std::function<common::Result<FunctionOutcome>(const std::string& function, const boost::json::value& event)>;

class Gateway {
 public:
  Gateway(GatewayOptions options, FunctionInvoker invoke);

  struct Match {
    const common::ApiRouteConfig* route = nullptr;
    std::string resource;  // the route's path template, e.g. "/files/{key+}"
    std::map<std::string, std::string> path_parameters;  // decoded
  };
  // The route for `method` and the (percent-encoded) `path`; an exact method
  // wins over ANY. nullopt when none matches.
  std::optional<Match> Find(std::string_view method, std::string_view path) const;
  // The methods of the routes matching `path` (for CORS preflight).
  std::vector<std::string> MethodsFor(std::string_view path) const;

  // Whether `key` is accepted, and takes a token from its bucket:
  // kUnauthenticated ("Forbidden") for a missing or unknown key, kThrottled
  // ("Too Many Requests") with *retry_after set when its bucket is empty.
  common::Status Admit(std::string_view key, std::chrono::seconds* retry_after);

  // The Access-Control-Allow-Origin for a request from `origin` ("" = none).
  std::string AllowOrigin(std::string_view origin) const;

  common::Result<FunctionOutcome> Invoke(const std::string& function, const boost::json::value& event) const {
    return invoke_(function, event);
  }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };

  GatewayOptions options_;
  FunctionInvoker invoke_;
  std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace api::app
