#pragma once

// Outbox: durable at-least-once delivery of records that a service commits
// together with the change they announce (an S3 write and its event
// notifications, an accepted EventBridge event and its deliveries to targets).
//
// The owner puts each record under `prefix` in the same WriteBatch as the
// change, and calls Added() with the keys once that batch is durable. Worker
// threads then hand each record to `deliver` until it answers kDone or kGiveUp,
// and only then delete it; kRetry schedules another attempt with exponential
// backoff and jitter. A crash loses nothing: Start() finds every record still
// under the prefix and delivers it (again), so a record may be delivered more
// than once, never zero times.
//
// `deliver` runs on the outbox's threads, several at once, and may block (it
// may write to other services). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "storage/kv_store.h"

namespace service {

class Outbox {
 public:
  enum class Verdict { kDone, kRetry, kGiveUp };
  // `attempt` counts from 1; `first_try` is when this process first tried it.
  using Deliver = std::function<Verdict(std::string_view key, std::string_view value, int attempt)>;

  struct Options {
    std::string name;    // metrics label, e.g. "s3_notifications"
    std::string prefix;  // e.g. "s3/n/"
    int threads = 2;
    std::chrono::milliseconds min_backoff{100};
    std::chrono::milliseconds max_backoff{30'000};
  };

  Outbox(storage::KvStore& kv, Options options, Deliver deliver, common::metrics::Registry* metrics = nullptr);
  ~Outbox();  // Stop()s

  // Queues every record under the prefix and starts the workers.
  common::Status Start();
  // Stops the workers (a delivery in progress finishes). Idempotent.
  void Stop();
  // Records under these keys were committed: deliver them.
  void Added(std::vector<std::string> keys);
  // Records waiting (ready or backing off).
  size_t pending() const;

 private:
  void Run();
  void Finish(std::vector<std::string>& done);

  storage::KvStore& kv_;
  Options options_;
  Deliver deliver_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, int>> ready_;  // key, attempts so far
  std::multimap<std::chrono::steady_clock::time_point, std::pair<std::string, int>> waiting_;
  std::set<std::string> known_;  // queued, waiting or being delivered
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  common::metrics::Counter* delivered_ = nullptr;
  common::metrics::Counter* retried_ = nullptr;
  common::metrics::Counter* abandoned_ = nullptr;
};

}  // namespace service
