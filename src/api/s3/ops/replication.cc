#include "api/s3/ops/replication.h"

#include <set>

#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"
#include "replication/destinations.h"
#include "replication/engine.h"

namespace api::s3 {

using common::ErrorCode;
using service::objects::ReplicationConfig;
using service::objects::ReplicationRule;
using Form = ReplicationRule::FilterForm;

namespace {

Status InvalidRequest(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message), "InvalidRequest");
}

// S3's checks of a configuration beyond its schema.
Status Validate(const ReplicationConfig& c) {
  std::set<std::string> ids;
  std::set<int> priorities;
  for (const auto& rule : c.rules) {
    if (rule.id.size() > 255) {
      return Status(ErrorCode::kInvalidArgument, "The ID of a rule is longer than 255 characters",
                    "InvalidArgument");
    }
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      return Status(ErrorCode::kInvalidArgument, "Rule Id must be unique", "InvalidArgument");
    }
    if (auto arn = replication::ParseBucketArn(rule.destination); !arn.ok()) return arn.status();
    const bool v2 = rule.filter_form != Form::kLegacyPrefix && rule.filter_form != Form::kNone;
    if (v2 && !priorities.insert(rule.priority).second) {
      return InvalidRequest(fmt::format("Found duplicate priority {}", rule.priority));
    }
    if (rule.delete_marker_replication && !rule.tags.empty()) {
      return InvalidRequest(
          "Delete marker replication is not supported if any Tag filter is specified.");
    }
    if (rule.replication_time && !rule.metrics) {
      return InvalidRequest("Replication Time Control must be used in conjunction with metrics.");
    }
  }
  return Status::Ok();
}

void WriteTag(XmlWriter& w, const std::pair<std::string, std::string>& tag) {
  w.Open("Tag");
  w.Element("Key", tag.first);
  w.Element("Value", tag.second);
  w.Close();
}

// <element><Status>Enabled</Status><inner><Minutes>15</Minutes></inner></element>:
// S3's only replication-time threshold.
void WriteFifteenMinutes(XmlWriter& w, std::string_view element, std::string_view inner) {
  w.Open(element);
  w.Element("Status", "Enabled");
  w.Open(inner);
  w.Element("Minutes", 15);
  w.Close();
  w.Close();
}

void WriteStatus(XmlWriter& w, std::string_view element, bool on) {
  w.Open(element);
  w.Element("Status", on ? "Enabled" : "Disabled");
  w.Close();
}

}  // namespace

net::awaitable<Result<net::Response>> GetBucketReplication::Execute(OpContext& ctx, BucketRequest r) {
  auto b = Objects(ctx).GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (!b->replication) {
    co_return Status(ErrorCode::kNotFound, "The replication configuration was not found",
                     "ReplicationConfigurationNotFoundError");
  }
  XmlWriter w;
  w.Declaration();
  w.Open("ReplicationConfiguration", kXmlns);
  w.Element("Role", b->replication->role);
  for (const auto& rule : b->replication->rules) {
    w.Open("Rule");
    if (!rule.id.empty()) w.Element("ID", rule.id);
    if (rule.filter_form != Form::kLegacyPrefix && rule.filter_form != Form::kNone) {
      w.Element("Priority", rule.priority);
    }
    switch (rule.filter_form) {
      case Form::kLegacyPrefix: w.Element("Prefix", rule.prefix); break;
      case Form::kNone: break;
      case Form::kEmpty: w.Open("Filter"); w.Close(); break;
      case Form::kPrefix: w.Open("Filter"); w.Element("Prefix", rule.prefix); w.Close(); break;
      case Form::kTag:
        w.Open("Filter");
        if (!rule.tags.empty()) WriteTag(w, rule.tags.front());
        w.Close();
        break;
      case Form::kAnd:
        w.Open("Filter");
        w.Open("And");
        if (!rule.prefix.empty()) w.Element("Prefix", rule.prefix);
        for (const auto& t : rule.tags) WriteTag(w, t);
        w.Close();
        w.Close();
        break;
    }
    w.Element("Status", rule.enabled ? "Enabled" : "Disabled");
    w.Open("Destination");
    w.Element("Bucket", rule.destination);
    if (!rule.destination_account.empty()) w.Element("Account", rule.destination_account);
    if (!rule.storage_class.empty()) w.Element("StorageClass", rule.storage_class);
    if (rule.replication_time) WriteFifteenMinutes(w, "ReplicationTime", "Time");
    if (rule.metrics) WriteFifteenMinutes(w, "Metrics", "EventThreshold");
    w.Close();
    if (rule.filter_form != Form::kLegacyPrefix && rule.filter_form != Form::kNone) {
      WriteStatus(w, "DeleteMarkerReplication", rule.delete_marker_replication);
    }
    if (rule.existing_object_replication) WriteStatus(w, "ExistingObjectReplication", true);
    w.Close();
  }
  w.Close();
  co_return XmlResponse(w.Take());
}

Result<PutBucketReplication::Request> PutBucketReplication::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  auto config = ParseReplicationConfiguration(ctx.body ? *ctx.body : std::string());
  if (!config.ok()) return config.status();
  STRATUS_RETURN_IF_ERROR(Validate(*config));
  return Request{b->bucket, std::move(config).value()};
}

net::awaitable<Result<net::Response>> PutBucketReplication::Execute(OpContext& ctx, Request r) {
  auto& objects = Objects(ctx);
  auto b = objects.GetBucket(r.bucket);
  if (!b.ok()) co_return b.status();
  if (b->versioning != service::objects::Versioning::kEnabled) {
    co_return InvalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  }
  if (ctx.services.replication == nullptr) {
    co_return Status(ErrorCode::kUnimplemented, "Replication is not available on this server.",
                     "NotImplemented");
  }
  std::set<std::string> checked;
  for (const auto& rule : r.config.rules) {
    if (!checked.insert(rule.destination).second) continue;
    if (auto st = co_await ctx.services.replication->CheckDestination(rule.destination); !st.ok()) {
      co_return st;
    }
  }
  bool existing = false;
  for (const auto& rule : r.config.rules) existing = existing || rule.existing_object_replication;
  auto updated = co_await OnPool(ctx.services.blocking, [&]() -> Result<size_t> {
    auto u = objects.UpdateBucket(r.bucket, [&](service::objects::BucketInfo& info) {
      if (info.versioning != service::objects::Versioning::kEnabled) {
        return InvalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
      }
      info.replication = r.config;
      return Status::Ok();
    });
    if (!u.ok()) return u.status();
    if (!existing) return size_t{0};
    return objects.QueueExistingObjects(r.bucket);
  });
  if (!updated.ok()) co_return updated.status();
  co_return EmptyResponse();
}

net::awaitable<Result<net::Response>> DeleteBucketReplication::Execute(OpContext& ctx, BucketRequest r) {
  auto b = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).UpdateBucket(r.bucket, [](service::objects::BucketInfo& info) {
      info.replication.reset();
      return Status::Ok();
    });
  });
  if (!b.ok()) co_return b.status();
  co_return EmptyResponse(net::http::status::no_content);
}

}  // namespace api::s3
