// file-info: behind GET /files/{key+} on the application API. Answers the
// metadata item replica-processor recorded for the object key (200 with the
// item as plain JSON: {object_key, size, bucket, timestamp, etag, checksum,
// version_id}), 404 {"message"} when there is none.
//
// Environment: TABLE_NAME (required), TABLE_REGION (optional; default the
// function's own region).

#include "functions/seed/handlers.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::Result;

namespace {

// A DynamoDB attribute value as plain JSON (strings, numbers, booleans, lists, maps).
json::value Plain(const json::value& attribute) {
  const json::object* o = attribute.if_object();
  if (o == nullptr || o->size() != 1) return nullptr;
  const auto& [type, v] = *o->begin();
  if (type == "S" || type == "B") return v;
  if (type == "N") {
    std::string n(v.as_string());
    bool integral = n.find_first_of(".eE") == std::string::npos && n.size() < 19;
    return integral ? json::value(std::atoll(n.c_str())) : json::value(std::atof(n.c_str()));
  }
  if (type == "BOOL") return v;
  if (type == "NULL") return nullptr;
  if (type == "L") {
    json::array out;
    for (const auto& e : v.as_array()) out.push_back(Plain(e));
    return out;
  }
  if (type == "M") {
    json::object out;
    for (const auto& [k, e] : v.as_object()) out[k] = Plain(e);
    return out;
  }
  json::array out;  // SS, NS, BS
  for (const auto& e : v.as_array()) out.push_back(e);
  return out;
}

}  // namespace

Result<json::value> FileInfo(Context& ctx, const json::value& event) {
  auto table = RequiredEnv(ctx, "TABLE_NAME");
  if (!table.ok()) return table.status();
  const json::object* request = event.if_object();
  const json::value* params = request != nullptr ? request->if_contains("pathParameters") : nullptr;
  const json::value* key = params != nullptr && params->is_object() ? params->as_object().if_contains("key") : nullptr;
  if (key == nullptr || !key->is_string() || key->as_string().empty()) return ApiError(400, "No object key in the path");
  auto aws = ctx.Aws(ctx.env("TABLE_REGION"));
  if (!aws.ok()) return aws.status();
  auto item = (*aws)->Json(client::kDynamoDb, "GetItem",
                           {{"TableName", *table},
                            {"Key", json::object{{"object_key", json::object{{"S", key->as_string()}}}}},
                            {"ConsistentRead", true}});
  if (!item.ok()) return item.status();
  const json::value* found = item->if_contains("Item");
  if (found == nullptr || !found->is_object()) {
    return ApiError(404, fmt::format("No metadata for {}", std::string_view(key->as_string())));
  }
  json::object out;
  for (const auto& [name, value] : found->as_object()) out[name] = Plain(value);
  return ApiResponse(200, out);
}

}  // namespace functions::seed
