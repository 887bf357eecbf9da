#include "api/common/pipeline.h"

#include <algorithm>

#include <boost/beast/http/field.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "auth/policy.h"
#include "auth/sigv4.h"
#include "common/ids.h"
#include "common/log.h"

namespace api {
namespace {

using common::ErrorCode;
namespace http = net::http;

// The path part of a request-target: never log or echo the query (presigned
// URLs carry signatures and credentials there).
std::string_view PathOf(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

// The IMF-fixdate of `t`, formatted once per second per thread.
const std::string& HttpDate(std::chrono::system_clock::time_point t) {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  std::time_t now = std::chrono::system_clock::to_time_t(t);
  if (now != cached_second) {
    cached = fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT", fmt::gmtime(now));
    cached_second = now;
  }
  return cached;
}

class InFlight {
 public:
  explicit InFlight(common::metrics::Gauge& g) : g_(g) { g_.Add(1); }
  ~InFlight() { g_.Add(-1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  common::metrics::Gauge& g_;
};

}  // namespace

struct Pipeline::Outcome {
  std::string_view operation = "Unknown";
  Status error;  // OK on success
  std::string principal;
};

Pipeline::Pipeline(Services& services, const auth::CredentialStore& credentials,
                   std::vector<const Protocol*> protocols, PipelineOptions options)
    : services_(services),
      credentials_(credentials),
      protocols_(std::move(protocols)),
      options_(std::move(options)),
      in_flight_(services.metrics->GetGauge("stratus_requests_in_flight",
                                            "Requests being served now.",
                                            {{"listener", options_.listener}})) {}

net::awaitable<net::Response> Pipeline::Handle(net::Exchange& exchange) {
  InFlight in_flight(in_flight_);
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = common::NewRequestId();
  const Protocol* protocol = nullptr;
  for (const Protocol* p : protocols_) {
    if (p->Claims(exchange.header())) {
      protocol = p;
      break;
    }
  }
  Outcome outcome;
  net::Response response;
  if (protocol == nullptr) {
    outcome.error = Status(ErrorCode::kUnimplemented, "no protocol serves this request");
    response = ConnectionError(http::status::not_found, "no protocol serves this request");
  } else {
    response = co_await Dispatch(exchange, *protocol, request_id, outcome);
  }
  auto& fields = response.msg;
  fields.set("x-amz-request-id", request_id);
  if (protocol != nullptr && protocol->name() != "rest-xml") fields.set("x-amzn-RequestId", request_id);
  fields.set(http::field::server, "Stratus");
  fields.set(http::field::date, HttpDate(options_.clock()));
  Record(exchange, protocol, outcome, request_id, response, start);
  co_return response;
}

net::awaitable<net::Response> Pipeline::Dispatch(net::Exchange& exchange, const Protocol& protocol,
                                                 const std::string& request_id, Outcome& outcome) {
  const auto& header = exchange.header();
  // A copy: reading a buffered body re-creates the header, and views into the
  // old one would dangle.
  const std::string resource(PathOf(header.target()));
  ErrorContext ectx{request_id, resource, "", header.method() == http::verb::head, &header};
  auto fail = [&](Status st) {
    outcome.error = st;
    return protocol.RenderError(st, ectx);
  };

  // Route; Query finds its Action in the form body, so it reads the body first.
  std::optional<std::string> body;
  if (protocol.NeedsBodyToRoute(header)) {
    auto read = co_await exchange.ReadBody(options_.max_buffered_body);
    if (!read.ok()) co_return fail(read.status());
    body = std::move(read).value();
  }
  auto routed = protocol.Route(header, body ? &*body : nullptr);
  if (!routed.ok()) co_return fail(routed.status());
  const RouteMatch& match = *routed;
  // Every response from here on carries what the protocol adds to it.
  auto finish = [&](net::Response res) {
    protocol.Decorate(services_, header, match, res);
    return res;
  };
  const Op& op = *match.op;
  outcome.operation = op.spec.name;
  ectx.operation = op.spec.name;

  // Buffered bodies are read before authentication: SigV4 signs their hash.
  if (op.spec.body == BodyPolicy::kBuffered && !body) {
    uint64_t limit = op.spec.max_body != 0 ? op.spec.max_body : options_.max_buffered_body;
    auto read = co_await exchange.ReadBody(limit);
    if (!read.ok()) co_return finish(fail(read.status()));
    body = std::move(read).value();
  }

  auth::Principal principal;
  std::optional<auth::SigV4Result> signature;
  if (!op.spec.anonymous) {
    auto authenticated = Authenticate(exchange, protocol, body ? &*body : nullptr);
    if (authenticated.ok()) {
      principal = authenticated->principal;
      signature = std::move(authenticated).value();
      outcome.principal = principal.access_key_id;
    } else if (!(authenticated.status().code() == ErrorCode::kUnauthenticated &&
                 protocol.allows_anonymous())) {
      co_return finish(fail(authenticated.status()));
    }  // else: no credentials at all; a resource policy may still admit it
  }
  if (auto st = Authorize(exchange, protocol, match, principal, op.spec); !st.ok()) {
    co_return finish(fail(st));
  }

  OpContext ctx{exchange,         match,           request_id, services_, std::move(principal),
                std::move(body), std::move(signature)};
  auto result = co_await op.run(ctx);
  if (!result.ok()) co_return finish(fail(result.status()));
  net::Response response = std::move(result).value();
  if (ectx.head) response.head = true;
  co_return finish(std::move(response));
}

Result<auth::SigV4Result> Pipeline::Authenticate(const net::Exchange& exchange,
                                               const Protocol& protocol,
                                               const std::string* body) const {
  const auto& header = exchange.header();
  auth::SignableRequest req;
  req.method = std::string(header.method_string());
  std::string_view target = header.target();
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (const auto& field : header) {
    req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  if (auto declared = header["x-amz-content-sha256"]; !declared.empty()) {
    req.payload_hash = std::string(declared);
  } else if (!protocol.s3_signing()) {
    req.payload_hash = auth::Sha256Hex(body != nullptr ? *body : std::string_view());
  }
  // S3 signs the hash it declares in x-amz-content-sha256. Without the header
  // Verify refuses header auth (kAuthMalformed), as S3 does; assuming an empty
  // body instead would let a streamed op take a body no signature covers.
  if (!auth::HasSigV4(req)) {
    return Status(ErrorCode::kUnauthenticated,
                  "Request is missing Authentication Token (SigV4 Authorization header or "
                  "presigned query)");
  }
  if (protocol.s3_signing()) {
    // S3 checks the declared payload hash's form before the signature.
    std::string_view declared = header["x-amz-content-sha256"];
    const bool header_auth = !header[http::field::authorization].empty();
    if (declared.empty() && header_auth) {
      return Status(ErrorCode::kInvalidArgument,
                    "Missing required header for this request: x-amz-content-sha256", "InvalidRequest");
    }
    auto is_hash = [](std::string_view v) {
      return v.size() == 64 && v.find_first_not_of("0123456789abcdef") == std::string_view::npos;
    };
    if (!declared.empty() && !is_hash(declared) && declared != "UNSIGNED-PAYLOAD" &&
        !declared.starts_with("STREAMING-")) {
      return Status(ErrorCode::kInvalidArgument,
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or "
                    "a valid sha256 value.",
                    "InvalidArgument");
    }
  }
  auth::VerifyOptions vo{services_.region, options_.clock(), std::chrono::minutes(15),
                         protocol.s3_signing()};
  auto verified = auth::Verify(req, credentials_, vo);
  if (!verified.ok()) return verified.status();
  // A declared payload hash of a buffered body is checked here; streamed
  // bodies are checked by their operation as they arrive.
  if (body != nullptr && !header["x-amz-content-sha256"].empty()) {
    std::string_view declared = header["x-amz-content-sha256"];
    if (declared != "UNSIGNED-PAYLOAD" && declared.substr(0, 10) != "STREAMING-" &&
        declared != auth::Sha256Hex(*body)) {
      return Status(ErrorCode::kPayloadHashMismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  return std::move(verified).value();
}

Status Pipeline::Authorize(const net::Exchange& exchange, const Protocol& protocol,
                           const RouteMatch& match, const auth::Principal& principal,
                           const OpSpec& spec) const {
  if (spec.anonymous) return Status::Ok();
  auto denied = [] { return Status(ErrorCode::kPermissionDenied, "Access Denied"); };
  // Every key in the credential store is an administrator of the account, so
  // identity policies allow it everything; a resource policy can still deny.
  auto access = protocol.AccessOf(services_, match);
  if (!access || access->policy.empty()) {
    return principal.anonymous ? denied() : Status::Ok();
  }
  // The account's root may always read, replace or delete a resource policy,
  // so that a policy can never lock its owner out (as AWS guarantees).
  static constexpr std::string_view kPolicyActions[] = {"s3:GetBucketPolicy", "s3:PutBucketPolicy",
                                                         "s3:DeleteBucketPolicy"};
  if (!principal.anonymous && principal.arn.ends_with(":root") &&
      std::find(std::begin(kPolicyActions), std::end(kPolicyActions), spec.action) != std::end(kPolicyActions)) {
    return Status::Ok();
  }
  auth::ParseOptions po;
  auto policy = auth::ParsePolicy(access->policy, po);
  if (!policy.ok()) {
    // Stored policies were validated when put; one that no longer parses
    // (a newer release's) grants nothing and denies nothing.
    common::log::Get("api")->warn("region={} resource={} stored policy does not parse: {}",
                                  services_.region, access->arn, policy.status().message());
    return principal.anonymous ? denied() : Status::Ok();
  }
  auth::RequestFacts facts;
  facts.action = std::string(spec.action);
  facts.resource = access->arn;
  facts.anonymous = principal.anonymous;
  if (!principal.anonymous) {
    facts.principal_arn = principal.arn;
    facts.account_id = std::string(auth::kAccountId);
    facts.context["aws:principalarn"] = {principal.arn};
    facts.context["aws:principalaccount"] = {std::string(auth::kAccountId)};
  }
  facts.context["aws:securetransport"] = {exchange.secure() ? "true" : "false"};
  std::string remote = exchange.remote_address();
  if (auto colon = remote.rfind(':'); colon != std::string::npos) remote.resize(colon);
  if (remote.size() > 2 && remote.front() == '[') remote = remote.substr(1, remote.size() - 2);
  facts.context["aws:sourceip"] = {remote};
  facts.context["aws:currenttime"] = {fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(
      std::chrono::system_clock::to_time_t(options_.clock())))};
  for (const auto& [k, v] : match.query) {
    if (k == "prefix" || k == "delimiter" || k == "max-keys") facts.context["s3:" + k] = {v};
  }
  switch (auth::Evaluate(*policy, facts)) {
    case auth::Decision::kDeny:
      return denied();
    case auth::Decision::kAllow:
      if (principal.anonymous && access->restrict_public && auth::IsPublic(*policy)) return denied();
      return Status::Ok();
    case auth::Decision::kNotApplicable:
      return principal.anonymous ? denied() : Status::Ok();
  }
  return denied();
}

net::Response Pipeline::ConnectionError(http::status status, std::string_view reason) {
  net::Response res;
  res.msg.result(status);
  res.msg.set(http::field::content_type, "text/plain; charset=utf-8");
  res.msg.set("x-amz-request-id", common::NewRequestId());
  res.msg.set(http::field::server, "Stratus");
  res.msg.set(http::field::date, HttpDate(options_.clock()));
  res.msg.body() = fmt::format("{} {}: {}\n", static_cast<unsigned>(status),
                               http::obsolete_reason(status), reason);
  res.msg.prepare_payload();
  return res;
}

namespace {

// Finds `key` in `cache`, or makes the series with `make` and remembers it.
template <typename T, typename Map, typename Key, typename Make>
T& CachedSeries(std::shared_mutex& mu, Map& cache, const Key& key, Make make) {
  {
    std::shared_lock lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return *it->second;
  }
  T& series = make();
  std::unique_lock lock(mu);
  cache.emplace(key, &series);
  return series;
}

}  // namespace

common::metrics::Counter& Pipeline::RequestsCounter(const SeriesKey& k) {
  return CachedSeries<common::metrics::Counter>(series_mu_, requests_, k, [&]() -> auto& {
    return services_.metrics->GetCounter(
        "stratus_requests_total", "Requests served, by operation and HTTP status.",
        {{"listener", options_.listener},
         {"protocol", std::string(k.protocol)},
         {"operation", std::string(k.operation)},
         {"status", std::to_string(k.code)}});
  });
}

common::metrics::Counter& Pipeline::ErrorsCounter(const SeriesKey& k) {
  return CachedSeries<common::metrics::Counter>(series_mu_, errors_, k, [&]() -> auto& {
    return services_.metrics->GetCounter(
        "stratus_request_errors_total", "Requests that failed, by operation and error.",
        {{"listener", options_.listener},
         {"protocol", std::string(k.protocol)},
         {"operation", std::string(k.operation)},
         {"error", std::string(common::ErrorCodeName(static_cast<ErrorCode>(k.code)))}});
  });
}

common::metrics::Histogram& Pipeline::LatencyHistogram(const SeriesKey& k) {
  return CachedSeries<common::metrics::Histogram>(series_mu_, latency_, k, [&]() -> auto& {
    return services_.metrics->GetHistogram("stratus_request_duration_seconds",
                                           "Request latency by operation.",
                                           {{"listener", options_.listener},
                                            {"protocol", std::string(k.protocol)},
                                            {"operation", std::string(k.operation)}});
  });
}

void Pipeline::Record(const net::Exchange& exchange, const Protocol* protocol,
                      const Outcome& outcome, const std::string& request_id,
                      const net::Response& response, std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string_view proto = protocol != nullptr ? protocol->name() : "none";
  const unsigned status = response.msg.result_int();
  RequestsCounter({proto, outcome.operation, static_cast<int>(status)}).Inc();
  LatencyHistogram({proto, outcome.operation, 0}).Observe(seconds);
  std::string_view error_code;
  if (!outcome.error.ok()) {
    error_code = common::ErrorCodeName(outcome.error.code());
    ErrorsCounter({proto, outcome.operation, static_cast<int>(outcome.error.code())}).Inc();
  }
  if (options_.access_log) {
    const auto& h = exchange.header();
    uint64_t bytes_out = response.msg.has_content_length() && !response.head
                             ? response.msg.payload_size().value_or(response.msg.body().size())
                             : response.msg.body().size();
    // One JSON line, built in a per-thread buffer (this runs for every request).
    thread_local std::string line;
    thread_local std::time_t line_second = -1;
    thread_local char stamp[24];
    std::time_t now = std::chrono::system_clock::to_time_t(options_.clock());
    if (now != line_second) {
      fmt::format_to_n(stamp, sizeof(stamp) - 1, "{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(now));
      stamp[20] = '\0';
      line_second = now;
    }
    auto out = [](std::string_view piece) { line.append(piece); };
    line.clear();
    out("{\"time\":\"");
    out(stamp);
    out("\",\"region\":\"");
    common::log::AppendJsonEscaped(line, services_.region);
    out("\",\"listener\":\"");
    out(options_.listener);
    out("\",\"request_id\":\"");
    out(request_id);
    out("\",\"remote\":\"");
    out(exchange.remote_address());
    out("\",\"method\":\"");
    common::log::AppendJsonEscaped(line, h.method_string());
    out("\",\"path\":\"");
    common::log::AppendJsonEscaped(line, PathOf(h.target()));
    out("\",\"protocol\":\"");
    out(proto);
    out("\",\"operation\":\"");
    out(outcome.operation);
    fmt::format_to(std::back_inserter(line),
                   "\",\"status\":{},\"error\":\"{}\",\"principal\":\"", status, error_code);
    common::log::AppendJsonEscaped(line, outcome.principal);
    fmt::format_to(std::back_inserter(line),
                   "\",\"bytes_in\":{},\"bytes_out\":{},\"duration_ms\":{:.3f}}}",
                   exchange.body_bytes_read(), bytes_out, seconds * 1000);
    options_.access_log->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
  }
  // Only what an operator must act on is an error; client mistakes and
  // disconnects are in the access log and the metrics.
  if (!outcome.error.ok() && (outcome.error.code() == ErrorCode::kInternal ||
                              outcome.error.code() == ErrorCode::kCorruption)) {
    common::log::Get("api")->error("request_id={} region={} operation={} error=\"{}\"", request_id,
                                   services_.region, outcome.operation,
                                   outcome.error.ToString());
  }
}

}  // namespace api
