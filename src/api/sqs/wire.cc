#include "api/sqs/wire.h"

#include <set>

#include <fmt/format.h>

#include "api/query/errors.h"
#include "api/query/model.h"
#include "api/query/models/models.h"
#include "common/checksum.h"
#include "common/log.h"

namespace api::sqs {

namespace json = boost::json;

namespace {

Status Invalid(std::string message) {
  return Status(common::ErrorCode::kInvalidArgument, std::move(message), "InvalidParameterValue");
}

std::string_view LastSegment(std::string_view url) {
  auto q = url.find_first_of("?#");
  if (q != std::string_view::npos) url = url.substr(0, q);
  while (url.ends_with('/')) url.remove_suffix(1);
  auto slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

}  // namespace

Result<std::string> QueueName(const Input& in, OpContext& ctx) {
  auto url = in.String("QueueUrl");
  if (!url.ok()) return url.status();
  std::string_view source;
  if (*url) {
    source = **url;
  } else {
    std::string_view target = ctx.exchange.header().target();
    if (target.substr(0, target.find('?')).find('/', 1) == std::string_view::npos) {
      return Status(common::ErrorCode::kInvalidArgument, "The request must contain the parameter QueueUrl.",
                    "MissingParameter");
    }
    source = target;
  }
  std::string_view name = LastSegment(source);
  if (name.empty()) {
    return Status(common::ErrorCode::kNotFound, "The specified queue does not exist.", "QueueDoesNotExist");
  }
  return std::string(name);
}

std::string QueueUrl(OpContext& ctx, std::string_view name) {
  std::string_view host = ctx.exchange.header()[net::http::field::host];
  return fmt::format("{}://{}/{}/{}", ctx.exchange.secure() ? "https" : "http", host, auth::kAccountId, name);
}

json::object EncodeAttributes(const queues::MessageAttributes& attributes) {
  json::object out;
  for (const auto& [name, v] : attributes) {
    json::object a{{"DataType", v.data_type}};
    if (v.data_type.starts_with("Binary")) {
      a["BinaryValue"] = common::Base64Encode(v.binary_value);
    } else {
      a["StringValue"] = v.string_value;
    }
    out[name] = std::move(a);
  }
  return out;
}

std::string EntryErrorCode(const Status& st, std::string_view operation) {
  return std::string(query::QueryErrorMap().Lookup(st, operation).code);
}

Status CheckBatchIds(const std::vector<std::string>& ids, std::string_view entry_name) {
  if (ids.empty()) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("There should be at least one {} in the request.", entry_name), "EmptyBatchRequest");
  }
  if (ids.size() > 10) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("Maximum number of entries per request are 10. You have sent {}.", ids.size()),
                  "TooManyEntriesInBatchRequest");
  }
  std::set<std::string_view> seen;
  for (const auto& id : ids) {
    bool ok = !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!ok) {
      return Status(common::ErrorCode::kInvalidArgument,
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at "
                    "most 80 letters long.",
                    "InvalidBatchEntryId");
    }
    if (!seen.insert(id).second) {
      return Status(common::ErrorCode::kInvalidArgument, fmt::format("Id {} repeated.", id), "BatchEntryIdsNotDistinct");
    }
  }
  return Status::Ok();
}

Result<json::object> DecodeInput(OpContext& ctx, Wire wire, std::string_view op) {
  if (wire == Wire::kQuery) {
    return query::models::SqsModel().DecodeInput(op, ctx.route.query);
  }
  if (!ctx.body || ctx.body->empty()) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(*ctx.body, ec);
  if (ec || !v.is_object()) return Invalid("The request body is not a JSON object.");
  return std::move(v.as_object());
}

net::Response EncodeOutput(OpContext& ctx, Wire wire, std::string_view op, const json::object& output) {
  net::Response res;
  res.msg.result(net::http::status::ok);
  res.msg.set("x-amzn-RequestId", ctx.request_id);
  if (wire == Wire::kQuery) {
    res.msg.set(net::http::field::content_type, "text/xml");
    res.msg.body() = query::models::SqsModel().EncodeOutput(op, output, ctx.request_id);
  } else {
    res.msg.set(net::http::field::content_type, "application/x-amz-json-1.0");
    res.msg.body() = json::serialize(output);
  }
  res.msg.prepare_payload();
  return res;
}

}  // namespace api::sqs
