#include "api/query/input.h"

#include <fmt/format.h>

#include "common/checksum.h"

namespace api::query {

namespace json = boost::json;

namespace {

Status Invalid(std::string message) {
  return Status(common::ErrorCode::kInvalidArgument, std::move(message), "InvalidParameterValue");
}

Status WrongType(std::string_view member) {
  return Invalid(fmt::format("Value for parameter {} is invalid. Reason: wrong type.", member));
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

Result<service::queues::MessageAttributes> Input::MessageAttributes(std::string_view member) const {
  service::queues::MessageAttributes out;
  auto* v = o_.if_contains(member);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) return WrongType(member);
  for (const auto& [name, e] : v->as_object()) {
    if (!e.is_object()) return WrongType(member);
    Input a(e.as_object());
    service::queues::AttributeValue value;
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

}  // namespace api::query
