#include "api/dynamodb/ops/batch.h"

#include <fmt/format.h>

namespace api::dynamodb {

namespace json = boost::json;
using common::ErrorCode;

namespace {

Status Serialization(std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("Unexpected JSON shape for {}", what),
                "SerializationException");
}

Result<const json::object*> RequestItems(const Body& body) {
  auto items = body.Object("RequestItems");
  if (!items.ok()) return items;
  if (*items == nullptr) return MissingMember("RequestItems");
  return items;
}

json::object KeysAndAttributes(const tables::BatchGetTable& t) {
  json::array keys;
  for (const auto& k : t.keys) keys.push_back(tables::ItemToJson(k));
  json::object o{{"Keys", std::move(keys)}};
  if (!t.projection.empty()) o["ProjectionExpression"] = t.projection;
  if (!t.placeholders.names.empty()) {
    json::object names;
    for (const auto& [k, v] : t.placeholders.names) names[k] = v;
    o["ExpressionAttributeNames"] = std::move(names);
  }
  if (t.consistent) o["ConsistentRead"] = true;
  return o;
}

// A transaction item's Key or Item, table, expressions and placeholders.
Result<tables::TransactWrite> ParseTransactWrite(const json::value& v) {
  if (!v.is_object() || v.as_object().size() != 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "TransactItems can only contain one of Check, Put, Update or Delete");
  }
  const auto& [kind, inner] = *v.as_object().begin();
  if (!inner.is_object()) return Serialization("TransactItems");
  Body b(inner.as_object());
  tables::TransactWrite w;
  std::string_view k = kind;
  if (k == "Put") w.kind = tables::TransactWrite::Kind::kPut;
  else if (k == "Update") w.kind = tables::TransactWrite::Kind::kUpdate;
  else if (k == "Delete") w.kind = tables::TransactWrite::Kind::kDelete;
  else if (k == "ConditionCheck") w.kind = tables::TransactWrite::Kind::kConditionCheck;
  else return Serialization("TransactItems");
  auto table = b.TableName();
  if (!table.ok()) return table.status();
  w.table = *table;
  auto item = b.Item(w.kind == tables::TransactWrite::Kind::kPut ? "Item" : "Key");
  if (!item.ok()) return item.status();
  w.item = std::move(item).value();
  auto update = b.String("UpdateExpression");
  if (!update.ok()) return update.status();
  w.update = update->value_or("");
  auto condition = b.String("ConditionExpression");
  if (!condition.ok()) return condition.status();
  w.condition = condition->value_or("");
  auto placeholders = b.Placeholders();
  if (!placeholders.ok()) return placeholders.status();
  w.placeholders = std::move(placeholders).value();
  auto old = b.ReturnOldOnConditionFailure();
  if (!old.ok()) return old.status();
  w.return_old_on_condition_failure = *old;
  return w;
}

}  // namespace

// --- BatchGetItem -------------------------------------------------------------

Result<std::vector<tables::BatchGetTable>> BatchGetItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto items = RequestItems(*body);
  if (!items.ok()) return items.status();
  std::vector<tables::BatchGetTable> out;
  for (const auto& [name, spec] : **items) {
    STRATUS_RETURN_IF_ERROR(ValidateTableName(name, "RequestItems"));
    if (!spec.is_object()) return Serialization("RequestItems");
    Body b(spec.as_object());
    tables::BatchGetTable t;
    t.table = std::string(name);
    auto keys = b.Array("Keys");
    if (!keys.ok()) return keys.status();
    if (*keys == nullptr) return MissingMember("RequestItems.Keys");
    for (const auto& k : **keys) {
      auto key = ParseItem(k);
      if (!key.ok()) return key.status();
      t.keys.push_back(std::move(key).value());
    }
    auto placeholders = b.Placeholders();
    if (!placeholders.ok()) return placeholders.status();
    t.placeholders = std::move(placeholders).value();
    auto projection = b.Projection(t.placeholders);
    if (!projection.ok()) return projection.status();
    t.projection = *projection;
    auto consistent = b.Bool("ConsistentRead");
    if (!consistent.ok()) return consistent.status();
    t.consistent = consistent->value_or(false);
    out.push_back(std::move(t));
  }
  return out;
}

net::awaitable<Result<net::Response>> BatchGetItem::Execute(OpContext& ctx, std::vector<tables::BatchGetTable> r) {
  auto got = co_await CallTables(ctx, [&](tables::TableService& s) { return s.BatchGetItem(r); });
  if (!got.ok()) co_return got.status();
  json::object responses;
  for (const auto& [table, items] : got->items) {
    json::array a;
    for (const auto& item : items) a.push_back(tables::ItemToJson(item));
    responses[table] = std::move(a);
  }
  json::object unprocessed;
  for (const auto& t : got->unprocessed) unprocessed[t.table] = KeysAndAttributes(t);
  co_return JsonResponse({{"Responses", std::move(responses)}, {"UnprocessedKeys", std::move(unprocessed)}});
}

// --- BatchWriteItem -------------------------------------------------------------

Result<std::vector<tables::BatchWriteTable>> BatchWriteItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto items = RequestItems(*body);
  if (!items.ok()) return items.status();
  std::vector<tables::BatchWriteTable> out;
  for (const auto& [name, writes] : **items) {
    STRATUS_RETURN_IF_ERROR(ValidateTableName(name, "RequestItems"));
    if (!writes.is_array()) return Serialization("RequestItems");
    tables::BatchWriteTable t{std::string(name), {}};
    for (const auto& w : writes.as_array()) {
      if (!w.is_object() || w.as_object().size() != 1) {
        return Status(ErrorCode::kInvalidArgument,
                      "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                      "supported datatypes");
      }
      const auto& [kind, inner] = *w.as_object().begin();
      if (!inner.is_object()) return Serialization("WriteRequest");
      Body b(inner.as_object());
      bool put = std::string_view(kind) == "PutRequest";
      if (!put && std::string_view(kind) != "DeleteRequest") return Serialization("WriteRequest");
      auto item = b.Item(put ? "Item" : "Key");
      if (!item.ok()) return item.status();
      t.writes.push_back({put, std::move(item).value()});
    }
    out.push_back(std::move(t));
  }
  return out;
}

net::awaitable<Result<net::Response>> BatchWriteItem::Execute(OpContext& ctx, std::vector<tables::BatchWriteTable> r) {
  auto done = co_await CallTables(ctx, [&](tables::TableService& s) { return s.BatchWriteItem(r); });
  if (!done.ok()) co_return done.status();
  json::object unprocessed;
  for (const auto& t : done->unprocessed) {
    json::array writes;
    for (const auto& w : t.writes) {
      writes.push_back(json::object{{w.is_put ? "PutRequest" : "DeleteRequest",
                                     json::object{{w.is_put ? "Item" : "Key", tables::ItemToJson(w.item)}}}});
    }
    unprocessed[t.table] = std::move(writes);
  }
  co_return JsonResponse({{"UnprocessedItems", std::move(unprocessed)}});
}

// --- transactions -------------------------------------------------------------

Result<TransactWriteItems::Request> TransactWriteItems::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto items = body->Array("TransactItems");
  if (!items.ok()) return items.status();
  if (*items == nullptr) return MissingMember("TransactItems");
  for (const auto& v : **items) {
    auto w = ParseTransactWrite(v);
    if (!w.ok()) return w.status();
    r.writes.push_back(std::move(w).value());
  }
  auto token = body->String("ClientRequestToken");
  if (!token.ok()) return token.status();
  r.token = token->value_or("");
  return r;
}

net::awaitable<Result<net::Response>> TransactWriteItems::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTables(ctx, [&](tables::TableService& s) { return s.TransactWriteItems(r.writes, r.token); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

Result<std::vector<tables::TransactGet>> TransactGetItems::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto items = body->Array("TransactItems");
  if (!items.ok()) return items.status();
  if (*items == nullptr) return MissingMember("TransactItems");
  std::vector<tables::TransactGet> out;
  for (const auto& v : **items) {
    if (!v.is_object() || !v.as_object().contains("Get") || !v.as_object().at("Get").is_object()) {
      return Serialization("TransactItems");
    }
    Body b(v.as_object().at("Get").as_object());
    tables::TransactGet g;
    auto table = b.TableName();
    if (!table.ok()) return table.status();
    g.table = *table;
    auto key = b.Item("Key");
    if (!key.ok()) return key.status();
    g.key = std::move(key).value();
    auto placeholders = b.Placeholders();
    if (!placeholders.ok()) return placeholders.status();
    g.placeholders = std::move(placeholders).value();
    auto projection = b.Projection(g.placeholders);
    if (!projection.ok()) return projection.status();
    g.projection = *projection;
    out.push_back(std::move(g));
  }
  return out;
}

net::awaitable<Result<net::Response>> TransactGetItems::Execute(OpContext& ctx, std::vector<tables::TransactGet> r) {
  auto got = co_await CallTables(ctx, [&](tables::TableService& s) { return s.TransactGetItems(r); });
  if (!got.ok()) co_return got.status();
  json::array responses;
  for (const auto& item : *got) {
    json::object o;
    if (item) o["Item"] = tables::ItemToJson(*item);
    responses.push_back(std::move(o));
  }
  co_return JsonResponse({{"Responses", std::move(responses)}});
}

}  // namespace api::dynamodb
