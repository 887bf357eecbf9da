#pragma once

// SqsMapping: an SQS event source mapping — pollers that take messages from
// a queue of the region and invoke a function with them, as Lambda does:
//
// - Each poller gathers up to BatchSize messages, waiting up to
//   MaximumBatchingWindow for a fuller batch once it has one; an empty queue
//   is waited on (woken by arrivals, no busy polling).
// - The function gets Lambda's SQS event ({"Records": [...]}).
// - Success deletes the batch. With ReportBatchItemFailures, only the
//   messages not listed in the response's batchItemFailures are deleted (a
//   malformed response fails the whole batch). On failure (error, timeout,
//   throttle) nothing is deleted: the messages become visible again after
//   the queue's visibility timeout, and its redrive policy decides when one
//   moves to the dead-letter queue.
//
// Metrics: batches, messages, failed batches, and the age of the oldest
// message in the last batch (the queue age). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "functions/host.h"
#include "service/queues/queue_service.h"

namespace functions {

struct SqsMappingSpec {
  std::string function;
  std::string queue;  // the queue's name in this region
  int batch_size = 10;  // 1–10,000 (1–10 for FIFO queues)
  std::chrono::milliseconds maximum_batching_window{0};  // 0–300 s
  bool report_batch_item_failures = false;
  int maximum_concurrency = 2;  // pollers, 1–1000
};

class SqsMapping {
 public:
  // `host` and `queues` must outlive the mapping.
  SqsMapping(FunctionHost& host, service::queues::QueueService& queues, SqsMappingSpec spec,
             common::metrics::Registry* metrics);
  ~SqsMapping();  // Stop()s

  // Starts the pollers. kNotFound when the function does not exist,
  // kInvalidArgument for a batch size out of range. A queue that does not
  // exist (yet, or any more) is waited for: the pollers check every 2 s.
  common::Status Start();
  // Stops polling; a batch being processed finishes. Idempotent.
  void Stop();

  const SqsMappingSpec& spec() const { return spec_; }

 private:
  void Poll();
  // Finds the queue and watches it for arrivals; false while it is missing.
  bool Attach();
  void Detach();
  // Gathers the next batch; empty when stopping.
  std::vector<service::queues::ReceivedMessage> Gather();
  // Waits until woken, `until`, or the queue's next message becomes visible.
  void Wait(std::chrono::steady_clock::time_point until);
  void Process(std::vector<service::queues::ReceivedMessage> batch);

  FunctionHost& host_;
  service::queues::QueueService& queues_;
  SqsMappingSpec spec_;
  std::string queue_arn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;     // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::mutex attach_mu_;
  uint64_t watch_ = 0;            // guarded by attach_mu_
  bool watching_ = false;         // guarded by attach_mu_
  bool missing_logged_ = false;   // guarded by attach_mu_
  std::vector<std::thread> pollers_;
  common::metrics::Counter* batches_ = nullptr;
  common::metrics::Counter* messages_ = nullptr;
  common::metrics::Counter* failed_ = nullptr;
  common::metrics::Gauge* age_ = nullptr;
};

}  // namespace functions
