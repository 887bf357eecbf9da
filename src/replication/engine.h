#pragma once

// Engine: one region's replication workers. It ships the object service's
// replication backlog (entries committed with the writes themselves) to the
// destinations, and marks each source version COMPLETED or FAILED.
//
// - Start() loads the whole backlog: a restart resumes where it stopped
//   (an entry is removed only after its destination acknowledged it, so a
//   crash at worst ships a version twice, which the destination installs
//   as the same version).
// - Transient failures (refused, timed out, 5xx, a checksum mismatch) retry
//   with exponential backoff and jitter, for ever; permanent ones (access
//   denied, no such bucket, no destination) mark the version FAILED.
// - Up to `workers` transfers run at once, on the engine's own threads (its
//   blocking storage reads never hold up the region's request threads).
//
// Metrics (on the region's registry): stratus_replication_backlog_objects /
// _bytes {bucket, rule}, _oldest_pending_seconds, _latency_seconds,
// _completed_total, _failures_total {reason}, _retries_total {reason},
// _checksum_mismatches_total, _missed_threshold_objects (pending past the
// 15-minute RTC threshold), _after_threshold_total (completed after it),
// _bytes_total.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/metrics.h"
#include "common/status.h"
#include "net/http_client.h"
#include "replication/destinations.h"
#include "replication/transfer.h"
#include "service/objects/object_service.h"

namespace replication {

struct EngineOptions {
  std::string region;
  uint32_t workers = 16;
  uint32_t threads = 2;
  std::chrono::seconds request_timeout{30};
  uint64_t part_size = 8ull << 20;
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  std::chrono::minutes threshold{15};  // S3 Replication Time Control
  std::string ca_file;  // CAs trusted for https destinations besides the system's
};

class Engine {
 public:
  Engine(service::objects::ObjectService& objects, EngineOptions options,
         common::metrics::Registry* metrics);
  ~Engine();

  // Call before Start().
  void SetResolver(std::shared_ptr<const Resolver> resolver) { resolver_ = std::move(resolver); }

  // Registers with the object service, loads the backlog and starts the
  // workers. Call once, before the region serves writes.
  common::Status Start();
  // Stops the workers; transfers in flight are abandoned (their entries stay
  // in the backlog). Call before the object service's store closes.
  void Stop();

  // For PutBucketReplication: the destination must resolve, exist and be
  // versioned. InvalidRequest with S3's wording otherwise. An unreachable
  // destination is accepted (replication waits for it).
  net::awaitable<common::Status> CheckDestination(std::string arn);

  // Backlog, lag and outcomes per rule (all buckets, or `bucket` only), as
  // JSON for `stratus replication status`.
  std::string StatusJson(std::string_view bucket) const;

 private:
  struct Item {
    service::objects::BacklogEntry entry;
    int attempts = 0;
    };
  struct RuleStats {
    std::string destination;
    int64_t pending_objects = 0;
    int64_t pending_bytes = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    common::metrics::Gauge* objects_gauge = nullptr;
    common::metrics::Gauge* bytes_gauge = nullptr;
  };
  using Clock = std::chrono::steady_clock;

  void Enqueue(std::vector<service::objects::BacklogEntry> entries);
  void Wake();
  net::awaitable<void> Dispatch();
  net::awaitable<void> Ship(Item item);
  // A transfer's end: retried later, or handed to the finisher.
  void Finished(Item item, const TransferResult& result);
  void Retry(Item item, const std::string& reason, bool mismatch);
  void CountRetry(const std::string& reason, bool mismatch);  // without mu_
  size_t Parked() const;  // requires mu_
  // The finisher thread: removes finished entries (and sets their versions'
  // status) in batches, one synced write each.
  void FinishLoop();
  void Completed(const std::vector<std::pair<Item, TransferResult>>& batch);
  // The per-rule gauges (from the registry: call without mu_).
  std::pair<common::metrics::Gauge*, common::metrics::Gauge*> RuleGauges(
      const service::objects::BacklogEntry& e);
  RuleStats& StatsFor(const service::objects::BacklogEntry& e,
                      std::pair<common::metrics::Gauge*, common::metrics::Gauge*> gauges);  // requires mu_
  std::chrono::milliseconds Backoff(int attempts) const;

  service::objects::ObjectService& objects_;
  EngineOptions options_;
  common::metrics::Registry* metrics_;
  std::shared_ptr<const Resolver> resolver_;

  boost::asio::io_context ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // the dispatcher's sleep; on strand_
  net::HttpClient http_;
  std::vector<std::thread> threads_;
  std::thread finisher_;
  bool started_ = false;

  mutable std::mutex mu_;
  std::deque<Item> ready_;
  std::multimap<Clock::time_point, Item> delayed_;
  // Destinations that cannot be reached (refused, timed out): their entries
  // wait in `parked` while one probe at a time retries with backoff, so an
  // outage costs one attempt per backoff period, not one per entry.
  struct DestinationState {
    bool down = false;
    bool probing = false;
    int failures = 0;
    Clock::time_point retry_at;
    std::deque<Item> parked;
  };
  std::map<std::string, DestinationState> destinations_;  // by bucket ARN
  size_t inflight_ = 0;
  std::vector<std::pair<Item, TransferResult>> done_;  // transferred, not yet finished
  std::condition_variable done_cv_;
  bool stopping_ = false;
  std::multiset<int64_t> pending_since_;  // enqueued_ms of every entry not yet finished
  std::map<std::pair<std::string, std::string>, RuleStats> rules_;  // {bucket, rule id}
  std::map<std::string, uint64_t> failures_;  // reason → permanent failures
  uint64_t mismatches_ = 0;

  common::metrics::Histogram* latency_ = nullptr;
  common::metrics::Counter* completed_ = nullptr;
  common::metrics::Counter* mismatch_counter_ = nullptr;
  common::metrics::Counter* after_threshold_ = nullptr;
  common::metrics::Counter* bytes_ = nullptr;
};

}  // namespace replication
