// The resources a region provisions at start: [[regions.buckets]],
// [[regions.queues]], [[regions.topics]], [[regions.tables]], [[regions.rules]]
// (see config.h). The keys, under a [[regions]] table:
//
//   [[regions.buckets]]
//   name = "main"                # required; an S3 bucket name
//   versioning = false           # enable versioning
//   eventbridge = false          # send object events to the default event bus
//   replicate_to = ["main-replica"]      # destination buckets, one replication rule each
//                                # (whole bucket, delete markers too); versioning required
//   notifications = [{ function = "replica-processor", events = ["s3:ObjectCreated:*"],
//                      prefix = "", suffix = "" }]   # or queue = / topic = ; by name
//   cors_allow_origins = ["*"]   # browsers from these origins may GET, PUT and HEAD
//
//   [[regions.queues]]
//   name = "validation-queue"    # required; ".fifo" = a FIFO queue
//   dead_letter_queue = "validation-dlq" # optional; a queue of the region
//   max_receive_count = 3        # 1..1000, with dead_letter_queue
//   attributes = { VisibilityTimeout = "30" }   # optional; SQS attributes, string values
//
//   [[regions.topics]]
//   name = "alerts"              # required
//   email = ["ops@example.com"]  # optional; email subscriptions, confirmed by the config
//   queues = ["alerts-inbox"]    # optional; queue subscriptions (raw delivery)
//
//   [[regions.tables]]
//   name = "file-metadata"       # required; on-demand capacity
//   hash_key = "object_key"      # required
//   hash_key_type = "S"          # S | N | B
//   range_key = "ts"             # optional
//   range_key_type = "S"         # S | N | B
//
//   [[regions.rules]]            # a rule on the region's default event bus
//   name = "s3-object-created"   # required
//   event_pattern = '{"source": ["aws.s3"]}'    # required; JSON
//   queues = ["validation-queue"]        # targets by name: queues, topics, functions
//   topics = []
//   functions = []
//
//   [[regions.api_routes]]       # the application API: a route → a function
//   route = "POST /presign"      # required; METHOD (or ANY) and a path whose segments
//                                # may be {name} (one segment) or, last, {name+} (the rest)
//   function = "presigner"       # required; a function of the region
//
//   [app]                        # optional; the application API of every region
//   api_keys = ["..."]           # accepted x-api-key values (>= 20 characters); none =
//                                # one generated at first start into <data root>/api-key
//   rate_per_second = 100        # per key, 1..100000 (a token bucket)
//   burst = 200                  # per key, 1..100000
//   cors_allow_origins = ["*"]   # origins browsers may call from ("*" = any)
//   imds_endpoint = "auto"       # instance metadata: "auto" (EC2's IMDSv2 on EC2), "off",
//                                # or "host:port"
//
// Names are unique per kind in a region. What the services themselves check
// (bucket names, attribute values, patterns) is checked when provisioning,
// which stops start-up with the service's own error.

#include <algorithm>

#include "common/config_reader.h"

namespace common::config_internal {
namespace {

// An array of non-empty strings, or empty when absent.
Result<std::vector<std::string>> Strings(std::string_view source, const TableReader& r, std::string_view key,
                                         const std::string& path) {
  std::vector<std::string> out;
  CONFIG_ASSIGN_OR_RETURN(const toml::array* array, r.Array(key, "an array of strings"));
  if (array == nullptr) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    std::string at = fmt::format("{}.{}[{}]", path, key, i);
    if (!node.is_string()) {
      return ErrorAt(source, node.source().begin, at, fmt::format("expected a string, got {}", TypeName(node.type())));
    }
    if (node.as_string()->get().empty()) return ErrorAt(source, node.source().begin, at, "must not be empty");
    out.push_back(node.as_string()->get());
  }
  return out;
}

// A table of string values ({ KEY = "value" }), in file order.
Result<std::vector<std::pair<std::string, std::string>>> StringMap(std::string_view source, const TableReader& r,
                                                                   std::string_view key, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  CONFIG_ASSIGN_OR_RETURN(const toml::table* table, r.Table(key));
  if (table == nullptr) return out;
  for (const auto& [k, value] : *table) {
    if (!value.is_string()) {
      return ErrorAt(source, value.source().begin, fmt::format("{}.{}.{}", path, key, k.str()),
                     fmt::format("expected a string, got {}", TypeName(value.type())));
    }
    out.emplace_back(std::string(k.str()), value.as_string()->get());
  }
  return out;
}

// The name of a resource, unique among `seen` of its kind.
template <typename T>
Result<std::string> UniqueName(const TableReader& r, const std::vector<T>& seen, std::string_view kind) {
  CONFIG_ASSIGN_OR_RETURN(std::string name, r.RequiredString("name"));
  for (const auto& other : seen) {
    if (other.name == name) return r.Invalid("name", fmt::format("duplicate {} {}", kind, Quote(name)));
  }
  return name;
}

Result<std::string> KeyType(const TableReader& r, std::string_view key) {
  Result<std::string> type = r.String(key, "S");
  if (!type.ok()) return type.status();
  if (*type != "S" && *type != "N" && *type != "B") {
    return r.Invalid(key, fmt::format("expected \"S\", \"N\" or \"B\", got {}", Quote(*type)));
  }
  return type;
}

Status ReadBuckets(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "buckets"));
  for (const auto& [table, path] : tables) {
    TableReader b(source, *table, path);
    STRATUS_RETURN_IF_ERROR(
        b.RejectUnknownKeys({"name", "versioning", "eventbridge", "replicate_to", "notifications", "cors_allow_origins"}));
    BucketConfig bucket;
    CONFIG_ASSIGN_OR_RETURN(bucket.name, UniqueName(b, region.buckets, "bucket"));
    CONFIG_ASSIGN_OR_RETURN(bucket.versioning, b.Bool("versioning", false));
    CONFIG_ASSIGN_OR_RETURN(bucket.eventbridge, b.Bool("eventbridge", false));
    CONFIG_ASSIGN_OR_RETURN(bucket.replicate_to, Strings(source, b, "replicate_to", path));
    CONFIG_ASSIGN_OR_RETURN(bucket.cors_allow_origins, Strings(source, b, "cors_allow_origins", path));
    if (!bucket.replicate_to.empty() && !bucket.versioning) {
      return b.Invalid("replicate_to", "replication needs versioning = true");
    }
    CONFIG_ASSIGN_OR_RETURN(const toml::array* notifications, b.Array("notifications", "an array of tables"));
    for (size_t i = 0; notifications != nullptr && i < notifications->size(); ++i) {
      const toml::node& node = *notifications->get(i);
      std::string at = fmt::format("{}.notifications[{}]", path, i);
      if (!node.is_table()) {
        return ErrorAt(source, node.source().begin, at, fmt::format("expected a table, got {}", TypeName(node.type())));
      }
      TableReader n(source, *node.as_table(), at);
      STRATUS_RETURN_IF_ERROR(n.RejectUnknownKeys({"events", "prefix", "suffix", "function", "queue", "topic"}));
      BucketNotificationConfig nc;
      CONFIG_ASSIGN_OR_RETURN(auto events, Strings(source, n, "events", at));
      if (!events.empty()) nc.events = std::move(events);
      CONFIG_ASSIGN_OR_RETURN(nc.prefix, n.String("prefix", ""));
      CONFIG_ASSIGN_OR_RETURN(nc.suffix, n.String("suffix", ""));
      CONFIG_ASSIGN_OR_RETURN(nc.function, n.String("function", ""));
      CONFIG_ASSIGN_OR_RETURN(nc.queue, n.String("queue", ""));
      CONFIG_ASSIGN_OR_RETURN(nc.topic, n.String("topic", ""));
      int destinations = !nc.function.empty() + !nc.queue.empty() + !nc.topic.empty();
      if (destinations != 1) {
        return ErrorAt(source, node.source().begin, at, "exactly one of function, queue or topic is required");
      }
      bucket.notifications.push_back(std::move(nc));
    }
    region.buckets.push_back(std::move(bucket));
  }
  return Status::Ok();
}

Status ReadQueues(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "queues"));
  for (const auto& [table, path] : tables) {
    TableReader q(source, *table, path);
    STRATUS_RETURN_IF_ERROR(q.RejectUnknownKeys({"name", "dead_letter_queue", "max_receive_count", "attributes"}));
    QueueConfig queue;
    CONFIG_ASSIGN_OR_RETURN(queue.name, UniqueName(q, region.queues, "queue"));
    CONFIG_ASSIGN_OR_RETURN(queue.dead_letter_queue, q.String("dead_letter_queue", ""));
    CONFIG_ASSIGN_OR_RETURN(queue.max_receive_count, q.Integer<uint32_t>("max_receive_count", 3, 1, 1000));
    CONFIG_ASSIGN_OR_RETURN(queue.attributes, StringMap(source, q, "attributes", path));
    if (!queue.dead_letter_queue.empty() &&
        std::any_of(queue.attributes.begin(), queue.attributes.end(),
                    [](const auto& a) { return a.first == "RedrivePolicy"; })) {
      return q.Invalid("dead_letter_queue", "give either dead_letter_queue or attributes.RedrivePolicy, not both");
    }
    region.queues.push_back(std::move(queue));
  }
  return Status::Ok();
}

Status ReadTopics(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "topics"));
  for (const auto& [table, path] : tables) {
    TableReader t(source, *table, path);
    STRATUS_RETURN_IF_ERROR(t.RejectUnknownKeys({"name", "email", "queues"}));
    TopicConfig topic;
    CONFIG_ASSIGN_OR_RETURN(topic.name, UniqueName(t, region.topics, "topic"));
    CONFIG_ASSIGN_OR_RETURN(topic.email, Strings(source, t, "email", path));
    for (size_t i = 0; i < topic.email.size(); ++i) {
      if (topic.email[i].find('@') == std::string::npos) {
        return t.Invalid("email", fmt::format("{} is not an email address", Quote(topic.email[i])));
      }
    }
    CONFIG_ASSIGN_OR_RETURN(topic.queues, Strings(source, t, "queues", path));
    region.topics.push_back(std::move(topic));
  }
  return Status::Ok();
}

Status ReadTables(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "tables"));
  for (const auto& [table, path] : tables) {
    TableReader t(source, *table, path);
    STRATUS_RETURN_IF_ERROR(t.RejectUnknownKeys({"name", "hash_key", "hash_key_type", "range_key", "range_key_type"}));
    TableConfig tc;
    CONFIG_ASSIGN_OR_RETURN(tc.name, UniqueName(t, region.tables, "table"));
    CONFIG_ASSIGN_OR_RETURN(tc.hash_key, t.RequiredString("hash_key"));
    CONFIG_ASSIGN_OR_RETURN(tc.hash_key_type, KeyType(t, "hash_key_type"));
    CONFIG_ASSIGN_OR_RETURN(tc.range_key, t.String("range_key", ""));
    CONFIG_ASSIGN_OR_RETURN(tc.range_key_type, KeyType(t, "range_key_type"));
    region.tables.push_back(std::move(tc));
  }
  return Status::Ok();
}

Status ReadRules(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "rules"));
  for (const auto& [table, path] : tables) {
    TableReader t(source, *table, path);
    STRATUS_RETURN_IF_ERROR(t.RejectUnknownKeys({"name", "event_pattern", "queues", "topics", "functions"}));
    RuleConfig rule;
    CONFIG_ASSIGN_OR_RETURN(rule.name, UniqueName(t, region.rules, "rule"));
    CONFIG_ASSIGN_OR_RETURN(rule.event_pattern, t.RequiredString("event_pattern"));
    CONFIG_ASSIGN_OR_RETURN(rule.queues, Strings(source, t, "queues", path));
    CONFIG_ASSIGN_OR_RETURN(rule.topics, Strings(source, t, "topics", path));
    CONFIG_ASSIGN_OR_RETURN(rule.functions, Strings(source, t, "functions", path));
    region.rules.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ReadApiRoutes(std::string_view source, const TableReader& r, RegionConfig& region) {
  CONFIG_ASSIGN_OR_RETURN(auto tables, Tables(source, r, "api_routes"));
  for (const auto& [table, path] : tables) {
    TableReader t(source, *table, path);
    STRATUS_RETURN_IF_ERROR(t.RejectUnknownKeys({"route", "function"}));
    ApiRouteConfig route;
    CONFIG_ASSIGN_OR_RETURN(std::string text, t.RequiredString("route"));
    auto space = text.find(' ');
    route.method = text.substr(0, space);
    route.path = space == std::string::npos ? "" : text.substr(space + 1);
    static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "ANY"};
    if (std::find(std::begin(kMethods), std::end(kMethods), route.method) == std::end(kMethods) ||
        !route.path.starts_with("/")) {
      return t.Invalid("route", fmt::format("{} is not \"METHOD /path\" (GET, POST, PUT, DELETE, PATCH, HEAD or ANY)",
                                            Quote(text)));
    }
    size_t greedy = route.path.find("+}");
    if (greedy != std::string::npos && greedy + 2 != route.path.size()) {
      return t.Invalid("route", "a greedy {name+} segment must come last");
    }
    for (const auto& other : region.api_routes) {
      if (other.method == route.method && other.path == route.path) {
        return t.Invalid("route", fmt::format("duplicate route {}", Quote(text)));
      }
    }
    CONFIG_ASSIGN_OR_RETURN(route.function, t.RequiredString("function"));
    if (std::none_of(region.functions.begin(), region.functions.end(),
                     [&](const FunctionConfig& f) { return f.name == route.function; })) {
      return t.Invalid("function", fmt::format("no function {} in region {}", Quote(route.function), region.name));
    }
    region.api_routes.push_back(std::move(route));
  }
  return Status::Ok();
}

}  // namespace

Status ReadApp(std::string_view source, const TableReader& top, AppConfig& app) {
  CONFIG_ASSIGN_OR_RETURN(const toml::table* table, top.Table("app"));
  if (table == nullptr) return Status::Ok();
  TableReader r(source, *table, "app");
  STRATUS_RETURN_IF_ERROR(
      r.RejectUnknownKeys({"api_keys", "rate_per_second", "burst", "cors_allow_origins", "imds_endpoint"}));
  CONFIG_ASSIGN_OR_RETURN(app.api_keys, Strings(source, r, "api_keys", "app"));
  for (const auto& key : app.api_keys) {
    if (key.size() < 20 || key.find_first_of(" \t\r\n") != std::string::npos) {
      return r.Invalid("api_keys", "an API key has at least 20 characters and no white space");
    }
  }
  CONFIG_ASSIGN_OR_RETURN(app.rate_per_second, r.Integer<uint32_t>("rate_per_second", app.rate_per_second, 1, 100000));
  CONFIG_ASSIGN_OR_RETURN(app.burst, r.Integer<uint32_t>("burst", app.burst, 1, 100000));
  if (r.Find("cors_allow_origins") != nullptr) {
    CONFIG_ASSIGN_OR_RETURN(app.cors_allow_origins, Strings(source, r, "cors_allow_origins", "app"));
  }
  CONFIG_ASSIGN_OR_RETURN(app.imds_endpoint, r.String("imds_endpoint", app.imds_endpoint));
  if (app.imds_endpoint != "auto" && app.imds_endpoint != "off") {
    auto parsed = HostPort::Parse(app.imds_endpoint);
    if (!parsed.ok()) return r.Invalid("imds_endpoint", "expected \"auto\", \"off\" or \"host:port\"");
  }
  return Status::Ok();
}

Status ReadResources(std::string_view source, const TableReader& r, RegionConfig& region) {
  STRATUS_RETURN_IF_ERROR(ReadBuckets(source, r, region));
  STRATUS_RETURN_IF_ERROR(ReadQueues(source, r, region));
  STRATUS_RETURN_IF_ERROR(ReadTopics(source, r, region));
  STRATUS_RETURN_IF_ERROR(ReadTables(source, r, region));
  STRATUS_RETURN_IF_ERROR(ReadRules(source, r, region));
  return ReadApiRoutes(source, r, region);
}

}  // namespace common::config_internal
