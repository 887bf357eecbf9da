// TableService: the background work — removing deleted tables' data, TTL
// expiry, PITR history pruning, statistics and point-in-time restores.

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/log.h"
#include "service/tables/keys.h"
#include "service/tables/service_impl.h"

namespace service::tables {

using common::ErrorCode;

namespace {
constexpr size_t kBatchLimit = 1000;  // keys per cleanup batch
constexpr size_t kExpireBatch = 100;  // items per TTL deletion batch
constexpr double kTtlHorizon = 5.0 * 365 * 86400;  // older expiry times are ignored, as AWS does
constexpr auto kPruneEvery = std::chrono::minutes(10);
}  // namespace

StripeLocks::StripeLocks(TableService::Impl& impl, std::vector<size_t> stripes)
    : impl_(impl), stripes_(std::move(stripes)) {
  std::sort(stripes_.begin(), stripes_.end());
  stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
  for (size_t s : stripes_) impl_.StripeLock(s).lock();
}

StripeLocks::~StripeLocks() {
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) impl_.StripeLock(*it).unlock();
}

void TableService::Impl::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void TableService::Impl::MaintenanceLoop() {
  while (true) {
    {
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, options_.ttl_interval, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    RunMaintenance(false);
  }
}

void TableService::RunMaintenance() { impl_->RunMaintenance(true); }

void TableService::Impl::RunMaintenance(bool force) {
  std::lock_guard lock(maintenance_mu_);
  CollectGarbage();
  RunRestores();
  ExpireItems();
  auto now = std::chrono::steady_clock::now();
  if (force || now - last_prune_ >= kPruneEvery) {
    last_prune_ = now;
    PruneHistory();
  }
  if (force || now - last_stats_ >= options_.stats_interval) {
    last_stats_ = now;
    RefreshStats();
  }
}

Status TableService::Impl::DeleteRange(const std::string& prefix) {
  std::string upper = storage::PrefixSuccessor(prefix);
  while (true) {
    storage::WriteBatch batch;
    {
      auto it = kv_.NewIterator({prefix, upper});
      for (it->Seek(prefix); it->Valid() && batch.size() < kBatchLimit; it->Next()) batch.Delete(it->key());
      STRATUS_RETURN_IF_ERROR(it->status());
    }
    if (batch.empty()) return Status::Ok();
    STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
  }
}

void TableService::Impl::CollectGarbage() {
  std::vector<std::string> ids;
  {
    std::string prefix(keys::kGarbagePrefix);
    auto it = kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) ids.emplace_back(it->key().substr(prefix.size()));
  }
  for (const auto& id : ids) {
    Status st = DeleteRange(keys::Items(id));
    if (st.ok()) st = DeleteRange(keys::Indexes(id));
    if (st.ok()) st = DeleteRange(keys::History(id));
    if (st.ok()) {
      storage::WriteBatch batch;
      batch.Delete(keys::Garbage(id));
      st = kv_.Write(batch);
    }
    if (!st.ok()) {
      common::log::Get("tables")->warn("removing the data of deleted table {}: {}", id, st.ToString());
      return;
    }
    std::lock_guard lock(stats_mu_);
    stats_.erase(id);
  }
}

// --- TTL ----------------------------------------------------------------------

namespace {
// The expiry time an item's TTL attribute gives, if it gives one.
std::optional<double> ExpiryOf(const Item& item, const std::string& attribute) {
  auto it = item.find(attribute);
  if (it == item.end() || it->second.type != ValueType::kN) return std::nullopt;
  return std::strtod(it->second.str.c_str(), nullptr);
}
}  // namespace

void TableService::Impl::ExpireItems() {
  for (const TablePtr& table : AllTables()) {
    if (!table->ttl.enabled || table->status != TableStatus::kActive) continue;
    const std::string attribute = table->ttl.attribute;
    const std::string items = keys::Items(table->id);
    double now = NowSeconds();
    auto expired = [&](const Item& item) {
      auto at = ExpiryOf(item, attribute);
      return at && *at <= now && *at >= now - kTtlHorizon;
    };
    std::vector<std::string> found;  // item keys
    {
      auto it = kv_.NewIterator({items, storage::PrefixSuccessor(items)});
      for (it->Seek(items); it->Valid() && !stopping_; it->Next()) {
        auto item = OpenItem(it->value());
        if (item.ok() && expired(*item)) found.emplace_back(it->key().substr(items.size()));
      }
    }
    for (size_t start = 0; start < found.size(); start += kExpireBatch) {
      std::shared_lock lifecycle(lifecycle_);
      TablePtr current = Lookup(table->spec.name);
      if (current == nullptr || current->id != table->id || !current->ttl.enabled) break;
      size_t end = std::min(found.size(), start + kExpireBatch);
      std::vector<size_t> stripes;
      for (size_t i = start; i < end; ++i) stripes.push_back(Stripe(current->id, found[i]));
      StripeLocks locks(*this, std::move(stripes));
      storage::WriteBatch batch;
      size_t deleted = 0;
      for (size_t i = start; i < end; ++i) {
        // Re-read under the lock: a write since the scan may have renewed it.
        auto item = LoadItem(*current, found[i]);
        if (!item.ok() || !*item || !expired(**item)) continue;
        StageWrite(*current, found[i], *item, std::nullopt, NextStamp(), batch);
        ++deleted;
      }
      if (batch.empty()) continue;
      Status st = kv_.Write(batch);
      if (!st.ok()) {
        common::log::Get("tables")->warn("TTL expiry in {}: {}", current->spec.name, st.ToString());
        return;
      }
      if (items_expired_ != nullptr) items_expired_->Inc(deleted);
    }
  }
}

// --- PITR history -------------------------------------------------------------

void TableService::Impl::PruneHistory() {
  for (const TablePtr& table : AllTables()) {
    if (!table->pitr.enabled) continue;
    double cutoff_s = NowSeconds() - table->pitr.recovery_days * 86400.0;
    if (cutoff_s <= table->pitr.earliest) continue;
    uint64_t cutoff = static_cast<uint64_t>(cutoff_s * 1e6);
    const std::string prefix = keys::History(table->id);
    storage::WriteBatch batch;
    // Per item, entries older than the cutoff are needed only for the newest
    // of them (the item's state at the cutoff), and not even that if it is
    // a deletion.
    std::string group;
    std::string newest_old_key;
    bool newest_old_is_deletion = false;
    auto finish_group = [&] {
      if (!newest_old_key.empty() && newest_old_is_deletion) batch.Delete(newest_old_key);
      newest_old_key.clear();
    };
    {
      auto it = kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
      for (it->Seek(prefix); it->Valid(); it->Next()) {
        std::string_view key = it->key();
        if (key.size() < prefix.size() + 8) continue;
        std::string_view item_key = key.substr(prefix.size(), key.size() - prefix.size() - 8);
        uint64_t stamp = keys::ParseStamp(key.substr(key.size() - 8));
        if (item_key != group) {
          finish_group();
          group = std::string(item_key);
        }
        if (stamp >= cutoff) continue;
        if (!newest_old_key.empty()) batch.Delete(newest_old_key);
        newest_old_key = std::string(key);
        newest_old_is_deletion = it->value().empty();
      }
      finish_group();
    }
    if (!batch.empty()) {
      Status st = kv_.Write(batch);
      if (!st.ok()) common::log::Get("tables")->warn("pruning history of {}: {}", table->spec.name, st.ToString());
    }
  }
}

// --- statistics ---------------------------------------------------------------

void TableService::Impl::RefreshStats() {
  for (const TablePtr& table : AllTables()) {
    if (table->status != TableStatus::kActive) continue;
    Stats s;
    const std::string items = keys::Items(table->id);
    auto it = kv_.NewIterator({items, storage::PrefixSuccessor(items)});
    for (it->Seek(items); it->Valid() && !stopping_; it->Next()) {
      auto item = OpenItem(it->value());
      if (!item.ok()) continue;
      ++s.items;
      s.bytes += static_cast<int64_t>(ItemSize(*item));
    }
    std::lock_guard lock(stats_mu_);
    stats_[table->id] = s;
  }
}

// --- restores -------------------------------------------------------------------

void TableService::Impl::RunRestores() {
  for (const TablePtr& table : AllTables()) {
    if (!table->restore_in_progress) continue;
    Status st = Restore(*table);
    if (!st.ok()) {
      common::log::Get("tables")->warn("restoring {}: {}", table->spec.name, st.ToString());
    }
  }
}

Status TableService::Impl::Restore(const TableInfo& target) {
  // Start clean: a restore interrupted by a crash left part of the items.
  STRATUS_RETURN_IF_ERROR(DeleteRange(keys::Items(target.id)));
  STRATUS_RETURN_IF_ERROR(DeleteRange(keys::Indexes(target.id)));
  bool source_alive = false;
  for (const TablePtr& t : AllTables()) source_alive |= t->id == target.restore_source_id;
  if (!source_alive) {
    // The source and its history are gone: the restore cannot finish.
    std::unique_lock lifecycle(lifecycle_);
    storage::WriteBatch batch;
    batch.Delete(keys::Table(target.spec.name));
    batch.Put(keys::Garbage(target.id), "");
    STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
    Unpublish(target.spec.name);
    return Status(ErrorCode::kNotFound, "the source table was deleted before the restore finished");
  }
  uint64_t at = static_cast<uint64_t>(std::llround(target.restored_to * 1e6));
  const std::string prefix = keys::History(target.restore_source_id);
  storage::WriteBatch batch;
  std::string group;
  std::string image;  // the group's newest image at or before `at` ("" = none or deleted)
  auto flush_group = [&]() -> Status {
    if (!group.empty() && !image.empty()) {
      auto item = OpenItem(image);
      if (!item.ok()) return item.status();
      StageWrite(target, group, std::nullopt, *item, 0, batch);
      if (batch.size() >= kBatchLimit) {
        STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
        batch.Clear();
      }
    }
    image.clear();
    return Status::Ok();
  };
  {
    auto it = kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      if (stopping_) return Status(ErrorCode::kUnavailable, "stopping; the restore resumes at the next start");
      std::string_view key = it->key();
      if (key.size() < prefix.size() + 8) continue;
      std::string_view item_key = key.substr(prefix.size(), key.size() - prefix.size() - 8);
      if (item_key != group) {
        STRATUS_RETURN_IF_ERROR(flush_group());
        group = std::string(item_key);
      }
      if (keys::ParseStamp(key.substr(key.size() - 8)) <= at) image = std::string(it->value());
    }
    STRATUS_RETURN_IF_ERROR(it->status());
    STRATUS_RETURN_IF_ERROR(flush_group());
  }
  // Every item is durable before the record says ACTIVE; a crash before
  // that re-runs the restore from scratch at the next start.
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
  std::unique_lock lifecycle(lifecycle_);
  auto done = ChangeTable(target.spec.name, [&](TableInfo& t) {
    t.status = TableStatus::kActive;
    t.restore_in_progress = false;
    t.restore_source_id.clear();
    return Status::Ok();
  });
  return done.status();
}

}  // namespace service::tables
