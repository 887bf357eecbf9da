#pragma once

// The vocabulary of functions: what a handler is, what it sees while it runs
// (Context), and how a function is configured (FunctionSpec).
//
// A handler is a plain C++ function of (Context, event) → result, registered
// by name (seed/handlers.h). It keeps no state between invocations — each
// invocation has only its locals — and reaches services only through
// ctx.Aws(), the AWS client (DESIGN.md principle 4), so the same handler runs
// inside stratus and on AWS Lambda.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "client/aws_client.h"
#include "common/status.h"

namespace functions {

// How one function is deployed in a region.
struct FunctionSpec {
  std::string name;     // e.g. "checksum-validator"
  std::string handler;  // the registered handler; "" = name
  std::string role;     // execution role ARN (authorisation once IAM lands)
  std::chrono::seconds timeout{30};
  uint32_t memory_mb = 128;
  std::map<std::string, std::string> environment;
  int reserved_concurrency = 0;  // invocations at once; 0 = unlimited
  // Asynchronous invocations (S3, SNS, EventBridge): retries after the
  // first failure, and where an event goes once they are exhausted (an SQS
  // queue or SNS topic ARN; "" = dropped, counted and logged).
  int maximum_retry_attempts = 2;  // 0–2
  std::chrono::seconds maximum_event_age{6 * 3600};
  std::string on_failure;
};

// What a handler sees of its invocation. Not thread-safe: one invocation.
class Context {
 public:
  virtual ~Context() = default;

  virtual const std::string& request_id() const = 0;
  virtual const FunctionSpec& function() const = 0;
  virtual const std::string& region() const = 0;
  // The function's ARN in this region.
  virtual std::string function_arn() const = 0;
  // Time left before the invocation times out.
  virtual std::chrono::milliseconds remaining_time() const = 0;
  // An environment variable of the function ("" when unset).
  virtual std::string_view env(std::string_view name) const = 0;

  // Writes a line to the function's log stream, tagged with the request id
  // (what a Lambda handler prints to stdout).
  virtual void Log(std::string_view line) = 0;

  // The AWS client for `region` ("" = the function's own), signed with the
  // function's credentials and bounded by its deadline. kNotFound for a
  // region that cannot be reached.
  virtual common::Result<client::AwsClient*> Aws(std::string_view region = "") = 0;
};

// A handler: the event (decoded JSON) in, the result out (serialised as the
// invocation's response). An error status fails the invocation: its message
// is the errorMessage, and the status code's name the errorType.
using Handler = std::function<common::Result<boost::json::value>(Context& ctx, const boost::json::value& event)>;

}  // namespace functions
