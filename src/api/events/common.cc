#include "api/events/common.h"

#include <fmt/format.h>

namespace api::events {

namespace json = boost::json;

namespace {
Status Invalid(std::string m) { return Status(common::ErrorCode::kInvalidArgument, std::move(m)); }
Status WrongType(std::string_view member) {
  return Invalid(fmt::format("1 validation error detected: Value at '{}' failed to satisfy constraint: wrong type", member));
}
}  // namespace

Result<Body> Body::Parse(const OpContext& ctx) {
  if (!ctx.body || ctx.body->empty()) return Body(json::object());
  boost::system::error_code ec;
  json::value v = json::parse(*ctx.body, ec);
  if (ec || !v.is_object()) {
    return Status(common::ErrorCode::kInvalidArgument, "The request body is not a JSON object.", "SerializationException");
  }
  return Body(std::move(v.as_object()));
}

Result<std::string> Body::Required(std::string_view member) const {
  auto v = String(member);
  if (!v.ok()) return v.status();
  if (v->empty()) {
    return Invalid(fmt::format("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member "
                               "must not be null", member));
  }
  return v;
}

Result<std::string> Body::String(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return WrongType(member);
  return std::string(v->as_string());
}

Result<std::optional<int64_t>> Body::Int(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (!v->is_int64()) return WrongType(member);
  return std::optional<int64_t>(v->as_int64());
}

Result<bool> Body::Bool(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) return WrongType(member);
  return v->as_bool();
}

Result<const json::array*> Body::Array(std::string_view member) const {
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return WrongType(member);
  return &v->as_array();
}

Result<std::string> Body::BusName(const OpContext& ctx) const {
  auto name = String("EventBusName");
  if (!name.ok()) return name.status();
  if (ctx.services.bus == nullptr) return Status(common::ErrorCode::kUnavailable, "the event bus is not served here");
  return ctx.services.bus->BusName(*name);
}

net::Response JsonResponse(json::object body) {
  net::Response res;
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "application/x-amz-json-1.1");
  res.msg.body() = json::serialize(body);
  res.msg.prepare_payload();
  return res;
}

}  // namespace api::events
