#pragma once

// Internals of ObjectService shared by its .cc files (not part of its API).

#include <atomic>

#include "service/common/outbox.h"
#include "service/objects/object_service.h"

namespace service::objects {

// A writer's data made durable and ready to be referenced by a batch.
struct Materialized {
  DataRef ref;
  std::optional<std::string> inline_value;  // sealed; Put under keys::Data(ref.id)
};

// What a committed write tells the background workers about.
struct Announcements {
  std::vector<BacklogEntry> backlog;
  std::vector<std::string> notifications;  // outbox keys
};

class ObjectService::Impl {
 public:
  Impl(storage::KvStore& kv, std::unique_ptr<storage::BlobStore> blobs, ServiceOptions options)
      : kv_(kv), blobs_(std::move(blobs)), options_(std::move(options)) {}

  storage::KvStore& kv_;
  std::unique_ptr<storage::BlobStore> blobs_;
  // Counters of what the service stored (null without a registry).
  common::metrics::Counter* versions_written_ = nullptr;
  common::metrics::Counter* bytes_written_ = nullptr;
  common::metrics::Counter* blobs_unlinked_ = nullptr;
  storage::ValueCodec codec_;
  ServiceOptions options_;

  // --- time and ids --------------------------------------------------------
  // A strictly increasing nanosecond stamp (wall clock, bumped past the last).
  uint64_t NextStamp();
  static std::string SortHex(uint64_t stamp);  // 16 hex of ~stamp: newest first
  std::string NewVersionId(uint64_t stamp) const;
  static bool IsVersionId(std::string_view id);  // "null" or 32 hex

  // --- locks ---------------------------------------------------------------
  std::shared_mutex& BucketLock(std::string_view bucket);
  std::mutex& KeyLock(std::string_view bucket, std::string_view key);

  // --- records -------------------------------------------------------------
  Result<BucketInfo> LoadBucket(std::string_view bucket);
  Result<std::optional<ObjectVersion>> LoadCurrent(std::string_view bucket, std::string_view key);
  struct Found {
    std::string storage_key;
    ObjectVersion version;
  };
  // A version of `key` by id ("null" included); nullopt if there is none.
  Result<std::optional<Found>> FindVersion(std::string_view bucket, std::string_view key,
                                           std::string_view version_id);
  // The newest remaining version of `key` other than `except_storage_key`.
  Result<std::optional<ObjectVersion>> NewestVersion(std::string_view bucket, std::string_view key,
                                                     std::string_view except_storage_key);

  // --- data ----------------------------------------------------------------
  // Makes a writer's data durable (blob committed) and adds its references to
  // `batch`. The caller must Discard() it if the batch is not written.
  Result<Materialized> Materialize(ObjectWriter& writer, storage::WriteBatch& batch);
  void Discard(const Materialized& m);
  // Adds the removal of `ref`'s data to `batch`; blob files to unlink after the
  // batch commits are appended to `unlink`.
  static void Release(const DataRef& ref, storage::WriteBatch& batch, std::vector<std::string>& unlink);
  static void Release(const ObjectVersion& v, storage::WriteBatch& batch, std::vector<std::string>& unlink);
  // Writes `batch` durably, then unlinks the released blobs.
  Status Commit(const storage::WriteBatch& batch, const std::vector<std::string>& unlink);
  Result<std::unique_ptr<ObjectReader>> NewReader(const ObjectVersion& v);

  // Adds to `batch` what makes `v` the new current version of its key in
  // `bucket` (replacing the null version if `v` is one), after checking
  // `conditions`. Must hold the key lock.
  // A replica (v.replication_status "REPLICA" with a version id) keeps its
  // id and time and becomes current only if newer; any other write is
  // matched against the bucket's replication rules, and the backlog entries
  // made are added to `batch` and appended to `queued`.
  // Event notifications the write matches are added too (their keys to
  // `announce.notifications`).
  Status Install(const BucketInfo& bucket, ObjectVersion& v, const WriteConditions& conditions,
                 storage::WriteBatch& batch, std::vector<std::string>& unlink, Announcements& announce);
  Status InstallReplica(const BucketInfo& bucket, ObjectVersion& v,
                        const std::optional<ObjectVersion>& current, storage::WriteBatch& batch,
                        std::vector<std::string>& unlink);
  // Adds to `batch` an outbox entry per destination of `bucket`'s
  // notification configuration that `event_name` (e.g. "ObjectCreated:Put")
  // on `v` matches; their keys go to `keys`.
  void QueueNotifications(const BucketInfo& bucket, const ObjectVersion& v, std::string_view event_name,
                          const EventInfo& cause, uint64_t stamp, storage::WriteBatch& batch,
                          std::vector<std::string>& keys);
  // Adds to `batch` the backlog entries of `v` (a new version of a key in
  // `bucket`, written at `stamp`), marking it PENDING if any.
  void QueueReplication(const BucketInfo& bucket, ObjectVersion& v, uint64_t stamp,
                        storage::WriteBatch& batch, std::vector<BacklogEntry>& queued);
  // Tells the backlog listener of entries whose batch has committed.
  void Announce(std::vector<BacklogEntry> queued);
  // The same, and the notification outbox of its entries.
  void Announce(Announcements announce);
  std::unique_ptr<Outbox> notifications_;
  std::function<void(std::vector<BacklogEntry>)> backlog_listener_;

 private:
  std::atomic<uint64_t> last_stamp_{0};
  std::array<std::shared_mutex, 64> bucket_locks_;
  std::array<std::mutex, 1024> key_locks_;
};

// S3-style errors with their reasons.
Status NoSuchBucket(std::string_view bucket);
Status NoSuchKey(std::string_view key);
Status NoSuchVersion(std::string_view version_id);
Status NoSuchUpload(std::string_view upload_id);
Status InvalidVersionId(std::string_view version_id);

}  // namespace service::objects
