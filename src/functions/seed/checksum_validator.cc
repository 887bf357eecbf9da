// checksum-validator (seed 001): consumes validation-queue, whose messages
// are the primary buckets' object events (EventBridge or S3 notification
// form). For each object it compares the primary's full-object checksum with
// the replica's, both read with HeadObject in checksum mode (the ETag only
// when neither has a checksum, since ETags differ under multipart and
// SSE-KMS).
//
//   replica missing or PENDING  → looked at again for up to REPLICA_WAIT_MS;
//                                 then WARNING logged, the message is reported
//                                 as failed so SQS redelivers it after the
//                                 visibility timeout (replication lag)
//   checksums equal             → "SUCCESS: Checksum validation passed …"
//   checksums differ, or the    → ERROR logged, reported as failed: retried
//   message is not an event       until maxReceiveCount moves it to the DLQ
//   primary object gone         → logged and done (nothing left to validate)
//
// Environment: REPLICA_REGION (required); REPLICA_BUCKETS, optional
// "primary=replica,…" pairs, else the replica bucket is read from the
// primary's replication configuration; REPLICA_WAIT_MS (default 500, 0 = no
// wait), how long a replica still in flight is waited for.

#include "functions/seed/handlers.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

namespace {

// The replica bucket of `bucket`: from REPLICA_BUCKETS, else its replication
// configuration's first destination.
Result<std::string> ReplicaBucket(Context& ctx, const std::string& bucket) {
  std::string_view pairs = ctx.env("REPLICA_BUCKETS");
  while (!pairs.empty()) {
    size_t comma = pairs.find(',');
    std::string_view pair = pairs.substr(0, comma);
    pairs = comma == std::string_view::npos ? std::string_view() : pairs.substr(comma + 1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == bucket) return std::string(pair.substr(eq + 1));
  }
  auto aws = ctx.Aws();
  if (!aws.ok()) return aws.status();
  client::S3Request request;
  request.bucket = bucket;
  request.query = "replication=";
  auto response = (*aws)->S3(std::move(request));
  if (!response.ok()) return response.status();
  if (response->result_int() != 200) {
    return Status(ErrorCode::kNotFound, fmt::format("bucket {} has no replication configuration", bucket));
  }
  std::string destination = client::ElementText(response->body(), "Bucket");
  constexpr std::string_view kArnPrefix = "arn:aws:s3:::";
  if (!destination.starts_with(kArnPrefix)) {
    return Status(ErrorCode::kNotFound, fmt::format("bucket {} has no replication destination", bucket));
  }
  return destination.substr(kArnPrefix.size());
}

enum class Outcome { kValid, kRetry, kFailed, kGone };

// How long a missing or PENDING replica is waited for within the invocation.
std::chrono::milliseconds ReplicaWait(Context& ctx) {
  std::string_view text = ctx.env("REPLICA_WAIT_MS");
  std::chrono::milliseconds wait(text.empty() ? 500 : std::atoll(std::string(text).c_str()));
  return std::max(std::chrono::milliseconds(0), std::min(wait, ctx.remaining_time() / 2));
}

Outcome Validate(Context& ctx, const std::string& replica_region, const ObjectRef& object) {
  std::string where = fmt::format("s3://{}/{}", object.bucket, object.key);
  if (!object.version_id.empty()) where += fmt::format(" (version {})", object.version_id);
  auto primary = HeadObject(ctx, "", object);
  if (!primary.ok()) {
    ctx.Log(fmt::format("WARNING: cannot read the primary object {}: {}", where, primary.status().message()));
    return Outcome::kRetry;
  }
  if (!primary->exists) {
    ctx.Log(fmt::format("INFO: {} no longer exists; nothing to validate", where));
    return Outcome::kGone;
  }
  auto replica_bucket = ReplicaBucket(ctx, object.bucket);
  if (!replica_bucket.ok()) {
    ctx.Log(fmt::format("ERROR: no replica bucket for {}: {}", object.bucket, replica_bucket.status().message()));
    return Outcome::kFailed;
  }
  ObjectRef replica_ref = object;
  replica_ref.bucket = *replica_bucket;
  replica_ref.version_id = primary->version_id;  // replicas keep the source's version id
  auto replica = HeadObject(ctx, replica_region, replica_ref);
  if (!replica.ok()) {
    ctx.Log(fmt::format("WARNING: cannot read the replica s3://{}/{} in {}: {}; will retry", *replica_bucket,
                        object.key, replica_region, replica.status().message()));
    return Outcome::kRetry;
  }
  // Replication usually lands within milliseconds: look again a few times
  // (REPLICA_WAIT_MS in all, at most half the time left) before handing the
  // message back to the queue, whose visibility timeout is seconds.
  const auto until = std::chrono::steady_clock::now() + ReplicaWait(ctx);
  std::chrono::milliseconds pause(10);
  while (!replica->exists || primary->replication_status == "PENDING") {
    if (std::chrono::steady_clock::now() + pause > until) {
      ctx.Log(fmt::format("WARNING: replica of {} not yet available in s3://{} ({}; replication status {}); will retry",
                          where, *replica_bucket, replica_region,
                          primary->replication_status.empty() ? "none" : primary->replication_status));
      return Outcome::kRetry;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
    primary = HeadObject(ctx, "", object);
    if (!primary.ok() || !primary->exists) return primary.ok() ? Outcome::kGone : Outcome::kRetry;
    replica = HeadObject(ctx, replica_region, replica_ref);
    if (!replica.ok()) return Outcome::kRetry;
  }
  std::string what;
  bool equal;
  if (!primary->checksum_algorithm.empty() && primary->checksum_algorithm == replica->checksum_algorithm) {
    what = fmt::format("{} {}", primary->checksum_algorithm, primary->checksum);
    equal = primary->checksum == replica->checksum;
  } else if (primary->checksum_algorithm.empty() && replica->checksum_algorithm.empty()) {
    what = fmt::format("ETag {}", primary->etag);
    equal = primary->etag == replica->etag;
  } else {
    ctx.Log(fmt::format("ERROR: Checksum mismatch for {}: the primary has {} {}, the replica {} {}", where,
                        primary->checksum_algorithm, primary->checksum, replica->checksum_algorithm,
                        replica->checksum));
    return Outcome::kFailed;
  }
  if (!equal) {
    ctx.Log(fmt::format("ERROR: Checksum mismatch for {}: primary {} {}, replica {} {}", where,
                        primary->checksum_algorithm.empty() ? "ETag" : primary->checksum_algorithm,
                        primary->checksum_algorithm.empty() ? primary->etag : primary->checksum,
                        replica->checksum_algorithm.empty() ? "ETag" : replica->checksum_algorithm,
                        replica->checksum_algorithm.empty() ? replica->etag : replica->checksum));
    return Outcome::kFailed;
  }
  ctx.Log(fmt::format("SUCCESS: Checksum validation passed for {} against s3://{}/{} in {} ({})", where,
                      *replica_bucket, object.key, replica_region, what));
  return Outcome::kValid;
}

}  // namespace

Result<json::value> ChecksumValidator(Context& ctx, const json::value& event) {
  auto replica_region = RequiredEnv(ctx, "REPLICA_REGION");
  if (!replica_region.ok()) return replica_region.status();
  auto messages = SqsMessages(event);
  if (!messages.ok()) return messages.status();
  std::vector<std::string> failed;
  for (const auto& m : *messages) {
    if (!m.objects.ok()) {
      ctx.Log(fmt::format("ERROR: message {} is not an object event ({}): {:.200}", m.id, m.objects.status().message(),
                          m.body));
      failed.push_back(m.id);
      continue;
    }
    bool ok = true;
    for (const auto& object : *m.objects) {
      Outcome o = Validate(ctx, *replica_region, object);
      if (o == Outcome::kRetry || o == Outcome::kFailed) ok = false;
    }
    if (!ok) failed.push_back(m.id);
  }
  return BatchItemFailures(failed);
}

}  // namespace functions::seed
