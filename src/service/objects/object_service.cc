#include "service/objects/object_service.h"

#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {

using common::ErrorCode;

Status NoSuchBucket(std::string_view bucket) {
  (void)bucket;
  return Status(ErrorCode::kNotFound, "The specified bucket does not exist", "NoSuchBucket");
}
Status NoSuchKey(std::string_view key) {
  (void)key;
  return Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey");
}
Status NoSuchVersion(std::string_view version_id) {
  (void)version_id;
  return Status(ErrorCode::kNotFound,
                "The specified version does not exist.", "NoSuchVersion");
}
Status NoSuchUpload(std::string_view upload_id) {
  (void)upload_id;
  return Status(ErrorCode::kNotFound,
                "The specified upload does not exist. The upload ID may be invalid, or the upload "
                "may have been aborted or completed.",
                "NoSuchUpload");
}
Status InvalidVersionId(std::string_view version_id) {
  (void)version_id;
  return Status(ErrorCode::kInvalidArgument, "Invalid version id specified", "InvalidArgument");
}

// --- time, ids, locks --------------------------------------------------------

uint64_t ObjectService::Impl::NextStamp() {
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           options_.clock().time_since_epoch())
                                           .count());
  uint64_t last = last_stamp_.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = std::max(now, last + 1);
  } while (!last_stamp_.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

std::string ObjectService::Impl::SortHex(uint64_t stamp) { return fmt::format("{:016x}", ~stamp); }

std::string ObjectService::Impl::NewVersionId(uint64_t stamp) const {
  return SortHex(stamp) + common::RandomString(16, "0123456789abcdef");
}

bool ObjectService::Impl::IsVersionId(std::string_view id) {
  if (id == "null") return true;
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::shared_mutex& ObjectService::Impl::BucketLock(std::string_view bucket) {
  return bucket_locks_[std::hash<std::string_view>()(bucket) % bucket_locks_.size()];
}

std::mutex& ObjectService::Impl::KeyLock(std::string_view bucket, std::string_view key) {
  size_t h = std::hash<std::string_view>()(bucket) * 31 + std::hash<std::string_view>()(key);
  return key_locks_[h % key_locks_.size()];
}

// --- records -----------------------------------------------------------------

Result<BucketInfo> ObjectService::Impl::LoadBucket(std::string_view bucket) {
  auto v = kv_.Get(keys::Bucket(bucket));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return NoSuchBucket(bucket);
  return records::DecodeBucket(**v);
}

Result<std::optional<ObjectVersion>> ObjectService::Impl::LoadCurrent(std::string_view bucket,
                                                                       std::string_view key) {
  auto v = kv_.Get(keys::Current(bucket, key));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<ObjectVersion>();
  auto rec = records::DecodeVersion(**v);
  if (!rec.ok()) return rec.status();
  return std::optional<ObjectVersion>(std::move(rec).value());
}

Result<std::optional<ObjectService::Impl::Found>> ObjectService::Impl::FindVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id) {
  if (version_id != "null") {
    std::string sk = keys::Version(bucket, key, version_id);
    auto v = kv_.Get(sk);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return std::optional<Found>();
    auto rec = records::DecodeVersion(**v);
    if (!rec.ok()) return rec.status();
    return std::optional<Found>(Found{std::move(sk), std::move(rec).value()});
  }
  // The null version has no id of its own to find it by: scan the key's versions.
  std::string prefix = keys::VersionKeyPrefix(bucket, key);
  storage::IteratorOptions io{prefix, storage::PrefixSuccessor(prefix)};
  auto it = kv_.NewIterator(io);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view suffix = it->key().substr(prefix.size());
    if (!suffix.ends_with("null")) continue;
    auto rec = records::DecodeVersion(it->value());
    if (!rec.ok()) return rec.status();
    return std::optional<Found>(Found{std::string(it->key()), std::move(rec).value()});
  }
  if (!it->status().ok()) return it->status();
  return std::optional<Found>();
}

Result<std::optional<ObjectVersion>> ObjectService::Impl::NewestVersion(
    std::string_view bucket, std::string_view key, std::string_view except_storage_key) {
  std::string prefix = keys::VersionKeyPrefix(bucket, key);
  storage::IteratorOptions io{prefix, storage::PrefixSuccessor(prefix)};
  auto it = kv_.NewIterator(io);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (it->key() == except_storage_key) continue;
    auto rec = records::DecodeVersion(it->value());
    if (!rec.ok()) return rec.status();
    return std::optional<ObjectVersion>(std::move(rec).value());
  }
  if (!it->status().ok()) return it->status();
  return std::optional<ObjectVersion>();
}

// --- data --------------------------------------------------------------------

void ObjectService::Impl::Release(const DataRef& ref, storage::WriteBatch& batch,
                                  std::vector<std::string>& unlink) {
  if (ref.id.empty()) return;
  if (ref.inline_data) {
    batch.Delete(keys::Data(ref.id));
  } else {
    batch.Delete(keys::BlobRef(ref.id));
    unlink.push_back(ref.id);
  }
}

void ObjectService::Impl::Release(const ObjectVersion& v, storage::WriteBatch& batch,
                                  std::vector<std::string>& unlink) {
  for (const auto& p : v.parts) Release(p.data, batch, unlink);
}

Status ObjectService::Impl::Commit(const storage::WriteBatch& batch,
                                   const std::vector<std::string>& unlink) {
  STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
  if (blobs_unlinked_ != nullptr) blobs_unlinked_->Inc(unlink.size());
  if (versions_written_ != nullptr) {
    for (const auto& op : batch.ops()) {
      if (op.type == storage::WriteBatch::OpType::kPut && op.key.starts_with(keys::kVersionPrefix)) {
        versions_written_->Inc();
      }
    }
  }
  for (const auto& id : unlink) {
    // Failing to unlink leaves an unreferenced blob that the next start-up
    // collects; the write itself has succeeded.
    if (auto st = blobs_->Delete(id); !st.ok()) {
      common::log::Get("objects")->warn("region={} blob={} unlink failed: {}", options_.region, id,
                                        st.ToString());
    }
  }
  return Status::Ok();
}

Status ObjectService::Impl::Install(const BucketInfo& bucket, ObjectVersion& v,
                                    const WriteConditions& conditions, storage::WriteBatch& batch,
                                    std::vector<std::string>& unlink, Announcements& announce) {
  auto current = LoadCurrent(bucket.name, v.key);
  if (!current.ok()) return current.status();
  std::string_view event = !conditions.event.name.empty() ? std::string_view(conditions.event.name)
                           : v.delete_marker               ? "ObjectRemoved:DeleteMarkerCreated"
                                                           : "ObjectCreated:Put";
  if (v.replication_status == "REPLICA" && bucket.versioning == Versioning::kEnabled &&
      IsVersionId(v.version_id) && v.version_id != "null") {
    STRATUS_RETURN_IF_ERROR(InstallReplica(bucket, v, *current, batch, unlink));
    QueueNotifications(bucket, v, event, conditions.event, NextStamp(), batch, announce.notifications);
    return Status::Ok();
  }
  const bool exists = current->has_value() && !(*current)->delete_marker;
  if (conditions.if_none_match_any && exists) {
    return Status(ErrorCode::kPreconditionFailed,
                  "At least one of the pre-conditions you specified did not hold",
                  "PreconditionFailed");
  }
  if (conditions.if_match) {
    if (!exists) return NoSuchKey(v.key);
    if (*conditions.if_match != "*" && *conditions.if_match != (*current)->etag) {
      return Status(ErrorCode::kPreconditionFailed,
                    "At least one of the pre-conditions you specified did not hold",
                    "PreconditionFailed");
    }
  }
  const uint64_t stamp = NextStamp();
  v.last_modified_ms = static_cast<int64_t>(stamp / 1000000);
  std::string suffix;
  if (bucket.versioning == Versioning::kEnabled) {
    v.version_id = NewVersionId(stamp);
    suffix = v.version_id;
  } else {
    v.version_id = "null";
    suffix = SortHex(stamp) + "null";
    // The null version being replaced: the current version itself when it is
    // the null one (no scan), none when the key has no version at all.
    if (current->has_value() && (*current)->version_id == "null" && !(*current)->slot.empty()) {
      batch.Delete(keys::Version(bucket.name, v.key, (*current)->slot));
      Release(**current, batch, unlink);
    } else if (current->has_value()) {
      auto old_null = FindVersion(bucket.name, v.key, "null");
      if (!old_null.ok()) return old_null.status();
      if (old_null->has_value()) {
        batch.Delete((*old_null)->storage_key);
        Release((*old_null)->version, batch, unlink);
      }
    }
  }
  v.slot = suffix;
  v.replication_status.clear();  // a new source version: queued below if a rule matches
  v.replication_remaining = 0;
  QueueReplication(bucket, v, stamp, batch, announce.backlog);
  QueueNotifications(bucket, v, event, conditions.event, stamp, batch, announce.notifications);
  std::string rec = records::Encode(v);
  batch.Put(keys::Version(bucket.name, v.key, suffix), rec);
  batch.Put(keys::Current(bucket.name, v.key), rec);
  return Status::Ok();
}

Status ObjectService::Impl::InstallReplica(const BucketInfo& bucket, ObjectVersion& v,
                                           const std::optional<ObjectVersion>& current,
                                           storage::WriteBatch& batch,
                                           std::vector<std::string>& unlink) {
  // A copy of this version shipped earlier (a retry after a lost answer) is replaced.
  auto earlier = FindVersion(bucket.name, v.key, v.version_id);
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) {
    batch.Delete((*earlier)->storage_key);
    Release((*earlier)->version, batch, unlink);
  }
  v.slot = v.version_id;
  v.replication_remaining = 0;
  std::string rec = records::Encode(v);
  batch.Put(keys::Version(bucket.name, v.key, v.slot), rec);
  // Slots start with the inverted stamp: the smaller one is the newer version.
  const bool newest = !current.has_value() || current->version_id == v.version_id ||
                      v.slot.substr(0, 16) < current->slot.substr(0, 16);
  if (newest) batch.Put(keys::Current(bucket.name, v.key), rec);
  return Status::Ok();
}

// --- the service ---------------------------------------------------------------

ObjectService::ObjectService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ObjectService::~ObjectService() = default;

Result<std::unique_ptr<ObjectService>> ObjectService::Open(storage::KvStore& kv,
                                                           const std::filesystem::path& blob_dir,
                                                           ServiceOptions options,
                                                           common::metrics::Registry* metrics) {
  auto blobs = storage::BlobStore::Open(blob_dir);
  if (!blobs.ok()) return blobs.status();
  auto impl = std::make_unique<Impl>(kv, std::move(blobs).value(), std::move(options));
  // Start-up recovery: a blob is live only if a committed batch references it.
  Status lookup_error;
  auto removed = impl->blobs_->CollectGarbage([&](std::string_view id) {
    auto v = kv.Get(keys::BlobRef(id));
    if (!v.ok()) {
      lookup_error = v.status();
      return true;  // keep what we cannot prove dead
    }
    return v->has_value();
  });
  if (!removed.ok()) return removed.status();
  if (!lookup_error.ok()) return lookup_error;
  if (*removed > 0) {
    common::log::Get("objects")->info("region={} recovery removed {} unreferenced blob files",
                                      impl->options_.region, *removed);
  }
  if (metrics != nullptr) {
    metrics->GetCounter("stratus_s3_recovered_orphans_total",
                        "Unreferenced blob files removed at start-up.")
        .Inc(*removed);
    impl->versions_written_ = &metrics->GetCounter(
        "stratus_s3_versions_written_total", "Object versions and delete markers committed.");
    impl->bytes_written_ = &metrics->GetCounter(
        "stratus_s3_bytes_written_total", "Object and part data made durable, in bytes (including data a failed write then discarded).");
    impl->blobs_unlinked_ = &metrics->GetCounter(
        "stratus_s3_blobs_unlinked_total", "Blob files removed after the data they held was released.");
  }
  return std::unique_ptr<ObjectService>(new ObjectService(std::move(impl)));
}

Result<BucketInfo> ObjectService::CreateBucket(std::string_view name) {
  std::unique_lock lock(impl_->BucketLock(name));
  auto existing = impl_->kv_.Get(keys::Bucket(name));
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    return Status(ErrorCode::kAlreadyExists,
                  "Your previous request to create the named bucket succeeded and you already "
                  "own it.",
                  "BucketAlreadyOwnedByYou");
  }
  BucketInfo b;
  b.name = std::string(name);
  b.region = impl_->options_.region;
  b.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     impl_->options_.clock().time_since_epoch())
                     .count();
  b.public_access_block = PublicAccessBlock{};
  storage::WriteBatch batch;
  batch.Put(keys::Bucket(name), records::Encode(b));
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  return b;
}

Status ObjectService::DeleteBucket(std::string_view name) {
  std::unique_lock lock(impl_->BucketLock(name));
  auto bucket = impl_->LoadBucket(name);
  if (!bucket.ok()) return bucket.status();
  {
    std::string prefix = keys::VersionBucketPrefix(name);
    auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    it->Seek(prefix);
    if (it->Valid()) {
      return Status(ErrorCode::kConflict, "The bucket you tried to delete is not empty",
                    "BucketNotEmpty");
    }
    STRATUS_RETURN_IF_ERROR(it->status());
  }
  storage::WriteBatch batch;
  std::vector<std::string> unlink;
  // Uploads still in progress go with the bucket.
  std::string prefix = keys::UploadBucketPrefix(name);
  auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    batch.Delete(it->key());
    auto upload = records::DecodeUpload(it->value());
    if (!upload.ok()) return upload.status();
    std::string pp = keys::PartPrefix(upload->upload_id);
    auto pit = impl_->kv_.NewIterator({pp, storage::PrefixSuccessor(pp)});
    for (pit->Seek(pp); pit->Valid(); pit->Next()) {
      batch.Delete(pit->key());
      auto part = records::DecodePart(pit->value());
      if (!part.ok()) return part.status();
      Impl::Release(part->data, batch, unlink);
    }
    STRATUS_RETURN_IF_ERROR(pit->status());
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  it.reset();
  batch.Delete(keys::Bucket(name));
  return impl_->Commit(batch, unlink);
}

Result<BucketInfo> ObjectService::GetBucket(std::string_view name) { return impl_->LoadBucket(name); }

Result<std::vector<BucketInfo>> ObjectService::ListBuckets() {
  std::vector<BucketInfo> out;
  std::string prefix(keys::kBucketPrefix);
  auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto b = records::DecodeBucket(it->value());
    if (!b.ok()) return b.status();
    out.push_back(std::move(b).value());
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  return out;
}

Result<BucketInfo> ObjectService::UpdateBucket(std::string_view name,
                                               const std::function<Status(BucketInfo&)>& change) {
  std::unique_lock lock(impl_->BucketLock(name));
  auto bucket = impl_->LoadBucket(name);
  if (!bucket.ok()) return bucket.status();
  BucketInfo b = std::move(bucket).value();
  STRATUS_RETURN_IF_ERROR(change(b));
  storage::WriteBatch batch;
  batch.Put(keys::Bucket(name), records::Encode(b));
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  return b;
}

}  // namespace service::objects
