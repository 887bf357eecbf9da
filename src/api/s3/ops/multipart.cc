#include "api/s3/ops/multipart.h"

#include <charconv>

#include <fmt/format.h>

#include "api/common/blocking.h"
#include "api/s3/common.h"
#include "api/s3/ops/buckets.h"
#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"
#include "auth/sigv4.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

Result<service::objects::WriteConditions> WriteConditionsOf(const net::RequestHeader& h);

namespace {

Result<int> IntParam(OpContext& ctx, std::string_view name, int fallback, std::string_view what) {
  auto v = Param(ctx, name);
  if (!v) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 0) {
    return Status(ErrorCode::kInvalidArgument, fmt::format("Provided {} not an integer or within integer range", what),
                  "InvalidArgument");
  }
  return n;
}

Result<UploadRequest> ParseUpload(OpContext& ctx, bool with_part) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  UploadRequest r{target->bucket, target->key, std::string(Param(ctx, "uploadId").value_or("")), 0};
  if (r.upload_id.empty()) {
    return Status(ErrorCode::kNotFound, "The specified upload does not exist.", "NoSuchUpload");
  }
  if (with_part) {
    auto n = IntParam(ctx, "partNumber", -1, "part number");
    if (!n.ok()) return n.status();
    if (*n < 1 || *n > 10000) {
      return Status(ErrorCode::kInvalidArgument,
                    "Part number must be an integer between 1 and 10000, inclusive", "InvalidArgument");
    }
    r.part_number = *n;
  }
  return r;
}

net::Response PartResponse(const service::objects::UploadedPart& part,
                           std::optional<common::ChecksumAlgorithm> algorithm) {
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::etag, Quoted(part.etag));
  if (algorithm && !part.checksum.empty()) res.msg.set(common::ChecksumHeader(*algorithm), part.checksum);
  res.msg.prepare_payload();
  return res;
}

}  // namespace

Result<CreateMultipartUpload::Request> CreateMultipartUpload::Parse(OpContext& ctx) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  auto meta = MetadataFromHeaders(ctx.exchange.header());
  if (!meta.ok()) return meta.status();
  auto replica = ReplicaOriginOf(ctx.exchange.header());
  if (!replica.ok()) return replica.status();
  if (*replica) STRATUS_RETURN_IF_ERROR(MarkReplica(ctx.exchange.header(), **replica, *meta, true));
  Request r{std::move(target).value(), std::move(meta).value(), std::nullopt};
  if (auto a = ctx.exchange.header()["x-amz-checksum-algorithm"]; !a.empty()) {
    r.algorithm = common::ParseChecksumAlgorithm(a);
    if (!r.algorithm) {
      return Status(ErrorCode::kInvalidArgument, "Checksum algorithm provided is unsupported.",
                    "InvalidRequest");
    }
  }
  return r;
}

net::awaitable<Result<net::Response>> CreateMultipartUpload::Execute(OpContext& ctx, Request r) {
  r.meta.owner = ctx.principal.access_key_id;
  std::string type(ctx.exchange.header()["x-amz-checksum-type"]);
  auto u = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).CreateUpload(r.target.bucket, r.target.key, std::move(r.meta), r.algorithm, type);
  });
  if (!u.ok()) co_return u.status();
  XmlWriter w;
  w.Declaration();
  w.Open("InitiateMultipartUploadResult", kXmlns);
  w.Element("Bucket", u->bucket);
  w.Element("Key", u->key);
  w.Element("UploadId", u->upload_id);
  w.Close();
  net::Response res = XmlResponse(w.Take());
  if (u->checksum_algorithm) {
    res.msg.set("x-amz-checksum-algorithm", common::ChecksumName(*u->checksum_algorithm));
    res.msg.set("x-amz-checksum-type", u->checksum_type);
  }
  co_return res;
}

Result<UploadRequest> UploadPart::Parse(OpContext& ctx) { return ParseUpload(ctx, true); }

net::awaitable<Result<net::Response>> UploadPart::Execute(OpContext& ctx, UploadRequest r) {
  auto& objects = Objects(ctx);
  auto upload = objects.GetUpload(r.bucket, r.key, r.upload_id);
  if (!upload.ok()) co_return upload.status();
  auto plan = PlanBody(ctx, kMaxPutSize);
  if (!plan.ok()) co_return plan.status();
  // Parts carry the upload's checksum algorithm.
  auto algorithm = upload->checksum_algorithm ? upload->checksum_algorithm : plan->algorithm;
  if (plan->algorithm && upload->checksum_algorithm && plan->algorithm != upload->checksum_algorithm) {
    co_return Status(ErrorCode::kInvalidArgument,
                     fmt::format("Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
                                 common::ChecksumName(*upload->checksum_algorithm),
                                 common::ChecksumName(*plan->algorithm)),
                     "InvalidRequest");
  }
  auto writer = objects.NewWriter(plan->size, algorithm);
  if (!writer.ok()) co_return writer.status();
  if (auto st = co_await ReadBody(ctx, *plan, **writer, kMaxPutSize); !st.ok()) co_return st;
  if (auto st = co_await InjectedWriteFault(); !st.ok()) co_return st;
  auto part = co_await OnPool(ctx.services.blocking, [&] {
    return objects.PutPart(r.bucket, r.key, r.upload_id, r.part_number, **writer);
  });
  if (!part.ok()) co_return part.status();
  co_return PartResponse(*part, algorithm);
}

Result<UploadRequest> UploadPartCopy::Parse(OpContext& ctx) { return ParseUpload(ctx, true); }

net::awaitable<Result<net::Response>> UploadPartCopy::Execute(OpContext& ctx, UploadRequest r) {
  const auto& h = ctx.exchange.header();
  auto source = ParseCopySource(h["x-amz-copy-source"]);
  if (!source.ok()) co_return source.status();
  auto& objects = Objects(ctx);
  auto upload = objects.GetUpload(r.bucket, r.key, r.upload_id);
  if (!upload.ok()) co_return upload.status();
  auto src = objects.OpenObject(source->bucket, source->key, source->version_id);
  if (!src.ok()) co_return src.status();
  if (src->version.delete_marker) {
    co_return Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey");
  }
  if (auto st = CheckCopySourceConditions(h, src->version); !st.ok()) co_return st;
  uint64_t first = 0;
  uint64_t last = src->version.size == 0 ? 0 : src->version.size - 1;
  uint64_t length = src->version.size;
  if (auto range = h["x-amz-copy-source-range"]; !range.empty()) {
    // bytes=first-last, both present, within the source.
    auto bad = [&] {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("Range specified is not valid for source object of size: {}", src->version.size),
                    "InvalidArgument");
    };
    std::string_view spec = range;
    if (!spec.starts_with("bytes=")) co_return bad();
    spec.remove_prefix(6);
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) co_return bad();
    uint64_t a = 0;
    uint64_t b = 0;
    auto [pa, ea] = std::from_chars(spec.data(), spec.data() + dash, a);
    auto [pb, eb] = std::from_chars(spec.data() + dash + 1, spec.data() + spec.size(), b);
    if (ea != std::errc() || pa != spec.data() + dash || eb != std::errc() ||
        pb != spec.data() + spec.size() || b < a || b >= src->version.size) {
      co_return bad();
    }
    first = a;
    last = b;
    length = last - first + 1;
  }
  auto writer = objects.NewWriter(length, upload->checksum_algorithm);
  if (!writer.ok()) co_return writer.status();
  std::string piece;
  for (uint64_t done = 0; done < length; done += piece.size()) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(1 << 20, length - done));
    if (auto st = src->reader->ReadAt(first + done, want, piece); !st.ok()) co_return st;
    if (piece.empty()) co_return common::Corruption("copy source ended early");
    if (auto st = (*writer)->Append(piece); !st.ok()) co_return st;
  }
  auto part = co_await OnPool(ctx.services.blocking, [&] {
    return objects.PutPart(r.bucket, r.key, r.upload_id, r.part_number, **writer);
  });
  if (!part.ok()) co_return part.status();
  XmlWriter w;
  w.Declaration();
  w.Open("CopyPartResult", kXmlns);
  w.Element("ETag", Quoted(part->etag));
  w.Element("LastModified", IsoTime(part->last_modified_ms));
  if (upload->checksum_algorithm) {
    w.Element(fmt::format("Checksum{}", common::ChecksumName(*upload->checksum_algorithm)), part->checksum);
  }
  w.Close();
  net::Response res = XmlResponse(w.Take());
  if (src->version.version_id != "null") res.msg.set("x-amz-copy-source-version-id", src->version.version_id);
  co_return res;
}

Result<CompleteMultipartUpload::Request> CompleteMultipartUpload::Parse(OpContext& ctx) {
  auto u = ParseUpload(ctx, false);
  if (!u.ok()) return u.status();
  auto parts = ParseCompleteMultipartUpload(ctx.body ? *ctx.body : std::string());
  if (!parts.ok()) return parts.status();
  Request r{std::move(u).value(), {}};
  for (const auto& p : *parts) r.parts.push_back({p.part_number, p.etag});
  return r;
}

net::awaitable<Result<net::Response>> CompleteMultipartUpload::Execute(OpContext& ctx, Request r) {
  auto conditions = WriteConditionsOf(ctx.exchange.header());
  if (!conditions.ok()) co_return conditions.status();
  conditions->event = EventCause(ctx, "ObjectCreated:CompleteMultipartUpload");
  // The whole object's CRC64/NVME, when the sender states it, is verified.
  if (auto crc = ctx.exchange.header()["x-amz-checksum-crc64nvme"]; !crc.empty()) {
    conditions->expected_crc64nvme = std::string(crc);
  }
  if (auto st = co_await InjectedWriteFault(); !st.ok()) co_return st;
  auto v = co_await OnPool(ctx.services.blocking, [&] {
    return Objects(ctx).CompleteUpload(r.upload.bucket, r.upload.key, r.upload.upload_id, r.parts,
                                       *conditions);
  });
  if (!v.ok()) co_return v.status();
  const auto& h = ctx.exchange.header();
  XmlWriter w;
  w.Declaration();
  w.Open("CompleteMultipartUploadResult", kXmlns);
  std::string host(h[http::field::host]);
  w.Element("Location", fmt::format("http://{}/{}/{}", host, r.upload.bucket,
                                    auth::UriEncode(r.upload.key, false)));
  w.Element("Bucket", r.upload.bucket);
  w.Element("Key", r.upload.key);
  w.Element("ETag", Quoted(v->etag));
  if (v->checksum_algorithm) {
    w.Element(fmt::format("Checksum{}", common::ChecksumName(*v->checksum_algorithm)), v->checksum);
    w.Element("ChecksumType", v->checksum_type);
  }
  w.Close();
  net::Response res = XmlResponse(w.Take());
  if (v->version_id != "null") res.msg.set("x-amz-version-id", v->version_id);
  co_return res;
}

Result<UploadRequest> AbortMultipartUpload::Parse(OpContext& ctx) { return ParseUpload(ctx, false); }

net::awaitable<Result<net::Response>> AbortMultipartUpload::Execute(OpContext& ctx, UploadRequest r) {
  auto st = co_await OnPool(ctx.services.blocking,
                            [&] { return Objects(ctx).AbortUpload(r.bucket, r.key, r.upload_id); });
  if (!st.ok()) co_return st;
  co_return EmptyResponse(http::status::no_content);
}

Result<ListParts::Request> ListParts::Parse(OpContext& ctx) {
  auto u = ParseUpload(ctx, false);
  if (!u.ok()) return u.status();
  auto marker = IntParam(ctx, "part-number-marker", 0, "part-number-marker");
  if (!marker.ok()) return marker.status();
  auto max = IntParam(ctx, "max-parts", 1000, "max-parts");
  if (!max.ok()) return max.status();
  return Request{std::move(u).value(), *marker, std::min(*max, 1000)};
}

net::awaitable<Result<net::Response>> ListParts::Execute(OpContext& ctx, Request r) {
  auto list = Objects(ctx).ListParts(r.upload.bucket, r.upload.key, r.upload.upload_id, r.marker, r.max_parts);
  if (!list.ok()) co_return list.status();
  XmlWriter w;
  w.Declaration();
  w.Open("ListPartsResult", kXmlns);
  w.Element("Bucket", r.upload.bucket);
  w.Element("Key", r.upload.key);
  w.Element("UploadId", r.upload.upload_id);
  w.Open("Initiator");
  w.Element("ID", auth::kAccountId);
  w.Element("DisplayName", list->upload.owner);
  w.Close();
  w.Open("Owner");
  w.Element("ID", auth::kAccountId);
  w.Element("DisplayName", list->upload.owner);
  w.Close();
  w.Element("StorageClass", list->upload.pending.storage_class);
  w.Element("PartNumberMarker", r.marker);
  if (list->truncated) w.Element("NextPartNumberMarker", list->next_marker);
  w.Element("MaxParts", r.max_parts);
  w.Element("IsTruncated", list->truncated);
  if (list->upload.checksum_algorithm) {
    w.Element("ChecksumAlgorithm", common::ChecksumName(*list->upload.checksum_algorithm));
  }
  for (const auto& p : list->parts) {
    w.Open("Part");
    w.Element("PartNumber", p.part_number);
    w.Element("LastModified", IsoTime(p.last_modified_ms));
    w.Element("ETag", Quoted(p.etag));
    w.Element("Size", p.data.size);
    if (list->upload.checksum_algorithm && !p.checksum.empty()) {
      w.Element(fmt::format("Checksum{}", common::ChecksumName(*list->upload.checksum_algorithm)), p.checksum);
    }
    w.Close();
  }
  co_return XmlResponse(w.Take());
}

Result<ListMultipartUploads::Request> ListMultipartUploads::Parse(OpContext& ctx) {
  auto b = ParseBucket(ctx);
  if (!b.ok()) return b.status();
  Request r;
  r.bucket = b->bucket;
  auto get = [&](std::string_view name) { return std::string(Param(ctx, name).value_or("")); };
  r.query.prefix = get("prefix");
  r.query.delimiter = get("delimiter");
  r.query.key_marker = get("key-marker");
  r.query.upload_id_marker = get("upload-id-marker");
  auto max = IntParam(ctx, "max-uploads", 1000, "max-uploads");
  if (!max.ok()) return max.status();
  r.query.max_uploads = std::min(*max, 1000);
  r.url_encoding = get("encoding-type") == "url";
  return r;
}

net::awaitable<Result<net::Response>> ListMultipartUploads::Execute(OpContext& ctx, Request r) {
  auto list = Objects(ctx).ListUploads(r.bucket, r.query);
  if (!list.ok()) co_return list.status();
  auto show = [&](std::string_view s) {
    return r.url_encoding ? auth::UriEncode(s, false) : std::string(s);
  };
  XmlWriter w;
  w.Declaration();
  w.Open("ListMultipartUploadsResult", kXmlns);
  w.Element("Bucket", r.bucket);
  w.Element("KeyMarker", show(r.query.key_marker));
  w.Element("UploadIdMarker", r.query.upload_id_marker);
  w.Element("NextKeyMarker", show(list->next_key_marker));
  w.Element("NextUploadIdMarker", list->next_upload_id_marker);
  if (!r.query.delimiter.empty()) w.Element("Delimiter", show(r.query.delimiter));
  w.Element("Prefix", show(r.query.prefix));
  w.Element("MaxUploads", r.query.max_uploads);
  w.Element("IsTruncated", list->truncated);
  if (r.url_encoding) w.Element("EncodingType", "url");
  for (const auto& u : list->uploads) {
    w.Open("Upload");
    w.Element("Key", show(u.key));
    w.Element("UploadId", u.upload_id);
    w.Open("Initiator");
    w.Element("ID", auth::kAccountId);
    w.Element("DisplayName", u.owner);
    w.Close();
    w.Open("Owner");
    w.Element("ID", auth::kAccountId);
    w.Element("DisplayName", u.owner);
    w.Close();
    w.Element("StorageClass", u.pending.storage_class);
    w.Element("Initiated", IsoTime(u.initiated_ms));
    if (u.checksum_algorithm) w.Element("ChecksumAlgorithm", common::ChecksumName(*u.checksum_algorithm));
    w.Close();
  }
  for (const auto& p : list->common_prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", show(p));
    w.Close();
  }
  co_return XmlResponse(w.Take());
}

}  // namespace api::s3
