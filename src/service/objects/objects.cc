// Single objects: put, head, open, delete, tags.

#include <fmt/format.h>

#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {

using common::ErrorCode;

Result<ObjectVersion> ObjectService::PutObject(std::string_view bucket, std::string_view key,
                                               ObjectVersion meta, ObjectWriter& data,
                                               const WriteConditions& conditions) {
  // The data is made durable before any lock is taken (fsync is the slow part).
  storage::WriteBatch batch;
  auto m = impl_->Materialize(data, batch);
  if (!m.ok()) return m.status();
  meta.key = std::string(key);
  meta.delete_marker = false;
  meta.size = data.size();
  meta.etag = common::HexEncode(data.md5());
  meta.crc64nvme = data.crc64nvme();
  // A replica keeps its source's client checksum (see MarkReplica); its data
  // was verified against the source's CRC64/NVME.
  if (meta.replication_status != "REPLICA" || !meta.checksum_algorithm) {
    meta.checksum_algorithm = data.checksum_algorithm();
    meta.checksum = data.checksum();
    meta.checksum_type = meta.checksum_algorithm ? "FULL_OBJECT" : "";
  }
  meta.parts = {StoredPart{1, m->ref, meta.etag, data.checksum(), data.crc64nvme()}};

  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto b = impl_->LoadBucket(bucket);
  std::vector<std::string> unlink;
  Announcements queued;
  Status st = b.ok() ? impl_->Install(*b, meta, conditions, batch, unlink, queued) : b.status();
  if (st.ok()) st = impl_->Commit(batch, unlink);
  if (!st.ok()) {
    impl_->Discard(*m);
    return st;
  }
  impl_->Announce(std::move(queued));
  return meta;
}

Result<ObjectVersion> ObjectService::HeadObject(std::string_view bucket, std::string_view key,
                                                std::optional<std::string_view> version_id) {
  if (version_id && !Impl::IsVersionId(*version_id)) return InvalidVersionId(*version_id);
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  if (!version_id) {
    auto cur = impl_->LoadCurrent(bucket, key);
    if (!cur.ok()) return cur.status();
    if (!cur->has_value()) return NoSuchKey(key);
    return std::move(**cur);
  }
  auto found = impl_->FindVersion(bucket, key, *version_id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NoSuchVersion(*version_id);
  return std::move((*found)->version);
}

Result<ObjectService::Opened> ObjectService::OpenObject(std::string_view bucket,
                                                        std::string_view key,
                                                        std::optional<std::string_view> version_id) {
  // A concurrent overwrite may remove the data between reading the record and
  // opening it; the record read again then names the new data.
  for (int attempt = 0;; ++attempt) {
    auto v = HeadObject(bucket, key, version_id);
    if (!v.ok()) return v.status();
    if (v->delete_marker) return Opened{std::move(v).value(), nullptr};
    auto reader = impl_->NewReader(*v);
    if (reader.ok()) return Opened{std::move(v).value(), std::move(reader).value()};
    if (reader.status().reason() != "DataGone" || attempt == 3) {
      if (reader.status().reason() == "DataGone") {
        return common::Corruption(fmt::format("data of {} is missing", key));
      }
      return reader.status();
    }
  }
}

Result<DeleteOutcome> ObjectService::DeleteObject(std::string_view bucket, std::string_view key,
                                                  std::optional<std::string_view> version_id,
                                                  const std::optional<ReplicaOrigin>& replica,
                                                  const EventInfo& cause) {
  if (version_id && !Impl::IsVersionId(*version_id)) return InvalidVersionId(*version_id);
  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  storage::WriteBatch batch;
  std::vector<std::string> unlink;
  DeleteOutcome out;

  if (version_id) {
    auto found = impl_->FindVersion(bucket, key, *version_id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return out;  // deleting what is not there succeeds
    const auto& f = **found;
    batch.Delete(f.storage_key);
    Impl::Release(f.version, batch, unlink);
    out.version_id = f.version.version_id;
    out.delete_marker = f.version.delete_marker;
    std::vector<std::string> notes;
    impl_->QueueNotifications(*b, f.version, "ObjectRemoved:Delete", cause, impl_->NextStamp(), batch, notes);
    // If it was the current version, the next newest becomes current.
    auto cur = impl_->LoadCurrent(bucket, key);
    if (!cur.ok()) return cur.status();
    if (cur->has_value() && (*cur)->version_id == f.version.version_id) {
      auto next = impl_->NewestVersion(bucket, key, f.storage_key);
      if (!next.ok()) return next.status();
      if (next->has_value()) {
        batch.Put(keys::Current(bucket, key), records::Encode(**next));
      } else {
        batch.Delete(keys::Current(bucket, key));
      }
    }
    STRATUS_RETURN_IF_ERROR(impl_->Commit(batch, unlink));
    impl_->Announce(Announcements{{}, std::move(notes)});
    return out;
  }

  if (b->versioning == Versioning::kUnversioned) {
    auto cur = impl_->LoadCurrent(bucket, key);
    if (!cur.ok()) return cur.status();
    if (!cur->has_value()) return out;
    std::vector<std::string> notes;
    impl_->QueueNotifications(*b, **cur, "ObjectRemoved:Delete", cause, impl_->NextStamp(), batch, notes);
    if ((*cur)->version_id == "null" && !(*cur)->slot.empty()) {
      batch.Delete(keys::Version(bucket, key, (*cur)->slot));
      Impl::Release(**cur, batch, unlink);
    } else {
      auto found = impl_->FindVersion(bucket, key, "null");
      if (!found.ok()) return found.status();
      if (found->has_value()) {
        batch.Delete((*found)->storage_key);
        Impl::Release((*found)->version, batch, unlink);
      }
    }
    batch.Delete(keys::Current(bucket, key));
    STRATUS_RETURN_IF_ERROR(impl_->Commit(batch, unlink));
    impl_->Announce(Announcements{{}, std::move(notes)});
    return out;
  }

  // Versioned: a delete marker becomes the current version.
  ObjectVersion marker;
  marker.key = std::string(key);
  marker.delete_marker = true;
  if (replica) {
    marker.replication_status = "REPLICA";
    marker.version_id = replica->version_id;
    marker.last_modified_ms = replica->last_modified_ms;
  }
  Announcements queued;
  WriteConditions marker_write;
  marker_write.event = cause;
  marker_write.event.name = "ObjectRemoved:DeleteMarkerCreated";
  STRATUS_RETURN_IF_ERROR(impl_->Install(*b, marker, marker_write, batch, unlink, queued));
  STRATUS_RETURN_IF_ERROR(impl_->Commit(batch, unlink));
  impl_->Announce(std::move(queued));
  out.version_id = marker.version_id;
  out.delete_marker = true;
  return out;
}

Result<ObjectVersion> ObjectService::SetObjectTags(std::string_view bucket, std::string_view key,
                                                   std::optional<std::string_view> version_id,
                                                   Tags tags) {
  if (version_id && !Impl::IsVersionId(*version_id)) return InvalidVersionId(*version_id);
  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  auto cur = impl_->LoadCurrent(bucket, key);
  if (!cur.ok()) return cur.status();
  std::optional<Impl::Found> target;
  if (version_id) {
    auto found = impl_->FindVersion(bucket, key, *version_id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return NoSuchVersion(*version_id);
    target = std::move(**found);
  } else {
    if (!cur->has_value() || (*cur)->delete_marker) return NoSuchKey(key);
    auto found = impl_->FindVersion(bucket, key, (*cur)->version_id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return common::Corruption("current version has no version record");
    target = std::move(**found);
  }
  if (target->version.delete_marker) {
    return Status(ErrorCode::kInvalidArgument, "The specified method is not allowed against this resource.",
                  "MethodNotAllowed");
  }
  target->version.tags = std::move(tags);
  std::string rec = records::Encode(target->version);
  storage::WriteBatch batch;
  batch.Put(target->storage_key, rec);
  if (cur->has_value() && (*cur)->version_id == target->version.version_id) {
    batch.Put(keys::Current(bucket, key), rec);
  }
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  return std::move(target->version);
}

}  // namespace service::objects
