// The replication backlog: entries queued with the writes rules match, their
// completion, and existing-object replication.

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {
namespace {

using Form = ReplicationRule::FilterForm;

bool HasTag(const Tags& tags, const std::pair<std::string, std::string>& want) {
  return std::find(tags.begin(), tags.end(), want) != tags.end();
}

// Whether `rule` replicates `v` (S3: the filter's prefix and every tag must
// match; delete markers only with DeleteMarkerReplication and no tag filter).
bool Matches(const ReplicationRule& rule, const ObjectVersion& v) {
  if (!rule.enabled) return false;
  if (v.delete_marker && (!rule.delete_marker_replication || !rule.tags.empty())) return false;
  if (!v.key.starts_with(rule.prefix)) return false;
  return std::all_of(rule.tags.begin(), rule.tags.end(),
                     [&](const auto& t) { return HasTag(v.tags, t); });
}

}  // namespace

void ObjectService::Impl::QueueReplication(const BucketInfo& bucket, ObjectVersion& v,
                                           uint64_t stamp, storage::WriteBatch& batch,
                                           std::vector<BacklogEntry>& queued) {
  if (!bucket.replication || bucket.versioning != Versioning::kEnabled) return;
  // One entry per destination: the matching rule of highest priority wins
  // (the first listed on a tie).
  std::map<std::string, std::pair<size_t, const ReplicationRule*>> chosen;
  const auto& rules = bucket.replication->rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!Matches(rules[i], v)) continue;
    auto [it, added] = chosen.try_emplace(rules[i].destination, i, &rules[i]);
    if (!added && rules[i].priority > it->second.second->priority) it->second = {i, &rules[i]};
  }
  if (chosen.empty()) return;
  for (const auto& [destination, pick] : chosen) {
    const ReplicationRule& rule = *pick.second;
    BacklogEntry e;
    e.id = fmt::format("{:016x}{:04x}", stamp, pick.first);
    e.bucket = bucket.name;
    e.key = v.key;
    e.version_id = v.version_id;
    e.delete_marker = v.delete_marker;
    e.size = v.size;
    e.rule_id = rule.id;
    e.destination = destination;
    e.storage_class = rule.storage_class;
    e.replication_time = rule.replication_time;
    e.enqueued_ms = static_cast<int64_t>(stamp / 1000000);
    batch.Put(keys::Backlog(e.id), records::Encode(e));
    queued.push_back(std::move(e));
  }
  v.replication_status = "PENDING";
  v.replication_remaining = static_cast<int>(chosen.size());
}

void ObjectService::Impl::Announce(std::vector<BacklogEntry> queued) {
  if (!queued.empty() && backlog_listener_) backlog_listener_(std::move(queued));
}

void ObjectService::SetBacklogListener(std::function<void(std::vector<BacklogEntry>)> listener) {
  impl_->backlog_listener_ = std::move(listener);
}

Result<std::vector<BacklogEntry>> ObjectService::ListBacklog(std::string_view after_id,
                                                             size_t limit) {
  std::vector<BacklogEntry> out;
  std::string prefix(keys::kBacklogPrefix);
  auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
  std::string start = after_id.empty() ? prefix : keys::Backlog(after_id);
  for (it->Seek(start); it->Valid() && out.size() < limit; it->Next()) {
    std::string_view id = it->key().substr(prefix.size());
    if (id == after_id) continue;
    auto e = records::DecodeBacklogEntry(id, it->value());
    if (!e.ok()) return e.status();
    out.push_back(std::move(e).value());
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  return out;
}

Status ObjectService::FinishReplication(const BacklogEntry& entry, bool succeeded) {
  return FinishReplications({{entry, succeeded}});
}

Status ObjectService::FinishReplications(const std::vector<std::pair<BacklogEntry, bool>>& done) {
  if (done.empty()) return Status::Ok();
  // Every key concerned stays locked until the batch is written, so no write
  // to a version record can slip in between our read and our write. Locks are
  // taken in address order (stripes shared by several keys are taken once),
  // bucket locks (shared) before key locks, as every writer does.
  std::vector<std::shared_mutex*> bucket_locks;
  std::vector<std::mutex*> key_locks;
  for (const auto& [e, ok] : done) {
    bucket_locks.push_back(&impl_->BucketLock(e.bucket));
    key_locks.push_back(&impl_->KeyLock(e.bucket, e.key));
  }
  auto unique_sorted = [](auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  unique_sorted(bucket_locks);
  unique_sorted(key_locks);
  std::vector<std::shared_lock<std::shared_mutex>> held_buckets;
  for (auto* m : bucket_locks) held_buckets.emplace_back(*m);
  std::vector<std::unique_lock<std::mutex>> held_keys;
  for (auto* m : key_locks) held_keys.emplace_back(*m);

  storage::WriteBatch batch;
  // Version records changed so far, by bucket\0key\0version id (several
  // entries may name one version).
  struct Change {
    std::string storage_key;
    std::string bucket;
    ObjectVersion version;
  };
  std::map<std::string, Change> changed;
  for (const auto& [e, succeeded] : done) {
    batch.Delete(keys::Backlog(e.id));
    std::string id = e.bucket + std::string(1, '\0') + e.key + std::string(1, '\0') + e.version_id;
    auto it = changed.find(id);
    if (it == changed.end()) {
      auto found = impl_->FindVersion(e.bucket, e.key, e.version_id);
      if (!found.ok()) return found.status();
      if (!found->has_value()) continue;  // the version is gone
      it = changed.emplace(id, Change{(*found)->storage_key, e.bucket, std::move((*found)->version)}).first;
    }
    ObjectVersion& v = it->second.version;
    v.replication_remaining = std::max(0, v.replication_remaining - 1);
    if (!succeeded) {
      v.replication_status = "FAILED";
    } else if (v.replication_remaining == 0 && v.replication_status == "PENDING") {
      v.replication_status = "COMPLETED";
    }
  }
  for (const auto& [id, c] : changed) {
    std::string rec = records::Encode(c.version);
    batch.Put(c.storage_key, rec);
    auto cur = impl_->LoadCurrent(c.bucket, c.version.key);
    if (!cur.ok()) return cur.status();
    if (cur->has_value() && (*cur)->version_id == c.version.version_id) {
      batch.Put(keys::Current(c.bucket, c.version.key), rec);
    }
  }
  return impl_->kv_.Write(batch);
}

Result<size_t> ObjectService::QueueExistingObjects(std::string_view bucket) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  if (!b->replication) return size_t{0};
  // Only the rules that ask for existing objects apply.
  BucketInfo scoped = *b;
  std::erase_if(scoped.replication->rules,
                [](const ReplicationRule& r) { return !r.existing_object_replication; });
  if (scoped.replication->rules.empty()) return size_t{0};

  // Collect the keys first; each key is then updated under its lock.
  std::vector<std::string> keys_seen;
  {
    std::string prefix = keys::CurrentBucketPrefix(bucket);
    auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      keys_seen.emplace_back(it->key().substr(prefix.size()));
    }
    STRATUS_RETURN_IF_ERROR(it->status());
  }
  size_t queued_total = 0;
  for (const auto& key : keys_seen) {
    std::shared_lock bucket_lock(impl_->BucketLock(bucket));
    std::lock_guard key_lock(impl_->KeyLock(bucket, key));
    storage::WriteBatch batch;
    std::vector<BacklogEntry> queued;
    auto cur = impl_->LoadCurrent(bucket, key);
    if (!cur.ok()) return cur.status();
    std::string prefix = keys::VersionKeyPrefix(bucket, key);
    auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      auto v = records::DecodeVersion(it->value());
      if (!v.ok()) return v.status();
      if (!v->replication_status.empty() || v->version_id == "null") continue;
      size_t before = queued.size();
      impl_->QueueReplication(scoped, *v, impl_->NextStamp(), batch, queued);
      if (queued.size() == before) continue;
      std::string rec = records::Encode(*v);
      batch.Put(it->key(), rec);
      if (cur->has_value() && (*cur)->version_id == v->version_id) {
        batch.Put(keys::Current(bucket, key), rec);
      }
    }
    STRATUS_RETURN_IF_ERROR(it->status());
    it.reset();
    if (queued.empty()) continue;
    STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
    queued_total += queued.size();
    impl_->Announce(std::move(queued));
  }
  return queued_total;
}

}  // namespace service::objects
