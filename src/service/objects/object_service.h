#pragma once

// ObjectService: one region's buckets and objects (the domain behind the S3
// API). Protocol-neutral: names, versions, data streams and conditions in,
// domain records out; the S3 front end (api/s3/) maps them to the wire.
//
// Durability (DESIGN.md): object data is written first — inline data in the
// same WriteBatch as its metadata, larger data to a blob file that is fsync'd
// and renamed before the batch that references it — and the batch is durable
// before any call returns OK. Nothing is visible before its batch commits;
// Open() removes blobs that no record references (a crash between a blob's
// commit and its batch, or after a batch that dropped it).
//
// Concurrency: every method is thread-safe and blocking (storage I/O on the
// caller's thread). Writes of one key are serialised by a striped key lock;
// bucket creation/deletion excludes object writes in that bucket by a striped
// bucket lock. Readers never lock: they read committed records and, if a
// concurrent overwrite removed the data they were about to open, read again.
//
// Errors carry S3-style reasons (common::Status::reason) the front end maps:
// NoSuchBucket, NoSuchKey, NoSuchVersion, NoSuchUpload, BucketNotEmpty,
// BucketAlreadyOwnedByYou, InvalidPart, InvalidPartOrder, EntityTooSmall,
// PreconditionFailed, InvalidArgument, MethodNotAllowed.

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/checksum.h"
#include "common/metrics.h"
#include "common/status.h"
#include "service/objects/types.h"
#include "storage/blob_store.h"
#include "storage/kv_store.h"
#include "storage/value_codec.h"

namespace service::objects {

using common::Result;
using common::Status;

struct ServiceOptions {
  std::string region;
  // Objects (and parts) up to this size live inside the metadata engine.
  uint64_t inline_limit = 128 << 10;
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

// Streams one object's (or part's) data in, computing its checksums once:
// MD5 (the ETag), CRC64/NVME (kept for integrity checks) and, if asked, the
// client's algorithm. Made by ObjectService::NewWriter; consumed by a commit.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;  // discards the data unless committed
  virtual Status Append(std::string_view data) = 0;
  virtual uint64_t size() const = 0;
  // Finishes the checksums; further Appends fail. Idempotent.
  virtual void Finish() = 0;
  // After Finish(): raw MD5, base64 CRC64/NVME, base64 client checksum ("" if
  // no algorithm was asked for).
  virtual const std::string& md5() const = 0;
  virtual const std::string& crc64nvme() const = 0;
  virtual const std::string& checksum() const = 0;
  virtual std::optional<ChecksumAlgorithm> checksum_algorithm() const = 0;
};

// Reads one object version's data at any offset (parts are stitched together).
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual uint64_t size() const = 0;
  // Up to `n` bytes at `offset` into `out`; fewer only at the end.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string& out) = 0;
};

// Conditions a write checks atomically against the current version.
struct WriteConditions {
  std::optional<std::string> if_match;  // unquoted ETag or "*"
  bool if_none_match_any = false;       // If-None-Match: * (create only)
  // CompleteUpload: the base64 CRC64/NVME the whole object must have
  // (BadDigest otherwise), as a replica's sender states it.
  std::optional<std::string> expected_crc64nvme;
  // Who and what, for event notifications (name "" = ObjectCreated:Put, or
  // ObjectCreated:CompleteMultipartUpload when completing an upload).
  EventInfo event;
};

// What a replica keeps of its source version: a write whose ObjectVersion has
// replication_status "REPLICA" and a version id installs that version (same
// id, same last-modified time) in a versioned bucket, replacing an earlier
// copy of it, and becomes the key's current version only if it is newer than
// the current one — so versions arriving out of order converge on the
// source's latest. Replicas are never queued for replication themselves.
struct ReplicaOrigin {
  std::string version_id;  // 32 hex (a versioned id)
  int64_t last_modified_ms = 0;
};

struct ListQuery {
  std::string prefix;
  std::string delimiter;
  std::string start_after;  // exclusive
  int max_keys = 1000;
};

struct ListResult {
  std::vector<ObjectVersion> objects;  // current versions, no delete markers
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_marker;  // the last key or common prefix returned, when truncated
};

struct VersionQuery {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;         // exclusive (with version_id_marker: resume within the key)
  std::string version_id_marker;  // "" = start after all versions of key_marker
  int max_keys = 1000;
};

struct VersionEntry {
  ObjectVersion version;
  bool is_latest = false;
};

struct VersionListResult {
  std::vector<VersionEntry> versions;  // newest first within a key
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;
};

struct DeleteOutcome {
  std::string version_id;      // the version removed or the delete marker made; "" if none
  bool delete_marker = false;  // the version removed or made is a delete marker
};

struct CompletedPartRef {
  int part_number = 0;
  std::string etag;  // unquoted
};

struct PartListing {
  MultipartUpload upload;
  std::vector<UploadedPart> parts;
  bool truncated = false;
  int next_marker = 0;
};

struct UploadQuery {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
};

struct UploadListing {
  std::vector<MultipartUpload> uploads;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

class ObjectService {
 public:
  // Opens the service over a region's store; blobs live under `blob_dir`.
  // Runs start-up recovery (orphan blobs and temp files removed).
  static Result<std::unique_ptr<ObjectService>> Open(storage::KvStore& kv,
                                                     const std::filesystem::path& blob_dir,
                                                     ServiceOptions options,
                                                     common::metrics::Registry* metrics = nullptr);
  ~ObjectService();

  // --- Buckets -------------------------------------------------------------
  // kAlreadyExists/BucketAlreadyOwnedByYou if it exists. New buckets block
  // public access.
  Result<BucketInfo> CreateBucket(std::string_view name);
  // kConflict/BucketNotEmpty while any version exists; aborts open uploads.
  Status DeleteBucket(std::string_view name);
  Result<BucketInfo> GetBucket(std::string_view name);
  Result<std::vector<BucketInfo>> ListBuckets();
  // Applies `change` to the bucket record atomically (bucket sub-resources).
  Result<BucketInfo> UpdateBucket(std::string_view name,
                                  const std::function<Status(BucketInfo&)>& change);

  // --- Objects -------------------------------------------------------------
  // A writer for new data; `size_hint` (the Content-Length, if known) lets
  // small objects stay in memory until commit.
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::optional<uint64_t> size_hint,
                                                  std::optional<ChecksumAlgorithm> algorithm);
  // Commits `data` as a new version of `key` with the metadata in `meta`
  // (content headers, user metadata, tags, owner); fills key, version id,
  // size, etag, checksums, time. Checks `conditions` against the current version.
  Result<ObjectVersion> PutObject(std::string_view bucket, std::string_view key, ObjectVersion meta,
                                  ObjectWriter& data, const WriteConditions& conditions = {});
  // The current version (may be a delete marker) or a given one ("null" names
  // the null version). NoSuchKey / NoSuchVersion.
  Result<ObjectVersion> HeadObject(std::string_view bucket, std::string_view key,
                                   std::optional<std::string_view> version_id = std::nullopt);
  // A version with a reader of its data, consistent with each other.
  struct Opened {
    ObjectVersion version;
    std::unique_ptr<ObjectReader> reader;  // null for a delete marker
  };
  Result<Opened> OpenObject(std::string_view bucket, std::string_view key,
                            std::optional<std::string_view> version_id = std::nullopt);
  // Without a version id: unversioned buckets remove the object; versioned
  // ones add a delete marker (suspended: a null delete marker). With one:
  // removes that version. Deleting what does not exist succeeds.
  // A delete marker that replicates another region's (`replica`) is
  // installed like a replica version (see ReplicaOrigin).
  Result<DeleteOutcome> DeleteObject(std::string_view bucket, std::string_view key,
                                     std::optional<std::string_view> version_id = std::nullopt,
                                     const std::optional<ReplicaOrigin>& replica = std::nullopt,
                                     const EventInfo& cause = {});
  // Replaces the tags of a version (current if none given).
  Result<ObjectVersion> SetObjectTags(std::string_view bucket, std::string_view key,
                                      std::optional<std::string_view> version_id, Tags tags);

  Result<ListResult> ListObjects(std::string_view bucket, const ListQuery& q);
  Result<VersionListResult> ListObjectVersions(std::string_view bucket, const VersionQuery& q);

  // --- Multipart -----------------------------------------------------------
  // `checksum_type` is "", "COMPOSITE" or "FULL_OBJECT" (x-amz-checksum-type);
  // "" picks S3's default for the algorithm. InvalidRequest for a pairing S3
  // refuses (CRC64NVME composite, SHA full-object).
  Result<MultipartUpload> CreateUpload(std::string_view bucket, std::string_view key,
                                       ObjectVersion pending,
                                       std::optional<ChecksumAlgorithm> algorithm,
                                       std::string_view checksum_type = {});
  Result<MultipartUpload> GetUpload(std::string_view bucket, std::string_view key,
                                    std::string_view upload_id);
  // Stores part `part_number` (1..10000), replacing an earlier one.
  Result<UploadedPart> PutPart(std::string_view bucket, std::string_view key,
                               std::string_view upload_id, int part_number, ObjectWriter& data);
  Result<PartListing> ListParts(std::string_view bucket, std::string_view key,
                                std::string_view upload_id, int part_number_marker, int max_parts);
  // Assembles the listed parts (ascending, each as uploaded; all but the last
  // at least `min_part_size`) into a new version. InvalidPart,
  // InvalidPartOrder, EntityTooSmall, NoSuchUpload.
  Result<ObjectVersion> CompleteUpload(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id,
                                       const std::vector<CompletedPartRef>& parts,
                                       const WriteConditions& conditions = {},
                                       uint64_t min_part_size = 5ull << 20);
  Status AbortUpload(std::string_view bucket, std::string_view key, std::string_view upload_id);
  Result<UploadListing> ListUploads(std::string_view bucket, const UploadQuery& q);

  // --- Event notifications -----------------------------------------------
  // Every write that a bucket's notification configuration matches records,
  // in its own batch, one outbox entry per destination (s3/n/); once started,
  // the outbox hands each to `sink` until it succeeds (at least once, also
  // after a crash; an entry failing for about ten minutes is dropped and
  // counted, as S3 does with undeliverable events). `sink` runs on outbox
  // threads.
  using NotificationSink = std::function<Status(const NotificationEntry&)>;
  Status StartNotifications(NotificationSink sink, common::metrics::Registry* metrics = nullptr);
  void StopNotifications();
  // Queues s3:TestEvent to each queue and topic of the bucket's configuration
  // (S3 sends one when a configuration is set).
  Status QueueTestEvents(std::string_view bucket);

  // --- Replication backlog -------------------------------------------------
  // A write that one of its bucket's replication rules matches (a new
  // version or delete marker of a versioned bucket, not a replica) adds one
  // BacklogEntry per destination in the same atomic batch as the write, and
  // its version is marked PENDING. `listener` is told of entries once their
  // batch is durable; set it before serving writes. Not thread-safe with
  // writes in flight.
  void SetBacklogListener(std::function<void(std::vector<BacklogEntry>)> listener);
  // Entries in order of their ids, after `after_id` ("" = from the start).
  Result<std::vector<BacklogEntry>> ListBacklog(std::string_view after_id, size_t limit);
  // Removes `entry` and updates its version's status in one batch: PENDING →
  // COMPLETED once every destination succeeded, FAILED if one failed for good.
  // An entry whose version is gone is just removed.
  Status FinishReplication(const BacklogEntry& entry, bool succeeded);
  // The same for many entries (entry, succeeded) in one batch.
  Status FinishReplications(const std::vector<std::pair<BacklogEntry, bool>>& done);
  // Queues every version of `bucket` that has never been replicated (no
  // status, not a replica) for the rules with existing-object replication.
  // Returns how many entries were queued.
  Result<size_t> QueueExistingObjects(std::string_view bucket);

  class Impl;  // service_impl.h; public so the implementation files can name it

 private:
  explicit ObjectService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace service::objects
