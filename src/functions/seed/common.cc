#include "functions/seed/common.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/common/query_string.h"
#include "auth/sigv4.h"

namespace functions::seed {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return -1;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return -1;
}

const json::object* Obj(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

Status NotAnS3Event(std::string_view why) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("not an S3 object event: {}", why), "InvalidEvent");
}

}  // namespace

Result<std::vector<ObjectRef>> ObjectsOf(const json::value& event) {
  if (!event.is_object()) return NotAnS3Event("the event is not a JSON object");
  const json::object& e = event.as_object();
  std::vector<ObjectRef> out;
  if (const json::value* records = e.if_contains("Records")) {
    if (!records->is_array()) return NotAnS3Event("Records is not a list");
    for (const auto& r : records->as_array()) {
      const json::object* s3 = r.is_object() ? Obj(r.as_object(), "s3") : nullptr;
      const json::object* bucket = s3 != nullptr ? Obj(*s3, "bucket") : nullptr;
      const json::object* object = s3 != nullptr ? Obj(*s3, "object") : nullptr;
      if (bucket == nullptr || object == nullptr) return NotAnS3Event("a record has no s3.bucket and s3.object");
      ObjectRef ref;
      ref.bucket = Str(*bucket, "name");
      auto key = api::PercentDecode(Str(*object, "key"), true);  // S3 sends keys URL-encoded
      if (!key || ref.bucket.empty() || key->empty()) return NotAnS3Event("a record has no bucket name or key");
      ref.key = std::move(*key);
      ref.version_id = Str(*object, "versionId");
      ref.size = Int(*object, "size");
      ref.etag = Str(*object, "eTag");
      ref.event_time = Str(r.as_object(), "eventTime");
      ref.event_name = Str(r.as_object(), "eventName");
      out.push_back(std::move(ref));
    }
    return out;
  }
  const json::object* detail = Obj(e, "detail");
  const json::object* bucket = detail != nullptr ? Obj(*detail, "bucket") : nullptr;
  const json::object* object = detail != nullptr ? Obj(*detail, "object") : nullptr;
  if (Str(e, "source") != "aws.s3" || bucket == nullptr || object == nullptr) {
    return NotAnS3Event("neither S3 notification records nor an aws.s3 event with detail.bucket and detail.object");
  }
  ObjectRef ref;
  ref.bucket = Str(*bucket, "name");
  ref.key = Str(*object, "key");
  if (ref.bucket.empty() || ref.key.empty()) return NotAnS3Event("the event has no bucket name or key");
  ref.version_id = Str(*object, "version-id");
  ref.size = Int(*object, "size");
  ref.etag = Str(*object, "etag");
  ref.event_time = Str(e, "time");
  ref.event_name = Str(e, "detail-type");
  out.push_back(std::move(ref));
  return out;
}

Result<std::vector<SqsMessage>> SqsMessages(const json::value& event) {
  const json::value* records = event.is_object() ? event.as_object().if_contains("Records") : nullptr;
  if (records == nullptr || !records->is_array()) {
    return Status(ErrorCode::kInvalidArgument, "expected an SQS event", "InvalidEvent");
  }
  std::vector<SqsMessage> out;
  for (const auto& record : records->as_array()) {
    if (!record.is_object()) continue;
    SqsMessage m;
    m.record = &record.as_object();
    m.id = Str(*m.record, "messageId");
    m.body = Str(*m.record, "body");
    boost::system::error_code ec;
    json::value body = json::parse(m.body, ec);
    m.objects = ec ? Result<std::vector<ObjectRef>>(Status(ErrorCode::kInvalidArgument, "the body is not JSON"))
                   : ObjectsOf(body);
    out.push_back(std::move(m));
  }
  return out;
}

json::value BatchItemFailures(const std::vector<std::string>& failed) {
  json::array items;
  for (const auto& id : failed) items.push_back(json::object{{"itemIdentifier", id}});
  return json::object{{"batchItemFailures", std::move(items)}};
}

Result<ObjectHead> HeadObject(Context& ctx, std::string_view region, const ObjectRef& object) {
  auto aws = ctx.Aws(region);
  if (!aws.ok()) return aws.status();
  client::S3Request request;
  request.method = net::http::verb::head;
  request.bucket = object.bucket;
  request.key = object.key;
  if (!object.version_id.empty()) request.query = "versionId=" + auth::UriEncode(object.version_id, true);
  request.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  auto response = (*aws)->S3(std::move(request));
  if (!response.ok()) return response.status();
  ObjectHead head;
  unsigned status = response->result_int();
  if (status == 404) return head;
  if (status != 200) {
    return Status(client::ErrorCodeFor(status, ""),
                  fmt::format("HeadObject s3://{}/{} in {}: HTTP {}", object.bucket, object.key,
                              region.empty() ? ctx.region() : std::string(region), status));
  }
  auto header = [&](std::string_view name) {
    auto it = response->find(name);
    return it == response->end() ? std::string() : std::string(it->value());
  };
  head.exists = true;
  head.etag = header("etag");
  if (head.etag.size() >= 2 && head.etag.front() == '"') head.etag = head.etag.substr(1, head.etag.size() - 2);
  for (const char* algorithm : {"SHA256", "CRC64NVME", "CRC32C", "CRC32", "SHA1"}) {
    std::string value = header(fmt::format("x-amz-checksum-{}", algorithm));
    if (!value.empty()) {
      head.checksum_algorithm = algorithm;
      head.checksum = std::move(value);
      break;
    }
  }
  head.replication_status = header("x-amz-replication-status");
  head.version_id = header("x-amz-version-id");
  head.last_modified = header("last-modified");
  std::string length = header("content-length");
  head.size = length.empty() ? 0 : std::stoll(length);
  return head;
}

Result<std::string> Publish(Context& ctx, std::string_view topic_arn, std::string_view subject,
                            std::string_view message) {
  auto aws = ctx.Aws();
  if (!aws.ok()) return aws.status();
  json::object input{{"TopicArn", topic_arn}, {"Message", message}};
  if (!subject.empty()) input["Subject"] = subject;
  auto out = (*aws)->Query(client::Sns(), "Publish", input);
  if (!out.ok()) return out.status();
  return Str(*out, "MessageId");
}

Result<std::string> RequiredEnv(Context& ctx, std::string_view name) {
  std::string_view v = ctx.env(name);
  if (v.empty()) {
    return Status(ErrorCode::kInvalidArgument, fmt::format("the environment variable {} is not set", name),
                  "ConfigurationError");
  }
  return std::string(v);
}

json::value ApiResponse(int status, const json::value& body) {
  return json::object{{"statusCode", status},
                      {"headers", json::object{{"Content-Type", "application/json"}}},
                      {"body", json::serialize(body)}};
}

json::value ApiError(int status, std::string_view message) {
  return ApiResponse(status, json::object{{"message", message}});
}

}  // namespace functions::seed
