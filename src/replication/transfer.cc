#include "replication/transfer.h"

#include <fmt/format.h>

#include "auth/sigv4.h"
#include "common/checksum.h"
#include "common/faults.h"

namespace replication {
namespace {

using common::ChecksumAlgorithm;
using common::ErrorCode;
using service::objects::BacklogEntry;
using service::objects::ObjectVersion;
namespace http = net::http;

constexpr std::string_view kChecksumHeader = "x-amz-checksum-crc64nvme";

// The headers that make the replica the same version as `v`.
client::Headers VersionHeaders(const ObjectVersion& v, const BacklogEntry& e) {
  client::Headers h;
  auto add = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) h.emplace_back(std::string(name), value);
  };
  add("content-type", v.content_type);
  add("content-encoding", v.content_encoding);
  add("content-disposition", v.content_disposition);
  add("content-language", v.content_language);
  add("cache-control", v.cache_control);
  add("expires", v.expires);
  for (const auto& [name, value] : v.user_metadata) add("x-amz-meta-" + name, value);
  if (!v.tags.empty()) {
    std::string tagging;
    for (const auto& [k, val] : v.tags) {
      if (!tagging.empty()) tagging += '&';
      tagging += auth::UriEncode(k, true) + "=" + auth::UriEncode(val, true);
    }
    h.emplace_back("x-amz-tagging", tagging);
  }
  std::string storage_class = e.storage_class.empty() ? v.storage_class : e.storage_class;
  if (storage_class != "STANDARD") add("x-amz-storage-class", storage_class);
  if (v.checksum_algorithm) {
    h.emplace_back("x-stratus-replica-checksum", fmt::format("{} {} {}", common::ChecksumName(*v.checksum_algorithm),
                                                             v.checksum, v.checksum_type));
  }
  if (v.version_id != "null") {
    h.emplace_back("x-stratus-replica-version-id", v.version_id);
    h.emplace_back("x-stratus-replica-last-modified", std::to_string(v.last_modified_ms));
  }
  return h;
}

// The replication.corrupt fault: one byte flipped in transit.
void MaybeCorrupt(std::string& body) {
  if (!body.empty() && common::faults::Fires("replication.corrupt")) body[body.size() / 2] ^= 0x01;
}

// `n` bytes at `offset` (a reader returns at most one stored part per call).
common::Status ReadFull(service::objects::ObjectReader& reader, uint64_t offset, uint64_t n,
                        std::string& out) {
  out.clear();
  out.reserve(n);
  std::string chunk;
  while (out.size() < n) {
    STRATUS_RETURN_IF_ERROR(reader.ReadAt(offset + out.size(), n - out.size(), chunk));
    if (chunk.empty()) return common::Corruption("object data ends early");
    out += chunk;
  }
  return common::Status::Ok();
}

net::awaitable<TransferResult> PutWhole(client::S3Client& client, const std::string& bucket,
                                        const ObjectVersion& v, const BacklogEntry& e,
                                        service::objects::ObjectReader& reader) {
  std::string body;
  if (auto st = ReadFull(reader, 0, v.size, body); !st.ok()) {
    co_return TransferResult{Outcome::kTransient, "source_read", 0};
  }
  client::S3Request req{http::verb::put, bucket, v.key, "", VersionHeaders(v, e), std::move(body)};
  req.headers.emplace_back(std::string(kChecksumHeader), v.crc64nvme);
  MaybeCorrupt(req.body);
  const uint64_t size = req.body.size();
  TransferResult r = Classify(co_await client.Send(std::move(req)));
  r.bytes = size;
  co_return r;
}

net::awaitable<TransferResult> PutMultipart(client::S3Client& client, const std::string& bucket,
                                            const ObjectVersion& v, const BacklogEntry& e,
                                            service::objects::ObjectReader& reader,
                                            uint64_t part_size) {
  client::S3Request create{http::verb::post, bucket, v.key, "uploads", VersionHeaders(v, e), ""};
  create.headers.emplace_back("x-amz-checksum-algorithm", "CRC64NVME");
  create.headers.emplace_back("x-amz-checksum-type", "FULL_OBJECT");
  auto created = co_await client.Send(std::move(create));
  TransferResult r = Classify(created);
  if (r.outcome != Outcome::kDone) co_return r;
  const std::string upload_id = client::ElementText(created->body(), "UploadId");
  if (upload_id.empty()) co_return TransferResult{Outcome::kTransient, "bad_response", 0};
  const std::string upload_query = "uploadId=" + auth::UriEncode(upload_id, true);

  std::string complete = "<CompleteMultipartUpload>";
  uint64_t sent = 0;
  for (int part = 1; sent < v.size; ++part) {
    std::string data;
    if (!ReadFull(reader, sent, std::min<uint64_t>(part_size, v.size - sent), data).ok()) {
      r = {Outcome::kTransient, "source_read", sent};
      break;
    }
    std::string crc = common::Base64Encode(common::Digest(ChecksumAlgorithm::kCrc64Nvme, data));
    client::S3Request put{http::verb::put, bucket, v.key,
                          fmt::format("partNumber={}&{}", part, upload_query),
                          {{std::string(kChecksumHeader), crc}}, std::move(data)};
    MaybeCorrupt(put.body);
    const uint64_t n = put.body.size();
    auto answer = co_await client.Send(std::move(put));
    r = Classify(answer);
    if (r.outcome != Outcome::kDone) break;
    sent += n;
    std::string etag(answer->base()["ETag"]);
    complete += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag>"
                            "<ChecksumCRC64NVME>{}</ChecksumCRC64NVME></Part>",
                            part, etag, crc);
  }
  if (r.outcome == Outcome::kDone) {
    complete += "</CompleteMultipartUpload>";
    client::S3Request finish{http::verb::post, bucket, v.key, upload_query,
                             {{std::string(kChecksumHeader), v.crc64nvme},
                              {"x-amz-checksum-type", "FULL_OBJECT"}},
                             std::move(complete)};
    auto answer = co_await client.Send(std::move(finish));
    r = Classify(answer);
    // S3 may answer 200 with an error document once it has started replying.
    if (r.outcome == Outcome::kDone && answer->body().find("<Error>") != std::string::npos) {
      r = {Outcome::kTransient, "complete_error", 0};
    }
  }
  r.bytes = sent;
  if (r.outcome != Outcome::kDone) {
    // Best effort: an upload left behind is aborted, or expires with the destination's rules.
    client::S3Request abort{http::verb::delete_, bucket, v.key, upload_query, {}, ""};
    (void)co_await client.Send(std::move(abort));
  }
  co_return r;
}

}  // namespace

TransferResult Classify(const common::Result<net::ClientResponse>& response) {
  if (!response.ok()) {
    switch (response.status().code()) {
      case ErrorCode::kUnavailable: return {Outcome::kTransient, "connection_refused", 0};
      case ErrorCode::kTimeout: return {Outcome::kTransient, "timeout", 0};
      default: return {Outcome::kTransient, "io_error", 0};
    }
  }
  const unsigned status = response->result_int();
  if (status >= 200 && status < 300) return {Outcome::kDone, "", 0};
  const std::string code = client::ErrorCodeOf(*response);
  if (code == "BadDigest" || code == "InvalidDigest" || code == "XAmzContentSHA256Mismatch") {
    return {Outcome::kMismatch, code, 0};
  }
  if (status >= 500 || status == 429 || status == 408 || code == "RequestTimeout" ||
      code == "IncompleteBody" || code == "SlowDown") {
    return {Outcome::kTransient, fmt::format("http_{}", status), 0};
  }
  return {Outcome::kPermanent, code.empty() ? fmt::format("http_{}", status) : code, 0};
}

net::awaitable<TransferResult> Transfer(service::objects::ObjectService& objects,
                                        client::S3Client& client, std::string bucket,
                                        BacklogEntry entry, TransferOptions options) {
  auto opened = objects.OpenObject(entry.bucket, entry.key, entry.version_id);
  if (!opened.ok()) {
    const auto& reason = opened.status().reason();
    if (reason == "NoSuchVersion" || reason == "NoSuchKey" || reason == "NoSuchBucket") {
      co_return TransferResult{Outcome::kGone, std::string(reason), 0};
    }
    co_return TransferResult{Outcome::kTransient, "source_read", 0};
  }
  const ObjectVersion& v = opened->version;
  if (v.delete_marker) {
    client::S3Request del{http::verb::delete_, bucket, v.key, "", {}, ""};
    del.headers.emplace_back("x-stratus-replica-version-id", v.version_id);
    del.headers.emplace_back("x-stratus-replica-last-modified", std::to_string(v.last_modified_ms));
    co_return Classify(co_await client.Send(std::move(del)));
  }
  if (v.size <= options.part_size) {
    co_return co_await PutWhole(client, bucket, v, entry, *opened->reader);
  }
  co_return co_await PutMultipart(client, bucket, v, entry, *opened->reader, options.part_size);
}

}  // namespace replication
