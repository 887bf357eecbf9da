#pragma once

// A small metrics registry rendered as Prometheus text exposition (format 0.0.4).
// Counters, gauges and fixed-bucket histograms are lock-free to update; looking a
// metric up by name and labels takes a shared lock, so hot paths keep the
// returned reference (references stay valid for the registry's lifetime).
// One registry per region keeps regions isolated.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Add(int64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  void Set(int64_t n) { v_.store(n, std::memory_order_relaxed); }
  int64_t Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Cumulative histogram over fixed upper bounds (seconds for latencies).
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);

  void Observe(double value);
  // Snapshot for rendering and tests: per-bucket (non-cumulative) counts, the
  // +Inf bucket last.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const;
  std::span<const double> bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

// Default latency buckets, 100 µs to 10 s.
std::span<const double> LatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Labels added to every series this registry renders (e.g. region="...").
  void SetConstLabels(Labels labels);

  // Returns the series `name{labels}`, creating it (and its family with `help`)
  // on first use. A name is bound to one metric type; asking for another type
  // under the same name is a bug. Thread-safe.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          std::span<const double> bounds = LatencyBuckets());

  // A gauge computed at scrape time (e.g. process RSS). `fn` must be thread-safe.
  void AddCallbackGauge(std::string_view name, std::string_view help, std::function<double()> fn);

  // The whole registry as Prometheus text, families sorted by name.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label set `a="x",b="y"`.
    std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
    std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms;
    std::function<double()> callback;
  };

  Family& FamilyLocked(std::string_view name, Type type, std::string_view help);
  template <typename T, typename Make>
  T& Series(std::string_view name, Type type, std::string_view help, const Labels& labels,
            std::map<std::string, std::unique_ptr<T>, std::less<>> Family::*member, Make make);

  mutable std::shared_mutex mu_;
  std::string const_labels_;  // rendered, may be empty
  std::map<std::string, Family, std::less<>> families_;
};

// Renders a label set as `a="x",b="y"` with Prometheus escaping.
std::string RenderLabels(const Labels& labels);

}  // namespace common::metrics
