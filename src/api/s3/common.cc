#include "api/s3/common.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "api/common/query_string.h"
#include "api/rest_xml/errors.h"
#include "common/checksum.h"
#include "common/faults.h"

namespace api::s3 {

using common::ChecksumAlgorithm;
using common::ErrorCode;
namespace http = net::http;

namespace {

Status Invalid(std::string msg, std::string_view reason = "InvalidArgument") {
  return Status(ErrorCode::kInvalidArgument, std::move(msg), reason);
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += n;
  }
  return true;
}

bool ETagMatches(std::string_view list, std::string_view etag) {
  // A comma-separated list of quoted ETags, or "*".
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view item = list.substr(pos, comma == std::string_view::npos ? list.npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*" || Unquoted(item) == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

Status Failed() {
  return Status(ErrorCode::kPreconditionFailed,
                "At least one of the pre-conditions you specified did not hold",
                "PreconditionFailed");
}

Status NotModified() { return Status(ErrorCode::kNotModified, "Not Modified", "NotModified"); }

class ReaderSource final : public net::BodySource {
 public:
  ReaderSource(std::unique_ptr<service::objects::ObjectReader> r, uint64_t offset, uint64_t length)
      : r_(std::move(r)), offset_(offset), end_(offset + length) {}

  net::awaitable<Result<size_t>> Read(net::asio::mutable_buffer buf) override {
    if (offset_ >= end_) co_return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), end_ - offset_));
    if (auto st = r_->ReadAt(offset_, want, piece_); !st.ok()) co_return st;
    if (piece_.empty()) co_return common::Corruption("object data ended early");
    std::memcpy(buf.data(), piece_.data(), piece_.size());
    offset_ += piece_.size();
    co_return piece_.size();
  }

 private:
  std::unique_ptr<service::objects::ObjectReader> r_;
  uint64_t offset_;
  uint64_t end_;
  std::string piece_;
};

}  // namespace

ObjectService& Objects(OpContext& ctx) { return *ctx.services.objects; }

Status ValidateBucketName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("The specified bucket is not valid: {}", why), "InvalidBucketName");
  };
  if (name.size() < 3 || name.size() > 63) return bad("names are 3 to 63 characters long");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return bad("only lower-case letters, digits, dots and hyphens are allowed");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) {
    return bad("names begin and end with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) return bad("two adjacent periods");
  boost::system::error_code ec;
  boost::asio::ip::make_address_v4(std::string(name), ec);
  if (!ec) return bad("names must not be formatted as an IP address");
  if (name.starts_with("xn--") || name.starts_with("sthree-") || name.ends_with("-s3alias") ||
      name.ends_with("--ol-s3")) {
    return bad("reserved prefix or suffix");
  }
  return Status::Ok();
}

Status ValidateKey(std::string_view key) {
  if (key.empty()) return Invalid("Object keys must not be empty");
  if (key.size() > 1024) {
    return Status(ErrorCode::kInvalidArgument, "Your key is too long", "KeyTooLongError");
  }
  if (key.find('\0') != std::string_view::npos) return Invalid("Object keys must not contain NUL");
  if (!ValidUtf8(key)) return Invalid("Object keys must be valid UTF-8");
  size_t pos = 0;
  while (pos <= key.size()) {
    size_t slash = key.find('/', pos);
    std::string_view seg = key.substr(pos, slash == std::string_view::npos ? key.npos : slash - pos);
    if (seg == "." || seg == "..") {
      return Invalid("Object keys must not contain '.' or '..' path segments");
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return Status::Ok();
}

std::string IsoTime(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(secs), unix_ms % 1000);
}

std::string HttpTime(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  return fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT", fmt::gmtime(secs));
}

std::optional<int64_t> ParseHttpTime(std::string_view s) {
  std::string text(s);
  for (const char* fmt : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                          "%a %b %d %H:%M:%S %Y", "%Y-%m-%dT%H:%M:%SZ"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), fmt, &tm);
    if (end != nullptr && *end == '\0') return static_cast<int64_t>(timegm(&tm)) * 1000;
  }
  return std::nullopt;
}

std::string Quoted(std::string_view etag) { return fmt::format("\"{}\"", etag); }

std::string Unquoted(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

std::optional<std::string_view> Param(const OpContext& ctx, std::string_view name) {
  auto it = ctx.route.query.find(name);
  if (it == ctx.route.query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> VersionIdParam(const OpContext& ctx) { return Param(ctx, "versionId"); }

Result<ObjectVersion> MetadataFromHeaders(const net::RequestHeader& h) {
  ObjectVersion v;
  auto get = [&](http::field f) { return std::string(h[f]); };
  v.content_type = get(http::field::content_type);
  if (v.content_type.empty()) v.content_type = "binary/octet-stream";
  v.content_encoding = get(http::field::content_encoding);
  // aws-chunked is a transfer detail of the request, not the object's encoding.
  if (v.content_encoding == "aws-chunked") {
    v.content_encoding.clear();
  } else if (v.content_encoding.starts_with("aws-chunked,")) {
    v.content_encoding = v.content_encoding.substr(12);
    while (!v.content_encoding.empty() && v.content_encoding.front() == ' ') v.content_encoding.erase(0, 1);
  }
  v.content_disposition = get(http::field::content_disposition);
  v.content_language = get(http::field::content_language);
  v.cache_control = get(http::field::cache_control);
  v.expires = get(http::field::expires);
  size_t meta_bytes = 0;
  for (const auto& f : h) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.starts_with("x-amz-meta-") && name.size() > 11) {
      meta_bytes += name.size() - 11 + f.value().size();
      v.user_metadata.emplace_back(name.substr(11), std::string(f.value()));
    }
  }
  if (meta_bytes > 2048) {
    return Status(ErrorCode::kInvalidArgument,
                  "Your metadata headers exceed the maximum allowed metadata size",
                  "MetadataTooLarge");
  }
  if (auto sc = h["x-amz-storage-class"]; !sc.empty()) {
    static constexpr std::string_view kClasses[] = {
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
        "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"};
    if (std::find(std::begin(kClasses), std::end(kClasses), sc) == std::end(kClasses)) {
      return Status(ErrorCode::kInvalidArgument, "The storage class you specified is not valid",
                    "InvalidStorageClass");
    }
    v.storage_class = std::string(sc);
  }
  if (auto tagging = h["x-amz-tagging"]; !tagging.empty()) {
    auto params = ParseQuery(tagging, /*plus_is_space=*/true);
    if (!params) return Status(ErrorCode::kInvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", "InvalidArgument");
    if (params->size() > 10) {
      return Status(ErrorCode::kInvalidArgument, "Object tags cannot be greater than 10", "BadRequest");
    }
    for (auto& [k, val] : *params) {
      if (k.empty() || k.size() > 128 || val.size() > 256) {
        return Status(ErrorCode::kInvalidArgument, "The TagKey or TagValue you have provided is invalid", "InvalidTag");
      }
      v.tags.emplace_back(k, val);
    }
  }
  return v;
}

void SetObjectHeaders(const ObjectVersion& v, bool checksum_mode, net::Response& res) {
  auto& m = res.msg;
  m.set(http::field::etag, Quoted(v.etag));
  m.set(http::field::last_modified, HttpTime(v.last_modified_ms));
  m.set(http::field::accept_ranges, "bytes");
  m.set(http::field::content_type, v.content_type.empty() ? "binary/octet-stream" : v.content_type);
  if (!v.content_encoding.empty()) m.set(http::field::content_encoding, v.content_encoding);
  if (!v.content_disposition.empty()) m.set(http::field::content_disposition, v.content_disposition);
  if (!v.content_language.empty()) m.set(http::field::content_language, v.content_language);
  if (!v.cache_control.empty()) m.set(http::field::cache_control, v.cache_control);
  if (!v.expires.empty()) m.set(http::field::expires, v.expires);
  for (const auto& [k, val] : v.user_metadata) m.insert("x-amz-meta-" + k, val);
  if (v.version_id != "null") m.set("x-amz-version-id", v.version_id);
  if (!v.tags.empty()) m.set("x-amz-tagging-count", std::to_string(v.tags.size()));
  if (!v.replication_status.empty()) m.set("x-amz-replication-status", v.replication_status);
  if (v.storage_class != "STANDARD") m.set("x-amz-storage-class", v.storage_class);
  if (checksum_mode && v.checksum_algorithm && !v.checksum.empty()) {
    m.set(common::ChecksumHeader(*v.checksum_algorithm), v.checksum);
    if (!v.checksum_type.empty()) m.set("x-amz-checksum-type", v.checksum_type);
  } else if (checksum_mode && !v.crc64nvme.empty()) {
    // Without a checksum of the client's, S3 reports its default: the
    // CRC64NVME of the whole object, computed as it was written.
    m.set(common::ChecksumHeader(common::ChecksumAlgorithm::kCrc64Nvme), v.crc64nvme);
    m.set("x-amz-checksum-type", "FULL_OBJECT");
  }
  if (v.parts.size() > 1) m.set("x-amz-mp-parts-count", std::to_string(v.parts.size()));
}

namespace {

// RFC 7232 evaluation as S3 does it: If-Match (else If-Unmodified-Since) fails
// with 412; If-None-Match (else If-Modified-Since) fails with `none_match`.
Status EvaluateConditions(std::string_view if_match, std::string_view if_none_match,
                          std::string_view if_modified, std::string_view if_unmodified,
                          const ObjectVersion& v, const Status& none_match) {
  const int64_t modified_s = v.last_modified_ms / 1000;
  if (!if_match.empty()) {
    if (!ETagMatches(if_match, v.etag)) return Failed();
  } else if (!if_unmodified.empty()) {
    auto t = ParseHttpTime(if_unmodified);
    if (t && modified_s > *t / 1000) return Failed();
  }
  if (!if_none_match.empty()) {
    if (ETagMatches(if_none_match, v.etag)) return none_match;
  } else if (!if_modified.empty()) {
    auto t = ParseHttpTime(if_modified);
    if (t && modified_s <= *t / 1000) return none_match;
  }
  return Status::Ok();
}

}  // namespace

Status CheckReadConditions(const net::RequestHeader& h, const ObjectVersion& v) {
  return EvaluateConditions(h[http::field::if_match], h[http::field::if_none_match],
                            h[http::field::if_modified_since], h[http::field::if_unmodified_since], v,
                            NotModified());
}

Status CheckCopySourceConditions(const net::RequestHeader& h, const ObjectVersion& v) {
  return EvaluateConditions(h["x-amz-copy-source-if-match"], h["x-amz-copy-source-if-none-match"],
                            h["x-amz-copy-source-if-modified-since"],
                            h["x-amz-copy-source-if-unmodified-since"], v, Failed());
}

Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  if (header.empty()) return std::optional<ByteRange>();
  if (!header.starts_with("bytes=")) return std::optional<ByteRange>();
  std::string_view spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  auto number = [](std::string_view s) -> std::optional<uint64_t> {
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
  };
  std::string_view a = spec.substr(0, dash);
  std::string_view b = spec.substr(dash + 1);
  auto unsatisfiable = [&]() -> Result<std::optional<ByteRange>> {
    return Status(ErrorCode::kInvalidArgument, "The requested range is not satisfiable", "InvalidRange");
  };
  ByteRange r;
  if (a.empty()) {  // suffix: the last n bytes
    auto n = number(b);
    if (!n) return std::optional<ByteRange>();
    if (*n == 0 || size == 0) return unsatisfiable();
    r.first = *n >= size ? 0 : size - *n;
    r.last = size - 1;
    return std::optional<ByteRange>(r);
  }
  auto first = number(a);
  if (!first) return std::optional<ByteRange>();
  std::optional<uint64_t> last;
  if (!b.empty()) {
    last = number(b);
    if (!last || *last < *first) return std::optional<ByteRange>();
  }
  if (*first >= size) return unsatisfiable();
  r.first = *first;
  r.last = last ? std::min(*last, size - 1) : size - 1;
  return std::optional<ByteRange>(r);
}

Result<BodyPlan> PlanBody(const OpContext& ctx, uint64_t max_size) {
  const auto& h = ctx.exchange.header();
  BodyPlan plan;
  std::string_view declared = h["x-amz-content-sha256"];
  if (declared.empty() && ctx.signature && ctx.signature->presigned) declared = "UNSIGNED-PAYLOAD";
  if (declared.starts_with("STREAMING-")) {
    plan.chunked = auth::ParseChunkedMode(declared);
    if (!plan.chunked) {
      return Status(ErrorCode::kUnimplemented,
                    fmt::format("x-amz-content-sha256 {} is not supported", declared), "NotImplemented");
    }
    auto decoded = h["x-amz-decoded-content-length"];
    if (decoded.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "You must provide the Content-Length HTTP header.", "MissingContentLength");
    }
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(decoded.data(), decoded.data() + decoded.size(), n);
    if (ec != std::errc() || p != decoded.data() + decoded.size()) {
      return Invalid("x-amz-decoded-content-length is not a number");
    }
    plan.size = n;
  } else {
    if (declared != "UNSIGNED-PAYLOAD" && !declared.empty()) plan.sha256 = std::string(declared);
    auto len = h[http::field::content_length];
    if (!len.empty()) {
      uint64_t n = 0;
      auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
      if (ec == std::errc() && p == len.data() + len.size()) plan.size = n;
    } else if (h[http::field::transfer_encoding].empty()) {
      return Status(ErrorCode::kInvalidArgument, "You must provide the Content-Length HTTP header.",
                    "MissingContentLength");
    }
  }
  if (plan.size && *plan.size > max_size) {
    return Status(ErrorCode::kTooLarge, "Your proposed upload exceeds the maximum allowed size",
                  "EntityTooLarge");
  }
  if (auto md5 = h["content-md5"]; !md5.empty()) {
    auto raw = common::Base64Decode(md5);
    if (!raw || raw->size() != 16) {
      return Status(ErrorCode::kInvalidArgument, "The Content-MD5 you specified was not valid.",
                    "InvalidDigest");
    }
    plan.content_md5 = std::move(*raw);
  }
  // The client's checksum: a header with the value, a trailer announcing it,
  // or just the algorithm to compute.
  for (auto a : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
                 ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    auto value = h[common::ChecksumHeader(a)];
    if (value.empty()) continue;
    if (plan.algorithm) {
      return Status(ErrorCode::kInvalidArgument,
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                    "allowed.",
                    "InvalidRequest");
    }
    auto raw = common::Base64Decode(value);
    if (!raw || raw->size() != common::ChecksumSize(a)) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("Value for {} header is invalid.", common::ChecksumHeader(a)),
                    "InvalidRequest");
    }
    plan.algorithm = a;
    plan.checksum = std::string(value);
  }
  if (auto trailer = h["x-amz-trailer"]; !trailer.empty()) {
    std::string name(trailer);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!name.starts_with("x-amz-checksum-") || !plan.chunked || plan.algorithm) {
      return Status(ErrorCode::kInvalidArgument, fmt::format("The trailer {} is not supported here", trailer),
                    "InvalidRequest");
    }
    plan.algorithm = common::ParseChecksumAlgorithm(std::string_view(name).substr(15));
    if (!plan.algorithm) {
      return Status(ErrorCode::kInvalidArgument, fmt::format("Unknown checksum trailer {}", trailer),
                    "InvalidRequest");
    }
    plan.checksum_in_trailer = true;
  }
  if (!plan.algorithm) {
    auto sdk = h["x-amz-sdk-checksum-algorithm"];
    if (!sdk.empty()) {
      plan.algorithm = common::ParseChecksumAlgorithm(sdk);
      if (!plan.algorithm) {
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("Checksum algorithm {} is not supported", sdk), "InvalidRequest");
      }
    }
  }
  return plan;
}

net::awaitable<Status> ReadBody(OpContext& ctx, const BodyPlan& plan,
                                service::objects::ObjectWriter& writer, uint64_t max_size) {
  std::optional<auth::ChunkedDecoder> decoder;
  if (plan.chunked) {
    auth::ChunkSigning signing;
    if (ctx.signature) {
      signing.signing_key = ctx.signature->signing_key;
      signing.amz_date = ctx.signature->amz_date;
      signing.scope = ctx.signature->scope;
      signing.seed_signature = ctx.signature->signature;
    }
    decoder.emplace(*plan.chunked, std::move(signing));
  }
  std::unique_ptr<common::Hasher> sha;
  if (!plan.sha256.empty()) sha = common::Hasher::New(ChecksumAlgorithm::kSha256);
  // Sized to the body (small objects should not pay for a large buffer).
  const uint64_t want = plan.size ? *plan.size + 1 : (256u << 10);
  std::string buf(static_cast<size_t>(std::clamp<uint64_t>(want, 4u << 10, 256u << 10)), '\0');
  std::string decoded;
  auto too_large = [] {
    return Status(ErrorCode::kTooLarge, "Your proposed upload exceeds the maximum allowed size",
                  "EntityTooLarge");
  };
  for (;;) {
    auto n = co_await ctx.exchange.ReadSome(net::asio::buffer(buf));
    if (!n.ok()) co_return n.status();
    if (*n == 0) break;
    std::string_view piece(buf.data(), *n);
    if (decoder) {
      decoded.clear();
      if (auto st = decoder->Consume(piece, decoded); !st.ok()) co_return st;
      piece = decoded;
    } else if (sha) {
      sha->Update(piece);
    }
    if (writer.size() + piece.size() > max_size) co_return too_large();
    if (auto st = writer.Append(piece); !st.ok()) co_return st;
  }
  std::string trailer_checksum;
  if (decoder) {
    if (auto st = decoder->Finish(); !st.ok()) {
      co_return Status(ErrorCode::kInvalidArgument,
                       "The request body ended before the final aws-chunked chunk: " + st.message(),
                       "IncompleteBody");
    }
    if (plan.checksum_in_trailer) {
      auto it = decoder->trailers().find(std::string(common::ChecksumHeader(*plan.algorithm)));
      if (it == decoder->trailers().end()) {
        co_return Status(ErrorCode::kInvalidArgument,
                         "The x-amz-trailer header names a checksum the body does not carry",
                         "InvalidRequest");
      }
      trailer_checksum = it->second;
    }
  }
  if (plan.size && writer.size() != *plan.size) {
    co_return Status(ErrorCode::kInvalidArgument,
                     "You did not provide the number of bytes specified by the Content-Length HTTP "
                     "header",
                     "IncompleteBody");
  }
  writer.Finish();
  if (sha && common::HexEncode(sha->Finish()) != plan.sha256) {
    co_return Status(ErrorCode::kPayloadHashMismatch,
                     "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (!plan.content_md5.empty() && plan.content_md5 != writer.md5()) {
    co_return Status(ErrorCode::kInvalidArgument,
                     "The Content-MD5 you specified did not match what we received.", "BadDigest");
  }
  const std::string& expected = plan.checksum_in_trailer ? trailer_checksum : plan.checksum;
  if (plan.algorithm && !expected.empty() && expected != writer.checksum()) {
    co_return Status(ErrorCode::kInvalidArgument,
                     fmt::format("The {} you specified did not match the calculated checksum.",
                                 common::ChecksumName(*plan.algorithm)),
                     "BadDigest");
  }
  co_return Status::Ok();
}

std::unique_ptr<net::BodySource> StreamBody(std::unique_ptr<service::objects::ObjectReader> reader,
                                            uint64_t offset, uint64_t length) {
  return std::make_unique<ReaderSource>(std::move(reader), offset, length);
}

net::Response XmlResponse(std::string body) {
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/xml");
  res.msg.body() = std::move(body);
  res.msg.prepare_payload();
  return res;
}

net::Response EmptyResponse(http::status status) {
  net::Response res;
  res.msg.result(status);
  res.msg.prepare_payload();
  return res;
}

std::string_view S3ErrorCode(const Status& st) {
  return rest_xml::S3ErrorMap().Lookup(st, "").code;
}

net::Response ErrorResponse(const OpContext& ctx, const Status& st) {
  const auto& h = ctx.exchange.header();
  std::string_view target = h.target();
  std::string_view path = target.substr(0, target.find('?'));
  ErrorContext ectx{ctx.request_id, path, ctx.route.op ? ctx.route.op->spec.name : "",
                    h.method() == http::verb::head, &h};
  return rest_xml::RenderS3Error(st, ectx);
}

Result<std::optional<service::objects::ReplicaOrigin>> ReplicaOriginOf(const net::RequestHeader& h) {
  auto id = h["x-stratus-replica-version-id"];
  auto modified = h["x-stratus-replica-last-modified"];
  if (id.empty() && modified.empty()) return std::optional<service::objects::ReplicaOrigin>();
  bool hex = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  int64_t ms = 0;
  auto [ptr, ec] = std::from_chars(modified.data(), modified.data() + modified.size(), ms);
  if (!hex || ec != std::errc() || ptr != modified.data() + modified.size() || ms < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "x-stratus-replica-version-id must be a version id and "
                  "x-stratus-replica-last-modified unix milliseconds",
                  "InvalidArgument");
  }
  return std::optional<service::objects::ReplicaOrigin>(
      service::objects::ReplicaOrigin{std::string(id), ms});
}

Status MarkReplica(const net::RequestHeader& h, const service::objects::ReplicaOrigin& origin,
                   ObjectVersion& meta, bool multipart) {
  const bool has_checksum = multipart ? h["x-amz-checksum-algorithm"] == "CRC64NVME"
                                      : !h["x-amz-checksum-crc64nvme"].empty();
  if (!has_checksum) {
    return Status(ErrorCode::kInvalidArgument,
                  "A replica must carry the source's CRC64NVME checksum", "InvalidRequest");
  }
  meta.replication_status = "REPLICA";
  meta.version_id = origin.version_id;
  meta.last_modified_ms = origin.last_modified_ms;
  // The source's own client checksum, "<ALGORITHM> <base64[-N]> <TYPE>": the
  // replica reports it as its own, as S3 replication keeps checksums.
  if (std::string_view c = h["x-stratus-replica-checksum"]; !c.empty()) {
    auto first = c.find(' '), last = c.rfind(' ');
    auto algorithm = first == std::string_view::npos ? std::nullopt
                                                     : common::ParseChecksumAlgorithm(c.substr(0, first));
    std::string_view value = algorithm ? c.substr(first + 1, last - first - 1) : std::string_view();
    std::string_view type = algorithm ? c.substr(last + 1) : std::string_view();
    if (!algorithm || last == first || value.empty() || (type != "FULL_OBJECT" && type != "COMPOSITE")) {
      return Status(ErrorCode::kInvalidArgument,
                    "x-stratus-replica-checksum must be \"<ALGORITHM> <checksum> <FULL_OBJECT|COMPOSITE>\"",
                    "InvalidArgument");
    }
    meta.checksum_algorithm = algorithm;
    meta.checksum = std::string(value);
    meta.checksum_type = std::string(type);
  }
  return Status::Ok();
}

net::awaitable<Status> InjectedWriteFault() {
  if (common::faults::Fires("s3.write.stall")) {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
    t.expires_after(std::chrono::milliseconds(common::faults::Parameter("s3.write.stall")));
    co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  if (common::faults::Fires("s3.write.error")) {
    co_return Status(ErrorCode::kInternal, "We encountered an internal error. Please try again.");
  }
  co_return Status::Ok();
}

service::objects::EventInfo EventCause(OpContext& ctx, std::string_view name) {
  service::objects::EventInfo e;
  e.name = std::string(name);
  e.principal_id = ctx.principal.anonymous ? "anonymous" : ctx.principal.access_key_id;
  std::string addr = ctx.exchange.remote_address();
  auto colon = addr.rfind(':');
  e.source_ip = colon == std::string::npos ? addr : addr.substr(0, colon);
  e.request_id = ctx.request_id;
  return e;
}

}  // namespace api::s3
