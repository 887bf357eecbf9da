#pragma once

// FunctionHost: the functions deployed in one region, and the ways they are
// invoked (Lambda's roles, on one machine):
//
// - Invoke (RequestResponse): runs the handler on the caller's thread and
//   returns its result — for the application API and the Runtime API.
// - InvokeAsync (Event): the event is stored durably (a synced write) before
//   the call returns, then run at least once on the host's threads; a failure
//   is retried with backoff up to the function's maximum_retry_attempts, then
//   the event goes to its on_failure destination (Lambda's destination record)
//   through Targets. S3 notifications, SNS and EventBridge deliver to a
//   function ARN this way. A restart resumes every stored event.
// - Event source mappings (sqs_mapping.h) poll queues and Invoke.
//
// Every invocation gets its own Context: request id, deadline (the
// function's timeout; AWS calls past it fail), environment, and an AWS client
// per region from `endpoints`. The host writes START/END/REPORT lines to the
// function's LogStream (<log_dir>/<name>.log) and keeps metrics per function:
// invocations, errors, throttles, duration, async events pending.
//
// A handler runs on the calling or host thread to its end: C++ cannot stop a
// thread safely, so the timeout is enforced at every AWS call and on the
// result (an invocation that overran fails with "Task timed out").
// Thread-safe.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "client/aws_client.h"
#include "common/metrics.h"
#include "common/status.h"
#include "functions/function.h"
#include "functions/log_stream.h"
#include "service/common/outbox.h"
#include "service/targets/targets.h"
#include "storage/kv_store.h"

namespace functions {

struct HostOptions {
  std::string region;
  std::string account = "000000000000";
  std::filesystem::path log_dir;  // one <function>.log each
  // The AWS client endpoint for a region (the host's own region included).
  std::function<common::Result<client::ClientEndpoint>(std::string_view region)> endpoints;
  // Runs the AWS clients' requests; never one of the host's threads.
  net::asio::any_io_executor executor;
  int async_threads = 4;
  std::chrono::milliseconds retry_backoff{1000};  // first async retry; doubles, up to 60 s
  // Handlers by name (seed::Handlers() in the server).
  std::map<std::string, Handler, std::less<>> handlers;
};

// The outcome of one invocation.
struct InvokeResult {
  boost::json::value payload;  // the handler's result, or {errorMessage, errorType}
  bool failed = false;         // the handler failed (Lambda's FunctionError: Unhandled)
  std::string request_id;
};

class FunctionHost {
 public:
  // kInvalidArgument for a spec naming no registered handler or a duplicate
  // name; kIoError when a log file cannot be opened. `targets` (on-failure
  // destinations) and `metrics` must outlive the host.
  static common::Result<std::unique_ptr<FunctionHost>> Open(storage::KvStore& kv, HostOptions options,
                                                            std::vector<FunctionSpec> functions,
                                                            service::Targets* targets,
                                                            common::metrics::Registry* metrics);
  ~FunctionHost();  // Stop()s

  // Resumes stored async events and starts the async workers.
  common::Status Start();
  // Stops the workers; invocations in progress finish. Idempotent.
  void Stop();

  bool Has(std::string_view name) const;
  const FunctionSpec* Find(std::string_view name) const;
  std::vector<std::string> Names() const;
  std::string ArnOf(std::string_view name) const;
  const std::string& region() const { return options_.region; }
  // The function named by an ARN of this region (…:function:NAME[:$LATEST]), or "".
  std::string NameFromArn(std::string_view arn) const;

  // Runs the function now. kNotFound for an unknown function; kThrottled
  // (TooManyRequestsException) when its reserved concurrency is all in use; a
  // handler's failure is a result with failed = true, not an error.
  common::Result<InvokeResult> Invoke(std::string_view name, const boost::json::value& event);

  // Stores the event (synced) for an asynchronous invocation. kNotFound for
  // an unknown function, kIoError if it cannot be stored.
  common::Status InvokeAsync(std::string_view name, std::string_view event_json);

  // Async events stored and not yet done.
  size_t async_pending() const;

  // The function's log stream (for the Runtime API's external processes).
  LogStream* Logs(std::string_view name);

 private:
  struct Deployed;
  FunctionHost(storage::KvStore& kv, HostOptions options, service::Targets* targets);
  service::Outbox::Verdict DeliverAsync(std::string_view key, std::string_view value, int attempt);

  storage::KvStore& kv_;
  HostOptions options_;
  service::Targets* targets_;
  std::map<std::string, std::unique_ptr<Deployed>, std::less<>> functions_;
  std::unique_ptr<service::Outbox> async_;
  std::mutex seq_mu_;
  uint64_t last_seq_ = 0;  // guarded by seq_mu_; async keys are ordered by it
};

}  // namespace functions
