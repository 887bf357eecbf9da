#include "server/region.h"

#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/detached.hpp>

#include <future>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "api/dynamodb/routes.h"
#include "api/events/routes.h"
#include "api/s3/ops/bucket_policy.h"
#include "api/s3/ops/cors.h"
#include "api/s3/routes.h"
#include "api/sns/routes.h"
#include "api/sqs/routes.h"
#include "functions/seed/handlers.h"
#include "server/smtp.h"
#include "service/objects/notifications.h"
#include "api/sts/service.h"
#include "common/log.h"
#include "common/process.h"
#include "storage/rocksdb_kv_store.h"

namespace server {
namespace {

using common::ErrorCode;
using common::Result;
using common::Status;

// System keys of a region (docs/key-encoding.md):
//   "sys/region" → "<region name>\n<created unix seconds>"
//   "sys/boots"  → decimal count of starts
constexpr std::string_view kRegionKey = "sys/region";
constexpr std::string_view kBootsKey = "sys/boots";

// Threads per region for blocking storage calls: enough concurrent writers
// for RocksDB's group commit to share each fsync among many requests.
constexpr size_t kBlockingThreads = 32;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Region::Region(const common::RegionConfig& config) : config_(config) {
  services_.region = config.name;
  services_.metrics = &metrics_;
  services_.data_dir = config.data_dir.string();
  metrics_.SetConstLabels({{"region", config.name}});
}

Region::~Region() {
  // Open failed after the function or webhook threads started, or Shutdown
  // never ran. Functions finish before the threads their calls run on stop.
  for (auto& rt : runtimes_) rt.api->Stop();
  for (auto& mapping : mappings_) mapping->Stop();
  if (functions_) functions_->Stop();
  functions_work_.reset();
  functions_ioc_.stop();
  for (auto& t : functions_threads_) t.join();
  webhook_work_.reset();
  webhook_ioc_.stop();
  if (webhook_thread_.joinable()) webhook_thread_.join();
}

Result<std::unique_ptr<Region>> Region::Open(const common::Config& config,
                                             const common::RegionConfig& rc,
                                             boost::asio::io_context& ioc,
                                             const auth::CredentialStore& credentials,
                                             std::shared_ptr<boost::asio::ssl::context> tls,
                                             const InstanceInfo* instance) {
  std::unique_ptr<Region> region(new Region(rc));
  std::error_code ec;
  std::filesystem::create_directories(rc.data_dir, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, fmt::format("region {}: cannot create data directory {}: {}",
                                                   rc.name, rc.data_dir.string(), ec.message()));
  }
  auto store = storage::OpenRocksDb(rc.data_dir / "meta");
  if (!store.ok()) {
    return Status(store.status().code(),
                  fmt::format("region {}: {}", rc.name, store.status().message()));
  }
  region->store_ = std::move(store).value();
  if (auto st = region->RecordStart(); !st.ok()) return st;

  service::objects::ServiceOptions object_options;
  object_options.region = rc.name;
  auto objects = service::objects::ObjectService::Open(*region->store_, rc.data_dir / "blobs",
                                                       object_options, &region->metrics_);
  if (!objects.ok()) {
    return Status(objects.status().code(),
                  fmt::format("region {}: objects: {}", rc.name, objects.status().message()));
  }
  region->objects_ = std::move(objects).value();
  region->services_.objects = region->objects_.get();

  service::tables::TableServiceOptions table_options;
  table_options.region = rc.name;
  auto tables = service::tables::TableService::Open(*region->store_, table_options, &region->metrics_);
  if (!tables.ok()) {
    return Status(tables.status().code(),
                  fmt::format("region {}: tables: {}", rc.name, tables.status().message()));
  }
  region->tables_ = std::move(tables).value();
  region->services_.tables = region->tables_.get();

  service::queues::QueueServiceOptions queue_options;
  queue_options.region = rc.name;
  auto queues = service::queues::QueueService::Open(*region->store_, queue_options, &region->metrics_);
  if (!queues.ok()) {
    return Status(queues.status().code(),
                  fmt::format("region {}: queues: {}", rc.name, queues.status().message()));
  }
  region->queues_ = std::move(queues).value();
  region->services_.queues = region->queues_.get();

  service::bus::BusServiceOptions bus_options;
  bus_options.region = rc.name;
  auto bus = service::bus::BusService::Open(*region->store_, bus_options, &region->metrics_);
  if (!bus.ok()) {
    return Status(bus.status().code(), fmt::format("region {}: event bus: {}", rc.name, bus.status().message()));
  }
  region->bus_ = std::move(bus).value();
  region->services_.bus = region->bus_.get();
  region->targets_ = std::make_unique<service::LocalTargets>(rc.name, std::string(auth::kAccountId), region->queues_.get());

  service::topics::TopicServiceOptions topic_options;
  topic_options.region = rc.name;
  topic_options.mail_dir = rc.data_dir / "mail";
  topic_options.signing_dir = rc.data_dir / "sns";
  topic_options.email_from = config.email.from;
  region->smtp_relay_ = config.email.smtp_relay;
  topic_options.public_url = fmt::format("{}://{}", tls ? "https" : "http", rc.endpoint.ToString());
  auto topics = service::topics::TopicService::Open(*region->store_, topic_options, &region->metrics_);
  if (!topics.ok()) {
    return Status(topics.status().code(), fmt::format("region {}: topics: {}", rc.name, topics.status().message()));
  }
  region->topics_ = std::move(topics).value();
  region->services_.topics = region->topics_.get();
  region->targets_->SetTopics(region->topics_.get());
  region->webhook_client_ = std::make_unique<net::HttpClient>(region->webhook_ioc_.get_executor());
  region->webhook_work_.emplace(region->webhook_ioc_.get_executor());
  region->webhook_thread_ = std::thread([r = region.get()] { r->webhook_ioc_.run(); });

  replication::EngineOptions replication_options;
  replication_options.region = rc.name;
  replication_options.workers = config.replication.workers;
  replication_options.request_timeout = std::chrono::seconds(config.replication.request_timeout_seconds);
  replication_options.part_size = uint64_t{config.replication.part_size_mib} << 20;
  if (config.tls) replication_options.ca_file = config.tls->cert_file.string();
  region->replication_ = std::make_unique<replication::Engine>(*region->objects_, replication_options,
                                                               &region->metrics_);
  region->services_.replication = region->replication_.get();
  region->blocking_ = std::make_unique<boost::asio::thread_pool>(kBlockingThreads);
  region->services_.blocking = region->blocking_.get();

  auto& m = region->metrics_;
  m.AddCallbackGauge("process_resident_memory_bytes", "Resident memory of the whole process.",
                     [] { return static_cast<double>(common::ProcessRssBytes()); });
  m.GetGauge("stratus_region_boot_count", "How many times this region has started.")
      .Set(static_cast<int64_t>(region->services_.boot_count));

  // The protocol front ends. Services add their rows to these tables.
  region->json_ = std::make_unique<api::json::JsonProtocol>(api::json::Router({api::dynamodb::Routes(), api::sqs::JsonRoutes(), api::events::Routes()}));
  region->query_ = std::make_unique<api::query::QueryProtocol>(
      api::query::Router({api::sts::QueryRoutes(), api::sqs::QueryRoutes(), api::sns::Routes()}));
  region->rest_xml_ =
      std::make_unique<api::rest_xml::RestXmlProtocol>(api::rest_xml::Router(api::s3::Routes()),
                                                       &api::s3::ApplyCors, &api::s3::BucketAccess);
  api::app::GatewayOptions gateway;
  gateway.routes = rc.api_routes;
  gateway.api_keys = config.app.api_keys;
  gateway.rate_per_second = config.app.rate_per_second;
  gateway.burst = config.app.burst;
  gateway.cors_allow_origins = config.app.cors_allow_origins;
  region->gateway_ = std::make_unique<api::app::Gateway>(
      std::move(gateway), [r = region.get()](const std::string& function, const boost::json::value& event) {
        return r->InvokeForApi(function, event);
      });
  region->services_.gateway = region->gateway_.get();
  region->app_ = std::make_unique<api::app::AppProtocol>(std::vector<api::app::AppRoute>{}, region->gateway_.get());
  region->scheme_ = tls ? "https" : "http";
  region->instance_env_ = InstanceEnvironment(instance != nullptr ? *instance : DescribeInstance("off", config.data_root),
                                              rc.name);

  std::string access_path = config.access_log;
  if (access_path != "-" && access_path != "off" && !access_path.empty()) {
    access_path = (rc.data_dir / access_path).string();
  }
  auto access_log = common::log::OpenAccessLog("access-" + rc.name, access_path);

  api::PipelineOptions aws_opts{"aws", config.limits.max_buffered_body_bytes, access_log};
  region->aws_pipeline_ = std::make_unique<api::Pipeline>(
      region->services_, credentials,
      std::vector<const api::Protocol*>{&region->admin_, region->json_.get(), region->query_.get(),
                                        region->rest_xml_.get()},
      aws_opts);
  api::PipelineOptions app_opts{"app", config.limits.max_buffered_body_bytes, access_log};
  region->app_pipeline_ = std::make_unique<api::Pipeline>(
      region->services_, credentials,
      std::vector<const api::Protocol*>{&region->admin_, region->app_.get()}, app_opts);

  net::ServerOptions aws_server{rc.name + "/aws", rc.endpoint, config.limits, tls};
  auto aws = net::HttpServer::Create(ioc, aws_server, *region->aws_pipeline_, m);
  if (!aws.ok()) return Status(aws.status().code(), fmt::format("region {}: {}", rc.name, aws.status().message()));
  region->aws_server_ = std::move(aws).value();
  net::ServerOptions app_server{rc.name + "/app", rc.app_endpoint, config.limits, tls};
  auto app = net::HttpServer::Create(ioc, app_server, *region->app_pipeline_, m);
  if (!app.ok()) return Status(app.status().code(), fmt::format("region {}: {}", rc.name, app.status().message()));
  region->app_server_ = std::move(app).value();
  if (auto st = region->OpenFunctions(config, rc, ioc); !st.ok()) {
    return Status(st.code(), fmt::format("region {}: functions: {}", rc.name, st.message()));
  }
  return region;
}

Status Region::OpenFunctions(const common::Config& config, const common::RegionConfig& rc,
                             boost::asio::io_context& ioc) {
  functions_work_.emplace(functions_ioc_.get_executor());
  for (int i = 0; i < 2; ++i) functions_threads_.emplace_back([this] { functions_ioc_.run(); });
  // Behind [tls] the regions' listeners are HTTPS: their own certificate is trusted too.
  net::ClientOptions http_options;
  if (config.tls) http_options.ca_file = config.tls->cert_file.string();
  functions_http_ = std::make_unique<net::HttpClient>(functions_ioc_.get_executor(), http_options);
  in_process_ = std::make_shared<client::InProcessTransport>(*aws_pipeline_, functions_ioc_.get_executor(),
                                                             aws_address().ToString());
  functions::HostOptions options;
  options.region = rc.name;
  options.account = std::string(auth::kAccountId);
  options.log_dir = rc.data_dir / "functions";
  options.executor = functions_ioc_.get_executor();
  options.handlers = functions::seed::Handlers();
  options.endpoints = [this](std::string_view region) { return FunctionEndpoint(region); };
  std::vector<functions::FunctionSpec> specs;
  for (const auto& f : rc.functions) {
    functions::FunctionSpec spec;
    spec.name = f.name;
    spec.handler = f.handler;
    spec.role = f.role.empty() ? fmt::format("arn:aws:iam::{}:role/{}", auth::kAccountId, f.name) : f.role;
    spec.timeout = std::chrono::seconds(f.timeout_seconds);
    spec.memory_mb = f.memory_mb;
    spec.reserved_concurrency = static_cast<int>(f.reserved_concurrency);
    spec.maximum_retry_attempts = static_cast<int>(f.maximum_retry_attempts);
    spec.maximum_event_age = std::chrono::seconds(f.maximum_event_age_seconds);
    spec.on_failure = f.on_failure;
    spec.environment.insert(f.environment.begin(), f.environment.end());
    spec.environment.insert(instance_env_.begin(), instance_env_.end());  // never over the config's
    if (f.runtime_api) {
      // The code runs in an external process; the handler hands it the event.
      auto api = std::make_unique<functions::RuntimeApi>(
          fmt::format("arn:aws:lambda:{}:{}:function:{}", rc.name, auth::kAccountId, f.name));
      functions::RuntimeApi* raw = api.get();
      spec.handler = "runtime-api:" + f.name;
      options.handlers[spec.handler] = [raw](functions::Context& ctx, const boost::json::value& event) {
        return raw->Invoke(ctx.request_id(), event, std::chrono::system_clock::now() + ctx.remaining_time());
      };
      net::ServerOptions so{fmt::format("{}/runtime-api/{}", rc.name, f.name), *f.runtime_api, config.limits, nullptr};
      auto server = net::HttpServer::Create(ioc, so, *raw, metrics_);
      if (!server.ok()) return server.status();
      runtimes_.push_back({std::move(api), std::move(server).value()});
    }
    specs.push_back(std::move(spec));
  }
  auto host = functions::FunctionHost::Open(*store_, std::move(options), std::move(specs), targets_.get(), &metrics_);
  if (!host.ok()) return host.status();
  functions_ = std::move(host).value();
  targets_->SetFunctions([host = functions_.get()](std::string_view arn, const std::string& event) {
    std::string name = host->NameFromArn(arn);
    if (name.empty()) return Status(ErrorCode::kNotFound, fmt::format("Function not found: {}", arn));
    return host->InvokeAsync(name, event);
  });
  for (const auto& m : rc.event_source_mappings) {
    functions::SqsMappingSpec spec;
    spec.function = m.function;
    spec.queue = m.queue;
    spec.batch_size = static_cast<int>(m.batch_size);
    spec.maximum_batching_window = std::chrono::seconds(m.maximum_batching_window_seconds);
    spec.report_batch_item_failures = m.report_batch_item_failures;
    spec.maximum_concurrency = static_cast<int>(m.maximum_concurrency);
    mappings_.push_back(std::make_unique<functions::SqsMapping>(*functions_, *queues_, std::move(spec), &metrics_));
  }
  return Status::Ok();
}

void Region::SetPeers(std::map<std::string, client::Endpoint, std::less<>> peers, auth::Credentials credentials) {
  peers_ = std::move(peers);
  function_credentials_ = std::move(credentials);
}

Result<client::ClientEndpoint> Region::FunctionEndpoint(std::string_view region) const {
  if (region.empty() || region == config_.name) {
    return client::ClientEndpoint{in_process_, config_.name, function_credentials_, scheme_};
  }
  auto it = peers_.find(region);
  if (it == peers_.end()) {
    return Status(ErrorCode::kNotFound,
                  fmt::format("region {} is neither a region of this process nor a replication endpoint", region));
  }
  return client::ClientEndpoint{
      std::make_shared<client::HttpTransport>(*functions_http_, it->second.address, it->second.tls),
      std::string(region), it->second.credentials, it->second.tls ? "https" : "http"};
}

Result<api::app::FunctionOutcome> Region::InvokeForApi(const std::string& function, const boost::json::value& event) {
  auto result = functions_->Invoke(function, event);
  if (!result.ok()) return result.status();
  return api::app::FunctionOutcome{std::move(result->payload), result->failed};
}

Status Region::RecordStart() {
  auto identity = store_->Get(kRegionKey);
  if (!identity.ok()) return identity.status();
  storage::WriteBatch batch;
  if (identity->has_value()) {
    const std::string& v = **identity;
    std::string owner = v.substr(0, v.find('\n'));
    if (owner != config_.name) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("data directory {} belongs to region '{}', not '{}'",
                                config_.data_dir.string(), owner, config_.name));
    }
    services_.created_at = v.substr(v.find('\n') + 1);
  } else {
    services_.created_at = std::to_string(UnixNow());
    batch.Put(kRegionKey, config_.name + "\n" + services_.created_at);
  }
  auto boots = store_->Get(kBootsKey);
  if (!boots.ok()) return boots.status();
  uint64_t count = 0;
  if (boots->has_value()) count = std::strtoull((*boots)->c_str(), nullptr, 10);
  services_.boot_count = count + 1;
  batch.Put(kBootsKey, std::to_string(services_.boot_count));
  return store_->Write(batch);
}

void Region::SetReplicationResolver(std::shared_ptr<const replication::Resolver> resolver) {
  replication_->SetResolver(std::move(resolver));
}

bool Region::HasBucket(std::string_view bucket) const { return objects_->GetBucket(bucket).ok(); }

Status Region::Start() {
  if (auto st = bus_->Start(targets_.get()); !st.ok()) {
    return Status(st.code(), fmt::format("region {}: event bus: {}", config_.name, st.message()));
  }
  // S3 event notifications: queues (and later topics and functions) get S3's
  // event message; the event bus gets EventBridge's "Object Created/Deleted".
  auto notify = [this](const service::objects::NotificationEntry& e) -> Status {
    if (e.eventbridge) {
      auto be = service::objects::EventBridgeEvent(e);
      service::bus::Event event;
      event.source = be.source;
      event.detail_type = be.detail_type;
      event.detail = std::move(be.detail);
      event.resources = std::move(be.resources);
      event.time_ms = e.time_ms;
      auto res = bus_->PutEvents({std::move(event)});
      if (!res.ok()) return res.status();
      if ((*res)[0].event_id.empty()) return Status(ErrorCode::kInvalidArgument, (*res)[0].error_message);
      return Status::Ok();
    }
    service::Delivery d;
    d.body = service::objects::S3EventMessage(e, config_.name);
    d.sender = "s3.amazonaws.com";
    return targets_->Deliver(e.arn, d);
  };
  if (auto st = topics_->Start(targets_.get(), [this](const std::string& url,
                                                     const std::map<std::string, std::string>& headers,
                                                     const std::string& body) { return PostWebhook(url, headers, body); },
                                    smtp_relay_ ? service::topics::EmailSender([relay = *smtp_relay_](
                                                                                  const std::string& from, const std::string& to,
                                                                                  const std::string& message) {
                                      return SendMail(relay, from, to, message);
                                    })
                                                : service::topics::EmailSender());
      !st.ok()) {
    return Status(st.code(), fmt::format("region {}: topics: {}", config_.name, st.message()));
  }
  if (auto st = objects_->StartNotifications(notify, &metrics_); !st.ok()) {
    return Status(st.code(), fmt::format("region {}: notifications: {}", config_.name, st.message()));
  }
  if (auto st = replication_->Start(); !st.ok()) {
    return Status(st.code(), fmt::format("region {}: replication: {}", config_.name, st.message()));
  }
  if (auto st = functions_->Start(); !st.ok()) {
    return Status(st.code(), fmt::format("region {}: functions: {}", config_.name, st.message()));
  }
  metrics_.GetGauge("stratus_region_created_timestamp_seconds",
                    "When this region's data directory was initialised (unix seconds).")
      .Set(std::strtoll(services_.created_at.c_str(), nullptr, 10));
  aws_server_->Start();
  app_server_->Start();
  for (auto& rt : runtimes_) rt.server->Start();
  return Status::Ok();
}

Status Region::Activate() {
  for (auto& mapping : mappings_) {
    if (auto st = mapping->Start(); !st.ok()) {
      return Status(st.code(), fmt::format("region {}: event source mapping {} → {}: {}", config_.name,
                                           mapping->spec().queue, mapping->spec().function, st.message()));
    }
  }
  services_.readiness.store(api::Readiness::kReady);
  common::log::Get("server")->info("region={} aws={} app={} data_dir={} boot={} state=ready",
                                   config_.name, aws_address().ToString(),
                                   app_address().ToString(), config_.data_dir.string(),
                                   services_.boot_count);
  return Status::Ok();
}

client::AwsClient Region::AdminClient() {
  return client::AwsClient(functions_ioc_.get_executor(),
                           client::ClientEndpoint{in_process_, config_.name, function_credentials_});
}

Status Region::ConfirmEmailSubscription(std::string_view topic_arn, std::string_view address) {
  auto subscriptions = topics_->ListSubscriptions(topic_arn);
  if (!subscriptions.ok()) return subscriptions.status();
  for (const auto& s : *subscriptions) {
    if (s.protocol != "email" || s.endpoint != address || s.confirmed) continue;
    auto confirmed = topics_->ConfirmSubscription(topic_arn, s.token);
    if (!confirmed.ok()) return confirmed.status();
  }
  return Status::Ok();
}

net::awaitable<void> Region::Shutdown(std::chrono::milliseconds grace) {
  services_.readiness.store(api::Readiness::kStopping);
  // Both listeners stop accepting at once and drain side by side.
  using namespace boost::asio::experimental::awaitable_operators;
  co_await (aws_server_->Shutdown(grace) && app_server_->Shutdown(grace));
  for (auto& rt : runtimes_) {
    rt.api->Stop();  // invocations waiting for the process fail; so does its /next
    co_await rt.server->Shutdown(std::chrono::milliseconds(0));
  }
  // Functions first: they call the services below (in process).
  for (auto& mapping : mappings_) mapping->Stop();
  functions_->Stop();
  functions_work_.reset();
  functions_http_->CloseIdle();
  for (auto& t : functions_threads_) t.join();
  functions_threads_.clear();
  // Background work holds iterators: it stops before the store closes.
  replication_->Stop();
  objects_->StopNotifications();
  tables_->Stop();
  bus_->Stop();
  topics_->Stop();
  webhook_work_.reset();
  webhook_client_->CloseIdle();
  if (webhook_thread_.joinable()) webhook_thread_.join();
  queues_->Stop();
  if (auto st = store_->Close(); !st.ok()) {
    common::log::Get("server")->error("region={} storage close failed: {}", config_.name,
                                      st.ToString());
  }
  common::log::Get("server")->info("region={} state=stopped", config_.name);
}

Status Region::PostWebhook(const std::string& url, const std::map<std::string, std::string>& headers,
                           const std::string& body) {
  // http(s)://host[:port]/path — the endpoints SNS subscriptions name.
  std::string_view rest = url;
  const bool tls = rest.starts_with("https://");
  if (!tls && !rest.starts_with("http://")) return Status(ErrorCode::kInvalidArgument, "not an http URL: " + url);
  rest.remove_prefix(tls ? 8 : 7);
  auto slash = rest.find('/');
  std::string authority(rest.substr(0, slash));
  std::string target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  auto parsed = client::ParseEndpointUrl(fmt::format("{}://{}", tls ? "https" : "http", authority));
  if (!parsed.ok()) return Status(ErrorCode::kInvalidArgument, "bad webhook address: " + url);
  auto to = parsed->address;
  net::ClientRequest req{net::http::verb::post, target, 11};
  req.set(net::http::field::host, authority);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  std::promise<common::Result<net::ClientResponse>> promise;
  auto future = promise.get_future();
  net::HttpClient* client = webhook_client_.get();
  common::HostPort dest = to;
  boost::asio::co_spawn(
      webhook_ioc_.get_executor(),
      [client, dest, tls, &req, &promise]() -> net::awaitable<void> {
        promise.set_value(co_await client->Send(dest, std::move(req), tls));
      },
      boost::asio::detached);
  auto res = future.get();
  if (!res.ok()) return res.status();
  unsigned code = res->result_int();
  if (code >= 200 && code < 300) return Status::Ok();
  return Status(code >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument,
                fmt::format("webhook {} answered {}", url, code));
}

}  // namespace server
