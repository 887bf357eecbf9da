#include "api/dynamodb/ops/tables.h"

#include <fmt/format.h>

namespace api::dynamodb {

namespace json = boost::json;
using common::ErrorCode;

namespace {

Status Invalid(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }

// Continuous-backup operations name a missing table TableNotFoundException.
Status TableNotFound(const Status& st, std::string_view table) {
  if (st.code() == ErrorCode::kNotFound && st.reason().empty()) {
    return Status(ErrorCode::kNotFound, fmt::format("Table not found: {}", table), "TableNotFoundException");
  }
  return st;
}

Result<std::string> Arn(const Body& body) {
  auto arn = body.RequiredString("ResourceArn");
  if (!arn.ok()) return arn;
  if (!arn->starts_with("arn:aws:dynamodb:") || arn->find(":table/") == std::string::npos) {
    return Invalid(fmt::format("Invalid TableArn: Invalid ResourceArn provided as input {}", *arn));
  }
  return arn;
}

}  // namespace

Result<TableRequest> ParseTableRequest(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto name = body->TableName();
  if (!name.ok()) return name.status();
  return TableRequest{*name};
}

// --- CreateTable / DescribeTable / ListTables / DeleteTable / UpdateTable -----

Result<tables::TableSpec> CreateTable::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  return ParseTableSpec(*body);
}

net::awaitable<Result<net::Response>> CreateTable::Execute(OpContext& ctx, tables::TableSpec spec) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.CreateTable(std::move(spec)); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"TableDescription", TableDescription(*t)}});
}

net::awaitable<Result<net::Response>> DescribeTable::Execute(OpContext& ctx, TableRequest r) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.DescribeTable(r.table); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"Table", TableDescription(*t)}});
}

Result<ListTables::Request> ListTables::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto start = body->String("ExclusiveStartTableName");
  if (!start.ok()) return start.status();
  r.start = *start;
  auto limit = body->Int("Limit");
  if (!limit.ok()) return limit.status();
  if (*limit) {
    if (**limit < 1 || **limit > 100) {
      return Invalid(fmt::format("1 validation error detected: Value '{}' at 'limit' failed to satisfy constraint: "
                                 "Member must have value {}", **limit,
                                 **limit < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
    }
    r.limit = static_cast<int>(**limit);
  }
  return r;
}

net::awaitable<Result<net::Response>> ListTables::Execute(OpContext& ctx, Request r) {
  auto page = co_await CallTables(ctx, [&](tables::TableService& s) { return s.ListTables(r.start, r.limit); });
  if (!page.ok()) co_return page.status();
  json::array names;
  for (const auto& n : page->names) names.push_back(json::string(n));
  json::object out{{"TableNames", std::move(names)}};
  if (page->last_evaluated) out["LastEvaluatedTableName"] = *page->last_evaluated;
  co_return JsonResponse(out);
}

net::awaitable<Result<net::Response>> DeleteTable::Execute(OpContext& ctx, TableRequest r) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.DeleteTable(r.table); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"TableDescription", TableDescription(*t)}});
}

Result<UpdateTable::Request> UpdateTable::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto name = body->TableName();
  if (!name.ok()) return name.status();
  r.table = *name;
  for (std::string_view unsupported : {"GlobalSecondaryIndexUpdates", "ReplicaUpdates", "StreamSpecification"}) {
    if (body->Has(unsupported)) {
      return Invalid(fmt::format("{} is not supported by this server", unsupported));
    }
  }
  auto billing = body->String("BillingMode");
  if (!billing.ok()) return billing.status();
  if (*billing) {
    if (**billing != "PROVISIONED" && **billing != "PAY_PER_REQUEST") {
      return Invalid(fmt::format("1 validation error detected: Value '{}' at 'billingMode' failed to satisfy "
                                 "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
                                 **billing));
    }
    r.update.billing = **billing == "PROVISIONED" ? tables::BillingMode::kProvisioned
                                                  : tables::BillingMode::kPayPerRequest;
  }
  auto throughput = body->Object("ProvisionedThroughput");
  if (!throughput.ok()) return throughput.status();
  if (*throughput != nullptr) {
    Body t(**throughput);
    auto read = t.Int("ReadCapacityUnits");
    if (!read.ok()) return read.status();
    auto write = t.Int("WriteCapacityUnits");
    if (!write.ok()) return write.status();
    if (!*read || !*write) return MissingMember("ProvisionedThroughput.ReadCapacityUnits");
    r.update.throughput = tables::Throughput{**read, **write};
  }
  auto protection = body->Bool("DeletionProtectionEnabled");
  if (!protection.ok()) return protection.status();
  r.update.deletion_protection = *protection;
  auto sse = body->Object("SSESpecification");
  if (!sse.ok()) return sse.status();
  if (*sse != nullptr) {
    Body s(**sse);
    auto enabled = s.Bool("Enabled");
    if (!enabled.ok()) return enabled.status();
    r.update.sse_enabled = enabled->value_or(true);
    auto key = s.String("KMSMasterKeyId");
    if (!key.ok()) return key.status();
    if (*key) r.update.sse_kms_key = **key;
  }
  return r;
}

net::awaitable<Result<net::Response>> UpdateTable::Execute(OpContext& ctx, Request r) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.UpdateTable(r.table, r.update); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"TableDescription", TableDescription(*t)}});
}

// --- tags ---------------------------------------------------------------------

Result<TagResource::Request> TagResource::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto arn = Arn(*body);
  if (!arn.ok()) return arn.status();
  r.arn = *arn;
  auto tags = body->Array("Tags");
  if (!tags.ok()) return tags.status();
  if (*tags == nullptr) return MissingMember("Tags");
  for (const auto& t : **tags) {
    if (!t.is_object()) return Status(ErrorCode::kInvalidArgument, "Tags must be a list of Tag", "SerializationException");
    Body tb(t.as_object());
    auto k = tb.RequiredString("Key");
    if (!k.ok()) return k.status();
    auto v = tb.RequiredString("Value");
    if (!v.ok()) return v.status();
    r.tags.emplace_back(*k, *v);
  }
  return r;
}

net::awaitable<Result<net::Response>> TagResource::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTables(ctx, [&](tables::TableService& s) { return s.TagResource(r.arn, r.tags); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

Result<UntagResource::Request> UntagResource::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto arn = Arn(*body);
  if (!arn.ok()) return arn.status();
  r.arn = *arn;
  auto keys = body->Array("TagKeys");
  if (!keys.ok()) return keys.status();
  if (*keys == nullptr) return MissingMember("TagKeys");
  for (const auto& k : **keys) {
    if (!k.is_string()) return Status(ErrorCode::kInvalidArgument, "TagKeys must be strings", "SerializationException");
    r.keys.emplace_back(k.as_string());
  }
  return r;
}

net::awaitable<Result<net::Response>> UntagResource::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTables(ctx, [&](tables::TableService& s) { return s.UntagResource(r.arn, r.keys); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

Result<ListTagsOfResource::Request> ListTagsOfResource::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto arn = Arn(*body);
  if (!arn.ok()) return arn.status();
  return Request{*arn};
}

net::awaitable<Result<net::Response>> ListTagsOfResource::Execute(OpContext& ctx, Request r) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.DescribeTableByArn(r.arn); });
  if (!t.ok()) co_return t.status();
  json::array tags;
  for (const auto& [k, v] : t->spec.tags) tags.push_back(json::object{{"Key", k}, {"Value", v}});
  co_return JsonResponse({{"Tags", std::move(tags)}});
}

// --- TTL ------------------------------------------------------------------------

Result<UpdateTimeToLive::Request> UpdateTimeToLive::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto name = body->TableName();
  if (!name.ok()) return name.status();
  r.table = *name;
  auto spec = body->Object("TimeToLiveSpecification");
  if (!spec.ok()) return spec.status();
  if (*spec == nullptr) return MissingMember("TimeToLiveSpecification");
  Body s(**spec);
  auto enabled = s.Bool("Enabled");
  if (!enabled.ok()) return enabled.status();
  if (!*enabled) return MissingMember("TimeToLiveSpecification.Enabled");
  auto attribute = s.RequiredString("AttributeName");
  if (!attribute.ok()) return attribute.status();
  r.ttl = {**enabled, *attribute};
  return r;
}

net::awaitable<Result<net::Response>> UpdateTimeToLive::Execute(OpContext& ctx, Request r) {
  auto ttl = co_await CallTables(ctx, [&](tables::TableService& s) { return s.UpdateTimeToLive(r.table, r.ttl); });
  if (!ttl.ok()) co_return ttl.status();
  co_return JsonResponse(
      {{"TimeToLiveSpecification", json::object{{"Enabled", ttl->enabled}, {"AttributeName", ttl->attribute}}}});
}

net::awaitable<Result<net::Response>> DescribeTimeToLive::Execute(OpContext& ctx, TableRequest r) {
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) { return s.DescribeTable(r.table); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"TimeToLiveDescription", TimeToLiveDescription(t->ttl)}});
}

// --- continuous backups and restores -------------------------------------------

Result<UpdateContinuousBackups::Request> UpdateContinuousBackups::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto name = body->TableName();
  if (!name.ok()) return name.status();
  r.table = *name;
  auto spec = body->Object("PointInTimeRecoverySpecification");
  if (!spec.ok()) return spec.status();
  if (*spec == nullptr) return MissingMember("PointInTimeRecoverySpecification");
  Body s(**spec);
  auto enabled = s.Bool("PointInTimeRecoveryEnabled");
  if (!enabled.ok()) return enabled.status();
  if (!*enabled) return MissingMember("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled");
  r.enabled = **enabled;
  auto days = s.Int("RecoveryPeriodInDays");
  if (!days.ok()) return days.status();
  if (*days) r.days = static_cast<int>(**days);
  return r;
}

net::awaitable<Result<net::Response>> UpdateContinuousBackups::Execute(OpContext& ctx, Request r) {
  double latest = 0;
  auto pitr = co_await CallTables(ctx, [&](tables::TableService& s) {
    latest = s.LatestRestorableTime();
    return s.UpdateContinuousBackups(r.table, r.enabled, r.days);
  });
  if (!pitr.ok()) co_return TableNotFound(pitr.status(), r.table);
  co_return JsonResponse({{"ContinuousBackupsDescription", ContinuousBackupsDescription(*pitr, latest)}});
}

net::awaitable<Result<net::Response>> DescribeContinuousBackups::Execute(OpContext& ctx, TableRequest r) {
  double latest = 0;
  auto t = co_await CallTables(ctx, [&](tables::TableService& s) {
    latest = s.LatestRestorableTime();
    return s.DescribeTable(r.table);
  });
  if (!t.ok()) co_return TableNotFound(t.status(), r.table);
  co_return JsonResponse({{"ContinuousBackupsDescription", ContinuousBackupsDescription(t->pitr, latest)}});
}

Result<RestoreTableToPointInTime::Request> RestoreTableToPointInTime::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto source = body->String("SourceTableName");
  if (!source.ok()) return source.status();
  auto source_arn = body->String("SourceTableArn");
  if (!source_arn.ok()) return source_arn.status();
  if (*source) {
    STRATUS_RETURN_IF_ERROR(ValidateTableName(**source, "SourceTableName"));
    r.source = **source;
  } else if (*source_arn) {
    auto slash = (*source_arn)->find(":table/");
    if (slash == std::string::npos) return Invalid("Invalid SourceTableArn: " + **source_arn);
    r.source = (*source_arn)->substr(slash + 7);
  } else {
    return Invalid("Either SourceTableName or SourceTableArn must be specified");
  }
  auto target = body->TableName("TargetTableName");
  if (!target.ok()) return target.status();
  r.target = *target;
  auto latest = body->Bool("UseLatestRestorableTime");
  if (!latest.ok()) return latest.status();
  auto time = body->Double("RestoreDateTime");
  if (!time.ok()) return time.status();
  if (latest->value_or(false) && *time) {
    return Invalid("Only one of UseLatestRestorableTime or RestoreDateTime can be specified");
  }
  if (!latest->value_or(false) && !*time) {
    return Invalid("Either UseLatestRestorableTime or RestoreDateTime must be specified");
  }
  r.time = *time;
  return r;
}

net::awaitable<Result<net::Response>> RestoreTableToPointInTime::Execute(OpContext& ctx, Request r) {
  auto t = co_await CallTables(
      ctx, [&](tables::TableService& s) { return s.RestoreTableToPointInTime(r.source, r.target, r.time); });
  if (!t.ok()) co_return t.status();
  co_return JsonResponse({{"TableDescription", TableDescription(*t)}});
}

// --- account-level ------------------------------------------------------------

net::awaitable<Result<net::Response>> DescribeEndpoints::Execute(OpContext& ctx, Request) {
  auto host = ctx.exchange.header()[net::http::field::host];
  co_return JsonResponse(
      {{"Endpoints", json::array{json::object{{"Address", std::string(host)}, {"CachePeriodInMinutes", 1440}}}}});
}

net::awaitable<Result<net::Response>> DescribeLimits::Execute(OpContext&, Request) {
  co_return JsonResponse({{"AccountMaxReadCapacityUnits", 80000},
                          {"AccountMaxWriteCapacityUnits", 80000},
                          {"TableMaxReadCapacityUnits", 40000},
                          {"TableMaxWriteCapacityUnits", 40000}});
}

}  // namespace api::dynamodb
