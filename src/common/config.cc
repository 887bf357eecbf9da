#include "common/config.h"

// The configuration file, TOML (https://toml.io/en/v1.0.0). Every table and key
// below is optional unless marked "required"; any key not listed here is an
// error, so a typo fails at start-up instead of being silently ignored.
//
//   [server]
//   data_dir = "data"            # data root; relative to the current working
//                                # directory; the --data flag overrides it
//   log_level = "info"           # trace | debug | info | warn | error | off
//   access_log = "access.log"    # per region, relative to the region's data dir;
//                                # "-" = stdout; "off" = none
//   threads = 0                  # I/O threads, 0..1024; 0 = one per core
//
//   [limits]                     # defaults in LimitsConfig (config.h)
//   max_connections = 4096       # per listener, >= 1
//   max_header_bytes = 16384     # request line + headers, >= 1024
//   max_buffered_body_bytes = 16777216   # >= 1
//   idle_timeout_seconds = 60    # >= 1
//   request_timeout_seconds = 300        # >= 1
//   shutdown_grace_seconds = 10  # >= 0; 0 = cancel in-flight work at once
//
//   [tls]                        # optional; if present both keys are required
//   cert_file = "cert.pem"       # PEM chain; relative to the config file's directory
//   key_file = "key.pem"         # PEM private key; likewise
//
//   [admin]                      # required
//   access_key_id = "AKIA..."    # required; 16..128 characters from A-Z and 0-9
//   secret_access_key = "..."    # optional: generated at first start when absent;
//                                # >= 16 printable ASCII characters, no spaces
//
//   [[regions]]                  # required, at least one
//   name = "ap-south-1"          # required; lowercase words and a number joined by
//                                # dashes: ^[a-z]{2}(-[a-z]+)+-[0-9]+$
//   endpoint = "127.0.0.1:4566"  # required; AWS protocol endpoint, "host:port",
//                                # "[::1]:4566" for IPv6; port 0..65535 (0 = any)
//   app_endpoint = "127.0.0.1:8080"      # required; application API, likewise
//   data_dir = "ap-south-1"      # optional; default = name; relative to the data root
//
//   [[regions.functions]]        # a function deployed in the region above
//   name = "checksum-validator"  # required; 1..64 of A-Za-z0-9-_, unique in the region
//   handler = "checksum-validator"       # optional; a built-in handler; default = name
//   role = "arn:aws:iam::..."    # optional; its execution role
//   timeout_seconds = 30         # 1..900
//   memory_mb = 128              # 128..10240
//   reserved_concurrency = 0     # invocations at once, 0 = unlimited
//   maximum_retry_attempts = 2   # asynchronous invocations, 0..2
//   maximum_event_age_seconds = 21600    # asynchronous invocations, 60..21600
//   on_failure = "arn:aws:sqs:..."       # optional; where failed asynchronous events go
//   environment = { KEY = "value" }      # optional; string values
//   runtime_api = "127.0.0.1:9001"       # optional; run the code in an external process
//                                # (a custom runtime's bootstrap) that polls the Lambda
//                                # Runtime API served at this address
//
//   [[regions.event_source_mappings]]    # an SQS queue that invokes a function
//   function = "checksum-validator"      # required; a function of the region
//   queue = "validation-queue"   # required; a queue of the region, by name
//   batch_size = 10              # 1..10000
//   maximum_batching_window_seconds = 0  # 0..300
//   report_batch_item_failures = false
//   maximum_concurrency = 2      # pollers, 1..1000
//
//   [[regions.buckets]], [[regions.queues]], [[regions.topics]], [[regions.tables]],
//   [[regions.rules]]            # resources provisioned at start, and
//   [[regions.api_routes]], [app]  # the application API: see config_resources.cc
//
//   [replication]                # optional; S3 replication between regions and endpoints
//   workers = 16                 # concurrent transfers per region, 1..1024
//   request_timeout_seconds = 30 # inactivity per request to a destination, >= 1
//   part_size_mib = 8            # larger objects are sent multipart in parts of this size, 5..512
//
//   [email]                      # optional; where SNS email subscriptions are delivered
//   smtp_relay = "127.0.0.1:25"  # optional; an SMTP relay ("host:port", plain, no auth);
//                                # without it mail is written as .eml files to <region data>/mail/
//   from = "alerts@example.com"  # optional; the envelope and header sender
//
//   [[replication.endpoints]]    # a destination outside this process (or a bucket elsewhere)
//   region = "ap-southeast-1"    # required; the region requests are signed for
//   endpoint = "127.0.0.1:4567"  # required; its S3 endpoint, "host:port" (plain HTTP) or
//                                # "https://host[:port]" / "http://host[:port]"
//   access_key_id = "AKIA..."    # optional; default the administrator's key pair
//   secret_access_key = "..."    # required with access_key_id
//   buckets = ["backup"]         # optional; buckets served there whatever their ARN says
//
// Cross-checks: region names are unique; region data dirs are unique; no two
// listen addresses (endpoint or app_endpoint of any region) are equal, where a
// wildcard host ("0.0.0.0", "::") equals every host on the same port and port 0
// never collides.
//
// Resolution: the data root is data_root_override, else [server].data_dir, else
// "data", made absolute against the current directory. A region's data_dir is
// used as is when absolute, else <data root>/<data_dir or name>. TLS files are
// resolved against the config file's directory (the current directory for
// ParseConfig). All resulting paths are absolute and lexically normal.
//
// Errors: kInvalidArgument, one per load (the first found, sections in the order
// above), worded "<source>:<line>:<column>: <key path>: <problem>", e.g.
//   stratus.toml:14:12: regions[1].endpoint: expected "host:port", got "localhost"
// Key paths index arrays from 0. The position is the offending value's, an
// unknown key's own, or, for a missing key, the enclosing table's (1:1 for the
// top level). TOML syntax errors are "<source>:<line>:<column>: <description>".
// String values must not be empty. A file that cannot be read is kNotFound
// (absent) or kIoError, naming the file. Config::source is the file for
// LoadConfig and `source_name` for ParseConfig.

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/config_reader.h"

namespace common {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxThreads = 1024;
constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;
constexpr size_t kMinAccessKeyId = 16;
constexpr size_t kMaxAccessKeyId = 128;
constexpr size_t kMinSecret = 16;
constexpr std::array<std::string_view, 6> kLogLevels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

using namespace config_internal;

// Builds a Config from one document. Single use.
class Loader {
 public:
  // `source` names the text in messages; relative TLS paths resolve against
  // `file_dir`.
  Loader(std::string source, fs::path file_dir, std::optional<fs::path> data_root_override)
      : source_(source.empty() ? "<config>" : std::move(source)),
        file_dir_(std::move(file_dir)),
        data_root_override_(std::move(data_root_override)) {}

  Result<Config> Load(std::string_view text) {
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(source_));
    } catch (const toml::parse_error& e) {
      return InvalidArgument(
          fmt::format("{}: {}", Where(source_, e.source().begin), e.description()));
    }
    TableReader top(source_, root, "");
    STRATUS_RETURN_IF_ERROR(top.RejectUnknownKeys({"server", "limits", "tls", "admin", "regions", "replication", "email", "app"}));
    STRATUS_RETURN_IF_ERROR(ReadServer(top));
    STRATUS_RETURN_IF_ERROR(ReadLimits(top));
    STRATUS_RETURN_IF_ERROR(ReadTls(top));
    STRATUS_RETURN_IF_ERROR(ReadAdmin(top));
    STRATUS_RETURN_IF_ERROR(ReadRegions(top));
    STRATUS_RETURN_IF_ERROR(ReadReplication(top));
    STRATUS_RETURN_IF_ERROR(ReadEmail(top));
    STRATUS_RETURN_IF_ERROR(ReadApp(source_, top, config_.app));
    return std::move(config_);
  }

 private:
  Status ReadServer(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("server"));
    std::optional<std::string> data_dir;
    if (table != nullptr) {
      TableReader server(source_, *table, "server");
      STRATUS_RETURN_IF_ERROR(
          server.RejectUnknownKeys({"data_dir", "log_level", "access_log", "threads"}));
      CONFIG_ASSIGN_OR_RETURN(data_dir, server.OptionalString("data_dir"));
      CONFIG_ASSIGN_OR_RETURN(config_.log_level, server.String("log_level", config_.log_level));
      if (std::find(kLogLevels.begin(), kLogLevels.end(), config_.log_level) == kLogLevels.end()) {
        return server.Invalid(
            "log_level", fmt::format("must be one of trace, debug, info, warn, error, off; got {}",
                                     Quote(config_.log_level)));
      }
      CONFIG_ASSIGN_OR_RETURN(config_.access_log, server.String("access_log", config_.access_log));
      CONFIG_ASSIGN_OR_RETURN(config_.threads,
                              server.Integer<uint32_t>("threads", config_.threads, 0, kMaxThreads));
    }
    fs::path root = data_root_override_.has_value() ? *data_root_override_
                    : data_dir.has_value()          ? fs::path(*data_dir)
                                                    : fs::path("data");
    if (root.empty()) return InvalidArgument("the data root (--data) must not be empty");
    CONFIG_ASSIGN_OR_RETURN(config_.data_root, Normalize(root));
    return Status::Ok();
  }

  Status ReadLimits(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("limits"));
    if (table == nullptr) return Status::Ok();
    TableReader r(source_, *table, "limits");
    STRATUS_RETURN_IF_ERROR(r.RejectUnknownKeys(
        {"max_connections", "max_header_bytes", "max_buffered_body_bytes", "idle_timeout_seconds",
         "request_timeout_seconds", "shutdown_grace_seconds"}));
    LimitsConfig& l = config_.limits;
    CONFIG_ASSIGN_OR_RETURN(l.max_connections, r.Integer("max_connections", l.max_connections, 1));
    CONFIG_ASSIGN_OR_RETURN(l.max_header_bytes,
                            r.Integer("max_header_bytes", l.max_header_bytes, 1024));
    CONFIG_ASSIGN_OR_RETURN(l.max_buffered_body_bytes,
                            r.Integer("max_buffered_body_bytes", l.max_buffered_body_bytes, 1));
    CONFIG_ASSIGN_OR_RETURN(l.idle_timeout_seconds,
                            r.Integer("idle_timeout_seconds", l.idle_timeout_seconds, 1));
    CONFIG_ASSIGN_OR_RETURN(l.request_timeout_seconds,
                            r.Integer("request_timeout_seconds", l.request_timeout_seconds, 1));
    CONFIG_ASSIGN_OR_RETURN(l.shutdown_grace_seconds,
                            r.Integer("shutdown_grace_seconds", l.shutdown_grace_seconds, 0));
    return Status::Ok();
  }

  Status ReadTls(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("tls"));
    if (table == nullptr) return Status::Ok();
    TableReader r(source_, *table, "tls");
    STRATUS_RETURN_IF_ERROR(r.RejectUnknownKeys({"cert_file", "key_file"}));
    CONFIG_ASSIGN_OR_RETURN(std::string cert, r.RequiredString("cert_file"));
    CONFIG_ASSIGN_OR_RETURN(std::string key, r.RequiredString("key_file"));
    TlsConfig tls;
    CONFIG_ASSIGN_OR_RETURN(tls.cert_file, Normalize(file_dir_ / cert));
    CONFIG_ASSIGN_OR_RETURN(tls.key_file, Normalize(file_dir_ / key));
    config_.tls = std::move(tls);
    return Status::Ok();
  }

  Status ReadAdmin(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("admin"));
    if (table == nullptr) return top.Missing("admin", "table");
    TableReader r(source_, *table, "admin");
    STRATUS_RETURN_IF_ERROR(r.RejectUnknownKeys({"access_key_id", "secret_access_key"}));
    CONFIG_ASSIGN_OR_RETURN(config_.admin.access_key_id, r.RequiredString("access_key_id"));
    const std::string& id = config_.admin.access_key_id;
    bool id_chars = std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    if (!id_chars || id.size() < kMinAccessKeyId || id.size() > kMaxAccessKeyId) {
      return r.Invalid("access_key_id",
                       fmt::format("must be {} to {} characters from A-Z and 0-9, got {}",
                                   kMinAccessKeyId, kMaxAccessKeyId, Quote(id)));
    }
    // The secret is never echoed into a message.
    CONFIG_ASSIGN_OR_RETURN(config_.admin.secret_access_key,
                            r.String("secret_access_key", std::string()));
    const std::string& secret = config_.admin.secret_access_key;
    if (!secret.empty()) {
      if (secret.size() < kMinSecret) {
        return r.Invalid("secret_access_key", fmt::format("must be at least {} characters, got {}",
                                                          kMinSecret, secret.size()));
      }
      if (!std::all_of(secret.begin(), secret.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
        return r.Invalid("secret_access_key",
                         "must be printable ASCII without spaces or control characters");
      }
    }
    return Status::Ok();
  }

  Status ReadEmail(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("email"));
    if (table == nullptr) return Status::Ok();
    TableReader r(source_, *table, "email");
    STRATUS_RETURN_IF_ERROR(r.RejectUnknownKeys({"smtp_relay", "from"}));
    CONFIG_ASSIGN_OR_RETURN(std::string relay, r.String("smtp_relay", std::string()));
    if (!relay.empty()) {
      Result<HostPort> parsed = HostPort::Parse(relay);
      if (!parsed.ok()) return r.Invalid("smtp_relay", parsed.status().message());
      config_.email.smtp_relay = std::move(parsed).value();
    }
    CONFIG_ASSIGN_OR_RETURN(config_.email.from, r.String("from", config_.email.from));
    if (config_.email.from.find('@') == std::string::npos || config_.email.from.find_first_of("\r\n<>") != std::string::npos) {
      return r.Invalid("from", fmt::format("{} is not an email address", Quote(config_.email.from)));
    }
    return Status::Ok();
  }

  Status ReadReplication(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("replication"));
    if (table == nullptr) return Status::Ok();
    TableReader r(source_, *table, "replication");
    STRATUS_RETURN_IF_ERROR(
        r.RejectUnknownKeys({"workers", "request_timeout_seconds", "part_size_mib", "endpoints"}));
    ReplicationSettings& s = config_.replication;
    CONFIG_ASSIGN_OR_RETURN(s.workers, r.Integer<uint32_t>("workers", s.workers, 1, 1024));
    CONFIG_ASSIGN_OR_RETURN(s.request_timeout_seconds,
                            r.Integer("request_timeout_seconds", s.request_timeout_seconds, 1));
    CONFIG_ASSIGN_OR_RETURN(s.part_size_mib,
                            r.Integer<uint32_t>("part_size_mib", s.part_size_mib, 5, 512));
    CONFIG_ASSIGN_OR_RETURN(const toml::array* endpoints,
                            r.Array("endpoints", "an array of tables ([[replication.endpoints]])"));
    if (endpoints == nullptr) return Status::Ok();
    for (size_t i = 0; i < endpoints->size(); ++i) {
      const toml::node& node = *endpoints->get(i);
      std::string path = fmt::format("replication.endpoints[{}]", i);
      if (!node.is_table()) {
        return ErrorAt(source_, node.source().begin, path,
                       fmt::format("expected a table, got {}", TypeName(node.type())));
      }
      TableReader e(source_, *node.as_table(), path);
      STRATUS_RETURN_IF_ERROR(e.RejectUnknownKeys(
          {"region", "endpoint", "access_key_id", "secret_access_key", "buckets"}));
      ReplicationEndpoint ep;
      CONFIG_ASSIGN_OR_RETURN(ep.region, e.RequiredString("region"));
      if (!IsRegionName(ep.region)) {
        return e.Invalid("region", fmt::format("{} is not an AWS region name", Quote(ep.region)));
      }
      CONFIG_ASSIGN_OR_RETURN(std::string address, e.RequiredString("endpoint"));
      // "host:port" (plain HTTP), or a URL: "https://host[:port]", "http://host[:port]".
      std::string_view rest = address;
      bool url = rest.starts_with("https://") || rest.starts_with("http://");
      ep.tls = rest.starts_with("https://");
      if (url) rest.remove_prefix(ep.tls ? 8 : 7);
      if (url && rest.ends_with("/")) rest.remove_suffix(1);
      std::string hostport(rest);
      if (url && hostport.find(':', hostport.rfind(']') == std::string::npos ? 0 : hostport.rfind(']')) == std::string::npos) {
        hostport += ep.tls ? ":443" : ":80";
      }
      Result<HostPort> parsed = HostPort::Parse(hostport);
      if (!parsed.ok()) return e.Invalid("endpoint", parsed.status().message());
      ep.endpoint = std::move(parsed).value();
      CONFIG_ASSIGN_OR_RETURN(ep.access_key_id, e.String("access_key_id", std::string()));
      CONFIG_ASSIGN_OR_RETURN(ep.secret_access_key, e.String("secret_access_key", std::string()));
      if (ep.access_key_id.empty() != ep.secret_access_key.empty()) {
        return e.Invalid(ep.access_key_id.empty() ? "secret_access_key" : "access_key_id",
                         "access_key_id and secret_access_key go together");
      }
      CONFIG_ASSIGN_OR_RETURN(const toml::array* buckets, e.Array("buckets", "an array of strings"));
      if (buckets != nullptr) {
        for (size_t j = 0; j < buckets->size(); ++j) {
          const toml::node& b = *buckets->get(j);
          if (!b.is_string() || b.as_string()->get().empty()) {
            return ErrorAt(source_, b.source().begin, fmt::format("{}.buckets[{}]", path, j),
                           "expected a bucket name");
          }
          ep.buckets.push_back(b.as_string()->get());
        }
      }
      s.endpoints.push_back(std::move(ep));
    }
    return Status::Ok();
  }

  Status ReadRegions(const TableReader& top) {
    CONFIG_ASSIGN_OR_RETURN(const toml::array* regions,
                            top.Array("regions", "an array of tables ([[regions]])"));
    if (regions == nullptr) return top.Missing("regions", "array of tables ([[regions]])");
    if (regions->empty()) {
      return ErrorAt(source_, regions->source().begin, "regions",
                     "at least one region is required");
    }
    // Listen addresses seen so far, with the key path that claimed each.
    std::vector<std::pair<HostPort, std::string>> addresses;
    for (size_t i = 0; i < regions->size(); ++i) {
      const toml::node& node = *regions->get(i);
      std::string path = fmt::format("regions[{}]", i);
      if (!node.is_table()) {
        return ErrorAt(source_, node.source().begin, path,
                       fmt::format("expected a table, got {}", TypeName(node.type())));
      }
      TableReader r(source_, *node.as_table(), path);
      STRATUS_RETURN_IF_ERROR(r.RejectUnknownKeys(
          {"name", "endpoint", "app_endpoint", "data_dir", "functions", "event_source_mappings", "buckets",
           "queues", "topics", "tables", "rules", "api_routes"}));

      RegionConfig region;
      CONFIG_ASSIGN_OR_RETURN(region.name, r.RequiredString("name"));
      if (!IsRegionName(region.name)) {
        return r.Invalid("name", fmt::format("{} is not an AWS region name (lowercase words and a "
                                             "number joined by dashes, e.g. \"ap-south-1\")",
                                             Quote(region.name)));
      }
      for (size_t j = 0; j < config_.regions.size(); ++j) {
        if (config_.regions[j].name == region.name) {
          return r.Invalid("name", fmt::format("duplicate region name {} (also regions[{}])",
                                               Quote(region.name), j));
        }
      }

      for (std::string_view key : {"endpoint", "app_endpoint"}) {
        CONFIG_ASSIGN_OR_RETURN(std::string text, r.RequiredString(key));
        Result<HostPort> address = HostPort::Parse(text);
        if (!address.ok()) return r.Invalid(key, address.status().message());
        for (const auto& [seen, seen_path] : addresses) {
          if (Collide(*address, seen)) {
            return r.Invalid(key, fmt::format("address {} collides with {} ({})",
                                              address->ToString(), seen_path, seen.ToString()));
          }
        }
        addresses.emplace_back(*address, r.PathOf(key));
        (key == "endpoint" ? region.endpoint : region.app_endpoint) = std::move(*address);
      }

      CONFIG_ASSIGN_OR_RETURN(std::string dir, r.String("data_dir", region.name));
      CONFIG_ASSIGN_OR_RETURN(region.data_dir, Normalize(config_.data_root / dir));
      for (size_t j = 0; j < config_.regions.size(); ++j) {
        if (config_.regions[j].data_dir == region.data_dir) {
          return r.Find("data_dir") != nullptr
                     ? r.Invalid("data_dir", fmt::format("data dir {} is also regions[{}]'s",
                                                         Quote(region.data_dir.string()), j))
                     : ErrorAt(source_, r.begin(), r.PathOf("data_dir"),
                               fmt::format("the default data dir {} is also regions[{}]'s",
                                           Quote(region.data_dir.string()), j));
        }
      }
      STRATUS_RETURN_IF_ERROR(ReadFunctions(r, region));
      STRATUS_RETURN_IF_ERROR(ReadResources(source_, r, region));
      config_.regions.push_back(std::move(region));
    }
    return Status::Ok();
  }

  Status ReadFunctions(const TableReader& r, RegionConfig& region) {
    CONFIG_ASSIGN_OR_RETURN(auto functions, Tables(source_, r, "functions"));
    for (const auto& [table, path] : functions) {
      TableReader f(source_, *table, path);
      STRATUS_RETURN_IF_ERROR(f.RejectUnknownKeys({"name", "handler", "role", "timeout_seconds", "memory_mb",
                                                   "reserved_concurrency", "maximum_retry_attempts",
                                                   "maximum_event_age_seconds", "on_failure", "environment",
                                                   "runtime_api"}));
      FunctionConfig fn;
      CONFIG_ASSIGN_OR_RETURN(fn.name, f.RequiredString("name"));
      bool valid = fn.name.size() <= 64 && std::all_of(fn.name.begin(), fn.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
      if (!valid) return f.Invalid("name", fmt::format("{} is not a function name (1-64 of A-Za-z0-9-_)", Quote(fn.name)));
      for (const auto& other : region.functions) {
        if (other.name == fn.name) return f.Invalid("name", fmt::format("duplicate function {}", Quote(fn.name)));
      }
      CONFIG_ASSIGN_OR_RETURN(fn.handler, f.String("handler", std::string()));
      CONFIG_ASSIGN_OR_RETURN(fn.role, f.String("role", std::string()));
      CONFIG_ASSIGN_OR_RETURN(fn.timeout_seconds, f.Integer<uint32_t>("timeout_seconds", fn.timeout_seconds, 1, 900));
      CONFIG_ASSIGN_OR_RETURN(fn.memory_mb, f.Integer<uint32_t>("memory_mb", fn.memory_mb, 128, 10240));
      CONFIG_ASSIGN_OR_RETURN(fn.reserved_concurrency,
                              f.Integer<uint32_t>("reserved_concurrency", fn.reserved_concurrency, 0, 1000));
      CONFIG_ASSIGN_OR_RETURN(fn.maximum_retry_attempts,
                              f.Integer<uint32_t>("maximum_retry_attempts", fn.maximum_retry_attempts, 0, 2));
      CONFIG_ASSIGN_OR_RETURN(fn.maximum_event_age_seconds,
                              f.Integer<uint32_t>("maximum_event_age_seconds", fn.maximum_event_age_seconds, 60, 21600));
      CONFIG_ASSIGN_OR_RETURN(fn.on_failure, f.String("on_failure", std::string()));
      if (!fn.on_failure.empty() && !fn.on_failure.starts_with("arn:aws:sqs:") &&
          !fn.on_failure.starts_with("arn:aws:sns:") && !fn.on_failure.starts_with("arn:aws:lambda:")) {
        return f.Invalid("on_failure", "expected an SQS queue, SNS topic or function ARN");
      }
      CONFIG_ASSIGN_OR_RETURN(const toml::table* env, f.Table("environment"));
      if (env != nullptr) {
        for (const auto& [key, value] : *env) {
          if (!value.is_string()) {
            return ErrorAt(source_, value.source().begin, fmt::format("{}.environment.{}", path, key.str()),
                           fmt::format("expected a string, got {}", TypeName(value.type())));
          }
          fn.environment.emplace_back(std::string(key.str()), value.as_string()->get());
        }
      }
      CONFIG_ASSIGN_OR_RETURN(std::string runtime_api, f.String("runtime_api", std::string()));
      if (!runtime_api.empty()) {
        Result<HostPort> address = HostPort::Parse(runtime_api);
        if (!address.ok()) return f.Invalid("runtime_api", address.status().message());
        fn.runtime_api = std::move(address).value();
      }
      region.functions.push_back(std::move(fn));
    }
    CONFIG_ASSIGN_OR_RETURN(auto mappings, Tables(source_, r, "event_source_mappings"));
    for (const auto& [table, path] : mappings) {
      TableReader m(source_, *table, path);
      STRATUS_RETURN_IF_ERROR(m.RejectUnknownKeys({"function", "queue", "batch_size", "maximum_batching_window_seconds",
                                                   "report_batch_item_failures", "maximum_concurrency"}));
      EventSourceMappingConfig esm;
      CONFIG_ASSIGN_OR_RETURN(esm.function, m.RequiredString("function"));
      if (std::none_of(region.functions.begin(), region.functions.end(),
                       [&](const FunctionConfig& f) { return f.name == esm.function; })) {
        return m.Invalid("function", fmt::format("no function {} in region {}", Quote(esm.function), region.name));
      }
      CONFIG_ASSIGN_OR_RETURN(esm.queue, m.RequiredString("queue"));
      CONFIG_ASSIGN_OR_RETURN(esm.batch_size, m.Integer<uint32_t>("batch_size", esm.batch_size, 1, 10000));
      CONFIG_ASSIGN_OR_RETURN(esm.maximum_batching_window_seconds,
                              m.Integer<uint32_t>("maximum_batching_window_seconds", esm.maximum_batching_window_seconds, 0, 300));
      CONFIG_ASSIGN_OR_RETURN(esm.report_batch_item_failures,
                              m.Bool("report_batch_item_failures", esm.report_batch_item_failures));
      CONFIG_ASSIGN_OR_RETURN(esm.maximum_concurrency,
                              m.Integer<uint32_t>("maximum_concurrency", esm.maximum_concurrency, 1, 1000));
      region.event_source_mappings.push_back(std::move(esm));
    }
    return Status::Ok();
  }

  std::string source_;
  fs::path file_dir_;
  std::optional<fs::path> data_root_override_;
  Config config_;
};

// The whole of `file`, or kNotFound / kIoError naming it.
Result<std::string> ReadFile(const fs::path& file) {
  auto fail = [&](int err, std::string_view what) -> Status {
    std::string message = fmt::format("config file {}: {}: {}", file.string(), what,
                                      std::error_code(err, std::generic_category()).message());
    return err == ENOENT || err == ENOTDIR ? NotFound(std::move(message))
                                           : IoError(std::move(message));
  };
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return fail(errno, "cannot open");
  std::string text;
  std::array<char, 64 * 1024> buffer;
  while (true) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
    text.append(buffer.data(), n);
    if (text.size() > kMaxFileBytes) {
      std::fclose(f);
      return InvalidArgument(
          fmt::format("config file {}: larger than {} bytes", file.string(), kMaxFileBytes));
    }
    if (n < buffer.size()) break;
  }
  int err = std::ferror(f) != 0 ? errno : 0;
  std::fclose(f);
  if (err != 0) return fail(err, "cannot read");
  return text;
}

Result<Config> Parse(std::string_view text, std::string source, const fs::path& file_dir,
                     const std::optional<fs::path>& data_root_override) {
  try {
    return Loader(std::move(source), file_dir, data_root_override).Load(text);
  } catch (const std::exception& e) {
    // Only allocation failures and the like get here; keep the no-throw promise.
    return Internal(fmt::format("reading the configuration failed: {}", e.what()));
  }
}

}  // namespace

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<HostPort> HostPort::Parse(std::string_view text) {
  auto expected = [&] {
    return InvalidArgument(fmt::format("expected \"host:port\", got {}", Quote(text)));
  };
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgument(fmt::format("expected \"[ipv6]:port\", got {}", Quote(text)));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    // An IPv6 literal, optionally with a zone: "fe80::1%eth0".
    std::string_view address = host.substr(0, host.find('%'));
    std::string_view zone = host.size() > address.size() ? host.substr(address.size() + 1) : "";
    bool ok = address.find(':') != std::string_view::npos &&
              std::all_of(address.begin(), address.end(),
                          [](char c) {
                            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                                   (c >= 'A' && c <= 'F') || c == ':' || c == '.';
                          }) &&
              (host.size() == address.size() ||
               (!zone.empty() && std::all_of(zone.begin(), zone.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
               })));
    if (!ok) return InvalidArgument(fmt::format("invalid IPv6 address in {}", Quote(text)));
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return expected();
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return InvalidArgument(
          fmt::format("IPv6 addresses need brackets, e.g. \"[::1]:4566\"; got {}", Quote(text)));
    }
    if (host.empty()) return InvalidArgument(fmt::format("missing host in {}", Quote(text)));
    bool ok = host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
              });
    if (!ok) return InvalidArgument(fmt::format("invalid host name in {}", Quote(text)));
  }
  uint32_t value = 0;
  bool port_ok = !port.empty() && port.size() <= 5 &&
                 std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (port_ok) {
    for (char c : port) value = value * 10 + static_cast<uint32_t>(c - '0');
    port_ok = value <= 65535;
  }
  if (!port_ok) {
    return InvalidArgument(
        fmt::format("port must be a number from 0 to 65535, got {}", Quote(port)));
  }
  return HostPort{std::string(host), static_cast<uint16_t>(value)};
}

Result<Config> LoadConfig(const std::filesystem::path& file,
                          const std::optional<std::filesystem::path>& data_root_override) {
  try {
    CONFIG_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    std::error_code ec;
    fs::path absolute = fs::absolute(file, ec);
    if (ec) {
      return IoError(
          fmt::format("config file {}: cannot make it absolute: {}", file.string(), ec.message()));
    }
    CONFIG_ASSIGN_OR_RETURN(Config config,
                            Parse(text, file.string(), absolute.parent_path(), data_root_override));
    config.source = file;
    return config;
  } catch (const std::exception& e) {
    return Internal(fmt::format("config file {}: {}", file.string(), e.what()));
  }
}

Result<Config> ParseConfig(std::string_view text, std::string_view source_name,
                           const std::optional<std::filesystem::path>& data_root_override) {
  CONFIG_ASSIGN_OR_RETURN(Config config,
                          Parse(text, std::string(source_name), fs::path("."), data_root_override));
  // No file: `source` records the name the caller gave the text.
  config.source = fs::path(source_name);
  return config;
}

}  // namespace common
