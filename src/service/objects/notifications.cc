// Event notifications: matching writes against a bucket's configuration, the
// outbox that delivers them, and the messages destinations receive.

#include "service/objects/notifications.h"

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/log.h"
#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {

namespace json = boost::json;

namespace {

// Attempts before an undeliverable notification is dropped (backoff up to
// 30 s: about ten minutes).
constexpr int kMaxAttempts = 25;

bool EventMatches(const std::vector<std::string>& patterns, std::string_view event_name) {
  std::string full = fmt::format("s3:{}", event_name);
  for (const auto& p : patterns) {
    if (p.ends_with('*') ? std::string_view(full).starts_with(std::string_view(p).substr(0, p.size() - 1)) : p == full) {
      return true;
    }
  }
  return false;
}

std::string IsoTime(int64_t ms) {
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(tp), ms % 1000);
}

}  // namespace

std::string EventKeyEncode(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string S3EventMessage(const NotificationEntry& e, std::string_view region) {
  if (e.event_name == "TestEvent") {
    return json::serialize(json::object{{"Service", "Amazon S3"}, {"Event", "s3:TestEvent"},
                                        {"Time", IsoTime(e.time_ms)}, {"Bucket", e.bucket},
                                        {"RequestId", e.cause.request_id}, {"HostId", "stratus"}});
  }
  json::object object{{"key", EventKeyEncode(e.key)}, {"sequencer", e.sequencer}};
  if (e.event_name.starts_with("ObjectCreated")) {
    object["size"] = e.size;
    object["eTag"] = e.etag;
  }
  if (!e.version_id.empty()) object["versionId"] = e.version_id;
  std::string principal = e.cause.principal_id.empty() ? "stratus" : e.cause.principal_id;
  json::object record{
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", region},
      {"eventTime", IsoTime(e.time_ms)},
      {"eventName", e.event_name},
      {"userIdentity", json::object{{"principalId", principal}}},
      {"requestParameters", json::object{{"sourceIPAddress", e.cause.source_ip}}},
      {"responseElements", json::object{{"x-amz-request-id", e.cause.request_id}, {"x-amz-id-2", e.cause.request_id}}},
      {"s3", json::object{{"s3SchemaVersion", "1.0"},
                          {"configurationId", e.configuration_id},
                          {"bucket", json::object{{"name", e.bucket},
                                                  {"ownerIdentity", json::object{{"principalId", principal}}},
                                                  {"arn", fmt::format("arn:aws:s3:::{}", e.bucket)}}},
                          {"object", std::move(object)}}}};
  return json::serialize(json::object{{"Records", json::array{std::move(record)}}});
}

BusEvent EventBridgeEvent(const NotificationEntry& e) {
  BusEvent out;
  bool created = e.event_name.starts_with("ObjectCreated");
  out.detail_type = created ? "Object Created" : "Object Deleted";
  out.resources.push_back(fmt::format("arn:aws:s3:::{}", e.bucket));
  json::object object{{"key", e.key}, {"sequencer", e.sequencer}};
  if (created) {
    object["size"] = e.size;
    object["etag"] = e.etag;
  }
  if (!e.version_id.empty()) object["version-id"] = e.version_id;
  std::string_view action = std::string_view(e.event_name).substr(e.event_name.find(':') + 1);
  std::string reason = action == "Put"                       ? "PutObject"
                       : action == "Copy"                    ? "CopyObject"
                       : action == "CompleteMultipartUpload" ? "CompleteMultipartUpload"
                       : action == "Post"                    ? "PostObject"
                                                             : "DeleteObject";
  json::object detail{{"version", "0"},
                      {"bucket", json::object{{"name", e.bucket}}},
                      {"object", std::move(object)},
                      {"request-id", e.cause.request_id},
                      {"requester", e.cause.principal_id.empty() ? "stratus" : e.cause.principal_id},
                      {"source-ip-address", e.cause.source_ip},
                      {"reason", reason}};
  if (!created) {
    detail["deletion-type"] = action == "DeleteMarkerCreated" ? "Delete Marker Created" : "Permanently Deleted";
  }
  out.detail = json::serialize(detail);
  return out;
}

void ObjectService::Impl::QueueNotifications(const BucketInfo& bucket, const ObjectVersion& v,
                                             std::string_view event_name, const EventInfo& cause, uint64_t stamp,
                                             storage::WriteBatch& batch, std::vector<std::string>& keys) {
  const NotificationConfig& config = bucket.notification;
  if (config.empty()) return;
  NotificationEntry e;
  e.event_name = std::string(event_name);
  e.bucket = bucket.name;
  e.key = v.key;
  e.size = v.size;
  e.etag = v.etag;
  if (bucket.versioning != Versioning::kUnversioned) e.version_id = v.version_id;
  e.sequencer = fmt::format("{:016X}", stamp);
  e.time_ms = static_cast<int64_t>(stamp / 1000000);
  e.cause = cause;
  uint16_t index = 0;
  auto add = [&](NotificationEntry& entry) {
    entry.id = fmt::format("{:016x}{:04x}", stamp, index++);
    std::string key = keys::Notification(entry.id);
    batch.Put(key, records::Encode(entry));
    keys.push_back(std::move(key));
  };
  for (const auto& t : config.targets) {
    if (!EventMatches(t.events, event_name) || !v.key.starts_with(t.prefix) || !v.key.ends_with(t.suffix)) continue;
    NotificationEntry entry = e;
    entry.kind = t.kind;
    entry.arn = t.arn;
    entry.configuration_id = t.id;
    add(entry);
  }
  if (config.eventbridge) {
    NotificationEntry entry = e;
    entry.eventbridge = true;
    add(entry);
  }
}

void ObjectService::Impl::Announce(Announcements announce) {
  Announce(std::move(announce.backlog));
  if (!announce.notifications.empty() && notifications_ != nullptr) notifications_->Added(std::move(announce.notifications));
}

Status ObjectService::StartNotifications(NotificationSink sink, common::metrics::Registry* metrics) {
  Outbox::Options o;
  o.name = "s3_notifications";
  o.prefix = std::string(keys::kNotificationPrefix);
  std::string region = impl_->options_.region;
  impl_->notifications_ = std::make_unique<Outbox>(
      impl_->kv_, o,
      [sink = std::move(sink), region](std::string_view key, std::string_view value, int attempt) {
        auto entry = records::DecodeNotification(key.substr(keys::kNotificationPrefix.size()), value);
        if (!entry.ok()) {
          common::log::Get("objects")->error("notification {} unreadable: {}", key, entry.status().ToString());
          return Outbox::Verdict::kGiveUp;
        }
        Status st = sink(*entry);
        if (st.ok()) return Outbox::Verdict::kDone;
        if (attempt < kMaxAttempts) return Outbox::Verdict::kRetry;
        common::log::Get("objects")->warn("region={} bucket={} notification to {} dropped after {} attempts: {}", region,
                                          entry->bucket, entry->eventbridge ? "the event bus" : entry->arn, attempt,
                                          st.ToString());
        return Outbox::Verdict::kGiveUp;
      },
      metrics);
  return impl_->notifications_->Start();
}

void ObjectService::StopNotifications() {
  if (impl_->notifications_) impl_->notifications_->Stop();
}

Status ObjectService::QueueTestEvents(std::string_view bucket) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  storage::WriteBatch batch;
  std::vector<std::string> keys;
  uint64_t stamp = impl_->NextStamp();
  uint16_t index = 0;
  for (const auto& t : b->notification.targets) {
    if (t.kind == NotificationTarget::Kind::kFunction) continue;
    NotificationEntry e;
    e.id = fmt::format("{:016x}{:04x}", stamp, index++);
    e.kind = t.kind;
    e.arn = t.arn;
    e.configuration_id = t.id;
    e.event_name = "TestEvent";
    e.bucket = b->name;
    e.time_ms = static_cast<int64_t>(stamp / 1000000);
    std::string key = keys::Notification(e.id);
    batch.Put(key, records::Encode(e));
    keys.push_back(std::move(key));
  }
  if (batch.empty()) return Status::Ok();
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  impl_->Announce(Announcements{{}, std::move(keys)});
  return Status::Ok();
}

}  // namespace service::objects
