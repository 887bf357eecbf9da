#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/ops/objects.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

namespace http = net::http;

net::awaitable<Result<net::Response>> DeleteObject::Execute(OpContext& ctx, ObjectRequest r) {
  auto replica = ReplicaOriginOf(ctx.exchange.header());
  if (!replica.ok()) co_return replica.status();
  if (auto st = co_await InjectedWriteFault(); !st.ok()) co_return st;
  auto cause = EventCause(ctx);
  auto out = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).DeleteObject(r.bucket, r.key, r.version_id, *replica, cause);
  });
  if (!out.ok()) co_return out.status();
  net::Response res;
  res.msg.result(http::status::no_content);
  if (!out->version_id.empty() && out->version_id != "null") res.msg.set("x-amz-version-id", out->version_id);
  if (out->delete_marker) res.msg.set("x-amz-delete-marker", "true");
  co_return res;
}

Result<DeleteObjects::Request> DeleteObjects::Parse(OpContext& ctx) {
  STRATUS_RETURN_IF_ERROR(ValidateBucketName(ctx.route.bucket));
  const auto& h = ctx.exchange.header();
  // S3 requires an integrity check on this request: Content-MD5 or a checksum.
  bool has_checksum = !h["content-md5"].empty();
  for (auto a : {common::ChecksumAlgorithm::kCrc32, common::ChecksumAlgorithm::kCrc32c,
                 common::ChecksumAlgorithm::kCrc64Nvme, common::ChecksumAlgorithm::kSha1,
                 common::ChecksumAlgorithm::kSha256}) {
    auto value = h[common::ChecksumHeader(a)];
    if (value.empty()) continue;
    has_checksum = true;
    if (common::Base64Encode(common::Digest(a, *ctx.body)) != value) {
      return Status(common::ErrorCode::kInvalidArgument,
                    fmt::format("The {} you specified did not match the calculated checksum.",
                                common::ChecksumName(a)),
                    "BadDigest");
    }
  }
  if (auto md5 = h["content-md5"]; !md5.empty() && common::Base64Encode(common::Md5(*ctx.body)) != md5) {
    return Status(common::ErrorCode::kInvalidArgument,
                  "The Content-MD5 you specified did not match what we received.", "BadDigest");
  }
  if (!has_checksum) {
    return Status(common::ErrorCode::kInvalidArgument,
                  "Missing required header for this request: Content-MD5", "InvalidRequest");
  }
  auto parsed = ParseDelete(*ctx.body);
  if (!parsed.ok()) return parsed.status();
  Request r;
  r.bucket = ctx.route.bucket;
  r.quiet = parsed->quiet;
  for (auto& o : parsed->objects) r.objects.emplace_back(std::move(o.key), std::move(o.version_id));
  return r;
}

net::awaitable<Result<net::Response>> DeleteObjects::Execute(OpContext& ctx, Request r) {
  auto& objects = Objects(ctx);
  if (auto b = objects.GetBucket(r.bucket); !b.ok()) co_return b.status();
  XmlWriter w;
  w.Declaration();
  w.Open("DeleteResult", kXmlns);
  auto cause = EventCause(ctx);
  for (const auto& entry : r.objects) {
    // Named copies, not structured bindings: lambdas below capture them.
    const std::string& key = entry.first;
    const std::string& version = entry.second;
    Status st = ValidateKey(key);
    Result<service::objects::DeleteOutcome> out = st;
    if (st.ok()) {
      out = co_await OnPool(ctx.services.blocking, [&] {
        return objects.DeleteObject(
            r.bucket, key, version.empty() ? std::nullopt : std::optional<std::string_view>(version), std::nullopt,
            cause);
      });
    }
    if (!out.ok()) {
      w.Open("Error");
      w.Element("Key", key);
      if (!version.empty()) w.Element("VersionId", version);
      w.Element("Code", S3ErrorCode(out.status()));
      w.Element("Message", out.status().message());
      w.Close();
      continue;
    }
    if (r.quiet) continue;
    w.Open("Deleted");
    w.Element("Key", key);
    if (!version.empty()) w.Element("VersionId", version);
    if (out->delete_marker) {
      w.Element("DeleteMarker", true);
      if (version.empty()) w.Element("DeleteMarkerVersionId", out->version_id);
    }
    w.Close();
  }
  co_return XmlResponse(w.Take());
}

}  // namespace api::s3
