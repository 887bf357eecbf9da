#include "api/dynamodb/ops/reads.h"

#include <fmt/format.h>

namespace api::dynamodb {

namespace json = boost::json;
using common::ErrorCode;

namespace {

// The members Query and Scan share.
template <typename R>
Status ParseRead(const Body& body, R& r) {
  STRATUS_RETURN_IF_ERROR(body.RejectLegacy());
  auto table = body.TableName();
  if (!table.ok()) return table.status();
  r.table = *table;
  auto index = body.String("IndexName");
  if (!index.ok()) return index.status();
  r.index = index->value_or("");
  auto filter = body.String("FilterExpression");
  if (!filter.ok()) return filter.status();
  r.filter = filter->value_or("");
  auto placeholders = body.Placeholders();
  if (!placeholders.ok()) return placeholders.status();
  r.placeholders = std::move(placeholders).value();
  auto projection = body.Projection(r.placeholders);
  if (!projection.ok()) return projection.status();
  r.projection = *projection;
  auto limit = body.Int("Limit");
  if (!limit.ok()) return limit.status();
  r.limit = *limit;
  auto start = body.Object("ExclusiveStartKey");
  if (!start.ok()) return start.status();
  if (*start != nullptr) {
    auto key = tables::ItemFromJson(json::value(**start));
    if (!key.ok()) return key.status();
    r.exclusive_start = std::move(key).value();
  }
  auto select = body.String("Select");
  if (!select.ok()) return select.status();
  if (*select) {
    const std::string& s = **select;
    if (s == "ALL_ATTRIBUTES") r.select = tables::Select::kAllAttributes;
    else if (s == "ALL_PROJECTED_ATTRIBUTES") r.select = tables::Select::kAllProjected;
    else if (s == "SPECIFIC_ATTRIBUTES") r.select = tables::Select::kSpecific;
    else if (s == "COUNT") r.select = tables::Select::kCount;
    else {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("1 validation error detected: Value '{}' at 'select' failed to satisfy constraint: "
                                "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
                                "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", s));
    }
  }
  auto consistent = body.Bool("ConsistentRead");
  if (!consistent.ok()) return consistent.status();
  r.consistent = consistent->value_or(false);
  return Status::Ok();
}

net::Response PageResponse(const Body& body, std::string_view table, const tables::ReadPage& page,
                           bool count_only, bool consistent) {
  json::object out;
  size_t bytes = 0;
  if (!count_only) {
    json::array items;
    items.reserve(page.items.size());
    for (const auto& item : page.items) {
      bytes += tables::ItemSize(item);
      items.push_back(tables::ItemToJson(item));
    }
    out["Items"] = std::move(items);
  }
  out["Count"] = page.count;
  out["ScannedCount"] = page.scanned;
  if (page.last_evaluated) out["LastEvaluatedKey"] = tables::ItemToJson(*page.last_evaluated);
  AddConsumedCapacity(body, table, ReadUnits(bytes, consistent), out);
  return JsonResponse(out);
}

}  // namespace

Result<Query::Request> Query::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  tables::QueryRequest r;
  STRATUS_RETURN_IF_ERROR(ParseRead(*body, r));
  auto kc = body->String("KeyConditionExpression");
  if (!kc.ok()) return kc.status();
  r.key_condition = kc->value_or("");
  auto forward = body->Bool("ScanIndexForward");
  if (!forward.ok()) return forward.status();
  r.forward = forward->value_or(true);
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> Query::Execute(OpContext& ctx, Request r) {
  auto page = co_await CallTables(ctx, [&](tables::TableService& s) { return s.Query(r.query); });
  if (!page.ok()) co_return page.status();
  co_return PageResponse(r.body, r.query.table, *page, r.query.select == tables::Select::kCount, r.query.consistent);
}

Result<Scan::Request> Scan::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  tables::ScanRequest r;
  STRATUS_RETURN_IF_ERROR(ParseRead(*body, r));
  auto segment = body->Int("Segment");
  if (!segment.ok()) return segment.status();
  auto total = body->Int("TotalSegments");
  if (!total.ok()) return total.status();
  if (*segment) r.segment = static_cast<int>(std::clamp<int64_t>(**segment, -1, 1 << 30));
  if (*total) r.total_segments = static_cast<int>(std::clamp<int64_t>(**total, 0, 1 << 30));
  return Request{std::move(r), std::move(body).value()};
}

net::awaitable<Result<net::Response>> Scan::Execute(OpContext& ctx, Request r) {
  auto page = co_await CallTables(ctx, [&](tables::TableService& s) { return s.Scan(r.scan); });
  if (!page.ok()) co_return page.status();
  co_return PageResponse(r.body, r.scan.table, *page, r.scan.select == tables::Select::kCount, r.scan.consistent);
}

}  // namespace api::dynamodb
