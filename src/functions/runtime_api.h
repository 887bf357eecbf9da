#pragma once

// RuntimeApi: the AWS Lambda Runtime API (2018-06-01) for one function whose
// code runs in an external process — a custom runtime's `bootstrap`, such as
// `stratus lambda-bootstrap`, exactly the loop it runs on AWS Lambda:
//
//   GET  /2018-06-01/runtime/invocation/next            → 200 the event, with
//        Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn,
//        -Trace-Id; waits until there is one
//   POST /2018-06-01/runtime/invocation/{id}/response    → 202; the result
//   POST /2018-06-01/runtime/invocation/{id}/error       → 202; {errorMessage, errorType}
//   POST /2018-06-01/runtime/init/error                  → 202; logged
//
// An unknown or already answered request id is 400 InvalidRequestID; other
// paths 404. Invoke (from the function host, on its own thread) queues an
// event and blocks until the process answers or the deadline passes.
//
// Thread-safe. The server that serves it (one listener per function, the
// address the process finds in AWS_LAMBDA_RUNTIME_API) runs Handle on I/O
// threads, which never block: /next waits on a timer.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "net/http_types.h"

namespace functions {

class RuntimeApi final : public net::Handler {
 public:
  explicit RuntimeApi(std::string function_arn) : function_arn_(std::move(function_arn)) {}

  // Hands `event` to the next /next and waits for the answer: the response
  // (parsed as JSON; text that is not JSON comes back as a string), or the
  // process's error as kInternal "<errorType>: <errorMessage>", or kTimeout
  // ("Task timed out") at `deadline`, or kUnavailable once stopped.
  common::Result<boost::json::value> Invoke(const std::string& request_id, const boost::json::value& event,
                                            std::chrono::system_clock::time_point deadline);

  // Fails every waiting invocation and ends waiting /next requests (503).
  void Stop();

  net::awaitable<net::Response> Handle(net::Exchange& exchange) override;
  net::Response ConnectionError(net::http::status status, std::string_view reason) override;

 private:
  struct Pending {
    std::string request_id;
    std::string event;
    int64_t deadline_ms = 0;
    bool fetched = false;
    bool done = false;
    bool failed = false;
    std::string answer;  // the response body, or the error's
  };

  // The next queued event as /next's answer; nullopt when there is none yet.
  std::optional<net::Response> Next();
  net::Response Answer(std::string_view id, bool error, std::string body);

  const std::string function_arn_;
  std::mutex mu_;
  std::condition_variable answered_;
  std::deque<std::shared_ptr<Pending>> queue_;                // not yet fetched
  std::map<std::string, std::shared_ptr<Pending>> in_flight_;  // fetched, unanswered
  bool stopped_ = false;
};

}  // namespace functions
