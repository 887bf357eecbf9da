#pragma once

// The stratus configuration, read from TOML. See config/stratus.toml for the
// default stack and README.md ("Configuration") for every key.
//
// LoadConfig never throws: every problem — a syntax error, an unknown key, a
// value of the wrong type or out of range, a duplicate region or address —
// comes back as kInvalidArgument whose message names the file, the line and
// the key, e.g.
//   config/stratus.toml:12:1: regions[1].endpoint: expected "host:port", got "localhost"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace common {

struct HostPort {
  std::string host;   // an IP literal or a host name; loopback by default
  uint16_t port = 0;  // 0 = let the OS choose (tests)

  std::string ToString() const;  // "127.0.0.1:4566"
  // Parses "host:port" (IPv6 as "[::1]:4566").
  static Result<HostPort> Parse(std::string_view text);
};

// A function deployed in a region ([[regions.functions]]); see
// functions/function.h for what each setting does.
struct FunctionConfig {
  std::string name;
  std::string handler;  // "" = name
  std::string role;     // "" = arn:aws:iam::<account>:role/<name>
  uint32_t timeout_seconds = 30;
  uint32_t memory_mb = 128;
  uint32_t reserved_concurrency = 0;  // 0 = unlimited
  uint32_t maximum_retry_attempts = 2;
  uint32_t maximum_event_age_seconds = 21600;
  std::string on_failure;  // destination ARN for failed async invocations
  std::vector<std::pair<std::string, std::string>> environment;
  // Set: the function's code runs in an external process (a custom runtime's
  // bootstrap, e.g. `stratus lambda-bootstrap`) that polls the Lambda Runtime
  // API stratus serves here; unset: the built-in handler runs in process.
  std::optional<HostPort> runtime_api;
};

// An SQS event source mapping ([[regions.event_source_mappings]]).
struct EventSourceMappingConfig {
  std::string function;
  std::string queue;  // a queue of the region, by name
  uint32_t batch_size = 10;
  uint32_t maximum_batching_window_seconds = 0;
  bool report_batch_item_failures = false;
  uint32_t maximum_concurrency = 2;
};

// Resources a region provisions at every start ([[regions.buckets]],
// [[regions.queues]], [[regions.topics]], [[regions.tables]],
// [[regions.rules]]): created when absent and brought to what the config says
// through the region's own AWS APIs, as a Terraform apply would; see
// server/provisioner.h. Names refer to resources of the same region.
struct BucketNotificationConfig {
  std::vector<std::string> events = {"s3:ObjectCreated:*"};
  std::string prefix, suffix;  // key filters
  // Exactly one destination, by name in the region.
  std::string function, queue, topic;
};

struct BucketConfig {
  std::string name;
  bool versioning = false;
  bool eventbridge = false;                // object events to the default event bus
  std::vector<std::string> replicate_to;   // destination buckets (any region), one rule each
  std::vector<BucketNotificationConfig> notifications;
  // CORS for browsers (presigned uploads): GET, PUT, HEAD from these origins.
  std::vector<std::string> cors_allow_origins;
};

struct QueueConfig {
  std::string name;                  // ".fifo" names are FIFO queues
  std::string dead_letter_queue;     // "" = none; a queue of the region
  uint32_t max_receive_count = 3;    // with dead_letter_queue
  std::vector<std::pair<std::string, std::string>> attributes;  // SQS attributes as SetQueueAttributes takes them
};

struct TopicConfig {
  std::string name;
  // Subscriptions. Addresses in the config are the operator's own, so they
  // are confirmed at provisioning (no confirmation mail needs answering).
  std::vector<std::string> email;
  std::vector<std::string> queues;  // queues of the region, raw delivery
};

struct TableConfig {
  std::string name;
  std::string hash_key;
  std::string hash_key_type = "S";  // S | N | B
  std::string range_key;            // "" = none
  std::string range_key_type = "S";
};

struct RuleConfig {
  std::string name;
  std::string event_pattern;  // JSON, as PutRule takes it
  std::vector<std::string> queues, topics, functions;  // targets, by name in the region
};

// A route of the application API ([[regions.api_routes]]): requests that
// match it invoke the function with API Gateway's proxy event (payload 1.0)
// and answer with the function's {statusCode, headers, body}.
struct ApiRouteConfig {
  std::string method;    // GET, POST, PUT, DELETE, PATCH, HEAD, or ANY
  std::string path;      // "/presign", "/files/{key+}" ({name} one segment, {name+} the rest)
  std::string function;  // a function of the region
};

struct RegionConfig {
  std::string name;                // AWS region name, e.g. "ap-south-1"
  HostPort endpoint;               // AWS protocol endpoint (S3, DynamoDB, SQS, ...)
  HostPort app_endpoint;           // application API (the API Gateway role)
  std::filesystem::path data_dir;  // absolute after loading; default <data root>/<name>
  std::vector<FunctionConfig> functions;
  std::vector<EventSourceMappingConfig> event_source_mappings;
  std::vector<BucketConfig> buckets;
  std::vector<QueueConfig> queues;
  std::vector<TopicConfig> topics;
  std::vector<TableConfig> tables;
  std::vector<RuleConfig> rules;
  std::vector<ApiRouteConfig> api_routes;
};

// The application API of every region ([app]): the API Gateway role.
struct AppConfig {
  // Accepted x-api-key values. Empty: one is generated at first start and
  // kept in <data root>/api-key (mode 0600).
  std::vector<std::string> api_keys;
  uint32_t rate_per_second = 100;  // per key: a token bucket of `burst` tokens
  uint32_t burst = 200;
  std::vector<std::string> cors_allow_origins = {"*"};
  // Where the instance's metadata comes from (EC2's IMDSv2): "auto" (IMDS at
  // 169.254.169.254 when the machine says it is EC2), "off", or "host:port".
  std::string imds_endpoint = "auto";
};

struct LimitsConfig {
  uint32_t max_connections = 4096;                     // per listener
  uint32_t max_header_bytes = 16 * 1024;               // request line + headers
  uint64_t max_buffered_body_bytes = 16 * 1024 * 1024;  // JSON/Query/XML bodies
  uint32_t idle_timeout_seconds = 60;                  // keep-alive wait for the next request
  uint32_t request_timeout_seconds = 300;              // inactivity while reading/writing one request
  uint32_t shutdown_grace_seconds = 10;                // in-flight work allowed after SIGTERM
};

struct TlsConfig {
  std::filesystem::path cert_file;  // PEM chain
  std::filesystem::path key_file;   // PEM private key
};

struct AdminCredentials {
  std::string access_key_id;
  // Empty when the config gives none: the server then generates one at first
  // start and keeps it in <data root>/admin-credentials (mode 0600).
  std::string secret_access_key;
};

// Where replication reaches a destination that is not a region of this
// process, or a bucket that lives elsewhere.
struct ReplicationEndpoint {
  std::string region;    // the region requests are signed for
  HostPort endpoint;     // its S3 endpoint
  std::string access_key_id;      // "" = the administrator's
  std::string secret_access_key;  // "" = the administrator's
  // Buckets served there (for destination ARNs without a region); empty =
  // every bucket whose ARN names `region`.
  std::vector<std::string> buckets;
  bool tls = false;  // the endpoint is https
};

struct ReplicationSettings {
  uint32_t workers = 16;                  // concurrent transfers per region
  uint32_t request_timeout_seconds = 30;  // inactivity per request to a destination
  uint32_t part_size_mib = 8;             // objects above this go multipart, in parts of this size
  std::vector<ReplicationEndpoint> endpoints;
};

// Where SNS email deliveries go: an SMTP relay, or (by default) .eml files in
// each region's mail/ folder.
struct EmailSettings {
  std::optional<HostPort> smtp_relay;  // plain SMTP, no authentication (a local relay)
  std::string from = "no-reply@sns.stratus.local";
};

struct Config {
  std::filesystem::path source;     // the file it was read from ("" for defaults)
  std::filesystem::path data_root;  // --data, or [server].data_dir, or ./data
  std::string log_level = "info";
  std::string access_log = "access.log";  // per region, relative to its data dir; "-" stdout; "off"
  uint32_t threads = 0;                   // I/O threads; 0 = one per core
  LimitsConfig limits;
  std::optional<TlsConfig> tls;
  AdminCredentials admin;
  std::vector<RegionConfig> regions;  // at least one; names and addresses unique
  ReplicationSettings replication;
  EmailSettings email;
  AppConfig app;
};

// Reads and validates `file`. `data_root_override` (the --data flag) wins over
// the file's [server].data_dir; relative region data dirs resolve under the root.
Result<Config> LoadConfig(const std::filesystem::path& file,
                          const std::optional<std::filesystem::path>& data_root_override);

// As LoadConfig, from text; `source_name` is used in error messages.
Result<Config> ParseConfig(std::string_view text, std::string_view source_name,
                           const std::optional<std::filesystem::path>& data_root_override);

}  // namespace common
