#include "replication/engine.h"

#include <algorithm>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/log.h"

namespace replication {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using common::ErrorCode;
using common::Status;
using service::objects::BacklogEntry;

constexpr size_t kLoadPage = 10000;

// Latency buckets up to well past the 15-minute threshold.
constexpr double kLatencyBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                                     10, 30, 60, 120, 300, 600, 900, 1800, 3600};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status InvalidRequest(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message), "InvalidRequest");
}

}  // namespace

Engine::Engine(service::objects::ObjectService& objects, EngineOptions options,
               common::metrics::Registry* metrics)
    : objects_(objects),
      options_(std::move(options)),
      metrics_(metrics),
      strand_(ioc_.get_executor()),
      timer_(strand_),
      http_(ioc_.get_executor(),
            net::ClientOptions{.connect_timeout = std::chrono::milliseconds(5000),
                               .request_timeout = options_.request_timeout,
                               .max_idle_per_host = options_.workers,
                               .max_response_body = 1 << 20,
                               .ca_file = options_.ca_file}) {
  if (metrics_ == nullptr) return;
  latency_ = &metrics_->GetHistogram("stratus_replication_latency_seconds",
                                     "From a write's commit to its destination's acknowledgement.",
                                     {}, kLatencyBounds);
  completed_ = &metrics_->GetCounter("stratus_replication_completed_total",
                                     "Versions and delete markers replicated.");
  mismatch_counter_ = &metrics_->GetCounter(
      "stratus_replication_checksum_mismatches_total",
      "Transfers the destination refused because the data did not match its checksum (retried).");
  after_threshold_ = &metrics_->GetCounter(
      "stratus_replication_after_threshold_total",
      "Replications completed after the 15-minute replication-time threshold.");
  bytes_ = &metrics_->GetCounter("stratus_replication_bytes_total", "Object bytes sent to destinations.");
  metrics_->AddCallbackGauge("stratus_replication_oldest_pending_seconds",
                             "Age of the oldest backlog entry not yet replicated.", [this] {
                               std::lock_guard lock(mu_);
                               if (pending_since_.empty()) return 0.0;
                               return std::max(0.0, (NowMs() - *pending_since_.begin()) / 1000.0);
                             });
  metrics_->AddCallbackGauge(
      "stratus_replication_missed_threshold_objects",
      "Backlog entries pending for longer than the 15-minute replication-time threshold.", [this] {
        std::lock_guard lock(mu_);
        const int64_t limit =
            NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(options_.threshold).count();
        return static_cast<double>(
            std::distance(pending_since_.begin(), pending_since_.lower_bound(limit)));
      });
}

Engine::~Engine() { Stop(); }

Status Engine::Start() {
  objects_.SetBacklogListener([this](std::vector<BacklogEntry> e) { Enqueue(std::move(e)); });
  std::string after;
  size_t loaded = 0;
  for (;;) {
    auto page = objects_.ListBacklog(after, kLoadPage);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    after = page->back().id;
    loaded += page->size();
    Enqueue(std::move(page).value());
  }
  if (loaded > 0) {
    common::log::Get("replication")->info("region={} resumed backlog={}", options_.region, loaded);
  }
  asio::co_spawn(strand_, Dispatch(), asio::detached);
  finisher_ = std::thread([this] { FinishLoop(); });
  for (uint32_t i = 0; i < std::max(1u, options_.threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  started_ = true;
  return Status::Ok();
}

void Engine::Stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    done_cv_.notify_all();
  }
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  finisher_.join();
}

void Engine::Enqueue(std::vector<BacklogEntry> entries) {
  // The registry is never called under mu_: its scrape calls back into this
  // engine under its own lock.
  std::vector<std::pair<common::metrics::Gauge*, common::metrics::Gauge*>> gauges;
  for (const auto& e : entries) gauges.push_back(RuleGauges(e));
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < entries.size(); ++i) {
      auto& e = entries[i];
      RuleStats& s = StatsFor(e, gauges[i]);
      s.pending_objects += 1;
      s.pending_bytes += static_cast<int64_t>(e.size);
      if (s.objects_gauge != nullptr) {
        s.objects_gauge->Set(s.pending_objects);
        s.bytes_gauge->Set(s.pending_bytes);
      }
      pending_since_.insert(e.enqueued_ms);
      ready_.push_back(Item{std::move(e)});
    }
  }
  Wake();
}

void Engine::Wake() {
  asio::post(strand_, [this] { timer_.cancel(); });
}

std::pair<common::metrics::Gauge*, common::metrics::Gauge*> Engine::RuleGauges(const BacklogEntry& e) {
  if (metrics_ == nullptr) return {nullptr, nullptr};
  common::metrics::Labels labels{{"bucket", e.bucket}, {"rule", e.rule_id}};
  return {&metrics_->GetGauge("stratus_replication_backlog_objects",
                              "Backlog entries waiting to be replicated, per rule.", labels),
          &metrics_->GetGauge("stratus_replication_backlog_bytes",
                              "Object bytes waiting to be replicated, per rule.", labels)};
}

Engine::RuleStats& Engine::StatsFor(
    const BacklogEntry& e, std::pair<common::metrics::Gauge*, common::metrics::Gauge*> gauges) {
  auto [it, added] = rules_.try_emplace({e.bucket, e.rule_id});
  if (added) {
    it->second.destination = e.destination;
    it->second.objects_gauge = gauges.first;
    it->second.bytes_gauge = gauges.second;
  }
  return it->second;
}

std::chrono::milliseconds Engine::Backoff(int attempts) const {
  thread_local std::mt19937 rng(std::random_device{}());
  const int shift = std::min(attempts - 1, 16);
  auto base = std::min<int64_t>(options_.max_backoff.count(),
                                options_.min_backoff.count() << std::max(0, shift));
  // Full jitter over the upper half: retries of many entries spread out.
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return std::chrono::milliseconds(jitter(rng));
}

net::awaitable<void> Engine::Dispatch() {
  for (;;) {
    auto next = Clock::now() + std::chrono::seconds(1);
    std::vector<Item> start;
    {
      std::lock_guard lock(mu_);
      if (stopping_) co_return;
      const auto now = Clock::now();
      while (!delayed_.empty() && delayed_.begin()->first <= now) {
        ready_.push_back(std::move(delayed_.begin()->second));
        delayed_.erase(delayed_.begin());
      }
      // A destination that is down gets one probe once its backoff has passed.
      for (auto& [arn, d] : destinations_) {
        if (d.down && !d.probing && d.retry_at <= now && !d.parked.empty() &&
            inflight_ < options_.workers) {
          d.probing = true;
          ++inflight_;
          start.push_back(std::move(d.parked.front()));
          d.parked.pop_front();
        }
        if (d.down && !d.probing && !d.parked.empty()) next = std::min(next, d.retry_at);
      }
      while (!ready_.empty() && inflight_ < options_.workers) {
        Item item = std::move(ready_.front());
        ready_.pop_front();
        auto d = destinations_.find(item.entry.destination);
        if (d != destinations_.end() && d->second.down) {
          d->second.parked.push_back(std::move(item));
          continue;
        }
        ++inflight_;
        start.push_back(std::move(item));
      }
      if (!delayed_.empty()) next = std::min(next, delayed_.begin()->first);
    }
    // Spawned without mu_: a transfer may run (and finish) inline.
    for (auto& item : start) asio::co_spawn(ioc_, Ship(std::move(item)), asio::detached);
    timer_.expires_at(next);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

net::awaitable<void> Engine::Ship(Item item) {
  TransferResult result;
  auto dest = resolver_ ? resolver_->Resolve(item.entry.destination)
                        : common::Result<Destination>(Status(ErrorCode::kNotFound, "no resolver"));
  if (!dest.ok()) {
    result = {Outcome::kPermanent, "NoDestination", 0};
    common::log::Get("replication")->warn("region={} bucket={} key={} destination={}: {}",
                                          options_.region, item.entry.bucket, item.entry.key,
                                          item.entry.destination, dest.status().message());
  } else {
    client::S3Client client(http_, dest->endpoint);
    result = co_await Transfer(objects_, client, dest->bucket, item.entry,
                               TransferOptions{options_.part_size});
  }
  Finished(std::move(item), result);
}

void Engine::Finished(Item item, const TransferResult& result) {
  const bool retry = result.outcome == Outcome::kTransient || result.outcome == Outcome::kMismatch;
  const bool unreachable = result.reason == "connection_refused" || result.reason == "timeout" ||
                           result.reason == "io_error";
  {
    std::lock_guard lock(mu_);
    auto& d = destinations_[item.entry.destination];
    d.probing = false;
    if (unreachable) {
      d.down = true;
      d.failures += 1;
      d.retry_at = Clock::now() + Backoff(d.failures);
    } else if (d.down) {
      // It answered: everything parked for it goes back in line.
      d.down = false;
      d.failures = 0;
      for (auto& parked : d.parked) ready_.push_back(std::move(parked));
      d.parked.clear();
    }
  }
  if (retry && unreachable) {
    CountRetry(result.reason, false);
    std::lock_guard lock(mu_);
    --inflight_;
    item.attempts += 1;
    destinations_[item.entry.destination].parked.push_back(std::move(item));
  } else if (retry) {
    Retry(std::move(item), result.reason, result.outcome == Outcome::kMismatch);
  } else {
    std::lock_guard lock(mu_);
    --inflight_;
    done_.emplace_back(std::move(item), result);
    done_cv_.notify_one();
  }
  Wake();
}

void Engine::CountRetry(const std::string& reason, bool mismatch) {
  if (metrics_ == nullptr) return;
  metrics_->GetCounter("stratus_replication_retries_total",
                       "Transfers that failed for now and will be retried, by reason.",
                       {{"reason", reason}})
      .Inc();
  if (mismatch) mismatch_counter_->Inc();
}

void Engine::Retry(Item item, const std::string& reason, bool mismatch) {
  CountRetry(reason, mismatch);
  std::lock_guard lock(mu_);
  --inflight_;
  if (mismatch) ++mismatches_;
  item.attempts += 1;
  delayed_.emplace(Clock::now() + Backoff(item.attempts), std::move(item));
}

void Engine::FinishLoop() {
  for (;;) {
    std::vector<std::pair<Item, TransferResult>> batch;
    {
      std::unique_lock lock(mu_);
      done_cv_.wait(lock, [this] { return stopping_ || !done_.empty(); });
      if (stopping_) return;
      // One synced write finishes everything that completed meanwhile.
      const size_t n = std::min<size_t>(done_.size(), 4096);
      std::move(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
      done_.erase(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    std::vector<std::pair<BacklogEntry, bool>> entries;
    for (const auto& [item, result] : batch) {
      entries.emplace_back(item.entry, result.outcome != Outcome::kPermanent);
    }
    if (Status st = objects_.FinishReplications(entries); !st.ok()) {
      common::log::Get("replication")->warn("region={} finishing {} entries failed: {}",
                                            options_.region, entries.size(), st.ToString());
      for (auto& [item, result] : batch) {
        {
          std::lock_guard lock(mu_);
          ++inflight_;  // Retry() gives the slot back
        }
        Retry(std::move(item), "source_write", false);
      }
      Wake();
      continue;
    }
    Completed(batch);
  }
}

void Engine::Completed(const std::vector<std::pair<Item, TransferResult>>& batch) {
  // The registry is called before mu_ is taken (see Enqueue).
  std::vector<std::pair<common::metrics::Gauge*, common::metrics::Gauge*>> gauges;
  const int64_t now = NowMs();
  const double threshold = std::chrono::duration<double>(options_.threshold).count();
  for (const auto& [item, result] : batch) {
    gauges.push_back(RuleGauges(item.entry));
    if (metrics_ == nullptr) continue;
    if (result.outcome == Outcome::kDone) {
      const double seconds = std::max<int64_t>(0, now - item.entry.enqueued_ms) / 1000.0;
      latency_->Observe(seconds);
      completed_->Inc();
      bytes_->Inc(result.bytes);
      if (seconds > threshold) after_threshold_->Inc();
    } else if (result.outcome == Outcome::kPermanent) {
      metrics_->GetCounter("stratus_replication_failures_total",
                           "Replications that failed for good (the version is FAILED), by reason.",
                           {{"reason", result.reason}})
          .Inc();
    }
  }
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& [item, result] = batch[i];
    const BacklogEntry& e = item.entry;
    RuleStats& s = StatsFor(e, gauges[i]);
    s.pending_objects -= 1;
    s.pending_bytes -= static_cast<int64_t>(e.size);
    if (s.objects_gauge != nullptr) {
      s.objects_gauge->Set(s.pending_objects);
      s.bytes_gauge->Set(s.pending_bytes);
    }
    if (auto it = pending_since_.find(e.enqueued_ms); it != pending_since_.end()) pending_since_.erase(it);
    if (result.outcome == Outcome::kDone) s.completed += 1;
    if (result.outcome == Outcome::kPermanent) {
      s.failed += 1;
      failures_[result.reason] += 1;
      common::log::Get("replication")->warn("region={} bucket={} key={} version={} state=FAILED reason={}",
                                            options_.region, e.bucket, e.key, e.version_id, result.reason);
    }
  }
}

net::awaitable<Status> Engine::CheckDestination(std::string arn) {
  if (!resolver_) co_return InvalidRequest("Replication is not available on this server.");
  auto dest = resolver_->Resolve(arn);
  if (!dest.ok()) {
    if (dest.status().code() == ErrorCode::kInvalidArgument) co_return dest.status();
    co_return InvalidRequest(fmt::format("Destination bucket {} cannot be resolved: {}", arn,
                                         dest.status().message()));
  }
  client::S3Client client(http_, dest->endpoint);
  // (A named request: GCC 12 mishandles braced temporaries as coroutine arguments.)
  client::S3Request request{net::http::verb::get, dest->bucket, "", "versioning", {}, ""};
  auto answer = co_await client.Send(std::move(request));
  if (!answer.ok() || answer->result_int() >= 500) {
    common::log::Get("replication")->warn(
        "region={} destination={} not reachable to check its versioning; accepted", options_.region, arn);
    co_return Status::Ok();
  }
  const unsigned status = answer->result_int();
  if (status == 404) co_return InvalidRequest("Destination bucket must exist.");
  if (status == 403) co_return InvalidRequest("Access to the destination bucket is denied.");
  if (status != 200) {
    co_return InvalidRequest(fmt::format("The destination bucket answered {}.", status));
  }
  if (client::ElementText(answer->body(), "Status") != "Enabled") {
    co_return InvalidRequest("Destination bucket must have versioning enabled.");
  }
  co_return Status::Ok();
}

size_t Engine::Parked() const {
  size_t n = 0;
  for (const auto& [arn, d] : destinations_) n += d.parked.size();
  return n;
}

std::string Engine::StatusJson(std::string_view bucket) const {
  std::lock_guard lock(mu_);
  json::array rules;
  const int64_t now = NowMs();
  for (const auto& [id, s] : rules_) {
    if (!bucket.empty() && id.first != bucket) continue;
    rules.push_back(json::object{{"bucket", id.first},
                                 {"rule", id.second},
                                 {"destination", s.destination},
                                 {"pending_objects", s.pending_objects},
                                 {"pending_bytes", s.pending_bytes},
                                 {"completed", s.completed},
                                 {"failed", s.failed}});
  }
  json::object failures;
  for (const auto& [reason, n] : failures_) failures[reason] = n;
  double oldest = pending_since_.empty() ? 0.0 : std::max<int64_t>(0, now - *pending_since_.begin()) / 1000.0;
  json::object out{{"region", options_.region},
                   {"rules", std::move(rules)},
                   {"pending", pending_since_.size()},
                   {"retrying", delayed_.size() + Parked()},
                   {"oldest_pending_seconds", oldest},
                   {"failures", std::move(failures)},
                   {"checksum_mismatches", mismatches_}};
  return json::serialize(out);
}

}  // namespace replication
