// TableService: Query and Scan over the table or a global secondary index.

#include <fmt/format.h>

#include "service/tables/keys.h"
#include "service/tables/service_impl.h"

namespace service::tables {

using common::ErrorCode;

namespace {

// DynamoDB stops a page after 1 MB of items read.
constexpr size_t kPageBytes = 1 << 20;

struct ReadPlan {
  const TableInfo* table = nullptr;
  const IndexSpec* index = nullptr;
  std::string lo, hi;  // the key range [lo, hi)
  bool forward = true;
  std::optional<int64_t> limit;
  const Condition* filter = nullptr;
  const Projection* projection = nullptr;
  bool count_only = false;
};

std::string Succ(std::string_view key) { return storage::PrefixSuccessor(key); }

// Where ExclusiveStartKey points in the table's or index's key space.
Result<std::string> StartKey(const TableInfo& t, const IndexSpec* index, const Item& esk) {
  auto has = [&](const KeyElement& e) {
    auto it = esk.find(e.name);
    return it != esk.end() && it->second.type == e.type;
  };
  const Status bad = Invalid("The provided starting key is invalid: The provided key element does not "
                             "match the schema");
  if (!has(t.spec.key.hash) || (t.spec.key.range && !has(*t.spec.key.range))) return bad;
  std::string item_key = keys::ItemKey(t.spec.key, esk);
  if (index == nullptr) return keys::Items(t.id) + item_key;
  if (!has(index->key.hash) || (index->key.range && !has(*index->key.range))) return bad;
  std::string key = keys::IndexEntries(t.id, index->name);
  key += keys::PartitionPrefix(esk.find(index->key.hash.name)->second);
  if (index->key.range) key += EncodeKeyValue(esk.find(index->key.range->name)->second);
  key.append(item_key.substr(2));
  return key;
}

Result<ReadPage> RunRead(TableService::Impl& impl, const ReadPlan& plan) {
  ReadPage page;
  if (plan.lo >= plan.hi) return page;
  auto it = impl.kv_.NewIterator({plan.lo, plan.hi});
  if (plan.forward) it->Seek(plan.lo);
  else it->SeekToLast();
  size_t bytes = 0;
  while (it->Valid()) {
    auto item = impl.OpenItem(it->value());
    if (!item.ok()) return item.status();
    ++page.scanned;
    bytes += it->value().size();
    if (plan.filter == nullptr || plan.filter->Evaluate(*item)) {
      ++page.count;
      if (!plan.count_only) {
        page.items.push_back(plan.projection != nullptr ? plan.projection->Apply(*item) : *item);
      }
    }
    bool full = (plan.limit && page.scanned >= *plan.limit) || bytes >= kPageBytes;
    if (plan.forward) it->Next();
    else it->Prev();
    if (full) {
      if (it->Valid()) page.last_evaluated = TableService::Impl::KeyOf(*plan.table, plan.index, *item);
      break;
    }
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  return page;
}

// Validates Select against the projection and the index, and sets up the
// plan's projection and count mode.
Status PlanSelect(const TableInfo& t, const IndexSpec* index, std::optional<Select> select,
                  const std::optional<Projection>& projection, ReadPlan& plan) {
  Select sel = select.value_or(projection ? Select::kSpecific
                                          : index ? Select::kAllProjected : Select::kAllAttributes);
  if (projection && sel != Select::kSpecific) {
    return Invalid(fmt::format("One or more parameter values were invalid: Cannot specify the "
                               "ProjectionExpression when choosing to get {}",
                               sel == Select::kCount ? "only the Count" : sel == Select::kAllProjected
                                                                              ? "ALL_PROJECTED_ATTRIBUTES"
                                                                              : "ALL_ATTRIBUTES"));
  }
  if (sel == Select::kSpecific && !projection) {
    return Invalid("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires "
                   "a ProjectionExpression or AttributesToGet");
  }
  if (sel == Select::kAllProjected && index == nullptr) {
    return Invalid("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is "
                   "only supported when querying or scanning an index");
  }
  if (sel == Select::kAllAttributes && index != nullptr && index->projection != ProjectionType::kAll) {
    return Invalid(fmt::format("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is "
                               "not supported for global secondary index {} because its projection type "
                               "is not ALL", index->name));
  }
  (void)t;
  plan.count_only = sel == Select::kCount;
  plan.projection = projection ? &*projection : nullptr;
  return Status::Ok();
}

Status CheckLimit(const std::optional<int64_t>& limit) {
  if (limit && *limit < 1) {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'limit' failed to satisfy "
                               "constraint: Member must have value greater than or equal to 1", *limit));
  }
  return Status::Ok();
}

Result<const IndexSpec*> FindIndex(const TableInfo& t, std::string_view name, bool consistent) {
  if (name.empty()) return static_cast<const IndexSpec*>(nullptr);
  const IndexSpec* index = t.Index(name);
  if (index == nullptr) {
    return Invalid(fmt::format("The table does not have the specified index: {}", name));
  }
  if (consistent) return Invalid("Consistent reads are not supported on global secondary indexes");
  return index;
}

std::string TwoBytes(uint32_t v) {
  return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

}  // namespace

Result<ReadPage> TableService::Query(const QueryRequest& r) {
  STRATUS_RETURN_IF_ERROR(CheckLimit(r.limit));
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  auto index = FindIndex(t, r.index, r.consistent);
  if (!index.ok()) return index.status();
  const KeySchema& schema = *index != nullptr ? (*index)->key : t.spec.key;
  if (r.key_condition.empty()) {
    return Invalid("Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
                   "request.");
  }
  auto compiled = Compile(r.placeholders, {.projection = r.projection,
                                           .filter = r.filter,
                                           .key_condition = r.key_condition,
                                           .hash_name = schema.hash.name,
                                           .range_name = schema.range ? std::string_view(schema.range->name)
                                                                      : std::string_view()});
  if (!compiled.ok()) return compiled.status();
  const KeyCondition& kc = *compiled->key_condition;
  const Status type_mismatch = Invalid("One or more parameter values were invalid: Condition parameter "
                                       "type does not match schema type");
  if (kc.hash.type != schema.hash.type) return type_mismatch;
  if (kc.op != KeyCondition::RangeOp::kNone) {
    ValueType rt = schema.range->type;
    if (kc.low.type != rt || (kc.op == KeyCondition::RangeOp::kBetween && kc.high.type != rt)) {
      return type_mismatch;
    }
    if (kc.op == KeyCondition::RangeOp::kBeginsWith && rt == ValueType::kN) {
      return Invalid("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                     "operator or function: begins_with, operand type: N");
    }
    if (kc.op == KeyCondition::RangeOp::kBetween && CompareScalars(kc.low, kc.high) > 0) {
      return Invalid("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                     "greater than or equal to lower bound");
    }
  }
  ReadPlan plan;
  plan.table = &t;
  plan.index = *index;
  plan.forward = r.forward;
  plan.limit = r.limit;
  plan.filter = compiled->filter ? &*compiled->filter : nullptr;
  STRATUS_RETURN_IF_ERROR(PlanSelect(t, *index, r.select, compiled->projection, plan));

  std::string base = *index != nullptr ? keys::IndexEntries(t.id, (*index)->name) : keys::Items(t.id);
  std::string p = base + keys::PartitionPrefix(kc.hash);
  std::string e = kc.op == KeyCondition::RangeOp::kNone ? std::string() : EncodeKeyValue(kc.low);
  switch (kc.op) {
    case KeyCondition::RangeOp::kNone: plan.lo = p, plan.hi = Succ(p); break;
    case KeyCondition::RangeOp::kEq: plan.lo = p + e, plan.hi = Succ(p + e); break;
    case KeyCondition::RangeOp::kLt: plan.lo = p, plan.hi = p + e; break;
    case KeyCondition::RangeOp::kLe: plan.lo = p, plan.hi = Succ(p + e); break;
    case KeyCondition::RangeOp::kGt: plan.lo = Succ(p + e), plan.hi = Succ(p); break;
    case KeyCondition::RangeOp::kGe: plan.lo = p + e, plan.hi = Succ(p); break;
    case KeyCondition::RangeOp::kBetween:
      plan.lo = p + e, plan.hi = Succ(p + EncodeKeyValue(kc.high));
      break;
    case KeyCondition::RangeOp::kBeginsWith: {
      // An S or B encoding is the escaped bytes then a two-byte terminator:
      // every value starting with the prefix starts with its escaped bytes.
      std::string prefix = p + e.substr(0, e.size() - 2);
      plan.lo = prefix, plan.hi = Succ(prefix);
      break;
    }
  }
  if (r.exclusive_start) {
    auto start = StartKey(t, *index, *r.exclusive_start);
    if (!start.ok()) return start.status();
    if (r.forward) plan.lo = std::max(plan.lo, *start + std::string(1, '\0'));
    else plan.hi = std::min(plan.hi, *start);
  }
  return RunRead(*impl_, plan);
}

Result<ReadPage> TableService::Scan(const ScanRequest& r) {
  STRATUS_RETURN_IF_ERROR(CheckLimit(r.limit));
  if (r.segment.has_value() != r.total_segments.has_value()) {
    return Invalid(r.segment ? "The TotalSegments parameter is required but was not present in the request "
                               "when Segment parameter is present"
                             : "The Segment parameter is required but was not present in the request when "
                               "parameter TotalSegments is present");
  }
  int total = r.total_segments.value_or(1);
  int segment = r.segment.value_or(0);
  if (total < 1 || total > 1000000) {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'totalSegments' failed to satisfy "
                               "constraint: Member must have value {}", total,
                               total < 1 ? "greater than or equal to 1" : "less than or equal to 1000000"));
  }
  if (segment < 0 || segment >= total) {
    return Invalid(fmt::format("The Segment parameter is zero-based and must be less than parameter "
                               "TotalSegments: Segment: {} is not less than TotalSegments: {}", segment, total));
  }
  auto table = impl_->Usable(r.table);
  if (!table.ok()) return table.status();
  const TableInfo& t = **table;
  auto index = FindIndex(t, r.index, r.consistent);
  if (!index.ok()) return index.status();
  auto compiled = Compile(r.placeholders, {.projection = r.projection, .filter = r.filter});
  if (!compiled.ok()) return compiled.status();
  ReadPlan plan;
  plan.table = &t;
  plan.index = *index;
  plan.limit = r.limit;
  plan.filter = compiled->filter ? &*compiled->filter : nullptr;
  STRATUS_RETURN_IF_ERROR(PlanSelect(t, *index, r.select, compiled->projection, plan));

  // Keys start with two partition bytes, so a segment is a key range.
  std::string base = *index != nullptr ? keys::IndexEntries(t.id, (*index)->name) : keys::Items(t.id);
  uint32_t first = static_cast<uint32_t>(uint64_t{65536} * segment / total);
  uint32_t end = static_cast<uint32_t>(uint64_t{65536} * (segment + 1) / total);
  plan.lo = base + TwoBytes(first);
  plan.hi = end >= 65536 ? Succ(base) : base + TwoBytes(end);
  if (r.exclusive_start) {
    auto start = StartKey(t, *index, *r.exclusive_start);
    if (!start.ok()) return start.status();
    if (*start < plan.lo || *start >= plan.hi) {
      return Invalid("The provided Exclusive start key does not map to the provided Segment and "
                     "TotalSegments values.");
    }
    plan.lo = *start + std::string(1, '\0');
  }
  return RunRead(*impl_, plan);
}

}  // namespace service::tables
