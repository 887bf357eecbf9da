// TableService: opening, the table lifecycle, tags, TTL and PITR settings.

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/ids.h"
#include "service/tables/keys.h"
#include "service/tables/records.h"
#include "service/tables/service_impl.h"

namespace service::tables {

using common::ErrorCode;

Status Invalid(std::string message) { return Status(ErrorCode::kInvalidArgument, std::move(message)); }
Status ResourceNotFound() { return Status(ErrorCode::kNotFound, "Requested resource not found"); }

const IndexSpec* TableInfo::Index(std::string_view name) const {
  for (const auto& g : spec.global_indexes) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

TableService::Impl::Impl(storage::KvStore& kv, TableServiceOptions options)
    : kv_(kv), options_(std::move(options)) {}

TableService::TableService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TableService::~TableService() { Stop(); }

void TableService::Stop() {
  {
    std::lock_guard lock(impl_->wake_mu_);
    impl_->stopping_ = true;
  }
  impl_->wake_cv_.notify_all();
  if (impl_->maintenance_.joinable()) impl_->maintenance_.join();
}

Result<std::unique_ptr<TableService>> TableService::Open(storage::KvStore& kv, TableServiceOptions options,
                                                         common::metrics::Registry* metrics) {
  auto impl = std::make_unique<Impl>(kv, std::move(options));
  if (metrics != nullptr) {
    impl->items_written_ = &metrics->GetCounter("stratus_dynamodb_item_writes_total",
                                                "Item writes committed (puts, updates, deletes).");
    impl->items_expired_ = &metrics->GetCounter("stratus_dynamodb_ttl_deletes_total",
                                                "Items deleted by TTL expiry.");
    impl->conditional_failures_ = &metrics->GetCounter(
        "stratus_dynamodb_conditional_check_failures_total", "Writes refused by their condition.");
    impl->transactions_ = &metrics->GetCounter("stratus_dynamodb_transactions_total",
                                               "TransactWriteItems committed.");
    impl->transactions_canceled_ = &metrics->GetCounter(
        "stratus_dynamodb_transactions_canceled_total", "TransactWriteItems canceled.");
  }
  auto it = kv.NewIterator({std::string(keys::kTablePrefix),
                            storage::PrefixSuccessor(keys::kTablePrefix)});
  for (it->Seek(keys::kTablePrefix); it->Valid(); it->Next()) {
    auto t = DecodeTable(it->value());
    if (!t.ok()) {
      return Status(ErrorCode::kCorruption,
                    fmt::format("table record {}: {}", it->key(), t.status().message()));
    }
    impl->Publish(std::move(t).value());
  }
  if (!it->status().ok()) return it->status();
  it.reset();
  std::unique_ptr<TableService> service(new TableService(std::move(impl)));
  Impl* raw = service->impl_.get();
  if (raw->options_.start_maintenance) {
    raw->maintenance_ = std::thread([raw] { raw->MaintenanceLoop(); });
  }
  return service;
}

// --- the table cache ------------------------------------------------------

TablePtr TableService::Impl::Lookup(std::string_view name) const {
  std::shared_lock lock(cache_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

Result<TablePtr> TableService::Impl::Usable(std::string_view name) const {
  TablePtr t = Lookup(name);
  if (t == nullptr || t->status == TableStatus::kCreating || t->status == TableStatus::kDeleting) {
    return ResourceNotFound();
  }
  return t;
}

std::vector<TablePtr> TableService::Impl::AllTables() const {
  std::shared_lock lock(cache_mu_);
  std::vector<TablePtr> out;
  for (const auto& [_, t] : tables_) out.push_back(t);
  return out;
}

void TableService::Impl::StageTable(const TableInfo& t, storage::WriteBatch& batch) {
  batch.Put(keys::Table(t.spec.name), EncodeTable(t));
}

void TableService::Impl::Publish(TableInfo t) {
  auto ptr = std::make_shared<const TableInfo>(std::move(t));
  std::unique_lock lock(cache_mu_);
  tables_[ptr->spec.name] = std::move(ptr);
}

void TableService::Impl::Unpublish(std::string_view name) {
  std::unique_lock lock(cache_mu_);
  auto it = tables_.find(name);
  if (it != tables_.end()) tables_.erase(it);
}

Result<TableInfo> TableService::Impl::ChangeTable(std::string_view name,
                                                  const std::function<Status(TableInfo&)>& change) {
  TablePtr current = Lookup(name);
  if (current == nullptr || current->status == TableStatus::kDeleting) return ResourceNotFound();
  TableInfo t = *current;
  STRATUS_RETURN_IF_ERROR(change(t));
  storage::WriteBatch batch;
  StageTable(t, batch);
  STRATUS_RETURN_IF_ERROR(kv_.Write(batch));
  Publish(t);
  return t;
}

void TableService::Impl::Identify(TableInfo& t) {
  t.id = fmt::format("{:016x}", NextStamp());
  std::string hex = common::RandomString(32, "0123456789abcdef");
  t.table_id = fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                           hex.substr(16, 4), hex.substr(20));
  t.arn = fmt::format("arn:aws:dynamodb:{}:{}:table/{}", options_.region, options_.account, t.spec.name);
}

// --- time -----------------------------------------------------------------

double TableService::Impl::NowSeconds() const {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                options_.clock().time_since_epoch()).count();
  return static_cast<double>(us) / 1e6;
}

uint64_t TableService::Impl::NextStamp() {
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           options_.clock().time_since_epoch()).count());
  uint64_t last = last_stamp_.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = std::max(now, last + 1);
  } while (!last_stamp_.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

double TableService::LatestRestorableTime() const { return impl_->NowSeconds(); }

// --- expressions ------------------------------------------------------------

Result<Compiled> Compile(const Placeholders& p, const ExpressionTexts& x) {
  bool any = !x.condition.empty() || !x.update.empty() || !x.projection.empty() ||
             !x.filter.empty() || !x.key_condition.empty();
  if (!any && !p.names.empty()) {
    return Invalid("ExpressionAttributeNames can only be specified when using expressions");
  }
  if (!any && !p.values.empty()) {
    return Invalid("ExpressionAttributeValues can only be specified when using expressions: "
                   "ConditionExpression, UpdateExpression, ProjectionExpression, FilterExpression "
                   "and KeyConditionExpression are null");
  }
  ExpressionAttributes attrs(p.names, p.values);
  Compiled c;
  if (!x.key_condition.empty()) {
    auto k = KeyCondition::Parse(x.key_condition, attrs, x.hash_name, x.range_name);
    if (!k.ok()) return k.status();
    c.key_condition = std::move(k).value();
  }
  if (!x.update.empty()) {
    auto u = Update::Parse(x.update, attrs);
    if (!u.ok()) return u.status();
    c.update = std::move(u).value();
  }
  if (!x.condition.empty()) {
    auto cond = Condition::Parse(x.condition, attrs, "ConditionExpression");
    if (!cond.ok()) return cond.status();
    c.condition = std::move(cond).value();
  }
  if (!x.filter.empty()) {
    auto f = Condition::Parse(x.filter, attrs, "FilterExpression");
    if (!f.ok()) return f.status();
    c.filter = std::move(f).value();
  }
  if (!x.projection.empty()) {
    auto pr = Projection::Parse(x.projection, attrs);
    if (!pr.ok()) return pr.status();
    c.projection = std::move(pr).value();
  }
  STRATUS_RETURN_IF_ERROR(attrs.CheckAllUsed());
  return c;
}

// --- CreateTable --------------------------------------------------------------

namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Status CheckThroughput(const std::optional<Throughput>& t, BillingMode billing, std::string_view what) {
  if (billing == BillingMode::kProvisioned) {
    if (!t) {
      return Invalid(what.empty()
                         ? "One or more parameter values were invalid: ReadCapacityUnits and "
                           "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
                         : fmt::format("One or more parameter values were invalid: ProvisionedThroughput "
                                       "must be specified for index: {}", what));
    }
    if (t->read < 1 || t->write < 1) {
      return Invalid("One or more parameter values were invalid: ReadCapacityUnits and "
                     "WriteCapacityUnits must both be at least 1");
    }
  } else if (t && (t->read != 0 || t->write != 0)) {
    return Invalid("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                   "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  return Status::Ok();
}

Status CheckSchema(const KeySchema& k, const std::map<std::string, ValueType>& defs,
                   std::set<std::string>& used, std::vector<std::string>& undefined) {
  if (k.range && k.range->name == k.hash.name) {
    return Invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  for (const KeyElement* e : {&k.hash, k.range ? &*k.range : nullptr}) {
    if (e == nullptr) continue;
    used.insert(e->name);
    if (!defs.contains(e->name)) undefined.push_back(e->name);
  }
  return Status::Ok();
}

constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kMaxTags = 50;

Status MergeTags(std::vector<std::pair<std::string, std::string>>& into,
                 const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const auto& tag : tags) {
    const std::string& k = tag.first;
    const std::string& v = tag.second;
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return Invalid("One or more parameter values were invalid: tag keys are 1-128 characters and "
                     "values up to 256");
    }
    if (k.starts_with("aws:")) return Invalid("Tag keys starting with 'aws:' are reserved for AWS use");
    auto it = std::find_if(into.begin(), into.end(), [&](const auto& p) { return p.first == k; });
    if (it != into.end()) it->second = v;
    else into.emplace_back(k, v);
  }
  if (into.size() > kMaxTags) {
    return Status(ErrorCode::kInvalidArgument, "The number of tags exceeds the limit of 50",
                  "LimitExceededException");
  }
  return Status::Ok();
}

}  // namespace

Result<TableInfo> TableService::CreateTable(TableSpec spec) {
  // Attribute definitions: exactly the attributes the key schemas name.
  std::map<std::string, ValueType> defs;
  for (const auto& d : spec.attribute_definitions) {
    if (!defs.emplace(d.name, d.type).second) {
      return Invalid("Cannot have two attributes with the same name");
    }
  }
  std::set<std::string> used;
  std::vector<std::string> undefined;
  STRATUS_RETURN_IF_ERROR(CheckSchema(spec.key, defs, used, undefined));
  std::set<std::string> index_names;
  if (spec.global_indexes.size() > kMaxGlobalIndexes) {
    return Status(ErrorCode::kInvalidArgument,
                  "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the "
                  "per-table limit of 20", "LimitExceededException");
  }
  for (auto& g : spec.global_indexes) {
    if (!index_names.insert(g.name).second) {
      return Invalid(fmt::format("One or more parameter values were invalid: Duplicate index name: {}", g.name));
    }
    STRATUS_RETURN_IF_ERROR(CheckSchema(g.key, defs, used, undefined));
    if (g.projection == ProjectionType::kInclude && g.non_key_attributes.empty()) {
      return Invalid("One or more parameter values were invalid: ProjectionType is INCLUDE, but "
                     "NonKeyAttributes is not specified");
    }
    if (g.projection != ProjectionType::kInclude && !g.non_key_attributes.empty()) {
      return Invalid(fmt::format("One or more parameter values were invalid: ProjectionType is {}, but "
                                 "NonKeyAttributes is specified",
                                 g.projection == ProjectionType::kAll ? "ALL" : "KEYS_ONLY"));
    }
    STRATUS_RETURN_IF_ERROR(CheckThroughput(g.throughput, spec.billing, g.name));
  }
  if (!undefined.empty()) {
    std::vector<std::string> defined;
    for (const auto& [n, _] : defs) defined.push_back(n);
    return Invalid(fmt::format("One or more parameter values were invalid: Some index key attributes "
                               "are not defined in AttributeDefinitions. Keys: [{}], "
                               "AttributeDefinitions: [{}]", Join(undefined), Join(defined)));
  }
  if (used.size() != defs.size()) {
    return Invalid("One or more parameter values were invalid: Number of attributes in KeySchema does "
                   "not exactly match number of attributes defined in AttributeDefinitions");
  }
  // Key elements take their types from the definitions.
  auto typed = [&](KeySchema& k) {
    k.hash.type = defs[k.hash.name];
    if (k.range) k.range->type = defs[k.range->name];
  };
  typed(spec.key);
  for (auto& g : spec.global_indexes) typed(g.key);
  STRATUS_RETURN_IF_ERROR(CheckThroughput(spec.throughput, spec.billing, ""));
  std::vector<std::pair<std::string, std::string>> tags;
  STRATUS_RETURN_IF_ERROR(MergeTags(tags, spec.tags));
  spec.tags = std::move(tags);

  std::unique_lock lifecycle(impl_->lifecycle_);
  if (impl_->Lookup(spec.name) != nullptr) {
    return Status(ErrorCode::kAlreadyExists, fmt::format("Table already exists: {}", spec.name));
  }
  TableInfo t;
  t.spec = std::move(spec);
  impl_->Identify(t);
  t.status = TableStatus::kActive;
  t.created = impl_->NowSeconds();
  storage::WriteBatch batch;
  Impl::StageTable(t, batch);
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  impl_->Publish(t);
  return t;
}

TableInfo TableService::Impl::Describe(const TableInfo& t) {
  TableInfo out = t;
  {
    std::lock_guard lock(stats_mu_);
    auto it = stats_.find(t.id);
    if (it != stats_.end()) out.item_count = it->second.items, out.size_bytes = it->second.bytes;
  }
  if (out.pitr.enabled) {
    out.pitr.earliest = std::max(out.pitr.earliest, NowSeconds() - out.pitr.recovery_days * 86400.0);
  }
  return out;
}

Result<TableInfo> TableService::DescribeTable(std::string_view name) {
  TablePtr t = impl_->Lookup(name);
  if (t == nullptr) return ResourceNotFound();
  return impl_->Describe(*t);
}

Result<TableInfo> TableService::DescribeTableByArn(std::string_view arn) {
  for (const auto& t : impl_->AllTables()) {
    if (t->arn == arn) return impl_->Describe(*t);
  }
  return Status(ErrorCode::kNotFound, fmt::format("Requested resource not found: ResourcArn: {} not found", arn));
}

Result<TableList> TableService::ListTables(std::optional<std::string> exclusive_start, int limit) {
  if (limit < 1 || limit > 100) {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'limit' failed to satisfy "
                               "constraint: Member must have value {} 100", limit,
                               limit < 1 ? "greater than or equal to 1" : "less than or equal to"));
  }
  TableList out;
  auto all = impl_->AllTables();  // in name order
  for (const auto& t : all) {
    if (exclusive_start && t->spec.name <= *exclusive_start) continue;
    if (static_cast<int>(out.names.size()) == limit) {
      out.last_evaluated = out.names.back();
      break;
    }
    out.names.push_back(t->spec.name);
  }
  return out;
}

Result<TableInfo> TableService::DeleteTable(std::string_view name) {
  std::unique_lock lifecycle(impl_->lifecycle_);
  TablePtr t = impl_->Lookup(name);
  if (t == nullptr || t->status == TableStatus::kDeleting) return ResourceNotFound();
  if (t->spec.deletion_protection) {
    return Invalid(fmt::format("Resource cannot be deleted as it is currently protected against "
                               "deletion. Disable deletion protection first."));
  }
  if (t->status == TableStatus::kCreating) {
    return Status(ErrorCode::kConflict,
                  fmt::format("Attempt to change a resource which is still in use: Table is being "
                              "created: {}", name));
  }
  storage::WriteBatch batch;
  batch.Delete(keys::Table(name));
  batch.Put(keys::Garbage(t->id), "");
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  TableInfo out = *t;
  out.status = TableStatus::kDeleting;
  impl_->Unpublish(name);
  lifecycle.unlock();
  impl_->Wake();
  return out;
}

Result<TableInfo> TableService::UpdateTable(std::string_view name, const TableUpdate& u) {
  if (!u.billing && !u.throughput && !u.deletion_protection && !u.sse_enabled && !u.sse_kms_key) {
    return Invalid("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  std::unique_lock lifecycle(impl_->lifecycle_);
  return impl_->ChangeTable(name, [&](TableInfo& t) -> Status {
    if (t.status == TableStatus::kCreating) {
      return Status(ErrorCode::kConflict,
                    fmt::format("Attempt to change a resource which is still in use: Table is being "
                                "created: {}", t.spec.name));
    }
    BillingMode billing = u.billing.value_or(t.spec.billing);
    std::optional<Throughput> throughput = t.spec.throughput;
    if (u.throughput) throughput = u.throughput;
    if (billing == BillingMode::kPayPerRequest && u.billing && !u.throughput) throughput.reset();
    if (billing == BillingMode::kProvisioned && !throughput) {
      return Invalid("One or more parameter values were invalid: ProvisionedThroughput must be "
                     "specified when BillingMode is PROVISIONED");
    }
    STRATUS_RETURN_IF_ERROR(CheckThroughput(throughput, billing, ""));
    if (billing != t.spec.billing) {
      for (auto& g : t.spec.global_indexes) {
        g.throughput = billing == BillingMode::kProvisioned ? throughput : std::nullopt;
      }
    }
    t.spec.billing = billing;
    t.spec.throughput = throughput;
    if (u.deletion_protection) t.spec.deletion_protection = *u.deletion_protection;
    if (u.sse_enabled) t.spec.sse_enabled = *u.sse_enabled;
    if (u.sse_kms_key) t.spec.sse_kms_key = *u.sse_kms_key;
    return Status::Ok();
  });
}

namespace {
std::string TableNameOfArn(std::string_view arn) {
  auto slash = arn.find(":table/");
  if (slash == std::string_view::npos) return {};
  return std::string(arn.substr(slash + 7));
}
}  // namespace

Status TableService::TagResource(std::string_view arn,
                                 const std::vector<std::pair<std::string, std::string>>& tags) {
  auto found = DescribeTableByArn(arn);
  if (!found.ok()) return found.status();
  std::unique_lock lifecycle(impl_->lifecycle_);
  return impl_->ChangeTable(TableNameOfArn(arn), [&](TableInfo& t) { return MergeTags(t.spec.tags, tags); })
      .status();
}

Status TableService::UntagResource(std::string_view arn, const std::vector<std::string>& tag_keys) {
  auto found = DescribeTableByArn(arn);
  if (!found.ok()) return found.status();
  std::unique_lock lifecycle(impl_->lifecycle_);
  return impl_->ChangeTable(TableNameOfArn(arn), [&](TableInfo& t) {
           std::erase_if(t.spec.tags, [&](const auto& p) {
             return std::find(tag_keys.begin(), tag_keys.end(), p.first) != tag_keys.end();
           });
           return Status::Ok();
         }).status();
}

Result<TimeToLive> TableService::UpdateTimeToLive(std::string_view table, const TimeToLive& ttl) {
  if (ttl.attribute.empty() || ttl.attribute.size() > 255) {
    return Invalid("1 validation error detected: Value at 'timeToLiveSpecification.attributeName' failed "
                   "to satisfy constraint: Member must have length between 1 and 255");
  }
  std::unique_lock lifecycle(impl_->lifecycle_);
  auto changed = impl_->ChangeTable(table, [&](TableInfo& t) -> Status {
    if (ttl.enabled && t.ttl.enabled) {
      if (t.ttl.attribute != ttl.attribute) {
        return Invalid(fmt::format("TimeToLive is active on a different AttributeName: current "
                                   "AttributeName is {}", t.ttl.attribute));
      }
      return Invalid("TimeToLive is already enabled");
    }
    if (!ttl.enabled && !t.ttl.enabled) return Invalid("TimeToLive is already disabled");
    if (!ttl.enabled && t.ttl.attribute != ttl.attribute) {
      return Invalid(fmt::format("TimeToLive is active on a different AttributeName: current "
                                 "AttributeName is {}", t.ttl.attribute));
    }
    t.ttl = ttl;
    return Status::Ok();
  });
  if (!changed.ok()) return changed.status();
  lifecycle.unlock();
  impl_->Wake();
  return ttl;
}

Result<PointInTimeRecovery> TableService::UpdateContinuousBackups(std::string_view table, bool enabled,
                                                                  std::optional<int> recovery_days) {
  if (recovery_days && (*recovery_days < 1 || *recovery_days > 35)) {
    return Invalid("1 validation error detected: Value at 'pointInTimeRecoverySpecification."
                   "recoveryPeriodInDays' failed to satisfy constraint: Member must have value between "
                   "1 and 35");
  }
  // Exclusive: no item write may straddle the switch, so the history holds
  // either every write after it (enabling) or none (disabling).
  std::unique_lock lifecycle(impl_->lifecycle_);
  TablePtr current = impl_->Lookup(table);
  if (current == nullptr || current->status != TableStatus::kActive) {
    return Status(ErrorCode::kNotFound, fmt::format("Table not found: {}", table), kTableNotFound);
  }
  TableInfo t = *current;
  if (recovery_days) t.pitr.recovery_days = *recovery_days;
  if (enabled == t.pitr.enabled) {
    storage::WriteBatch batch;
    Impl::StageTable(t, batch);
    STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
    impl_->Publish(t);
    return t.pitr;
  }
  const std::string history = keys::History(t.id);
  if (enabled) {
    // The history starts with every item's image at the moment of enabling.
    // Leftovers of an earlier enabled period are dropped first.
    STRATUS_RETURN_IF_ERROR(impl_->DeleteRange(history));
    uint64_t stamp = impl_->NextStamp();
    std::string stamp_bytes = keys::Stamp(stamp);
    const std::string items = keys::Items(t.id);
    auto it = impl_->kv_.NewIterator({items, storage::PrefixSuccessor(items)});
    storage::WriteBatch batch;
    for (it->Seek(items); it->Valid(); it->Next()) {
      std::string key = history;
      key.append(it->key().substr(items.size())).append(stamp_bytes);
      batch.Put(key, it->value());
      if (batch.size() >= 1000) {
        STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
        batch.Clear();
      }
    }
    STRATUS_RETURN_IF_ERROR(it->status());
    it.reset();
    t.pitr.enabled = true;
    t.pitr.earliest = static_cast<double>(stamp) / 1e6;
    Impl::StageTable(t, batch);
    STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  } else {
    t.pitr.enabled = false;
    t.pitr.earliest = 0;
    storage::WriteBatch batch;
    Impl::StageTable(t, batch);
    STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
    STRATUS_RETURN_IF_ERROR(impl_->DeleteRange(history));
  }
  impl_->Publish(t);
  return t.pitr;
}

Result<TableInfo> TableService::RestoreTableToPointInTime(std::string_view source, std::string_view target,
                                                          std::optional<double> time) {
  std::unique_lock lifecycle(impl_->lifecycle_);
  TablePtr src = impl_->Lookup(source);
  if (src == nullptr || src->status == TableStatus::kDeleting) {
    return Status(ErrorCode::kNotFound, fmt::format("Table not found: {}", source), kTableNotFound);
  }
  if (impl_->Lookup(target) != nullptr) {
    return Status(ErrorCode::kAlreadyExists, fmt::format("Table already exists: {}", target),
                  kTableAlreadyExists);
  }
  if (!src->pitr.enabled) {
    return Status(ErrorCode::kConflict,
                  fmt::format("Point in time recovery is not enabled for table '{}'", source),
                  kPitrUnavailable);
  }
  double now = impl_->NowSeconds();
  double earliest = std::max(src->pitr.earliest, now - src->pitr.recovery_days * 86400.0);
  double when = time.value_or(now);
  if (when < earliest || when > now) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("Invalid restore time: {:.3f} is not between the earliest ({:.3f}) and "
                              "latest ({:.3f}) restorable times", when, earliest, now),
                  kInvalidRestoreTime);
  }
  TableInfo t;
  t.spec = src->spec;
  t.spec.name = std::string(target);
  t.spec.tags.clear();
  t.spec.deletion_protection = false;
  impl_->Identify(t);
  t.status = TableStatus::kCreating;
  t.created = now;
  t.restored_from_arn = src->arn;
  t.restored_to = when;
  t.restore_in_progress = true;
  t.restore_source_id = src->id;
  storage::WriteBatch batch;
  Impl::StageTable(t, batch);
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  impl_->Publish(t);
  lifecycle.unlock();
  impl_->Wake();
  return t;
}

}  // namespace service::tables
