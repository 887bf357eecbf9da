#pragma once

// What the S3 operations share: name rules, header codecs (object headers,
// conditions, ranges, times), the streamed body reader (payload hash,
// aws-chunked, Content-MD5, x-amz-checksum-*) and the streamed response body.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/common/op.h"
#include "auth/chunked.h"
#include "service/objects/object_service.h"

namespace api::s3 {

using service::objects::ObjectService;
using service::objects::ObjectVersion;

inline constexpr std::string_view kXmlns = "http://s3.amazonaws.com/doc/2006-03-01/";
inline constexpr uint64_t kMaxPutSize = 5ull << 30;  // 5 GiB: S3's single-PUT limit

ObjectService& Objects(OpContext& ctx);

// S3's bucket naming rules (3-63 chars of a-z 0-9 . -, starting and ending
// with a letter or digit, not an IP address, no "..", no "xn--"/"-s3alias"
// forms). InvalidBucketName.
Status ValidateBucketName(std::string_view name);
// Keys: 1..1024 bytes of valid UTF-8, no NUL, no "." or ".." path segment.
Status ValidateKey(std::string_view key);

// Times as S3 writes them.
std::string IsoTime(int64_t unix_ms);   // 2026-11-22T08:00:00.000Z
std::string HttpTime(int64_t unix_ms);  // Sun, 22 Nov 2026 08:00:00 GMT
// RFC 1123 / RFC 850 / asctime; nullopt if unparsable. Unix milliseconds.
std::optional<int64_t> ParseHttpTime(std::string_view s);

// Quoted ETag as sent on the wire.
std::string Quoted(std::string_view etag);
// Strips surrounding quotes (and a W/ prefix) from a client's ETag.
std::string Unquoted(std::string_view etag);

// The version id a request names (?versionId=), if any.
std::optional<std::string_view> VersionIdParam(const OpContext& ctx);
// A query parameter, if present.
std::optional<std::string_view> Param(const OpContext& ctx, std::string_view name);

// The metadata a write request carries: Content-Type (default
// binary/octet-stream) and the other content headers, x-amz-meta-*,
// x-amz-storage-class, x-amz-tagging. InvalidArgument / InvalidTag.
Result<ObjectVersion> MetadataFromHeaders(const net::RequestHeader& h);

// The replica headers replication sends (x-stratus-replica-version-id and
// x-stratus-replica-last-modified, unix ms): what a replica keeps of its
// source version. nullopt when absent; InvalidArgument when malformed.
Result<std::optional<service::objects::ReplicaOrigin>> ReplicaOriginOf(const net::RequestHeader& h);
// Marks `meta` as the replica `origin` describes. A replica must carry the
// source's x-amz-checksum-crc64nvme (InvalidRequest otherwise), which the
// body (or, multipart, the completed object) is verified against.
Status MarkReplica(const net::RequestHeader& h, const service::objects::ReplicaOrigin& origin,
                   ObjectVersion& meta, bool multipart);

// The fault points of S3 writes (common/faults.h): s3.write.stall waits,
// s3.write.error answers 500 InternalError. OK when neither fires.
net::awaitable<Status> InjectedWriteFault();

// Sets the headers of a GET/HEAD of `v`: ETag, Last-Modified, Content-Type and
// friends, x-amz-meta-*, x-amz-version-id, x-amz-tagging-count, storage class,
// and the client checksum when `checksum_mode`.
void SetObjectHeaders(const ObjectVersion& v, bool checksum_mode, net::Response& res);

// If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since of a read,
// with S3's precedence. kNotModified (304) or kPreconditionFailed (412).
Status CheckReadConditions(const net::RequestHeader& h, const ObjectVersion& v);
// The same for the x-amz-copy-source-if-* headers of a copy (412 only).
Status CheckCopySourceConditions(const net::RequestHeader& h, const ObjectVersion& v);

// A satisfiable byte range of an object of `size`: [first, last].
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};
// Parses a Range header against `size`: nullopt when absent or not a single
// byte range (the whole object is served, as S3 does); InvalidRange when
// unsatisfiable.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size);

// How a request body is to be read and checked, decided from its headers
// before any byte is read.
struct BodyPlan {
  std::optional<uint64_t> size;               // decoded payload size, if declared
  std::optional<auth::ChunkedMode> chunked;   // aws-chunked encoding
  std::string sha256;                         // expected hex SHA-256 of the payload, "" = none
  std::string content_md5;                    // expected raw MD5, "" = none
  std::optional<common::ChecksumAlgorithm> algorithm;  // checksum to compute
  std::string checksum;                       // expected base64 value ("" = trailer or none)
  bool checksum_in_trailer = false;
};
Result<BodyPlan> PlanBody(const OpContext& ctx, uint64_t max_size);

// Streams the request body into `writer`, decoding and checking it as
// planned: XAmzContentSHA256Mismatch, BadDigest, InvalidDigest,
// IncompleteBody, EntityTooLarge, SignatureDoesNotMatch (chunks). On error
// nothing has been committed; the caller drops the writer.
net::awaitable<Status> ReadBody(OpContext& ctx, const BodyPlan& plan,
                                service::objects::ObjectWriter& writer, uint64_t max_size);

// A response body streamed from `reader`: `length` bytes from `offset`.
std::unique_ptr<net::BodySource> StreamBody(std::unique_ptr<service::objects::ObjectReader> reader,
                                            uint64_t offset, uint64_t length);

// A 200 with an XML document, and a response with no body.
net::Response XmlResponse(std::string body);
// Who made this request, for event notifications (`name` is the event, or ""
// for the operation's default).
service::objects::EventInfo EventCause(OpContext& ctx, std::string_view name = {});
net::Response EmptyResponse(net::http::status status = net::http::status::ok);

// The S3 error code of `st` (e.g. "NoSuchKey"), for errors inside a
// successful response (DeleteObjects).
std::string_view S3ErrorCode(const Status& st);

// An S3 error rendered by an operation itself, with extra headers (e.g.
// x-amz-delete-marker on a 404). Returned as the op's successful response.
net::Response ErrorResponse(const OpContext& ctx, const Status& st);

}  // namespace api::s3
