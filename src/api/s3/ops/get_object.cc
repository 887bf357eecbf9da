#include <fmt/format.h>

#include "api/s3/common.h"
#include "api/s3/ops/objects.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

// Bodies up to this size are read whole into the response.
constexpr uint64_t kInlineResponseBytes = 256 << 10;

// The response-* query parameters override response headers of a GET.
void ApplyResponseOverrides(const OpContext& ctx, net::Response& res) {
  static constexpr std::pair<std::string_view, http::field> kOverrides[] = {
      {"response-content-type", http::field::content_type},
      {"response-content-language", http::field::content_language},
      {"response-expires", http::field::expires},
      {"response-cache-control", http::field::cache_control},
      {"response-content-disposition", http::field::content_disposition},
      {"response-content-encoding", http::field::content_encoding},
  };
  for (const auto& [param, field] : kOverrides) {
    if (auto v = Param(ctx, param)) res.msg.set(field, *v);
  }
}

// GET/HEAD of a delete marker: 404 NoSuchKey (current) or 405 (by version id),
// with x-amz-delete-marker as S3 sends it.
net::Response DeleteMarkerResponse(const OpContext& ctx, const ObjectVersion& v, bool by_version) {
  Status st = by_version ? Status(ErrorCode::kInvalidArgument,
                                  "The specified method is not allowed against this resource.",
                                  "MethodNotAllowed")
                         : Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey");
  net::Response res = ErrorResponse(ctx, st);
  res.msg.set("x-amz-delete-marker", "true");
  if (v.version_id != "null") res.msg.set("x-amz-version-id", v.version_id);
  if (by_version) {
    res.msg.set(http::field::allow, "DELETE");
    res.msg.set(http::field::last_modified, HttpTime(v.last_modified_ms));
  }
  return res;
}

net::awaitable<Result<net::Response>> Read(OpContext& ctx, const ObjectRequest& r, bool head) {
  const auto& h = ctx.exchange.header();
  auto opened = Objects(ctx).OpenObject(r.bucket, r.key, r.version_id);
  if (!opened.ok()) co_return opened.status();
  const ObjectVersion& v = opened->version;
  if (v.delete_marker) co_return DeleteMarkerResponse(ctx, v, r.version_id.has_value());
  if (auto st = CheckReadConditions(h, v); !st.ok()) {
    if (st.code() == ErrorCode::kNotModified) {
      // 304 carries the validators, no body.
      net::Response res;
      res.msg.result(http::status::not_modified);
      res.msg.set(http::field::etag, Quoted(v.etag));
      res.msg.set(http::field::last_modified, HttpTime(v.last_modified_ms));
      co_return res;
    }
    co_return st;
  }
  net::Response res;
  const bool checksum_mode = h["x-amz-checksum-mode"] == "ENABLED";
  SetObjectHeaders(v, checksum_mode, res);
  uint64_t offset = 0;
  uint64_t length = v.size;
  res.msg.result(http::status::ok);

  std::optional<ByteRange> range;
  if (auto pn = Param(ctx, "partNumber")) {
    int n = std::atoi(std::string(*pn).c_str());
    if (n < 1 || n > static_cast<int>(std::max<size_t>(v.parts.size(), 1))) {
      co_return Status(ErrorCode::kInvalidArgument, "The requested partnumber is not satisfiable",
                       "InvalidPartNumber");
    }
    uint64_t start = 0;
    for (int i = 0; i + 1 < n; ++i) start += v.parts[static_cast<size_t>(i)].data.size;
    uint64_t size = v.parts.empty() ? 0 : v.parts[static_cast<size_t>(n - 1)].data.size;
    if (size > 0) range = ByteRange{start, start + size - 1};
    res.msg.set("x-amz-mp-parts-count", std::to_string(std::max<size_t>(v.parts.size(), 1)));
  } else {
    auto parsed = ParseRange(h[http::field::range], v.size);
    if (!parsed.ok()) {
      net::Response err = ErrorResponse(ctx, parsed.status());
      err.msg.set(http::field::content_range, fmt::format("bytes */{}", v.size));
      co_return err;
    }
    range = *parsed;
  }
  if (range && checksum_mode && !(range->first == 0 && range->last + 1 == v.size)) {
    // A checksum describes the whole object, not a part of it: clients check
    // the body they receive against the header.
    if (v.checksum_algorithm) res.msg.erase(common::ChecksumHeader(*v.checksum_algorithm));
    res.msg.erase(common::ChecksumHeader(common::ChecksumAlgorithm::kCrc64Nvme));
    res.msg.erase("x-amz-checksum-type");
  }
  if (range) {
    offset = range->first;
    length = range->last - range->first + 1;
    res.msg.result(http::status::partial_content);
    res.msg.set(http::field::content_range,
                fmt::format("bytes {}-{}/{}", range->first, range->last, v.size));
  }
  if (!head) ApplyResponseOverrides(ctx, res);
  if (head) {
    res.msg.content_length(length);
    res.head = true;
  } else if (length <= kInlineResponseBytes) {
    // Small bodies go out in one write with the head; larger ones stream.
    // ReadAt stops at part boundaries: read until the range is complete.
    std::string& body = res.msg.body();
    std::string piece;
    while (body.size() < length) {
      size_t want = static_cast<size_t>(length - body.size());
      if (auto st = opened->reader->ReadAt(offset + body.size(), want, piece); !st.ok()) co_return st;
      if (piece.empty()) co_return common::Corruption("object data ended early");
      body += piece;
    }
    res.msg.content_length(length);
  } else {
    res.msg.content_length(length);
    res.stream = StreamBody(std::move(opened->reader), offset, length);
  }
  co_return res;
}

}  // namespace

net::awaitable<Result<net::Response>> GetObject::Execute(OpContext& ctx, ObjectRequest r) {
  co_return co_await Read(ctx, r, /*head=*/false);
}

net::awaitable<Result<net::Response>> HeadObject::Execute(OpContext& ctx, ObjectRequest r) {
  co_return co_await Read(ctx, r, /*head=*/true);
}

}  // namespace api::s3
