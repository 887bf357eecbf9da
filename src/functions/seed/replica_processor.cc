// replica-processor (seed 000): invoked asynchronously by the replica
// bucket's ObjectCreated notifications. For each object it reads the
// replica's full-object checksum (HeadObject, checksum mode), writes
// {object_key, size, bucket, timestamp, etag, checksum, version_id} into the
// metadata table, then publishes an alert to the alerts topic. Any failure
// fails the invocation, so the host retries it (and then sends the event to
// the function's on-failure destination); PutItem is idempotent, so a retry
// rewrites the same item.
//
// Environment: TABLE_NAME (required, e.g. file-metadata), ALERTS_TOPIC_ARN
// (optional; no alert without it).

#include "functions/seed/handlers.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::Result;
using common::Status;

Result<json::value> ReplicaProcessor(Context& ctx, const json::value& event) {
  auto table = RequiredEnv(ctx, "TABLE_NAME");
  if (!table.ok()) return table.status();
  std::string topic(ctx.env("ALERTS_TOPIC_ARN"));
  auto objects = ObjectsOf(event);
  if (!objects.ok()) return objects.status();
  auto aws = ctx.Aws();
  if (!aws.ok()) return aws.status();
  int processed = 0;
  for (const auto& object : *objects) {
    if (!object.event_name.starts_with("ObjectCreated") && object.event_name != "Object Created") continue;
    auto head = HeadObject(ctx, "", object);
    if (!head.ok()) return head.status();
    if (!head->exists) {
      ctx.Log(fmt::format("INFO: s3://{}/{} no longer exists; skipped", object.bucket, object.key));
      continue;
    }
    std::string checksum = head->checksum_algorithm.empty()
                               ? std::string()
                               : fmt::format("{}:{}", head->checksum_algorithm, head->checksum);
    std::string version = !object.version_id.empty() ? object.version_id : head->version_id;
    json::object item{{"object_key", {{"S", object.key}}},
                      {"size", {{"N", std::to_string(object.size >= 0 ? object.size : head->size)}}},
                      {"bucket", {{"S", object.bucket}}},
                      {"timestamp", {{"S", object.event_time.empty() ? head->last_modified : object.event_time}}},
                      {"etag", {{"S", head->etag}}}};
    if (!checksum.empty()) item["checksum"] = json::object{{"S", checksum}};
    if (!version.empty() && version != "null") item["version_id"] = json::object{{"S", version}};
    auto put = (*aws)->Json(client::kDynamoDb, "PutItem", {{"TableName", *table}, {"Item", item}});
    if (!put.ok()) return put.status();
    ctx.Log(fmt::format("Stored metadata for s3://{}/{} ({} bytes, {}) in {}", object.bucket, object.key,
                        object.size >= 0 ? object.size : head->size, checksum.empty() ? head->etag : checksum, *table));
    if (!topic.empty()) {
      std::string message = json::serialize(json::object{{"event", "file_replicated"},
                                                         {"bucket", object.bucket},
                                                         {"object_key", object.key},
                                                         {"size", object.size >= 0 ? object.size : head->size},
                                                         {"etag", head->etag},
                                                         {"checksum", checksum},
                                                         {"version_id", version},
                                                         {"timestamp", item["timestamp"].as_object()["S"]}});
      auto published = Publish(ctx, topic, fmt::format("New file replicated: {}", object.bucket).substr(0, 99), message);
      if (!published.ok()) return published.status();
    }
    ++processed;
  }
  return json::value(json::object{{"processed", processed}});
}

}  // namespace functions::seed
