#pragma once

// Transfer: ships one backlog entry — one object version or delete marker —
// to its destination over the S3 API, and says how it went.
//
// An object goes in one PUT up to the part size, else as a multipart upload
// read part by part (memory stays within one part). Every request carries
// what makes the replica the same version: content headers, user metadata,
// tags, storage class, and x-stratus-replica-version-id /
// x-stratus-replica-last-modified (honoured by stratus, ignored by other S3
// servers). Integrity: the source's CRC64/NVME, computed when it was
// written, travels as x-amz-checksum-crc64nvme (the whole-object value on
// CompleteMultipartUpload, each part's on UploadPart); the destination
// verifies it before committing and answers BadDigest on a mismatch.
//
// Blocking storage reads run on the calling thread (the engine's own).

#include <cstdint>
#include <string>

#include "client/s3_client.h"
#include "net/http_types.h"
#include "service/objects/object_service.h"

namespace replication {

enum class Outcome {
  kDone,       // the destination has the version
  kGone,       // the source version no longer exists: nothing to ship
  kTransient,  // retry later (refused, timed out, 5xx, throttled)
  kMismatch,   // the destination found the data corrupt: retry
  kPermanent,  // will not succeed (access denied, no such bucket, ...): FAILED
};

struct TransferResult {
  Outcome outcome = Outcome::kDone;
  std::string reason;  // short, for metrics labels: "http_503", "timeout", "NoSuchBucket", ...
  uint64_t bytes = 0;  // payload bytes sent
};

struct TransferOptions {
  uint64_t part_size = 8ull << 20;
};

net::awaitable<TransferResult> Transfer(service::objects::ObjectService& objects,
                                        client::S3Client& client, std::string bucket,
                                        service::objects::BacklogEntry entry,
                                        TransferOptions options);

// How a destination's answer to a replication request counts.
TransferResult Classify(const common::Result<net::ClientResponse>& response);

}  // namespace replication
