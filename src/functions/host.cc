#include "functions/host.h"

#include <atomic>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "service/common/record.h"
#include "storage/value_codec.h"

namespace functions {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;
using service::Outbox;

namespace {

// Async events waiting: fn/a/<16 hex seq> → {"v":1, "fn", "event", "at"}.
constexpr std::string_view kAsyncPrefix = "fn/a/";
constexpr int64_t kAsyncFormat = 1;
const storage::ValueCodec kCodec;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoTime(int64_t ms) {
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(tp), ms % 1000);
}

}  // namespace

struct FunctionHost::Deployed {
  FunctionSpec spec;
  Handler handler;
  std::unique_ptr<LogStream> log;
  common::metrics::Counter* invocations = nullptr;
  common::metrics::Counter* errors = nullptr;
  common::metrics::Counter* timeouts = nullptr;
  common::metrics::Counter* throttles = nullptr;
  std::atomic<int> running{0};
  common::metrics::Histogram* duration = nullptr;
};

namespace {

class InvocationContext final : public Context {
 public:
  InvocationContext(const FunctionSpec& spec, LogStream& log, const HostOptions& options, std::string arn,
                    std::string request_id, std::chrono::steady_clock::time_point deadline)
      : spec_(spec), log_(log), options_(options), arn_(std::move(arn)), request_id_(std::move(request_id)),
        deadline_(deadline) {}

  const std::string& request_id() const override { return request_id_; }
  const FunctionSpec& function() const override { return spec_; }
  const std::string& region() const override { return options_.region; }
  std::string function_arn() const override { return arn_; }
  std::chrono::milliseconds remaining_time() const override {
    return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                      deadline_ - std::chrono::steady_clock::now()));
  }
  std::string_view env(std::string_view name) const override {
    auto it = spec_.environment.find(std::string(name));
    return it == spec_.environment.end() ? std::string_view() : std::string_view(it->second);
  }
  void Log(std::string_view line) override { log_.Write(fmt::format("{}\t{}", request_id_, line)); }

  Result<client::AwsClient*> Aws(std::string_view region) override {
    std::string name(region.empty() ? std::string_view(options_.region) : region);
    auto it = clients_.find(name);
    if (it != clients_.end()) return it->second.get();
    if (!options_.endpoints) return Status(ErrorCode::kNotFound, "no AWS endpoints are configured");
    auto endpoint = options_.endpoints(name);
    if (!endpoint.ok()) return endpoint.status();
    auto c = std::make_unique<client::AwsClient>(options_.executor, std::move(endpoint).value());
    c->set_deadline(deadline_);
    client::AwsClient* raw = c.get();
    clients_.emplace(std::move(name), std::move(c));
    return raw;
  }

 private:
  const FunctionSpec& spec_;
  LogStream& log_;
  const HostOptions& options_;
  std::string arn_;
  std::string request_id_;
  std::chrono::steady_clock::time_point deadline_;
  std::map<std::string, std::unique_ptr<client::AwsClient>> clients_;
};

json::object ErrorPayload(std::string_view type, std::string_view message) {
  return json::object{{"errorMessage", message}, {"errorType", type}};
}

}  // namespace

FunctionHost::FunctionHost(storage::KvStore& kv, HostOptions options, service::Targets* targets)
    : kv_(kv), options_(std::move(options)), targets_(targets) {}

FunctionHost::~FunctionHost() { Stop(); }

Result<std::unique_ptr<FunctionHost>> FunctionHost::Open(storage::KvStore& kv, HostOptions options,
                                                         std::vector<FunctionSpec> functions,
                                                         service::Targets* targets,
                                                         common::metrics::Registry* metrics) {
  std::unique_ptr<FunctionHost> host(new FunctionHost(kv, std::move(options), targets));
  for (auto& spec : functions) {
    std::string handler_name = spec.handler.empty() ? spec.name : spec.handler;
    auto handler = host->options_.handlers.find(handler_name);
    if (handler == host->options_.handlers.end()) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("function {}: no handler named \"{}\" is built in", spec.name, handler_name));
    }
    if (host->functions_.contains(spec.name)) {
      return Status(ErrorCode::kInvalidArgument, fmt::format("function {} is declared twice", spec.name));
    }
    auto d = std::make_unique<Deployed>();
    auto log = LogStream::Open(host->options_.log_dir / (spec.name + ".log"));
    if (!log.ok()) return log.status();
    d->log = std::move(log).value();
    d->handler = handler->second;
    if (metrics != nullptr) {
      common::metrics::Labels l{{"function", spec.name}};
      d->invocations = &metrics->GetCounter("stratus_function_invocations_total", "Function invocations.", l);
      d->errors = &metrics->GetCounter("stratus_function_errors_total", "Invocations that failed (handler error or timeout).", l);
      d->timeouts = &metrics->GetCounter("stratus_function_timeouts_total", "Invocations that overran the function's timeout.", l);
      d->throttles = &metrics->GetCounter("stratus_function_throttles_total",
                                          "Invocations refused because the reserved concurrency was in use.", l);
      d->duration = &metrics->GetHistogram("stratus_function_duration_seconds", "Time a handler ran.", l);
    }
    d->spec = std::move(spec);
    std::string name = d->spec.name;
    host->functions_.emplace(std::move(name), std::move(d));
  }
  FunctionHost* raw = host.get();
  Outbox::Options o;
  o.name = "function_async";
  o.prefix = std::string(kAsyncPrefix);
  o.threads = std::max(1, host->options_.async_threads);
  o.min_backoff = host->options_.retry_backoff;
  o.max_backoff = std::chrono::milliseconds(60'000);
  host->async_ = std::make_unique<Outbox>(
      kv, o, [raw](std::string_view key, std::string_view value, int attempt) { return raw->DeliverAsync(key, value, attempt); },
      metrics);
  if (metrics != nullptr) {
    metrics->AddCallbackGauge("stratus_function_async_pending", "Asynchronous invocations stored and not yet done.",
                              [raw] { return static_cast<double>(raw->async_pending()); });
  }
  return host;
}

Status FunctionHost::Start() { return async_->Start(); }

void FunctionHost::Stop() {
  if (async_) async_->Stop();
}

bool FunctionHost::Has(std::string_view name) const { return functions_.contains(name); }

const FunctionSpec* FunctionHost::Find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second->spec;
}

std::vector<std::string> FunctionHost::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, d] : functions_) out.push_back(name);
  return out;
}

std::string FunctionHost::ArnOf(std::string_view name) const {
  return fmt::format("arn:aws:lambda:{}:{}:function:{}", options_.region, options_.account, name);
}

std::string FunctionHost::NameFromArn(std::string_view arn) const {
  std::string prefix = fmt::format("arn:aws:lambda:{}:{}:function:", options_.region, options_.account);
  if (!arn.starts_with(prefix)) return {};
  std::string_view name = arn.substr(prefix.size());
  if (name.ends_with(":$LATEST")) name.remove_suffix(8);
  return functions_.contains(name) ? std::string(name) : std::string();
}

LogStream* FunctionHost::Logs(std::string_view name) {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second->log.get();
}

size_t FunctionHost::async_pending() const { return async_ ? async_->pending() : 0; }

Result<InvokeResult> FunctionHost::Invoke(std::string_view name, const json::value& event) {
  auto it = functions_.find(name);
  if (it == functions_.end()) {
    return Status(ErrorCode::kNotFound, fmt::format("Function not found: {}", ArnOf(name)), "ResourceNotFoundException");
  }
  Deployed& d = *it->second;
  int running = d.running.fetch_add(1) + 1;
  struct Release {
    std::atomic<int>& n;
    ~Release() { n.fetch_sub(1); }
  } release{d.running};
  if (d.spec.reserved_concurrency > 0 && running > d.spec.reserved_concurrency) {
    if (d.throttles != nullptr) d.throttles->Inc();
    return Status(ErrorCode::kThrottled, "Rate Exceeded.", "TooManyRequestsException");
  }
  InvokeResult out;
  out.request_id = common::NewUuid();
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + d.spec.timeout;
  d.log->Write(fmt::format("START RequestId: {} Version: $LATEST", out.request_id));
  InvocationContext ctx(d.spec, *d.log, options_, ArnOf(d.spec.name), out.request_id, deadline);
  Result<json::value> r = Status(ErrorCode::kInternal, "not run");
  try {
    r = d.handler(ctx, event);
  } catch (const std::exception& e) {
    r = Status(ErrorCode::kInternal, e.what(), "Runtime.UnhandledException");
  }
  auto end = std::chrono::steady_clock::now();
  double ms = std::chrono::duration<double, std::milli>(end - start).count();
  bool timed_out = end > deadline;
  if (timed_out) {
    out.failed = true;
    out.payload = ErrorPayload("Sandbox.Timedout",
                               fmt::format("Task timed out after {:.2f} seconds", static_cast<double>(d.spec.timeout.count())));
    d.log->Write(fmt::format("{} Task timed out after {:.2f} seconds", IsoTime(NowMs()),
                             static_cast<double>(d.spec.timeout.count())));
  } else if (!r.ok()) {
    out.failed = true;
    std::string type(r.status().reason().empty() ? common::ErrorCodeName(r.status().code()) : r.status().reason());
    out.payload = ErrorPayload(type, r.status().message());
    d.log->Write(fmt::format("{}\tERROR\tInvoke Error\t{}", out.request_id, json::serialize(out.payload)));
  } else {
    out.payload = std::move(r).value();
  }
  d.log->Write(fmt::format("END RequestId: {}", out.request_id));
  d.log->Write(fmt::format("REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} MB",
                           out.request_id, ms, static_cast<int64_t>(ms) + 1, d.spec.memory_mb));
  if (d.invocations != nullptr) {
    d.invocations->Inc();
    if (out.failed) d.errors->Inc();
    if (timed_out) d.timeouts->Inc();
    d.duration->Observe(ms / 1000.0);
  }
  return out;
}

Status FunctionHost::InvokeAsync(std::string_view name, std::string_view event_json) {
  if (!functions_.contains(name)) {
    return Status(ErrorCode::kNotFound, fmt::format("Function not found: {}", ArnOf(name)), "ResourceNotFoundException");
  }
  uint64_t seq;
  {
    std::lock_guard lock(seq_mu_);
    last_seq_ = std::max(last_seq_ + 1, static_cast<uint64_t>(NowMs()) * 1000);
    seq = last_seq_;
  }
  std::string key = fmt::format("{}{:016x}", kAsyncPrefix, seq);
  json::object record{{"v", kAsyncFormat}, {"fn", name}, {"event", event_json}, {"at", NowMs()}};
  storage::WriteBatch batch;
  batch.Put(key, kCodec.Seal(json::serialize(record)));
  STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
  async_->Added({std::move(key)});
  return Status::Ok();
}

Outbox::Verdict FunctionHost::DeliverAsync(std::string_view key, std::string_view value, int attempt) {
  auto plain = kCodec.Open(value);
  auto record = plain.ok() ? service::record::Parse(*plain, kAsyncFormat, "async invocation")
                           : Result<json::object>(plain.status());
  if (!record.ok()) {
    common::log::Get("functions")->error("dropping unreadable async invocation {}: {}", key, record.status().ToString());
    return Outbox::Verdict::kGiveUp;
  }
  service::record::Reader r(*record);
  std::string name = r.Str("fn");
  std::string event_text = r.Str("event");
  int64_t at = r.Int("at");
  auto it = functions_.find(name);
  if (it == functions_.end()) {
    common::log::Get("functions")->warn("dropping an async invocation of {}: no such function any more", name);
    return Outbox::Verdict::kGiveUp;
  }
  const FunctionSpec& spec = it->second->spec;
  boost::system::error_code ec;
  json::value event = json::parse(event_text, ec);
  if (ec) event = json::value(event_text);
  bool expired = NowMs() - at > std::chrono::duration_cast<std::chrono::milliseconds>(spec.maximum_event_age).count();
  json::value response;
  if (!expired) {
    auto result = Invoke(name, event);
    if (!result.ok()) return Outbox::Verdict::kRetry;
    if (!result->failed) return Outbox::Verdict::kDone;
    if (attempt <= spec.maximum_retry_attempts) return Outbox::Verdict::kRetry;
    response = std::move(result->payload);
  }
  std::string condition = expired ? "EventAgeExceeded" : "RetriesExhausted";
  if (spec.on_failure.empty() || targets_ == nullptr) {
    common::log::Get("functions")->warn("{}: async invocation dropped ({}), no on-failure destination", name, condition);
    return Outbox::Verdict::kGiveUp;
  }
  // Lambda's destination record for a failed asynchronous invocation.
  json::object destination{
      {"version", "1.0"},
      {"timestamp", IsoTime(NowMs())},
      {"requestContext",
       {{"requestId", common::NewUuid()},
        {"functionArn", ArnOf(name) + ":$LATEST"},
        {"condition", condition},
        {"approximateInvokeCount", expired ? attempt - 1 : attempt}}},
      {"requestPayload", event},
      {"responseContext", {{"statusCode", 200}, {"executedVersion", "$LATEST"}, {"functionError", "Unhandled"}}},
      {"responsePayload", response}};
  service::Delivery d;
  d.body = json::serialize(destination);
  d.sender = ArnOf(name);
  Status st = targets_->Deliver(spec.on_failure, d);
  if (st.ok()) return Outbox::Verdict::kDone;
  common::log::Get("functions")->warn("{}: on-failure destination {} refused the event: {}", name, spec.on_failure,
                    st.ToString());
  return st.code() == ErrorCode::kNotFound || st.code() == ErrorCode::kInvalidArgument ? Outbox::Verdict::kGiveUp
                                                                                      : Outbox::Verdict::kRetry;
}

}  // namespace functions
