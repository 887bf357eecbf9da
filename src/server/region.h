#pragma once

// Region: one isolated AWS region inside the process — its own storage engine,
// data directory, metrics registry, protocol front ends and two listeners (the
// AWS endpoint and the application API). Regions share nothing but the I/O
// threads and the credential store (identity is global, as in AWS).
//
// Lifecycle: Open() (storage opened, identity checked, listeners bound) →
// Start() (accepting, ready) → Shutdown() (not ready, listeners drained,
// storage flushed and closed). Open runs before the I/O threads start;
// Shutdown runs as a coroutine on them.

#include <chrono>
#include <optional>
#include <thread>
#include <memory>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/ssl/context.hpp>

#include "api/admin/protocol.h"
#include "api/app/gateway.h"
#include "api/app/protocol.h"
#include "api/common/pipeline.h"
#include "api/common/services.h"
#include "api/json/protocol.h"
#include "api/query/protocol.h"
#include "api/rest_xml/protocol.h"
#include "auth/credentials.h"
#include "client/aws_client.h"
#include "client/transport.h"
#include "common/config.h"
#include "functions/host.h"
#include "functions/runtime_api.h"
#include "functions/sqs_mapping.h"
#include "common/metrics.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "replication/engine.h"
#include "service/objects/object_service.h"
#include "service/bus/bus_service.h"
#include "service/queues/queue_service.h"
#include "service/targets/local_targets.h"
#include "service/topics/topic_service.h"
#include "server/instance.h"
#include "service/tables/table_service.h"
#include "storage/kv_store.h"

namespace server {

class Region {
 public:
  // Opens the region's storage (creating its data directory), checks that
  // the directory belongs to this region, records the start, and binds both
  // listeners (HTTPS when `tls` is given). Errors name the region and what failed: kIoError (directory,
  // bind), kUnavailable (data directory in use by another process),
  // kInvalidArgument (directory belongs to another region).
  static common::Result<std::unique_ptr<Region>> Open(const common::Config& config,
                                                      const common::RegionConfig& region,
                                                      boost::asio::io_context& ioc,
                                                      const auth::CredentialStore& credentials,
                                                      std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
                                                      const InstanceInfo* instance = nullptr);
  ~Region();

  // Where replication finds destination buckets; call before Start().
  void SetReplicationResolver(std::shared_ptr<const replication::Resolver> resolver);
  // How this region's functions reach other regions (of this process or
  // declared replication endpoints) and with which credentials they sign;
  // call before Start().
  void SetPeers(std::map<std::string, client::Endpoint, std::less<>> peers, auth::Credentials credentials);
  // Whether this region has a bucket (thread-safe; for the resolver).
  bool HasBucket(std::string_view bucket) const;

  // Starts replication, functions, then accepting on both listeners.
  // kIoError/kCorruption if the replication backlog cannot be read.
  common::Status Start();
  // After Start and provisioning: starts the event source mappings (their
  // queues exist now) and reports ready on /_stratus/ready.
  common::Status Activate();

  // An AWS client for this region's own APIs, in process, signed with the
  // administrator's key (provisioning). Calls block: never call from the
  // region's I/O threads. Valid after SetPeers, until Shutdown.
  client::AwsClient AdminClient();
  // Confirms the email subscription of `topic_arn` to `address` without its
  // confirmation mail (addresses the operator declared in the config).
  common::Status ConfirmEmailSubscription(std::string_view topic_arn, std::string_view address);

  // Stops accepting, drains in-flight requests within `grace`, flushes and
  // closes storage. Call once.
  net::awaitable<void> Shutdown(std::chrono::milliseconds grace);

  const common::RegionConfig& config() const { return config_; }
  common::HostPort aws_address() const { return aws_server_->local_address(); }
  common::HostPort app_address() const { return app_server_->local_address(); }
  uint64_t boot_count() const { return services_.boot_count; }
  common::metrics::Registry& metrics() { return metrics_; }

 private:
  explicit Region(const common::RegionConfig& config);
  // Posts an SNS delivery to an http endpoint (blocking; called from the
  // topic service's delivery threads, runs on the I/O threads).
  common::Status PostWebhook(const std::string& url, const std::map<std::string, std::string>& headers,
                             const std::string& body);
  common::Status RecordStart();
  // The AWS client endpoint of `region` for this region's functions.
  common::Result<client::ClientEndpoint> FunctionEndpoint(std::string_view region) const;
  common::Status OpenFunctions(const common::Config& config, const common::RegionConfig& rc,
                               boost::asio::io_context& ioc);
  // Invokes a function for the application API (blocking).
  common::Result<api::app::FunctionOutcome> InvokeForApi(const std::string& function, const boost::json::value& event);

  common::RegionConfig config_;
  common::metrics::Registry metrics_;
  api::Services services_;
  std::unique_ptr<storage::KvStore> store_;
  // Services over store_ (declared after it, so destroyed before it).
  std::unique_ptr<service::objects::ObjectService> objects_;
  std::unique_ptr<service::tables::TableService> tables_;
  std::unique_ptr<service::queues::QueueService> queues_;
  std::unique_ptr<service::bus::BusService> bus_;
  std::unique_ptr<service::topics::TopicService> topics_;
  // SNS http deliveries: their own I/O thread, so that a delivery in
  // progress never waits for the region's I/O threads (which shut it down).
  boost::asio::io_context webhook_ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> webhook_work_;
  std::thread webhook_thread_;
  std::unique_ptr<net::HttpClient> webhook_client_;
  std::optional<common::HostPort> smtp_relay_;  // [email].smtp_relay
  std::unique_ptr<service::LocalTargets> targets_;  // where the bus and notifications deliver
  std::unique_ptr<replication::Engine> replication_;
  // Functions: their AWS calls run on their own I/O threads (in process for
  // this region, over HTTP to others), so a function waiting for a response
  // never needs the region's I/O threads, which stop the functions.
  boost::asio::io_context functions_ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> functions_work_;
  std::vector<std::thread> functions_threads_;
  std::unique_ptr<net::HttpClient> functions_http_;
  std::shared_ptr<client::Transport> in_process_;  // this region's AWS pipeline
  std::map<std::string, client::Endpoint, std::less<>> peers_;
  std::string scheme_ = "http";                   // of this region's endpoints (presigned URLs)
  std::map<std::string, std::string> instance_env_;  // what functions see of the instance
  auth::Credentials function_credentials_;
  std::unique_ptr<functions::FunctionHost> functions_;
  std::vector<std::unique_ptr<functions::SqsMapping>> mappings_;
  // Functions run by external processes: the Runtime API each one polls.
  struct ExternalRuntime {
    std::unique_ptr<functions::RuntimeApi> api;
    std::unique_ptr<net::HttpServer> server;
  };
  std::vector<ExternalRuntime> runtimes_;
  // Blocking storage calls of this region's operations (destroyed, and so
  // joined, before the services they call).
  std::unique_ptr<boost::asio::thread_pool> blocking_;

  api::admin::AdminProtocol admin_;
  std::unique_ptr<api::json::JsonProtocol> json_;
  std::unique_ptr<api::query::QueryProtocol> query_;
  std::unique_ptr<api::rest_xml::RestXmlProtocol> rest_xml_;
  std::unique_ptr<api::app::Gateway> gateway_;  // the application API's routes and keys
  std::unique_ptr<api::app::AppProtocol> app_;
  std::unique_ptr<api::Pipeline> aws_pipeline_;
  std::unique_ptr<api::Pipeline> app_pipeline_;
  std::unique_ptr<net::HttpServer> aws_server_;
  std::unique_ptr<net::HttpServer> app_server_;
};

}  // namespace server
