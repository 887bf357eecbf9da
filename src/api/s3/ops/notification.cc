#include "api/s3/ops/notification.h"

#include <set>

#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"
#include "common/ids.h"
#include "service/queues/queue_service.h"

namespace api::s3 {

using common::ErrorCode;
using service::objects::NotificationTarget;
using Kind = NotificationTarget::Kind;

namespace {

Status InvalidArgument(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message), "InvalidArgument");
}

// The event types S3 defines for notifications.
bool KnownEvent(std::string_view e) {
  static const std::set<std::string_view> kEvents = {
      "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
      "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
      "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Post",
      "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject",
      "s3:Replication:*", "s3:Replication:OperationFailedReplication",
      "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
      "s3:Replication:OperationNotTracked", "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete",
      "s3:LifecycleExpiration:DeleteMarkerCreated", "s3:LifecycleTransition", "s3:IntelligentTiering",
      "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put"};
  return kEvents.contains(e);
}

std::string_view ArnService(std::string_view arn) {
  // arn:aws:<service>:...
  if (!arn.starts_with("arn:")) return {};
  auto a = arn.find(':', 4);
  if (a == std::string_view::npos) return {};
  auto b = arn.find(':', a + 1);
  return b == std::string_view::npos ? std::string_view() : arn.substr(a + 1, b - a - 1);
}

}  // namespace

net::awaitable<Result<net::Response>> GetBucketNotificationConfiguration::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  XmlWriter w;
  w.Declaration();
  w.Open("NotificationConfiguration", kXmlns);
  for (const auto& t : b->notification.targets) {
    const char* element = t.kind == Kind::kQueue ? "QueueConfiguration"
                          : t.kind == Kind::kTopic ? "TopicConfiguration"
                                                   : "CloudFunctionConfiguration";
    w.Open(element);
    w.Element("Id", t.id);
    w.Element(t.kind == Kind::kQueue ? "Queue" : t.kind == Kind::kTopic ? "Topic" : "CloudFunction", t.arn);
    for (const auto& e : t.events) w.Element("Event", e);
    if (!t.prefix.empty() || !t.suffix.empty()) {
      w.Open("Filter");
      w.Open("S3Key");
      for (auto [name, value] : {std::pair<const char*, const std::string*>{"Prefix", &t.prefix}, {"Suffix", &t.suffix}}) {
        if (value->empty()) continue;
        w.Open("FilterRule");
        w.Element("Name", name);
        w.Element("Value", *value);
        w.Close();
      }
      w.Close();
      w.Close();
    }
    w.Close();
  }
  if (b->notification.eventbridge) {
    w.Open("EventBridgeConfiguration");
    w.Close();
  }
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<PutBucketNotificationConfiguration::Request> PutBucketNotificationConfiguration::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  auto config = ParseNotificationConfiguration(ctx.body ? *ctx.body : std::string());
  if (!config.ok()) return config.status();
  for (auto& t : config->targets) {
    for (const auto& e : t.events) {
      if (!KnownEvent(e)) return InvalidArgument(fmt::format("The event is not supported for notifications: {}", e));
    }
    std::string_view want = t.kind == Kind::kQueue ? "sqs" : t.kind == Kind::kTopic ? "sns" : "lambda";
    if (ArnService(t.arn) != want) {
      return InvalidArgument(fmt::format("The ARN is not well formed: {}", t.arn));
    }
    if (t.id.empty()) t.id = common::RandomString(24, "abcdefghijklmnopqrstuvwxyz0123456789");
  }
  return Request{b->bucket, std::move(config).value()};
}

net::awaitable<Result<net::Response>> PutBucketNotificationConfiguration::Execute(OpContext& ctx, Request r) {
  auto& objects = Objects(ctx);
  // S3 checks that each destination exists before it accepts the configuration.
  std::string local = fmt::format("arn:aws:sqs:{}:{}:", ctx.services.region, auth::kAccountId);
  for (const auto& t : r.config.targets) {
    if (t.kind != Kind::kQueue || !t.arn.starts_with(local) || ctx.services.queues == nullptr) continue;
    if (!ctx.services.queues->GetQueue(std::string_view(t.arn).substr(local.size())).ok()) {
      co_return InvalidArgument(fmt::format("Unable to validate the following destination configurations: {}", t.arn));
    }
  }
  auto st = co_await OnPool(ctx.services.blocking, [&]() -> Status {
    auto u = objects.UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
      info.notification = r.config;
      return Status::Ok();
    });
    if (!u.ok()) return u.status();
    return objects.QueueTestEvents(r.bucket);
  });
  if (!st.ok()) co_return st;
  co_return EmptyResponse();
}

}  // namespace api::s3
