#include "common/metrics.h"

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace common::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Verifies that a counter adds what it is given.
TEST(MetricsTest, CounterCounts) {
  Counter counter;
  EXPECT_EQ(counter.Value(), 0u);
  counter.Inc();
  counter.Inc(41);
  EXPECT_EQ(counter.Value(), 42u);
}

// Verifies that a gauge goes up, down and can be set.
TEST(MetricsTest, GaugeAddsAndSets) {
  Gauge gauge;
  gauge.Add(5);
  gauge.Add(-8);
  EXPECT_EQ(gauge.Value(), -3);
  gauge.Set(100);
  EXPECT_EQ(gauge.Value(), 100);
}

// Verifies bucket placement (upper bounds are inclusive), count and sum.
TEST(MetricsTest, HistogramBucketsObservations) {
  constexpr std::array<double, 3> kBounds = {1, 2, 5};
  Histogram h(kBounds);
  for (double v : {0.5, 1.0, 1.5, 2.0, 7.0, 100.0}) h.Observe(v);
  EXPECT_THAT(h.BucketCounts(), ElementsAre(2u, 2u, 0u, 2u));
  EXPECT_EQ(h.Count(), 6u);
  EXPECT_DOUBLE_EQ(h.Sum(), 112.0);
  EXPECT_THAT(h.bounds(), ElementsAre(1.0, 2.0, 5.0));
}

// Verifies that the sum does not lose a microsecond to truncation on values
// whose product with 1e6 lands just below an integer.
TEST(MetricsTest, HistogramSumRoundsToMicroseconds) {
  Histogram h(LatencyBuckets());
  for (int i = 0; i < 1000; ++i) h.Observe(0.0157);
  EXPECT_DOUBLE_EQ(h.Sum(), 15.7);
}

// Verifies that negative and absurdly large observations are counted without
// corrupting the sum.
TEST(MetricsTest, HistogramToleratesOddValues) {
  constexpr std::array<double, 1> kBounds = {1};
  Histogram h(kBounds);
  h.Observe(-1);
  h.Observe(1e300);
  EXPECT_THAT(h.BucketCounts(), ElementsAre(1u, 1u));
  EXPECT_EQ(h.Count(), 2u);
  EXPECT_GT(h.Sum(), 0.0);
}

// Verifies the default latency buckets: ascending, 100 µs to 10 s.
TEST(MetricsTest, LatencyBucketsAscend) {
  auto bounds = LatencyBuckets();
  ASSERT_FALSE(bounds.empty());
  EXPECT_DOUBLE_EQ(bounds.front(), 0.0001);
  EXPECT_DOUBLE_EQ(bounds.back(), 10.0);
  for (size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
}

// Verifies that asking twice for one name and label set returns one series,
// and different labels give different series.
TEST(MetricsTest, RegistryReturnsSameSeries) {
  Registry registry;
  Counter& a = registry.GetCounter("requests_total", "Requests.", {{"op", "Get"}});
  Counter& b = registry.GetCounter("requests_total", "Requests.", {{"op", "Get"}});
  Counter& c = registry.GetCounter("requests_total", "Requests.", {{"op", "Put"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  Histogram& h1 = registry.GetHistogram("latency_seconds", "Latency.");
  Histogram& h2 = registry.GetHistogram("latency_seconds", "Latency.");
  EXPECT_EQ(&h1, &h2);
}

// Verifies label rendering and escaping of backslash, quote and newline.
TEST(MetricsTest, RendersAndEscapesLabels) {
  EXPECT_EQ(RenderLabels({}), "");
  EXPECT_EQ(RenderLabels({{"a", "x"}, {"b", "y"}}), "a=\"x\",b=\"y\"");
  EXPECT_EQ(RenderLabels({{"path", "C:\\dir \"q\"\nend"}}), "path=\"C:\\\\dir \\\"q\\\"\\nend\"");
}

// Verifies the exact Prometheus text of a small registry: families sorted by
// name, HELP/TYPE lines, const labels first, escaped label values, cumulative
// histogram buckets ending in +Inf, _sum and _count.
TEST(MetricsTest, RendersPrometheusText) {
  Registry registry;
  registry.SetConstLabels({{"region", "ap-south-1"}});
  registry.GetCounter("requests_total", "Requests served.", {{"op", "Get\"Obj\\ect\n"}}).Inc(3);
  registry.GetCounter("requests_total", "Requests served.", {{"op", "Put"}}).Inc();
  registry.GetGauge("connections", "Open connections.").Set(-2);
  constexpr std::array<double, 2> kBounds = {0.1, 1};
  Histogram& h =
      registry.GetHistogram("latency_seconds", "Request latency.", {{"op", "Get"}}, kBounds);
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(2);

  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP connections Open connections.\n"
            "# TYPE connections gauge\n"
            "connections{region=\"ap-south-1\"} -2\n"
            "# HELP latency_seconds Request latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{region=\"ap-south-1\",op=\"Get\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{region=\"ap-south-1\",op=\"Get\",le=\"1\"} 2\n"
            "latency_seconds_bucket{region=\"ap-south-1\",op=\"Get\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{region=\"ap-south-1\",op=\"Get\"} 2.55\n"
            "latency_seconds_count{region=\"ap-south-1\",op=\"Get\"} 3\n"
            "# HELP requests_total Requests served.\n"
            "# TYPE requests_total counter\n"
            "requests_total{region=\"ap-south-1\",op=\"Get\\\"Obj\\\\ect\\n\"} 3\n"
            "requests_total{region=\"ap-south-1\",op=\"Put\"} 1\n");
}

// Verifies rendering without const labels or series labels: no braces.
TEST(MetricsTest, RendersUnlabelledSeries) {
  Registry registry;
  registry.GetCounter("up_total", "Starts.").Inc();
  constexpr std::array<double, 1> kBounds = {1};
  registry.GetHistogram("size", "Sizes.", {}, kBounds).Observe(3);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP size Sizes.\n"
            "# TYPE size histogram\n"
            "size_bucket{le=\"1\"} 0\n"
            "size_bucket{le=\"+Inf\"} 1\n"
            "size_sum 3\n"
            "size_count 1\n"
            "# HELP up_total Starts.\n"
            "# TYPE up_total counter\n"
            "up_total 1\n");
}

// Verifies that HELP text is escaped so a newline cannot break the exposition.
TEST(MetricsTest, EscapesHelpText) {
  Registry registry;
  registry.GetGauge("g", "line one\nline two \\ end").Set(1);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP g line one\\nline two \\\\ end\n"
            "# TYPE g gauge\n"
            "g 1\n");
}

// Verifies that a callback gauge is evaluated at every scrape.
TEST(MetricsTest, CallbackGaugeIsEvaluatedAtScrape) {
  Registry registry;
  registry.SetConstLabels({{"region", "eu-west-1"}});
  std::atomic<double> value{1.5};
  registry.AddCallbackGauge("rss_bytes", "Resident memory.", [&value] { return value.load(); });
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("rss_bytes{region=\"eu-west-1\"} 1.5\n"));
  value = 4096;
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP rss_bytes Resident memory.\n"
            "# TYPE rss_bytes gauge\n"
            "rss_bytes{region=\"eu-west-1\"} 4096\n");
}

// Verifies that increments and observations from several threads, including
// threads racing to create the same series, are all counted.
TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      Counter& shared = registry.GetCounter("ops_total", "Ops.", {{"kind", "shared"}});
      Counter& own = registry.GetCounter("ops_total", "Ops.", {{"kind", std::to_string(t)}});
      Gauge& gauge = registry.GetGauge("level", "Level.");
      Histogram& h = registry.GetHistogram("lat", "Latency.");
      for (int i = 0; i < kPerThread; ++i) {
        shared.Inc();
        own.Inc(2);
        gauge.Add(1);
        h.Observe(0.001);
        if (i % 1000 == 0) registry.GetCounter("ops_total", "Ops.", {{"kind", "shared"}}).Inc();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const uint64_t extra = kThreads * (kPerThread / 1000);
  EXPECT_EQ(registry.GetCounter("ops_total", "Ops.", {{"kind", "shared"}}).Value(),
            kThreads * kPerThread + extra);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(registry.GetCounter("ops_total", "Ops.", {{"kind", std::to_string(t)}}).Value(),
              2u * kPerThread);
  }
  EXPECT_EQ(registry.GetGauge("level", "Level.").Value(), kThreads * kPerThread);
  Histogram& h = registry.GetHistogram("lat", "Latency.");
  EXPECT_EQ(h.Count(), static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_DOUBLE_EQ(h.Sum(), kThreads * kPerThread * 0.001);
}

// Verifies that scraping while other threads create series and update them is
// safe and sees a consistent histogram (count equals the +Inf bucket).
TEST(MetricsTest, ScrapeWhileUpdating) {
  Registry registry;
  Histogram& h = registry.GetHistogram("h", "H.");
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load() || i < 1000; ++i) {
      registry.GetCounter("c_total", "C.", {{"i", std::to_string(i % 50)}}).Inc();
      h.Observe(0.01);
      written.store(i + 1);
    }
  });
  for (int i = 0; i < 200; ++i) {
    std::string text = registry.RenderPrometheus();
    EXPECT_THAT(text, HasSubstr("# TYPE h histogram\n"));
  }
  stop = true;
  writer.join();
  ASSERT_GE(written.load(), 1000);
  std::string text = registry.RenderPrometheus();
  std::string count = std::to_string(h.Count());
  EXPECT_EQ(count, std::to_string(written.load()));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"+Inf\"} " + count + "\n"));
  EXPECT_THAT(text, HasSubstr("h_count " + count + "\n"));
  EXPECT_THAT(text, HasSubstr("c_total{i=\"49\"} "));
}

}  // namespace
}  // namespace common::metrics
