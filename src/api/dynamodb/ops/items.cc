#include "api/dynamodb/ops/items.h"

namespace api::dynamodb {

namespace json = boost::json;

namespace {

// A write's response: the attributes ReturnValues asked for, and the
// capacity it consumed when asked.
net::Response WriteResponse(const Body& body, std::string_view table, const tables::WriteResult& w, size_t bytes) {
  json::object out;
  if (w.attributes) out["Attributes"] = tables::ItemToJson(*w.attributes);
  AddConsumedCapacity(body, table, WriteUnits(bytes), out);
  return JsonResponse(out);
}

// The members every conditional write has: ConditionExpression, the
// placeholders, ReturnValues and ReturnValuesOnConditionCheckFailure.
template <typename R>
Status ParseWrite(const Body& body, R& r) {
  auto condition = body.String("ConditionExpression");
  if (!condition.ok()) return condition.status();
  r.condition = condition->value_or("");
  auto placeholders = body.Placeholders();
  if (!placeholders.ok()) return placeholders.status();
  r.placeholders = std::move(placeholders).value();
  auto rv = body.ReturnValues();
  if (!rv.ok()) return rv.status();
  r.return_values = *rv;
  auto old = body.ReturnOldOnConditionFailure();
  if (!old.ok()) return old.status();
  r.return_old_on_condition_failure = *old;
  return Status::Ok();
}

}  // namespace

Result<PutItem::Request> PutItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  STRATUS_RETURN_IF_ERROR(body->RejectLegacy());
  tables::PutItemRequest r;
  auto table = body->TableName();
  if (!table.ok()) return table.status();
  r.table = *table;
  auto item = body->Item("Item");
  if (!item.ok()) return item.status();
  r.item = std::move(item).value();
  STRATUS_RETURN_IF_ERROR(ParseWrite(*body, r));
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> PutItem::Execute(OpContext& ctx, Request r) {
  auto w = co_await CallTables(ctx, [&](tables::TableService& s) { return s.PutItem(r.put); });
  if (!w.ok()) co_return w.status();
  co_return WriteResponse(r.body, r.put.table, *w, tables::ItemSize(r.put.item));
}

Result<GetItem::Request> GetItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  tables::GetItemRequest r;
  auto table = body->TableName();
  if (!table.ok()) return table.status();
  r.table = *table;
  auto key = body->Item("Key");
  if (!key.ok()) return key.status();
  r.key = std::move(key).value();
  auto placeholders = body->Placeholders();
  if (!placeholders.ok()) return placeholders.status();
  r.placeholders = std::move(placeholders).value();
  auto projection = body->Projection(r.placeholders);
  if (!projection.ok()) return projection.status();
  r.projection = *projection;
  auto consistent = body->Bool("ConsistentRead");
  if (!consistent.ok()) return consistent.status();
  r.consistent = consistent->value_or(false);
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> GetItem::Execute(OpContext& ctx, Request r) {
  auto item = co_await CallTables(ctx, [&](tables::TableService& s) { return s.GetItem(r.get); });
  if (!item.ok()) co_return item.status();
  json::object out;
  size_t bytes = 0;
  if (*item) {
    bytes = tables::ItemSize(**item);
    out["Item"] = tables::ItemToJson(**item);
  }
  AddConsumedCapacity(r.body, r.get.table, ReadUnits(bytes, r.get.consistent), out);
  co_return JsonResponse(out);
}

Result<DeleteItem::Request> DeleteItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  STRATUS_RETURN_IF_ERROR(body->RejectLegacy());
  tables::DeleteItemRequest r;
  auto table = body->TableName();
  if (!table.ok()) return table.status();
  r.table = *table;
  auto key = body->Item("Key");
  if (!key.ok()) return key.status();
  r.key = std::move(key).value();
  STRATUS_RETURN_IF_ERROR(ParseWrite(*body, r));
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> DeleteItem::Execute(OpContext& ctx, Request r) {
  auto w = co_await CallTables(ctx, [&](tables::TableService& s) { return s.DeleteItem(r.del); });
  if (!w.ok()) co_return w.status();
  co_return WriteResponse(r.body, r.del.table, *w, w->attributes ? tables::ItemSize(*w->attributes) : 0);
}

Result<UpdateItem::Request> UpdateItem::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  STRATUS_RETURN_IF_ERROR(body->RejectLegacy());
  tables::UpdateItemRequest r;
  auto table = body->TableName();
  if (!table.ok()) return table.status();
  r.table = *table;
  auto key = body->Item("Key");
  if (!key.ok()) return key.status();
  r.key = std::move(key).value();
  auto update = body->String("UpdateExpression");
  if (!update.ok()) return update.status();
  r.update = update->value_or("");
  STRATUS_RETURN_IF_ERROR(ParseWrite(*body, r));
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> UpdateItem::Execute(OpContext& ctx, Request r) {
  auto w = co_await CallTables(ctx, [&](tables::TableService& s) { return s.UpdateItem(r.update); });
  if (!w.ok()) co_return w.status();
  co_return WriteResponse(r.body, r.update.table, *w, w->attributes ? tables::ItemSize(*w->attributes) : 0);
}

}  // namespace api::dynamodb
