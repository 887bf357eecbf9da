// What a target receives: Input, InputPath or InputTransformer applied to an event.

#include <boost/json.hpp>
#include <fmt/format.h>

#include "service/bus/bus_service.h"

namespace service::bus {
namespace {

namespace json = boost::json;

Status Invalid(std::string m) { return Status(common::ErrorCode::kInvalidArgument, std::move(m)); }

// A JSONPath of the form $, $.a.b, $.a[0].b, $['a'] — what EventBridge's
// InputPath and InputPathsMap take. nullptr where nothing is there.
const json::value* Lookup(const json::value& root, std::string_view path, bool* malformed) {
  *malformed = false;
  if (path.empty() || path[0] != '$') {
    *malformed = true;
    return nullptr;
  }
  const json::value* cur = &root;
  size_t i = 1;
  while (i < path.size() && cur != nullptr) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      std::string_view name = path.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
      if (name.empty()) {
        *malformed = true;
        return nullptr;
      }
      cur = cur->is_object() ? cur->as_object().if_contains(name) : nullptr;
      i = end == std::string_view::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) {
        *malformed = true;
        return nullptr;
      }
      std::string_view inside = path.substr(i + 1, end - i - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"')) {
        std::string_view name = inside.substr(1, inside.size() - 2);
        cur = cur->is_object() ? cur->as_object().if_contains(name) : nullptr;
      } else {
        size_t idx = 0;
        for (char c : inside) {
          if (c < '0' || c > '9') {
            *malformed = true;
            return nullptr;
          }
          idx = idx * 10 + static_cast<size_t>(c - '0');
        }
        cur = cur->is_array() && idx < cur->as_array().size() ? &cur->as_array()[idx] : nullptr;
      }
      i = end + 1;
    } else {
      *malformed = true;
      return nullptr;
    }
  }
  return cur;
}

// A string value for a placeholder: JSON-escaped content without quotes (the
// template usually quotes it: "<key>"); other values as JSON text.
std::string Render(const json::value* v) {
  if (v == nullptr) return "null";
  if (v->is_string()) {
    std::string quoted = json::serialize(*v);
    return quoted.substr(1, quoted.size() - 2);
  }
  return json::serialize(*v);
}

}  // namespace

Result<std::string> TargetInput(const Target& target, std::string_view event_text, std::string_view rule_name,
                                std::string_view rule_arn) {
  if (!target.input.empty()) return target.input;
  boost::system::error_code ec;
  json::value event = json::parse(event_text, ec);
  if (ec) return Invalid("the event is not JSON");
  bool malformed = false;
  if (!target.input_path.empty()) {
    const json::value* v = Lookup(event, target.input_path, &malformed);
    if (malformed) return Invalid(fmt::format("InputPath {} is not a valid JSON path", target.input_path));
    return v == nullptr ? std::string("null") : json::serialize(*v);
  }
  if (!target.transformer) return std::string(event_text);
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& [name, path] : target.transformer->paths) {
    const json::value* v = Lookup(event, path, &malformed);
    if (malformed) return Invalid(fmt::format("InputPathsMap {} is not a valid JSON path", path));
    values[name] = Render(v);
  }
  values["aws.events.rule-arn"] = std::string(rule_arn);
  values["aws.events.rule-name"] = std::string(rule_name);
  values["aws.events.event"] = std::string(event_text);
  values["aws.events.event.json"] = std::string(event_text);
  if (auto* t = event.is_object() ? event.as_object().if_contains("time") : nullptr; t != nullptr && t->is_string()) {
    values["aws.events.event.ingestion-time"] = std::string(t->as_string());
  }
  const std::string& tpl = target.transformer->template_text;
  std::string out;
  out.reserve(tpl.size());
  for (size_t i = 0; i < tpl.size();) {
    if (tpl[i] == '<') {
      size_t end = tpl.find('>', i);
      if (end != std::string::npos) {
        auto it = values.find(std::string_view(tpl).substr(i + 1, end - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = end + 1;
          continue;
        }
      }
    }
    out += tpl[i++];
  }
  return out;
}

}  // namespace service::bus
