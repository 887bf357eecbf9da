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

Status WrongType(std::string_view member) {
  return Invalid(fmt::format("Value for parameter {} is invalid. Reason: wrong type.", member));
}

const query::ServiceModel* Model() {
  static const std::shared_ptr<const query::ServiceModel> kModel = [] {
    auto m = query::ServiceModel::Parse(query::models::Sqs());
    if (!m.ok()) {
      STRATUS_BUG("the embedded SQS model does not parse: " + m.status().ToString());
      return std::shared_ptr<const query::ServiceModel>();
    }
    return *m;
  }();
  return kModel.get();
}

std::string_view LastSegment(std::string_view url) {
  auto q = url.find_first_of("?#");
  if (q != std::string_view::npos) url = url.substr(0, q);
  while (url.ends_with('/')) url.remove_suffix(1);
  auto slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

}  // namespace

Result<std::string> Input::RequiredString(std::string_view member) const {
  auto v = String(member);
  if (!v.ok()) return v.status();
  if (!*v) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("The request must contain the parameter {}.", member), "MissingParameter");
  }
  return std::move(**v);
}

Result<std::optional<std::string>> Input::String(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(member);
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> Input::Int(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  return WrongType(member);
}

Result<std::map<std::string, std::string>> Input::StringMap(std::string_view member) const {
  std::map<std::string, std::string> out;
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return WrongType(member);
  for (const auto& [k, e] : v->as_object()) {
    if (!e.is_string()) return WrongType(member);
    out.emplace(std::string(k), std::string(e.as_string()));
  }
  return out;
}

Result<std::vector<std::string>> Input::StringList(std::string_view member) const {
  std::vector<std::string> out;
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return WrongType(member);
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) return WrongType(member);
    out.emplace_back(e.as_string());
  }
  return out;
}

Result<const json::array*> Input::Array(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return WrongType(member);
  return &v->as_array();
}

Result<queues::MessageAttributes> Input::MessageAttributes(std::string_view member) const {
  queues::MessageAttributes out;
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return WrongType(member);
  for (const auto& [name, e] : v->as_object()) {
    if (!e.is_object()) return WrongType(member);
    Input a(e.as_object());
    queues::AttributeValue value;
    auto type = a.String("DataType");
    if (!type.ok()) return type.status();
    if (!*type || (*type)->empty()) {
      return Invalid(fmt::format("The message attribute '{}' must contain non-empty message attribute type.",
                                 std::string_view(name)));
    }
    value.data_type = std::move(**type);
    auto s = a.String("StringValue");
    if (!s.ok()) return s.status();
    value.string_value = s->value_or("");
    auto b = a.String("BinaryValue");
    if (!b.ok()) return b.status();
    if (*b) {
      auto raw = common::Base64Decode(**b);
      if (!raw) {
        return Invalid(fmt::format("The message attribute '{}' has an invalid binary value.", std::string_view(name)));
      }
      value.binary_value = std::move(*raw);
    }
    if (a.json().contains("StringListValues") || a.json().contains("BinaryListValues")) {
      return Invalid(fmt::format("Message attribute list values in SendMessage operation are not supported."));
    }
    out.emplace(std::string(name), std::move(value));
  }
  return out;
}

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
    const query::ServiceModel* model = Model();
    if (model == nullptr) return Status(common::ErrorCode::kInternal, "SQS model unavailable");
    return model->DecodeInput(op, ctx.route.query);
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
    const query::ServiceModel* model = Model();
    res.msg.body() = model != nullptr ? model->EncodeOutput(op, output, ctx.request_id) : std::string();
  } else {
    res.msg.set(net::http::field::content_type, "application/x-amz-json-1.0");
    res.msg.body() = json::serialize(output);
  }
  res.msg.prepare_payload();
  return res;
}

}  // namespace api::sqs
