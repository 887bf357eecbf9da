// presigner (seed 000): behind POST /presign on the application API. The
// request body {"key", "content_type"?, "bucket"?} becomes a presigned S3 PUT
// URL that a browser or curl uploads with, no credentials needed:
// 200 {"url", "method": "PUT", "headers": {"Content-Type"}, "expires_in",
// "bucket", "key"}. The content type is signed, so the upload must send the
// same one. 400 {"message"} for a body that is not such an object, a key
// that is empty, longer than 1024 bytes or has control characters, or a
// bucket that is not allowed.
//
// Environment: UPLOAD_BUCKET (required; the default bucket), ALLOWED_BUCKETS
// (optional; comma-separated others a request may name), URL_EXPIRES_SECONDS
// (optional; default 900, 1..604800).

#include "functions/seed/handlers.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::Result;

namespace {

bool Allowed(std::string_view bucket, std::string_view upload, std::string_view others) {
  if (bucket == upload) return true;
  while (!others.empty()) {
    auto comma = others.find(',');
    std::string_view one = others.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one == bucket) return true;
    if (comma == std::string_view::npos) break;
    others.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Result<json::value> Presigner(Context& ctx, const json::value& event) {
  auto upload = RequiredEnv(ctx, "UPLOAD_BUCKET");
  if (!upload.ok()) return upload.status();
  int64_t expires = 900;
  if (std::string_view e = ctx.env("URL_EXPIRES_SECONDS"); !e.empty()) {
    expires = std::atoll(std::string(e).c_str());
    if (expires < 1 || expires > 604800) {
      return common::Status(common::ErrorCode::kInvalidArgument, "URL_EXPIRES_SECONDS must be 1..604800");
    }
  }
  const json::object* request = event.if_object();
  const json::value* body_text = request != nullptr ? request->if_contains("body") : nullptr;
  if (body_text == nullptr || !body_text->is_string()) {
    return ApiError(400, "The request body must be a JSON object with \"key\"");
  }
  boost::system::error_code ec;
  json::value body = json::parse(body_text->as_string(), ec);
  if (ec || !body.is_object()) return ApiError(400, "The request body must be a JSON object with \"key\"");
  const json::object& b = body.as_object();
  auto text = [&](std::string_view name) -> std::optional<std::string> {
    const json::value* v = b.if_contains(name);
    if (v == nullptr || v->is_null()) return std::string();
    if (!v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  auto key = text("key"), content_type = text("content_type"), bucket = text("bucket");
  if (!key || !content_type || !bucket) return ApiError(400, "\"key\", \"content_type\" and \"bucket\" are strings");
  if (key->empty() || key->size() > 1024) return ApiError(400, "\"key\" must be 1 to 1024 bytes");
  for (char c : *key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return ApiError(400, "\"key\" has a control character");
  }
  if (content_type->empty()) *content_type = "application/octet-stream";
  if (content_type->find_first_of("\r\n") != std::string::npos) return ApiError(400, "\"content_type\" is malformed");
  if (bucket->empty()) *bucket = *upload;
  if (!Allowed(*bucket, *upload, ctx.env("ALLOWED_BUCKETS"))) {
    return ApiError(400, fmt::format("Uploads to bucket {} are not allowed", *bucket));
  }
  auto aws = ctx.Aws();
  if (!aws.ok()) return aws.status();
  client::S3Request put;
  put.method = net::http::verb::put;
  put.bucket = *bucket;
  put.key = *key;
  put.headers.emplace_back("content-type", *content_type);
  std::string url = (*aws)->PresignS3(put, std::chrono::seconds(expires));
  ctx.Log(fmt::format("Presigned PUT s3://{}/{} ({}) for {} s", *bucket, *key, *content_type, expires));
  return ApiResponse(200, json::object{{"url", url},
                                       {"method", "PUT"},
                                       {"headers", json::object{{"Content-Type", *content_type}}},
                                       {"expires_in", expires},
                                       {"bucket", *bucket},
                                       {"key", *key}});
}

}  // namespace functions::seed
