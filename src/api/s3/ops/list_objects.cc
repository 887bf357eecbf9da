#include "api/s3/ops/list_objects.h"

#include <charconv>

#include <fmt/format.h>

#include "api/s3/common.h"
#include "api/s3/ops/buckets.h"
#include "api/s3/xml/xml_writer.h"
#include "auth/sigv4.h"
#include "common/checksum.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

Result<ListRequest> ParseCommon(OpContext& ctx, std::string_view max_param) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  ListRequest r;
  r.bucket = b->bucket;
  auto get = [&](std::string_view name) { return std::string(Param(ctx, name).value_or("")); };
  r.prefix = get("prefix");
  r.delimiter = get("delimiter");
  if (auto m = Param(ctx, max_param)) {
    int n = -1;
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), n);
    if (ec != std::errc() || p != m->data() + m->size() || n < 0) {
      return Status(ErrorCode::kInvalidArgument, "Provided max-keys not an integer or within integer range",
                    "InvalidArgument");
    }
    r.max_keys = std::min(n, 1000);
  }
  if (auto e = Param(ctx, "encoding-type")) {
    if (*e != "url") {
      return Status(ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request",
                    "InvalidArgument");
    }
    r.url_encoding = true;
  }
  return r;
}

// A name as the listing shows it: URL-encoded when the client asked.
std::string Show(const ListRequest& r, std::string_view s) {
  return r.url_encoding ? auth::UriEncode(s, /*encode_slash=*/false) : std::string(s);
}

void WriteOwner(XmlWriter& w, const std::string& owner) {
  w.Open("Owner");
  w.Element("ID", auth::kAccountId);
  w.Element("DisplayName", owner.empty() ? std::string("stratus") : owner);
  w.Close();
}

void WriteContents(XmlWriter& w, const ListRequest& r, const ObjectVersion& v, bool owner) {
  w.Open("Contents");
  w.Element("Key", Show(r, v.key));
  w.Element("LastModified", IsoTime(v.last_modified_ms));
  w.Element("ETag", Quoted(v.etag));
  if (v.checksum_algorithm) w.Element("ChecksumAlgorithm", common::ChecksumName(*v.checksum_algorithm));
  if (!v.checksum_type.empty()) w.Element("ChecksumType", v.checksum_type);
  w.Element("Size", v.size);
  if (owner) WriteOwner(w, v.owner);
  w.Element("StorageClass", v.storage_class);
  w.Close();
}

void WritePrefixes(XmlWriter& w, const ListRequest& r, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", Show(r, p));
    w.Close();
  }
}

}  // namespace

Result<ListRequest> ListObjects::Parse(OpContext& ctx) {
  auto r = ParseCommon(ctx, "max-keys");
  if (!r.ok()) return r;
  r->marker = std::string(Param(ctx, "marker").value_or(""));
  return r;
}

net::awaitable<Result<net::Response>> ListObjects::Execute(OpContext& ctx, ListRequest r) {
  service::objects::ListQuery q{r.prefix, r.delimiter, r.marker, r.max_keys};
  auto list = Objects(ctx).ListObjects(r.bucket, q);
  if (!list.ok()) co_return list.status();
  XmlWriter w;
  w.Declaration();
  w.Open("ListBucketResult", kXmlns);
  w.Element("Name", r.bucket);
  w.Element("Prefix", Show(r, r.prefix));
  w.Element("Marker", Show(r, r.marker));
  w.Element("MaxKeys", r.max_keys);
  if (!r.delimiter.empty()) w.Element("Delimiter", Show(r, r.delimiter));
  w.Element("IsTruncated", list->truncated);
  if (list->truncated && !r.delimiter.empty()) w.Element("NextMarker", Show(r, list->next_marker));
  if (r.url_encoding) w.Element("EncodingType", "url");
  for (const auto& v : list->objects) WriteContents(w, r, v, /*owner=*/true);
  WritePrefixes(w, r, list->common_prefixes);
  co_return XmlResponse(w.Take());
}

Result<ListRequest> ListObjectsV2::Parse(OpContext& ctx) {
  auto r = ParseCommon(ctx, "max-keys");
  if (!r.ok()) return r;
  r->start_after = std::string(Param(ctx, "start-after").value_or(""));
  r->marker = r->start_after;
  if (auto token = Param(ctx, "continuation-token")) {
    auto decoded = common::Base64Decode(*token);
    if (!decoded || token->empty()) {
      return Status(ErrorCode::kInvalidArgument, "The continuation token provided is incorrect",
                    "InvalidArgument");
    }
    r->continuation_token = std::string(*token);
    r->marker = std::move(*decoded);
  }
  r->fetch_owner = Param(ctx, "fetch-owner").value_or("") == "true";
  return r;
}

net::awaitable<Result<net::Response>> ListObjectsV2::Execute(OpContext& ctx, ListRequest r) {
  service::objects::ListQuery q{r.prefix, r.delimiter, r.marker, r.max_keys};
  auto list = Objects(ctx).ListObjects(r.bucket, q);
  if (!list.ok()) co_return list.status();
  XmlWriter w;
  w.Declaration();
  w.Open("ListBucketResult", kXmlns);
  w.Element("Name", r.bucket);
  w.Element("Prefix", Show(r, r.prefix));
  w.Element("MaxKeys", r.max_keys);
  w.Element("KeyCount", static_cast<uint64_t>(list->objects.size() + list->common_prefixes.size()));
  if (!r.delimiter.empty()) w.Element("Delimiter", Show(r, r.delimiter));
  w.Element("IsTruncated", list->truncated);
  if (!r.continuation_token.empty()) w.Element("ContinuationToken", r.continuation_token);
  if (list->truncated) w.Element("NextContinuationToken", common::Base64Encode(list->next_marker));
  if (!r.start_after.empty()) w.Element("StartAfter", Show(r, r.start_after));
  if (r.url_encoding) w.Element("EncodingType", "url");
  for (const auto& v : list->objects) WriteContents(w, r, v, r.fetch_owner);
  WritePrefixes(w, r, list->common_prefixes);
  co_return XmlResponse(w.Take());
}

Result<ListRequest> ListObjectVersions::Parse(OpContext& ctx) {
  auto r = ParseCommon(ctx, "max-keys");
  if (!r.ok()) return r;
  r->marker = std::string(Param(ctx, "key-marker").value_or(""));
  r->version_id_marker = std::string(Param(ctx, "version-id-marker").value_or(""));
  if (!r->version_id_marker.empty() && r->marker.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "A version-id marker cannot be specified without a key marker.", "InvalidArgument");
  }
  return r;
}

net::awaitable<Result<net::Response>> ListObjectVersions::Execute(OpContext& ctx, ListRequest r) {
  service::objects::VersionQuery q{r.prefix, r.delimiter, r.marker, r.version_id_marker, r.max_keys};
  auto list = Objects(ctx).ListObjectVersions(r.bucket, q);
  if (!list.ok()) co_return list.status();
  XmlWriter w;
  w.Declaration();
  w.Open("ListVersionsResult", kXmlns);
  w.Element("Name", r.bucket);
  w.Element("Prefix", Show(r, r.prefix));
  w.Element("KeyMarker", Show(r, r.marker));
  w.Element("VersionIdMarker", r.version_id_marker);
  if (list->truncated) {
    w.Element("NextKeyMarker", Show(r, list->next_key_marker));
    if (!list->next_version_id_marker.empty()) w.Element("NextVersionIdMarker", list->next_version_id_marker);
  }
  w.Element("MaxKeys", r.max_keys);
  if (!r.delimiter.empty()) w.Element("Delimiter", Show(r, r.delimiter));
  w.Element("IsTruncated", list->truncated);
  if (r.url_encoding) w.Element("EncodingType", "url");
  for (const auto& e : list->versions) {
    const auto& v = e.version;
    w.Open(v.delete_marker ? "DeleteMarker" : "Version");
    w.Element("Key", Show(r, v.key));
    w.Element("VersionId", v.version_id);
    w.Element("IsLatest", e.is_latest);
    w.Element("LastModified", IsoTime(v.last_modified_ms));
    if (!v.delete_marker) {
      w.Element("ETag", Quoted(v.etag));
      w.Element("Size", v.size);
      w.Element("StorageClass", v.storage_class);
    }
    WriteOwner(w, v.owner);
    w.Close();
  }
  WritePrefixes(w, r, list->common_prefixes);
  co_return XmlResponse(w.Take());
}

}  // namespace api::s3
