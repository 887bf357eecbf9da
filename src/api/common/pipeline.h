#pragma once

// Pipeline: the one request path every protocol shares (DESIGN.md):
//
//   header read → choose protocol → route → (buffer body) → authenticate
//   (SigV4) → authorise (the op's IAM action) → execute (parse, run, render)
//   → render or map the error → metrics + access log
//
// One Pipeline serves one listener of one region; it is the net::Handler the
// HttpServer calls. Thread-safe: Handle runs concurrently on many strands.

#include <chrono>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>

#include "api/common/protocol.h"
#include "auth/credentials.h"
#include "net/http_types.h"

namespace api {

struct PipelineOptions {
  std::string listener;  // "aws" or "app"; a metrics label
  uint64_t max_buffered_body = 16 << 20;
  std::shared_ptr<spdlog::logger> access_log;  // may be null
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

class Pipeline final : public net::Handler {
 public:
  // `protocols` are asked in order whether they claim a request; the last one
  // should claim everything. All references must outlive the pipeline.
  Pipeline(Services& services, const auth::CredentialStore& credentials,
           std::vector<const Protocol*> protocols, PipelineOptions options);

  net::awaitable<net::Response> Handle(net::Exchange& exchange) override;
  net::Response ConnectionError(net::http::status status, std::string_view reason) override;

 private:
  struct Outcome;
  net::awaitable<net::Response> Dispatch(net::Exchange& exchange, const Protocol& protocol,
                                         const std::string& request_id, Outcome& outcome);
  Result<auth::SigV4Result> Authenticate(const net::Exchange& exchange, const Protocol& protocol,
                                       const std::string* body) const;
  Status Authorize(const net::Exchange& exchange, const Protocol& protocol, const RouteMatch& match,
                   const auth::Principal& principal, const OpSpec& spec) const;
  void Record(const net::Exchange& exchange, const Protocol* protocol, const Outcome& outcome,
              const std::string& request_id, const net::Response& response,
              std::chrono::steady_clock::time_point start);

  // The metric series of one (protocol, operation, HTTP status or error)
  // outcome, cached so the hot path neither builds label strings nor searches
  // the registry. Op names are the static strings of their OpSpec.
  struct SeriesKey {
    std::string_view protocol;
    std::string_view operation;
    int code;  // HTTP status, or ErrorCode for the errors counter
    bool operator==(const SeriesKey&) const = default;
  };
  struct SeriesHash {
    size_t operator()(const SeriesKey& k) const {
      return std::hash<std::string_view>()(k.operation) ^ (std::hash<std::string_view>()(k.protocol) << 1) ^
             (static_cast<size_t>(k.code) << 7);
    }
  };
  common::metrics::Counter& RequestsCounter(const SeriesKey& key);
  common::metrics::Counter& ErrorsCounter(const SeriesKey& key);
  common::metrics::Histogram& LatencyHistogram(const SeriesKey& key);

  Services& services_;
  const auth::CredentialStore& credentials_;
  std::vector<const Protocol*> protocols_;
  PipelineOptions options_;
  common::metrics::Gauge& in_flight_;

  std::shared_mutex series_mu_;
  std::unordered_map<SeriesKey, common::metrics::Counter*, SeriesHash> requests_;   // GUARDED_BY(series_mu_)
  std::unordered_map<SeriesKey, common::metrics::Counter*, SeriesHash> errors_;     // GUARDED_BY(series_mu_)
  std::unordered_map<SeriesKey, common::metrics::Histogram*, SeriesHash> latency_;  // GUARDED_BY(series_mu_)
};

}  // namespace api
