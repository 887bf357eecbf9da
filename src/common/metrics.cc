#include "common/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include "common/status.h"

namespace common::metrics {
namespace {

constexpr std::array<double, 16> kLatency = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10};

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// HELP text escaping per the exposition format: backslash and line feed.
std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// Joins two rendered label sets.
std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "," + b;
}

std::string Braced(const std::string& labels) {
  return labels.empty() ? std::string() : "{" + labels + "}";
}

}  // namespace

std::span<const double> LatencyBuckets() { return kLatency; }

std::string RenderLabels(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    out += EscapeLabelValue(v);
    out += '"';
  }
  return out;
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  // The sum is kept in whole microseconds, rounded (truncating under-counted
  // values such as 0.0157 by a microsecond). Negative and NaN values add nothing;
  // values beyond 1e12 s are clamped so the conversion stays defined.
  if (value > 0) {
    constexpr double kMaxSeconds = 1e12;
    sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(std::min(value, kMaxSeconds) * 1e6)),
                          std::memory_order_relaxed);
  }
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::Sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

void Registry::SetConstLabels(Labels labels) {
  std::unique_lock lock(mu_);
  const_labels_ = RenderLabels(labels);
}

Registry::Family& Registry::FamilyLocked(std::string_view name, Type type, std::string_view help) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}, {}}).first;
  } else if (it->second.type != type) {
    STRATUS_BUG(fmt::format("metric {} registered with two types", name));
  }
  return it->second;
}

template <typename T, typename Make>
T& Registry::Series(std::string_view name, Type type, std::string_view help, const Labels& labels,
                    std::map<std::string, std::unique_ptr<T>, std::less<>> Family::*member,
                    Make make) {
  std::string key = RenderLabels(labels);
  {
    std::shared_lock lock(mu_);
    auto f = families_.find(name);
    if (f != families_.end()) {
      auto& series = f->second.*member;
      auto s = series.find(key);
      if (s != series.end()) return *s->second;
    }
  }
  std::unique_lock lock(mu_);
  auto& series = FamilyLocked(name, type, help).*member;
  auto [it, inserted] = series.try_emplace(std::move(key));
  if (inserted) it->second = make();
  return *it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  return Series(name, Type::kCounter, help, labels, &Family::counters,
                [] { return std::make_unique<Counter>(); });
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  return Series(name, Type::kGauge, help, labels, &Family::gauges,
                [] { return std::make_unique<Gauge>(); });
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  const Labels& labels, std::span<const double> bounds) {
  return Series(name, Type::kHistogram, help, labels, &Family::histograms,
                [bounds] { return std::make_unique<Histogram>(bounds); });
}

void Registry::AddCallbackGauge(std::string_view name, std::string_view help,
                                std::function<double()> fn) {
  std::unique_lock lock(mu_);
  FamilyLocked(name, Type::kGauge, help).callback = std::move(fn);
}

std::string Registry::RenderPrometheus() const {
  std::shared_lock lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter"
                       : f.type == Type::kGauge ? "gauge"
                                                : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(f.help), name, type);
    for (const auto& [labels, c] : f.counters) {
      out += fmt::format("{}{} {}\n", name, Braced(Join(const_labels_, labels)), c->Value());
    }
    for (const auto& [labels, g] : f.gauges) {
      out += fmt::format("{}{} {}\n", name, Braced(Join(const_labels_, labels)), g->Value());
    }
    if (f.callback) {
      out += fmt::format("{}{} {}\n", name, Braced(const_labels_), FormatDouble(f.callback()));
    }
    for (const auto& [labels, h] : f.histograms) {
      std::string base = Join(const_labels_, labels);
      auto counts = h->BucketCounts();
      uint64_t cumulative = 0;
      auto bounds = h->bounds();
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        std::string le = i < bounds.size() ? FormatDouble(bounds[i]) : "+Inf";
        out += fmt::format("{}_bucket{{{}}} {}\n", name, Join(base, "le=\"" + le + "\""),
                           cumulative);
      }
      out += fmt::format("{}_sum{} {}\n", name, Braced(base), FormatDouble(h->Sum()));
      out += fmt::format("{}_count{} {}\n", name, Braced(base), cumulative);
    }
  }
  return out;
}

}  // namespace common::metrics
