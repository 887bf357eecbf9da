#include <fmt/format.h>

#include "api/common/query_string.h"
#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/ops/objects.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

Result<service::objects::WriteConditions> WriteConditionsOf(const net::RequestHeader& h);

Result<CopySource> ParseCopySource(std::string_view header) {
  auto bad = [] {
    return Status(ErrorCode::kInvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                  "InvalidArgument");
  };
  CopySource out;
  std::string_view path = header;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    auto params = ParseQuery(path.substr(q + 1), false);
    if (!params) return bad();
    if (auto it = params->find("versionId"); it != params->end()) out.version_id = it->second;
    path = path.substr(0, q);
  }
  auto decoded = PercentDecode(path, false);
  if (!decoded) return bad();
  std::string_view d = *decoded;
  if (!d.empty() && d.front() == '/') d.remove_prefix(1);
  auto slash = d.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == d.size()) return bad();
  out.bucket = std::string(d.substr(0, slash));
  out.key = std::string(d.substr(slash + 1));
  return out;
}

Result<CopyObject::Request> CopyObject::Parse(OpContext& ctx) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  const auto& h = ctx.exchange.header();
  auto source = ParseCopySource(h["x-amz-copy-source"]);
  if (!source.ok()) return source.status();
  STRATUS_RETURN_IF_ERROR(ValidateBucketName(source->bucket));
  STRATUS_RETURN_IF_ERROR(ValidateKey(source->key));
  Request r;
  r.target = std::move(target).value();
  r.target.version_id.reset();
  r.source_bucket = source->bucket;
  r.source_key = source->key;
  r.source_version = source->version_id;
  auto directive = h["x-amz-metadata-directive"];
  if (!directive.empty() && directive != "COPY" && directive != "REPLACE") {
    return Status(ErrorCode::kInvalidArgument, "Unknown metadata directive.", "InvalidArgument");
  }
  r.replace_metadata = directive == "REPLACE";
  auto tag_directive = h["x-amz-tagging-directive"];
  if (!tag_directive.empty() && tag_directive != "COPY" && tag_directive != "REPLACE") {
    return Status(ErrorCode::kInvalidArgument, "Unknown tagging directive.", "InvalidArgument");
  }
  r.replace_tags = tag_directive == "REPLACE";
  auto meta = MetadataFromHeaders(h);
  if (!meta.ok()) return meta.status();
  r.meta = std::move(meta).value();
  if (r.source_bucket == r.target.bucket && r.source_key == r.target.key && !r.source_version &&
      !r.replace_metadata && h["x-amz-storage-class"].empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "This copy request is illegal because it is trying to copy an object to itself "
                  "without changing the object's metadata, storage class, website redirect "
                  "location or encryption attributes.",
                  "InvalidRequest");
  }
  return r;
}

net::awaitable<Result<net::Response>> CopyObject::Execute(OpContext& ctx, Request r) {
  const auto& h = ctx.exchange.header();
  auto conditions = WriteConditionsOf(h);
  if (!conditions.ok()) co_return conditions.status();
  conditions->event = EventCause(ctx, "ObjectCreated:Copy");
  auto& objects = Objects(ctx);
  auto source = objects.OpenObject(r.source_bucket, r.source_key, r.source_version);
  if (!source.ok()) co_return source.status();
  const ObjectVersion& src = source->version;
  if (src.delete_marker) {
    co_return r.source_version
        ? Status(ErrorCode::kInvalidArgument, "The source of a copy request may not specifically refer to a delete marker by version id.", "InvalidRequest")
        : Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey");
  }
  if (auto st = CheckCopySourceConditions(h, src); !st.ok()) co_return st;
  if (src.size > kMaxPutSize) {
    co_return Status(ErrorCode::kInvalidArgument,
                     "The specified copy source is larger than the maximum allowable size for a "
                     "copy source: 5368709120",
                     "InvalidRequest");
  }
  auto algorithm = src.checksum_algorithm;
  if (auto a = h["x-amz-checksum-algorithm"]; !a.empty()) algorithm = common::ParseChecksumAlgorithm(a);
  auto writer = objects.NewWriter(src.size, algorithm);
  if (!writer.ok()) co_return writer.status();
  std::string piece;
  for (uint64_t off = 0; off < src.size; off += piece.size()) {
    if (auto st = source->reader->ReadAt(off, 1 << 20, piece); !st.ok()) co_return st;
    if (piece.empty()) co_return common::Corruption("copy source ended early");
    if (auto st = (*writer)->Append(piece); !st.ok()) co_return st;
  }
  ObjectVersion meta = r.replace_metadata ? r.meta : src;
  if (!r.replace_metadata) meta.storage_class = r.meta.storage_class;
  meta.tags = r.replace_tags ? r.meta.tags : src.tags;
  meta.owner = ctx.principal.access_key_id;
  // A copy is a new version of its own: nothing of the source's identity or
  // replication state comes with it.
  meta.version_id.clear();
  meta.replication_status.clear();
  meta.replication_remaining = 0;
  auto v = co_await OnPool(ctx.services.blocking, [&] {
    return objects.PutObject(r.target.bucket, r.target.key, std::move(meta), **writer, *conditions);
  });
  if (!v.ok()) co_return v.status();

  XmlWriter w;
  w.Declaration();
  w.Open("CopyObjectResult", kXmlns);
  w.Element("ETag", Quoted(v->etag));
  w.Element("LastModified", IsoTime(v->last_modified_ms));
  if (v->checksum_algorithm) {
    w.Element(fmt::format("Checksum{}", common::ChecksumName(*v->checksum_algorithm)), v->checksum);
  }
  w.Close();
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/xml");
  if (v->version_id != "null") res.msg.set("x-amz-version-id", v->version_id);
  if (src.version_id != "null") res.msg.set("x-amz-copy-source-version-id", src.version_id);
  res.msg.body() = w.Take();
  res.msg.prepare_payload();
  co_return res;
}

}  // namespace api::s3
