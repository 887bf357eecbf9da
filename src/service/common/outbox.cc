#include "service/common/outbox.h"

#include <random>

#include "common/log.h"

namespace service {

Outbox::Outbox(storage::KvStore& kv, Options options, Deliver deliver, common::metrics::Registry* metrics)
    : kv_(kv), options_(std::move(options)), deliver_(std::move(deliver)) {
  if (metrics != nullptr) {
    common::metrics::Labels l{{"outbox", options_.name}};
    delivered_ = &metrics->GetCounter("stratus_outbox_delivered_total", "Outbox records delivered.", l);
    retried_ = &metrics->GetCounter("stratus_outbox_retries_total", "Outbox deliveries that failed and will be retried.", l);
    abandoned_ = &metrics->GetCounter("stratus_outbox_abandoned_total",
                                      "Outbox records given up on (their failure was handled, e.g. by a dead-letter queue).",
                                      l);
    metrics->AddCallbackGauge("stratus_outbox_pending_" + options_.name, "Outbox records not yet delivered.",
                              [this] { return static_cast<double>(pending()); });
  }
}

Outbox::~Outbox() { Stop(); }

common::Status Outbox::Start() {
  std::vector<std::string> keys;
  auto it = kv_.NewIterator({options_.prefix, storage::PrefixSuccessor(options_.prefix)});
  for (it->Seek(options_.prefix); it->Valid(); it->Next()) keys.emplace_back(it->key());
  if (!it->status().ok()) return it->status();
  it.reset();
  Added(std::move(keys));
  std::lock_guard lock(mu_);
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Run(); });
  return common::Status::Ok();
}

void Outbox::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Outbox::Added(std::vector<std::string> keys) {
  {
    std::lock_guard lock(mu_);
    for (auto& k : keys) {
      if (known_.insert(k).second) ready_.emplace_back(std::move(k), 0);
    }
  }
  cv_.notify_all();
}

size_t Outbox::pending() const {
  std::lock_guard lock(mu_);
  return known_.size();
}

void Outbox::Finish(std::vector<std::string>& done) {
  if (done.empty()) return;
  storage::WriteBatch batch;
  for (const auto& k : done) batch.Delete(k);
  if (auto st = kv_.Write(batch); !st.ok()) {
    // Still there: delivered again after a restart (at least once).
    common::log::Get("outbox")->warn("outbox={} removing {} delivered records failed: {}", options_.name, done.size(),
                                     st.ToString());
  }
  std::lock_guard lock(mu_);
  for (const auto& k : done) known_.erase(k);
  done.clear();
}

void Outbox::Run() {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::vector<std::string> done;
  std::unique_lock lock(mu_);
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
      ready_.push_back(std::move(waiting_.begin()->second));
      waiting_.erase(waiting_.begin());
    }
    if (stopping_) break;
    if (ready_.empty()) {
      if (!done.empty()) {
        lock.unlock();
        Finish(done);
        lock.lock();
        continue;
      }
      if (waiting_.empty()) {
        cv_.wait(lock);
      } else {
        // A copy: another worker may take (and free) that entry meanwhile.
        const auto next = waiting_.begin()->first;
        cv_.wait_until(lock, next);
      }
      continue;
    }
    auto [key, attempts] = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    Verdict verdict = Verdict::kDone;
    auto value = kv_.Get(key);
    if (!value.ok()) {
      verdict = Verdict::kRetry;
    } else if (value->has_value()) {
      verdict = deliver_(key, **value, attempts + 1);
    }
    if (verdict == Verdict::kRetry) {
      if (retried_ != nullptr) retried_->Inc();
      auto backoff = options_.min_backoff * (1LL << std::min(attempts, 16));
      backoff = std::min<std::chrono::milliseconds>(backoff, options_.max_backoff);
      auto jitter = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, backoff.count() / 2)(rng));
      lock.lock();
      waiting_.emplace(std::chrono::steady_clock::now() + backoff / 2 + jitter,
                       std::make_pair(std::move(key), attempts + 1));
      continue;
    }
    if (verdict == Verdict::kDone && delivered_ != nullptr) delivered_->Inc();
    if (verdict == Verdict::kGiveUp && abandoned_ != nullptr) abandoned_->Inc();
    done.push_back(std::move(key));
    if (done.size() >= 64) Finish(done);
    lock.lock();
  }
  lock.unlock();
  Finish(done);
}

}  // namespace service
