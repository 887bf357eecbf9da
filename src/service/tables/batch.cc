// TableService: BatchGetItem, BatchWriteItem and the transactions.

#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/checksum.h"
#include "service/tables/keys.h"
#include "service/tables/service_impl.h"

namespace service::tables {

using common::ErrorCode;

namespace {

constexpr size_t kMaxBatchGet = 100;
constexpr size_t kMaxBatchWrite = 25;
constexpr size_t kMaxTransactItems = 100;
constexpr size_t kMaxBatchGetBytes = 16 << 20;
constexpr double kTokenSeconds = 600;  // idempotency tokens last 10 minutes

const Item kEmptyItem;

}  // namespace

// --- BatchGetItem -------------------------------------------------------------

Result<BatchGetResult> TableService::BatchGetItem(const std::vector<BatchGetTable>& tables) {
  size_t total = 0;
  for (const auto& bt : tables) total += bt.keys.size();
  if (total == 0) {
    return Invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1");
  }
  if (total > kMaxBatchGet) return Invalid("Too many items requested for the BatchGetItem call");
  struct Plan {
    TablePtr table;
    Compiled compiled;
  };
  std::vector<Plan> plans;
  for (const auto& bt : tables) {
    auto table = impl_->Usable(bt.table);
    if (!table.ok()) return table.status();
    auto compiled = Compile(bt.placeholders, {.projection = bt.projection});
    if (!compiled.ok()) return compiled.status();
    std::set<std::string> seen;
    for (const auto& key : bt.keys) {
      STRATUS_RETURN_IF_ERROR(impl_->CheckKey(**table, key));
      if (!seen.insert(keys::ItemKey((*table)->spec.key, key)).second) {
        return Invalid("Provided list of item keys contains duplicates");
      }
    }
    plans.push_back({std::move(table).value(), std::move(compiled).value()});
  }
  BatchGetResult out;
  size_t bytes = 0;
  for (size_t i = 0; i < tables.size(); ++i) {
    const BatchGetTable& bt = tables[i];
    const TableInfo& t = *plans[i].table;
    auto& found = out.items[bt.table];
    BatchGetTable left{bt.table, {}, bt.projection, bt.placeholders, bt.consistent};
    for (const auto& key : bt.keys) {
      if (bytes >= kMaxBatchGetBytes) {
        left.keys.push_back(key);
        continue;
      }
      auto item = impl_->LoadItem(t, keys::ItemKey(t.spec.key, key));
      if (!item.ok()) return item.status();
      if (!*item) continue;
      bytes += ItemSize(**item);
      found.push_back(plans[i].compiled.projection ? plans[i].compiled.projection->Apply(**item)
                                                   : std::move(**item));
    }
    if (!left.keys.empty()) out.unprocessed.push_back(std::move(left));
  }
  return out;
}

// --- BatchWriteItem -------------------------------------------------------------

Result<BatchWriteResult> TableService::BatchWriteItem(const std::vector<BatchWriteTable>& tables) {
  size_t total = 0;
  for (const auto& bt : tables) total += bt.writes.size();
  if (total == 0) {
    return Invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1");
  }
  if (total > kMaxBatchWrite) {
    return Invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                   "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
                   "Member must have length greater than or equal to 1]");
  }
  std::shared_lock lifecycle(impl_->lifecycle_);
  struct Write {
    TablePtr table;
    std::string item_key;
    const BatchWrite* write;
  };
  std::vector<Write> writes;
  std::vector<size_t> stripes;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& bt : tables) {
    auto table = impl_->Usable(bt.table);
    if (!table.ok()) return table.status();
    const TableInfo& t = **table;
    for (const auto& w : bt.writes) {
      STRATUS_RETURN_IF_ERROR(w.is_put ? impl_->CheckItem(t, w.item) : impl_->CheckKey(t, w.item));
      std::string item_key = keys::ItemKey(t.spec.key, w.item);
      if (!seen.emplace(t.id, item_key).second) {
        return Invalid("Provided list of item keys contains duplicates");
      }
      stripes.push_back(impl_->Stripe(t.id, item_key));
      writes.push_back({*table, std::move(item_key), &w});
    }
  }
  StripeLocks locks(*impl_, std::move(stripes));
  storage::WriteBatch batch;
  for (const auto& w : writes) {
    const TableInfo& t = *w.table;
    std::optional<Item> before;
    if (!w.write->is_put || Impl::NeedsBefore(t, false, ReturnValues::kNone, false)) {
      auto loaded = impl_->LoadItem(t, w.item_key);
      if (!loaded.ok()) return loaded.status();
      before = std::move(loaded).value();
    }
    if (w.write->is_put) {
      impl_->StageWrite(t, w.item_key, before, w.write->item, impl_->NextStamp(), batch);
    } else if (before) {
      impl_->StageWrite(t, w.item_key, before, std::nullopt, impl_->NextStamp(), batch);
    }
  }
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  return BatchWriteResult{};
}

// --- TransactWriteItems -------------------------------------------------------------

namespace {

// A canonical text of the whole request, to recognise a retry.
std::string Fingerprint(const std::vector<TransactWrite>& writes) {
  boost::json::array a;
  for (const auto& w : writes) {
    boost::json::object names, values;
    for (const auto& [k, v] : w.placeholders.names) names[k] = v;
    for (const auto& [k, v] : w.placeholders.values) values[k] = ValueToJson(v);
    a.push_back(boost::json::object{{"k", static_cast<int>(w.kind)},
                                    {"t", w.table},
                                    {"i", ItemToJson(w.item)},
                                    {"u", w.update},
                                    {"c", w.condition},
                                    {"n", std::move(names)},
                                    {"v", std::move(values)},
                                    {"r", w.return_old_on_condition_failure}});
  }
  return common::HexEncode(common::Digest(common::ChecksumAlgorithm::kSha256, boost::json::serialize(a)));
}

}  // namespace

Status TableService::TransactWriteItems(const std::vector<TransactWrite>& writes, std::string_view client_token) {
  if (writes.empty() || writes.size() > kMaxTransactItems) {
    return Invalid(fmt::format("1 validation error detected: Value at 'transactItems' failed to satisfy "
                               "constraint: Member must have length {}",
                               writes.empty() ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  if (client_token.size() > 36) {
    return Invalid("1 validation error detected: Value at 'clientRequestToken' failed to satisfy "
                   "constraint: Member must have length less than or equal to 36");
  }
  struct Planned {
    TablePtr table;
    Compiled compiled;
    std::string item_key;
    std::optional<Item> before;
    std::optional<Item> after;
  };
  std::shared_lock lifecycle(impl_->lifecycle_);
  std::vector<Planned> plan;
  std::vector<size_t> stripes;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& w : writes) {
    auto table = impl_->Usable(w.table);
    if (!table.ok()) return table.status();
    const TableInfo& t = **table;
    auto compiled = Compile(w.placeholders, {.condition = w.condition, .update = w.update});
    if (!compiled.ok()) return compiled.status();
    if (w.kind == TransactWrite::Kind::kConditionCheck && !compiled->condition) {
      return Invalid("1 validation error detected: Value null at 'transactItems.conditionCheck."
                     "conditionExpression' failed to satisfy constraint: Member must not be null");
    }
    if (w.kind == TransactWrite::Kind::kUpdate && !compiled->update) {
      return Invalid("1 validation error detected: Value null at 'transactItems.update.updateExpression' "
                     "failed to satisfy constraint: Member must not be null");
    }
    STRATUS_RETURN_IF_ERROR(w.kind == TransactWrite::Kind::kPut ? impl_->CheckItem(t, w.item)
                                                                 : impl_->CheckKey(t, w.item));
    STRATUS_RETURN_IF_ERROR(CheckUpdateTouchesNoKey(t, compiled->update));
    std::string item_key = keys::ItemKey(t.spec.key, w.item);
    if (!seen.emplace(t.id, item_key).second) {
      return Invalid("Transaction request cannot include multiple operations on one item");
    }
    stripes.push_back(impl_->Stripe(t.id, item_key));
    plan.push_back({std::move(table).value(), std::move(compiled).value(), std::move(item_key), {}, {}});
  }
  // A token is checked and recorded under its own stripe, with the items'.
  std::string token_key;
  std::string fingerprint;
  if (!client_token.empty()) {
    token_key = keys::Token(client_token);
    fingerprint = Fingerprint(writes);
    stripes.push_back(impl_->Stripe("", token_key));
  }
  StripeLocks locks(*impl_, std::move(stripes));
  double now = impl_->NowSeconds();
  if (!token_key.empty()) {
    auto prior = impl_->kv_.Get(token_key);
    if (!prior.ok()) return prior.status();
    if (prior->has_value()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(**prior, ec);
      if (!ec && v.is_object() && v.as_object().contains("f") && v.as_object().contains("t")) {
        double at = v.as_object().at("t").to_number<double>();
        if (now - at < kTokenSeconds) {
          if (v.as_object().at("f").as_string() == fingerprint) return Status::Ok();
          return Status(ErrorCode::kInvalidArgument,
                        "The request uses the same client token as a previous, but non-identical request.",
                        kIdempotentMismatch);
        }
      }
    }
  }
  // Read every item, then decide every condition before writing anything.
  boost::json::array reasons;
  std::vector<std::string> codes;
  bool canceled = false;
  for (size_t i = 0; i < plan.size(); ++i) {
    Planned& p = plan[i];
    const TransactWrite& w = writes[i];
    auto loaded = impl_->LoadItem(*p.table, p.item_key);
    if (!loaded.ok()) return loaded.status();
    p.before = std::move(loaded).value();
    boost::json::object reason{{"Code", "None"}};
    if (p.compiled.condition && !p.compiled.condition->Evaluate(p.before ? *p.before : kEmptyItem)) {
      reason = {{"Code", "ConditionalCheckFailed"}, {"Message", "The conditional request failed"}};
      if (w.return_old_on_condition_failure && p.before) reason["Item"] = ItemToJson(*p.before);
      canceled = true;
    } else if (w.kind == TransactWrite::Kind::kPut) {
      p.after = w.item;
    } else if (w.kind == TransactWrite::Kind::kUpdate) {
      auto after = ApplyUpdate(*impl_, *p.table, w.item, p.before, p.compiled.update);
      if (!after.ok()) {
        reason = {{"Code", "ValidationError"}, {"Message", after.status().message()}};
        canceled = true;
      } else {
        p.after = std::move(after).value();
      }
    }
    codes.emplace_back(reason.at("Code").as_string());
    reasons.push_back(std::move(reason));
  }
  if (canceled) {
    if (impl_->transactions_canceled_ != nullptr) impl_->transactions_canceled_->Inc();
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
    return Status(ErrorCode::kPreconditionFailed,
                  fmt::format("Transaction cancelled, please refer cancellation reasons for specific "
                              "reasons [{}]", list),
                  kTransactionCanceled)
        .WithDetail(boost::json::serialize(boost::json::object{{"CancellationReasons", std::move(reasons)}}));
  }
  storage::WriteBatch batch;
  uint64_t stamp = impl_->NextStamp();
  for (size_t i = 0; i < plan.size(); ++i) {
    Planned& p = plan[i];
    switch (writes[i].kind) {
      case TransactWrite::Kind::kConditionCheck: break;
      case TransactWrite::Kind::kDelete:
        if (p.before) impl_->StageWrite(*p.table, p.item_key, p.before, std::nullopt, stamp, batch);
        break;
      case TransactWrite::Kind::kPut:
      case TransactWrite::Kind::kUpdate:
        impl_->StageWrite(*p.table, p.item_key, p.before, p.after, stamp, batch);
        break;
    }
  }
  if (!token_key.empty()) {
    batch.Put(token_key, boost::json::serialize(boost::json::object{{"f", fingerprint}, {"t", now}}));
  }
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  if (impl_->transactions_ != nullptr) impl_->transactions_->Inc();
  return Status::Ok();
}

// --- TransactGetItems -------------------------------------------------------------

Result<std::vector<std::optional<Item>>> TableService::TransactGetItems(const std::vector<TransactGet>& gets) {
  if (gets.empty() || gets.size() > kMaxTransactItems) {
    return Invalid(fmt::format("1 validation error detected: Value at 'transactItems' failed to satisfy "
                               "constraint: Member must have length {}",
                               gets.empty() ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  struct Planned {
    TablePtr table;
    Compiled compiled;
    std::string item_key;
  };
  std::vector<Planned> plan;
  std::vector<size_t> stripes;
  for (const auto& g : gets) {
    auto table = impl_->Usable(g.table);
    if (!table.ok()) return table.status();
    auto compiled = Compile(g.placeholders, {.projection = g.projection});
    if (!compiled.ok()) return compiled.status();
    STRATUS_RETURN_IF_ERROR(impl_->CheckKey(**table, g.key));
    std::string item_key = keys::ItemKey((*table)->spec.key, g.key);
    stripes.push_back(impl_->Stripe((*table)->id, item_key));
    plan.push_back({std::move(table).value(), std::move(compiled).value(), std::move(item_key)});
  }
  // Holding the items' locks, no transaction commits halfway through the reads.
  StripeLocks locks(*impl_, std::move(stripes));
  std::vector<std::optional<Item>> out;
  for (auto& p : plan) {
    auto item = impl_->LoadItem(*p.table, p.item_key);
    if (!item.ok()) return item.status();
    if (*item && p.compiled.projection) **item = p.compiled.projection->Apply(**item);
    out.push_back(std::move(item).value());
  }
  return out;
}

}  // namespace service::tables
