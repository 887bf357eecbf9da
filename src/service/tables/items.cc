// TableService: single-item reads and writes, and the write path they share
// with batches and transactions.

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/checksum.h"
#include "service/tables/keys.h"
#include "service/tables/service_impl.h"

namespace service::tables {

using common::ErrorCode;

// --- records ------------------------------------------------------------------

std::string TableService::Impl::SealItem(const Item& item) const {
  return codec_.Seal(boost::json::serialize(ItemToJson(item)));
}

Result<Item> TableService::Impl::OpenItem(std::string_view sealed) const {
  auto plain = codec_.Open(sealed);
  if (!plain.ok()) return plain.status();
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = kJsonMaxDepth;
  boost::json::value v = boost::json::parse(*plain, ec, {}, options);
  if (ec) return Status(ErrorCode::kCorruption, "stored item is not JSON");
  auto item = ItemFromJson(v);
  if (!item.ok()) return Status(ErrorCode::kCorruption, "stored item: " + item.status().message());
  return item;
}

Result<std::optional<Item>> TableService::Impl::LoadItem(const TableInfo& t, std::string_view item_key) {
  std::string key = keys::Items(t.id);
  key.append(item_key);
  auto v = kv_.Get(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<Item>();
  auto item = OpenItem(**v);
  if (!item.ok()) return item.status();
  return std::optional<Item>(std::move(item).value());
}

// --- validation -----------------------------------------------------------------

namespace {

constexpr size_t kMaxHashKeySize = 2048;
constexpr size_t kMaxRangeKeySize = 1024;

bool IsEmptyKeyValue(const AttributeValue& v) {
  return (v.type == ValueType::kS || v.type == ValueType::kB) && v.str.empty();
}

Status CheckKeySizes(const KeySchema& k, const Item& item) {
  auto h = item.find(k.hash.name);
  if (h != item.end() && ValueSize(h->second) > kMaxHashKeySize) {
    return Invalid("One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
                   "size limit of2048 bytes");
  }
  if (k.range) {
    auto r = item.find(k.range->name);
    if (r != item.end() && ValueSize(r->second) > kMaxRangeKeySize) {
      return Invalid("One or more parameter values were invalid: Aggregated size of all range keys has "
                     "exceeded the size limit of 1024 bytes");
    }
  }
  return Status::Ok();
}

}  // namespace

Status TableService::Impl::CheckKey(const TableInfo& t, const Item& key) const {
  const KeySchema& k = t.spec.key;
  size_t expected = k.range ? 2 : 1;
  auto matches = [&](const KeyElement& e) {
    auto it = key.find(e.name);
    return it != key.end() && it->second.type == e.type;
  };
  if (key.size() != expected || !matches(k.hash) || (k.range && !matches(*k.range))) {
    return Invalid("The provided key element does not match the schema");
  }
  for (const auto& [name, v] : key) {
    if (IsEmptyKeyValue(v)) {
      return Invalid(fmt::format("One or more parameter values are not valid. The AttributeValue for a "
                                 "key attribute cannot contain an empty {} value. Key: {}",
                                 v.type == ValueType::kS ? "string" : "binary", name));
    }
  }
  return CheckKeySizes(k, key);
}

Status TableService::Impl::CheckItem(const TableInfo& t, const Item& item) const {
  const KeySchema& k = t.spec.key;
  for (const KeyElement* e : {&k.hash, k.range ? &*k.range : nullptr}) {
    if (e == nullptr) continue;
    auto it = item.find(e->name);
    if (it == item.end()) {
      return Invalid(fmt::format("One or more parameter values were invalid: Missing the key {} in the item",
                                 e->name));
    }
    if (it->second.type != e->type) {
      return Invalid(fmt::format("One or more parameter values were invalid: Type mismatch for key {} "
                                 "expected: {} actual: {}", e->name, TypeName(e->type),
                                 TypeName(it->second.type)));
    }
    if (IsEmptyKeyValue(it->second)) {
      return Invalid(fmt::format("One or more parameter values are not valid. The AttributeValue for a "
                                 "key attribute cannot contain an empty {} value. Key: {}",
                                 e->type == ValueType::kS ? "string" : "binary", e->name));
    }
  }
  STRATUS_RETURN_IF_ERROR(CheckKeySizes(k, item));
  for (const auto& g : t.spec.global_indexes) {
    for (const KeyElement* e : {&g.key.hash, g.key.range ? &*g.key.range : nullptr}) {
      if (e == nullptr) continue;
      auto it = item.find(e->name);
      if (it == item.end()) continue;
      if (it->second.type != e->type) {
        return Invalid(fmt::format("One or more parameter values were invalid: Type mismatch for Index "
                                   "Key {} Expected: {} Actual: {} IndexName: {}", e->name,
                                   TypeName(e->type), TypeName(it->second.type), g.name));
      }
      if (IsEmptyKeyValue(it->second)) {
        return Invalid(fmt::format("One or more parameter values are not valid. A value specified for a "
                                   "secondary index key is not supported. The AttributeValue for a key "
                                   "attribute cannot contain an empty {} value. IndexName: {}, IndexKey: {}",
                                   e->type == ValueType::kS ? "string" : "binary", g.name, e->name));
      }
    }
    STRATUS_RETURN_IF_ERROR(CheckKeySizes(g.key, item));
  }
  if (ItemSize(item) > kMaxItemSize) return Invalid("Item size has exceeded the maximum allowed size");
  return Status::Ok();
}

Item TableService::Impl::KeyOf(const KeySchema& k, const Item& item) {
  Item key;
  for (const KeyElement* e : {&k.hash, k.range ? &*k.range : nullptr}) {
    if (e == nullptr) continue;
    auto it = item.find(e->name);
    if (it != item.end()) key.emplace(it->first, it->second);
  }
  return key;
}

Item TableService::Impl::KeyOf(const TableInfo& t, const IndexSpec* index, const Item& item) {
  Item key = KeyOf(t.spec.key, item);
  if (index != nullptr) key.merge(KeyOf(index->key, item));
  return key;
}

// --- the write path -----------------------------------------------------------------

std::optional<std::string> TableService::Impl::IndexKey(const TableInfo& t, const IndexSpec& index,
                                                        std::string_view item_key, const Item& item) {
  auto h = item.find(index.key.hash.name);
  if (h == item.end() || h->second.type != index.key.hash.type) return std::nullopt;
  std::string key = keys::IndexEntries(t.id, index.name);
  key += keys::PartitionPrefix(h->second);
  if (index.key.range) {
    auto r = item.find(index.key.range->name);
    if (r == item.end() || r->second.type != index.key.range->type) return std::nullopt;
    key += EncodeKeyValue(r->second);
  }
  key.append(item_key.substr(2));  // the table's key without its partition bytes
  return key;
}

Item TableService::Impl::ProjectForIndex(const TableInfo& t, const IndexSpec& index, const Item& item) {
  if (index.projection == ProjectionType::kAll) return item;
  Item out = KeyOf(t, &index, item);
  if (index.projection == ProjectionType::kInclude) {
    for (const auto& name : index.non_key_attributes) {
      auto it = item.find(name);
      if (it != item.end()) out.emplace(it->first, it->second);
    }
  }
  return out;
}

void TableService::Impl::StageWrite(const TableInfo& t, std::string_view item_key,
                                    const std::optional<Item>& before, const std::optional<Item>& after,
                                    uint64_t stamp, storage::WriteBatch& batch) const {
  std::string key = keys::Items(t.id);
  key.append(item_key);
  std::string sealed;
  if (after) {
    sealed = SealItem(*after);
    batch.Put(key, sealed);
  } else {
    batch.Delete(key);
  }
  for (const auto& g : t.spec.global_indexes) {
    std::optional<std::string> old_key = before ? IndexKey(t, g, item_key, *before) : std::nullopt;
    std::optional<std::string> new_key = after ? IndexKey(t, g, item_key, *after) : std::nullopt;
    if (old_key && old_key != new_key) batch.Delete(*old_key);
    if (new_key) {
      batch.Put(*new_key, g.projection == ProjectionType::kAll ? sealed
                                                                : SealItem(ProjectForIndex(t, g, *after)));
    }
  }
  if (t.pitr.enabled) {
    std::string h = keys::History(t.id);
    h.append(item_key).append(keys::Stamp(stamp));
    batch.Put(h, after ? std::string_view(sealed) : std::string_view());
  }
  if (items_written_ != nullptr) items_written_->Inc();
}

bool TableService::Impl::NeedsBefore(const TableInfo& t, bool conditional, ReturnValues rv,
                                     bool return_old_on_failure) {
  return conditional || rv != ReturnValues::kNone || return_old_on_failure ||
         !t.spec.global_indexes.empty() || t.pitr.enabled;
}

Status TableService::Impl::ConditionFailed(const std::optional<Item>& before, bool return_old) const {
  if (conditional_failures_ != nullptr) conditional_failures_->Inc();
  Status st(ErrorCode::kPreconditionFailed, "The conditional request failed", kConditionalCheckFailed);
  if (return_old && before) {
    return std::move(st).WithDetail(boost::json::serialize(boost::json::object{{"Item", ItemToJson(*before)}}));
  }
  return st;
}

size_t TableService::Impl::Stripe(std::string_view table_id, std::string_view item_key) const {
  return common::Crc32c(common::Crc32c(0, table_id), item_key) % kStripes;
}

// --- operations -----------------------------------------------------------------

namespace {

Status CheckReturnValues(ReturnValues rv, bool update) {
  if (!update && rv != ReturnValues::kNone && rv != ReturnValues::kAllOld) {
    return Invalid("Return values set to invalid value");
  }
  return Status::Ok();
}

const Item kEmptyItem;

}  // namespace

Result<WriteResult> TableService::PutItem(const PutItemRequest& r) {
  STRATUS_RETURN_IF_ERROR(CheckReturnValues(r.return_values, false));
  auto compiled = Compile(r.placeholders, {.condition = r.condition});
  if (!compiled.ok()) return compiled.status();
  std::shared_lock lifecycle(impl_->lifecycle_);
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  STRATUS_RETURN_IF_ERROR(impl_->CheckItem(t, r.item));
  std::string item_key = keys::ItemKey(t.spec.key, r.item);
  std::lock_guard lock(impl_->StripeLock(impl_->Stripe(t.id, item_key)));
  std::optional<Item> before;
  if (Impl::NeedsBefore(t, compiled->condition.has_value(), r.return_values,
                        r.return_old_on_condition_failure)) {
    auto loaded = impl_->LoadItem(t, item_key);
    if (!loaded.ok()) return loaded.status();
    before = std::move(loaded).value();
  }
  if (compiled->condition && !compiled->condition->Evaluate(before ? *before : kEmptyItem)) {
    return impl_->ConditionFailed(before, r.return_old_on_condition_failure);
  }
  storage::WriteBatch batch;
  impl_->StageWrite(t, item_key, before, r.item, impl_->NextStamp(), batch);
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  WriteResult out;
  if (r.return_values == ReturnValues::kAllOld && before) out.attributes = std::move(before);
  return out;
}

Result<WriteResult> TableService::DeleteItem(const DeleteItemRequest& r) {
  STRATUS_RETURN_IF_ERROR(CheckReturnValues(r.return_values, false));
  auto compiled = Compile(r.placeholders, {.condition = r.condition});
  if (!compiled.ok()) return compiled.status();
  std::shared_lock lifecycle(impl_->lifecycle_);
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  STRATUS_RETURN_IF_ERROR(impl_->CheckKey(t, r.key));
  std::string item_key = keys::ItemKey(t.spec.key, r.key);
  std::lock_guard lock(impl_->StripeLock(impl_->Stripe(t.id, item_key)));
  auto loaded = impl_->LoadItem(t, item_key);
  if (!loaded.ok()) return loaded.status();
  std::optional<Item> before = std::move(loaded).value();
  if (compiled->condition && !compiled->condition->Evaluate(before ? *before : kEmptyItem)) {
    return impl_->ConditionFailed(before, r.return_old_on_condition_failure);
  }
  if (before) {
    storage::WriteBatch batch;
    impl_->StageWrite(t, item_key, before, std::nullopt, impl_->NextStamp(), batch);
    STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  }
  WriteResult out;
  if (r.return_values == ReturnValues::kAllOld && before) out.attributes = std::move(before);
  return out;
}

// The item an update makes of `before` (absent: the key alone), or the
// error that stops it. Shared with transactions.
Result<Item> ApplyUpdate(const TableService::Impl& impl, const TableInfo& t, const Item& key,
                         const std::optional<Item>& before, const std::optional<Update>& update) {
  Item after = before ? *before : key;
  if (update) STRATUS_RETURN_IF_ERROR(update->Apply(after));
  STRATUS_RETURN_IF_ERROR(impl.CheckItem(t, after));
  return after;
}

Status CheckUpdateTouchesNoKey(const TableInfo& t, const std::optional<Update>& update) {
  if (!update) return Status::Ok();
  for (const Path& p : update->paths()) {
    const std::string& name = p.front().name;
    if (name == t.spec.key.hash.name || (t.spec.key.range && name == t.spec.key.range->name)) {
      return Invalid(fmt::format("One or more parameter values were invalid: Cannot update attribute {}. "
                                 "This attribute is part of the key", name));
    }
  }
  return Status::Ok();
}

Result<WriteResult> TableService::UpdateItem(const UpdateItemRequest& r) {
  auto compiled = Compile(r.placeholders, {.condition = r.condition, .update = r.update});
  if (!compiled.ok()) return compiled.status();
  std::shared_lock lifecycle(impl_->lifecycle_);
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  STRATUS_RETURN_IF_ERROR(impl_->CheckKey(t, r.key));
  STRATUS_RETURN_IF_ERROR(CheckUpdateTouchesNoKey(t, compiled->update));
  std::string item_key = keys::ItemKey(t.spec.key, r.key);
  std::lock_guard lock(impl_->StripeLock(impl_->Stripe(t.id, item_key)));
  auto loaded = impl_->LoadItem(t, item_key);
  if (!loaded.ok()) return loaded.status();
  std::optional<Item> before = std::move(loaded).value();
  if (compiled->condition && !compiled->condition->Evaluate(before ? *before : kEmptyItem)) {
    return impl_->ConditionFailed(before, r.return_old_on_condition_failure);
  }
  auto after = ApplyUpdate(*impl_, t, r.key, before, compiled->update);
  if (!after.ok()) return after.status();
  storage::WriteBatch batch;
  impl_->StageWrite(t, item_key, before, *after, impl_->NextStamp(), batch);
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  WriteResult out;
  auto updated = [&](const Item& item) -> std::optional<Item> {
    if (!compiled->update) return std::nullopt;
    Item projected = Projection::Of(compiled->update->paths()).Apply(item);
    if (projected.empty()) return std::nullopt;
    return projected;
  };
  switch (r.return_values) {
    case ReturnValues::kNone: break;
    case ReturnValues::kAllOld: out.attributes = before; break;
    case ReturnValues::kAllNew: out.attributes = *after; break;
    case ReturnValues::kUpdatedOld: if (before) out.attributes = updated(*before); break;
    case ReturnValues::kUpdatedNew: out.attributes = updated(*after); break;
  }
  return out;
}

Result<std::optional<Item>> TableService::GetItem(const GetItemRequest& r) {
  auto compiled = Compile(r.placeholders, {.projection = r.projection});
  if (!compiled.ok()) return compiled.status();
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  STRATUS_RETURN_IF_ERROR(impl_->CheckKey(t, r.key));
  auto loaded = impl_->LoadItem(t, keys::ItemKey(t.spec.key, r.key));
  if (!loaded.ok()) return loaded.status();
  if (*loaded && compiled->projection) return std::optional<Item>(compiled->projection->Apply(**loaded));
  return loaded;
}

}  // namespace service::tables
