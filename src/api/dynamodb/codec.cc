#include "api/dynamodb/codec.h"

#include <cmath>

#include <fmt/format.h>

#include "common/checksum.h"
#include "service/tables/records.h"

namespace api::dynamodb {

namespace json = boost::json;
using common::ErrorCode;
using tables::AttributeValue;

namespace {

Status Invalid(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }
Status WrongType(std::string_view member, std::string_view expected) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("Unexpected JSON type for member {}: expected {}", member, expected),
                "SerializationException");
}

std::string TypeText(tables::ValueType t) { return std::string(tables::TypeName(t)); }

json::array KeySchemaJson(const tables::KeySchema& k) {
  json::array a{json::object{{"AttributeName", k.hash.name}, {"KeyType", "HASH"}}};
  if (k.range) a.push_back(json::object{{"AttributeName", k.range->name}, {"KeyType", "RANGE"}});
  return a;
}

json::object ThroughputJson(const std::optional<tables::Throughput>& t) {
  return {{"NumberOfDecreasesToday", 0},
          {"ReadCapacityUnits", t ? t->read : 0},
          {"WriteCapacityUnits", t ? t->write : 0}};
}

Result<tables::KeySchema> ParseKeySchema(const json::value* v, std::string_view member) {
  if (v == nullptr) return MissingMember(member);
  if (!v->is_array()) return WrongType(member, "list");
  const json::array& a = v->as_array();
  if (a.empty() || a.size() > 2) {
    return Invalid(fmt::format("1 validation error detected: Value at '{}' failed to satisfy constraint: Member "
                               "must have length {}", MemberPath(member),
                               a.empty() ? "greater than or equal to 1" : "less than or equal to 2"));
  }
  tables::KeySchema k;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_object()) return WrongType(member, "structure");
    Body e(a[i].as_object());
    auto name = e.RequiredString("AttributeName");
    if (!name.ok()) return name.status();
    auto type = e.RequiredString("KeyType");
    if (!type.ok()) return type.status();
    if (*type != "HASH" && *type != "RANGE") {
      return Invalid(fmt::format("1 validation error detected: Value '{}' at '{}.{}.member.keyType' failed to "
                                 "satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
                                 *type, MemberPath(member), i + 1));
    }
    if (i == 0 && *type != "HASH") return Invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (i == 1 && *type != "RANGE") return Invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    if (i == 0) k.hash.name = *name;
    else k.range = tables::KeyElement{*name, tables::ValueType::kS};
  }
  return k;
}

Result<std::optional<tables::Throughput>> ParseThroughput(const Body& body) {
  auto o = body.Object("ProvisionedThroughput");
  if (!o.ok()) return o.status();
  if (*o == nullptr) return std::optional<tables::Throughput>();
  Body t(**o);
  auto r = t.Int("ReadCapacityUnits");
  if (!r.ok()) return r.status();
  auto w = t.Int("WriteCapacityUnits");
  if (!w.ok()) return w.status();
  if (!*r) return MissingMember("ProvisionedThroughput.ReadCapacityUnits");
  if (!*w) return MissingMember("ProvisionedThroughput.WriteCapacityUnits");
  return std::optional<tables::Throughput>(tables::Throughput{**r, **w});
}

}  // namespace

std::string MemberPath(std::string_view member) {
  std::string out(member);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    start = c == '.';
  }
  return out;
}

Status MissingMember(std::string_view member) {
  return Invalid(fmt::format("1 validation error detected: Value null at '{}' failed to satisfy constraint: "
                             "Member must not be null", MemberPath(member)));
}

Status ValidateTableName(std::string_view name, std::string_view member) {
  std::string path = MemberPath(member);
  if (name.size() < 3 || name.size() > 255) {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: "
                               "Member must have length {}", name, path,
                               name.size() < 3 ? "greater than or equal to 3" : "less than or equal to 255"));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) {
      return Invalid(fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: "
                                 "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name, path));
    }
  }
  return Status::Ok();
}

// --- Body -------------------------------------------------------------------

Result<Body> Body::Parse(const OpContext& ctx) {
  if (!ctx.body || ctx.body->empty()) return Body(json::object());
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = tables::kJsonMaxDepth;
  json::value v = json::parse(*ctx.body, ec, {}, options);
  if (ec || !v.is_object()) {
    return Status(ErrorCode::kInvalidArgument, "Start of structure or map found where not expected.",
                  "SerializationException");
  }
  return Body(std::move(v.as_object()));
}

Result<std::optional<std::string>> Body::String(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return WrongType(member, "string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::string> Body::RequiredString(std::string_view member) const {
  auto s = String(member);
  if (!s.ok()) return s.status();
  if (!*s) return MissingMember(member);
  return **s;
}

Result<std::optional<int64_t>> Body::Int(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return std::optional<int64_t>();
  const json::value& v = it->value();
  if (v.is_int64()) return std::optional<int64_t>(v.as_int64());
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_uint64()));
  }
  if (v.is_double() && std::floor(v.as_double()) == v.as_double() && std::abs(v.as_double()) < 9e15) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_double()));
  }
  return WrongType(member, "integer");
}

Result<std::optional<double>> Body::Double(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return std::optional<double>();
  const json::value& v = it->value();
  if (v.is_number()) return std::optional<double>(v.to_number<double>());
  return WrongType(member, "timestamp");
}

Result<std::optional<bool>> Body::Bool(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return WrongType(member, "boolean");
  return std::optional<bool>(it->value().as_bool());
}

Result<const json::object*> Body::Object(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return static_cast<const json::object*>(nullptr);
  if (!it->value().is_object()) return WrongType(member, "structure");
  return &it->value().as_object();
}

Result<const json::array*> Body::Array(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return static_cast<const json::array*>(nullptr);
  if (!it->value().is_array()) return WrongType(member, "list");
  return &it->value().as_array();
}

Result<std::string> Body::TableName(std::string_view member) const {
  auto name = RequiredString(member);
  if (!name.ok()) return name;
  STRATUS_RETURN_IF_ERROR(ValidateTableName(*name, member));
  return name;
}

Result<tables::Item> ParseItem(const json::value& v) { return tables::ItemFromJson(v); }

Result<tables::Item> Body::Item(std::string_view member) const {
  auto it = o_.find(member);
  if (it == o_.end() || it->value().is_null()) return MissingMember(member);
  if (!it->value().is_object()) return WrongType(member, "map");
  return tables::ItemFromJson(it->value());
}

Result<tables::Placeholders> Body::Placeholders() const {
  tables::Placeholders p;
  auto names = Object("ExpressionAttributeNames");
  if (!names.ok()) return names.status();
  if (*names != nullptr) {
    if ((*names)->empty()) return Invalid("ExpressionAttributeNames must not be empty");
    for (const auto& [k, v] : **names) {
      if (!v.is_string()) return WrongType("ExpressionAttributeNames", "string");
      if (!std::string_view(k).starts_with("#")) {
        return Invalid(fmt::format("ExpressionAttributeNames contains invalid key: Syntax error; key: \"{}\"",
                                   std::string_view(k)));
      }
      p.names.emplace(std::string(k), std::string(v.as_string()));
    }
  }
  auto values = Object("ExpressionAttributeValues");
  if (!values.ok()) return values.status();
  if (*values != nullptr) {
    if ((*values)->empty()) return Invalid("ExpressionAttributeValues must not be empty");
    for (const auto& [k, v] : **values) {
      if (!std::string_view(k).starts_with(":")) {
        return Invalid(fmt::format("ExpressionAttributeValues contains invalid key: Syntax error; key: \"{}\"",
                                   std::string_view(k)));
      }
      auto value = tables::ValueFromJson(v);
      if (!value.ok()) {
        return Status(value.status().code(),
                      fmt::format("ExpressionAttributeValues contains invalid value: {} for key {}",
                                  value.status().message(), std::string_view(k)),
                      value.status().reason());
      }
      p.values.emplace(std::string(k), std::move(value).value());
    }
  }
  return p;
}

Result<std::string> Body::Projection(tables::Placeholders& p) const {
  auto projection = String("ProjectionExpression");
  if (!projection.ok()) return projection.status();
  auto legacy = Array("AttributesToGet");
  if (!legacy.ok()) return legacy.status();
  if (*legacy == nullptr) return projection->value_or("");
  if (*projection) {
    return Invalid("Can not use both expression and non-expression parameters in the same request: "
                   "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");
  }
  // AttributesToGet names top-level attributes literally: placeholders make
  // reserved words and odd characters safe in the projection.
  std::string text;
  for (size_t i = 0; i < (*legacy)->size(); ++i) {
    const json::value& v = (**legacy)[i];
    if (!v.is_string()) return WrongType("AttributesToGet", "string");
    std::string ph = fmt::format("#attributes_to_get_{}", i);
    p.names.emplace(ph, std::string(v.as_string()));
    text += (text.empty() ? "" : ", ") + ph;
  }
  return text;
}

Result<tables::ReturnValues> Body::ReturnValues() const {
  auto rv = String("ReturnValues");
  if (!rv.ok()) return rv.status();
  std::string v = rv->value_or("NONE");
  if (v == "NONE") return tables::ReturnValues::kNone;
  if (v == "ALL_OLD") return tables::ReturnValues::kAllOld;
  if (v == "UPDATED_OLD") return tables::ReturnValues::kUpdatedOld;
  if (v == "ALL_NEW") return tables::ReturnValues::kAllNew;
  if (v == "UPDATED_NEW") return tables::ReturnValues::kUpdatedNew;
  return Invalid(fmt::format("1 validation error detected: Value '{}' at 'returnValues' failed to satisfy "
                             "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, "
                             "NONE, UPDATED_NEW]", v));
}

Result<bool> Body::ReturnOldOnConditionFailure() const {
  auto rv = String("ReturnValuesOnConditionCheckFailure");
  if (!rv.ok()) return rv.status();
  std::string v = rv->value_or("NONE");
  if (v != "NONE" && v != "ALL_OLD") {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'returnValuesOnConditionCheckFailure' "
                               "failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]", v));
  }
  return v == "ALL_OLD";
}

Status Body::RejectLegacy() const {
  for (std::string_view legacy : {"KeyConditions", "QueryFilter", "ScanFilter", "Expected", "AttributeUpdates",
                                  "ConditionalOperator"}) {
    if (Has(legacy)) {
      return Invalid(fmt::format("The legacy parameter {} is not supported; use the expression parameters "
                                 "(KeyConditionExpression, FilterExpression, ConditionExpression, "
                                 "UpdateExpression) instead", legacy));
    }
  }
  return Status::Ok();
}

// --- tables -------------------------------------------------------------------

Result<tables::TableSpec> ParseTableSpec(const Body& body) {
  tables::TableSpec spec;
  auto name = body.TableName();
  if (!name.ok()) return name.status();
  spec.name = *name;
  if (body.Has("LocalSecondaryIndexes")) {
    return Invalid("LocalSecondaryIndexes are not supported by this server; use GlobalSecondaryIndexes");
  }
  auto stream = body.Object("StreamSpecification");
  if (!stream.ok()) return stream.status();
  if (*stream != nullptr) {
    auto enabled = Body(**stream).Bool("StreamEnabled");
    if (!enabled.ok()) return enabled.status();
    if (enabled->value_or(false)) return Invalid("DynamoDB Streams are not supported by this server");
  }
  auto defs = body.Array("AttributeDefinitions");
  if (!defs.ok()) return defs.status();
  if (*defs == nullptr) return MissingMember("AttributeDefinitions");
  for (const auto& d : **defs) {
    if (!d.is_object()) return WrongType("AttributeDefinitions", "structure");
    Body e(d.as_object());
    auto n = e.RequiredString("AttributeName");
    if (!n.ok()) return n.status();
    auto t = e.RequiredString("AttributeType");
    if (!t.ok()) return t.status();
    auto type = tables::ParseKeyType(*t);
    if (!type.ok()) {
      return Invalid(fmt::format("1 validation error detected: Value '{}' at 'attributeDefinitions.1.member."
                                 "attributeType' failed to satisfy constraint: Member must satisfy enum value set: "
                                 "[B, N, S]", *t));
    }
    spec.attribute_definitions.push_back({*n, *type});
  }
  auto it = body.json().find("KeySchema");
  auto key = ParseKeySchema(it == body.json().end() ? nullptr : &it->value(), "KeySchema");
  if (!key.ok()) return key.status();
  spec.key = *key;
  auto billing = body.String("BillingMode");
  if (!billing.ok()) return billing.status();
  std::string mode = billing->value_or("PROVISIONED");
  if (mode != "PROVISIONED" && mode != "PAY_PER_REQUEST") {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'billingMode' failed to satisfy "
                               "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]", mode));
  }
  spec.billing = mode == "PAY_PER_REQUEST" ? tables::BillingMode::kPayPerRequest : tables::BillingMode::kProvisioned;
  auto throughput = ParseThroughput(body);
  if (!throughput.ok()) return throughput.status();
  spec.throughput = *throughput;
  auto gsis = body.Array("GlobalSecondaryIndexes");
  if (!gsis.ok()) return gsis.status();
  if (*gsis != nullptr) {
    for (const auto& g : **gsis) {
      if (!g.is_object()) return WrongType("GlobalSecondaryIndexes", "structure");
      Body gb(g.as_object());
      tables::IndexSpec index;
      auto iname = gb.RequiredString("IndexName");
      if (!iname.ok()) return iname.status();
      STRATUS_RETURN_IF_ERROR(ValidateTableName(*iname, "GlobalSecondaryIndexes.1.member.IndexName"));
      index.name = *iname;
      auto kit = gb.json().find("KeySchema");
      auto k = ParseKeySchema(kit == gb.json().end() ? nullptr : &kit->value(), "KeySchema");
      if (!k.ok()) return k.status();
      index.key = *k;
      auto proj = gb.Object("Projection");
      if (!proj.ok()) return proj.status();
      if (*proj == nullptr) return MissingMember("GlobalSecondaryIndexes.1.member.Projection");
      Body pb(**proj);
      auto ptype = pb.String("ProjectionType");
      if (!ptype.ok()) return ptype.status();
      std::string pt = ptype->value_or("");
      if (pt == "ALL") index.projection = tables::ProjectionType::kAll;
      else if (pt == "KEYS_ONLY") index.projection = tables::ProjectionType::kKeysOnly;
      else if (pt == "INCLUDE") index.projection = tables::ProjectionType::kInclude;
      else return Invalid("One or more parameter values were invalid: Unknown ProjectionType: " + pt);
      auto nka = pb.Array("NonKeyAttributes");
      if (!nka.ok()) return nka.status();
      if (*nka != nullptr) {
        for (const auto& a : **nka) {
          if (!a.is_string()) return WrongType("NonKeyAttributes", "string");
          index.non_key_attributes.emplace_back(a.as_string());
        }
      }
      auto gt = ParseThroughput(gb);
      if (!gt.ok()) return gt.status();
      index.throughput = *gt;
      spec.global_indexes.push_back(std::move(index));
    }
  }
  auto protection = body.Bool("DeletionProtectionEnabled");
  if (!protection.ok()) return protection.status();
  spec.deletion_protection = protection->value_or(false);
  auto sse = body.Object("SSESpecification");
  if (!sse.ok()) return sse.status();
  if (*sse != nullptr) {
    Body sb(**sse);
    auto enabled = sb.Bool("Enabled");
    if (!enabled.ok()) return enabled.status();
    auto kms = sb.String("KMSMasterKeyId");
    if (!kms.ok()) return kms.status();
    spec.sse_enabled = enabled->value_or(false);
    spec.sse_kms_key = kms->value_or("");
  }
  auto tags = body.Array("Tags");
  if (!tags.ok()) return tags.status();
  if (*tags != nullptr) {
    for (const auto& t : **tags) {
      if (!t.is_object()) return WrongType("Tags", "structure");
      Body tb(t.as_object());
      auto k = tb.RequiredString("Key");
      if (!k.ok()) return k.status();
      auto v = tb.RequiredString("Value");
      if (!v.ok()) return v.status();
      spec.tags.emplace_back(*k, *v);
    }
  }
  return spec;
}

json::object TableDescription(const tables::TableInfo& t) {
  json::array defs;
  for (const auto& d : t.spec.attribute_definitions) {
    defs.push_back(json::object{{"AttributeName", d.name}, {"AttributeType", TypeText(d.type)}});
  }
  std::string_view status = t.status == tables::TableStatus::kCreating   ? "CREATING"
                            : t.status == tables::TableStatus::kDeleting ? "DELETING"
                            : t.status == tables::TableStatus::kUpdating ? "UPDATING"
                                                                         : "ACTIVE";
  bool on_demand = t.spec.billing == tables::BillingMode::kPayPerRequest;
  json::object o{
      {"AttributeDefinitions", std::move(defs)},
      {"TableName", t.spec.name},
      {"KeySchema", KeySchemaJson(t.spec.key)},
      {"TableStatus", status},
      {"CreationDateTime", t.created},
      {"ProvisionedThroughput", ThroughputJson(t.spec.throughput)},
      {"TableSizeBytes", t.size_bytes},
      {"ItemCount", t.item_count},
      {"TableArn", t.arn},
      {"TableId", t.table_id},
      {"DeletionProtectionEnabled", t.spec.deletion_protection},
  };
  if (on_demand) {
    o["BillingModeSummary"] = json::object{{"BillingMode", "PAY_PER_REQUEST"},
                                           {"LastUpdateToPayPerRequestDateTime", t.created}};
  } else {
    o["BillingModeSummary"] = json::object{{"BillingMode", "PROVISIONED"}};
  }
  if (!t.spec.global_indexes.empty()) {
    json::array gsis;
    for (const auto& g : t.spec.global_indexes) {
      json::object projection{{"ProjectionType", g.projection == tables::ProjectionType::kAll        ? "ALL"
                                                 : g.projection == tables::ProjectionType::kKeysOnly ? "KEYS_ONLY"
                                                                                                     : "INCLUDE"}};
      if (!g.non_key_attributes.empty()) {
        json::array nka;
        for (const auto& a : g.non_key_attributes) nka.push_back(json::string(a));
        projection["NonKeyAttributes"] = std::move(nka);
      }
      gsis.push_back(json::object{{"IndexName", g.name},
                                  {"KeySchema", KeySchemaJson(g.key)},
                                  {"Projection", std::move(projection)},
                                  {"IndexStatus", "ACTIVE"},
                                  {"ProvisionedThroughput", ThroughputJson(g.throughput)},
                                  {"IndexSizeBytes", 0},
                                  {"ItemCount", 0},
                                  {"IndexArn", t.arn + "/index/" + g.name}});
    }
    o["GlobalSecondaryIndexes"] = std::move(gsis);
  }
  if (t.spec.sse_enabled) {
    std::string key = t.spec.sse_kms_key;
    if (!key.empty() && !key.starts_with("arn:")) {
      // A key id or alias names a key of this region and account.
      // arn:aws:dynamodb:<region>:<account>:table/<name>
      std::vector<std::string_view> parts;
      std::string_view arn = t.arn;
      for (size_t from = 0, colon; parts.size() < 5; from = colon + 1) {
        colon = arn.find(':', from);
        parts.push_back(arn.substr(from, colon == std::string_view::npos ? arn.npos : colon - from));
        if (colon == std::string_view::npos) break;
      }
      if (parts.size() == 5) {
        key = fmt::format("arn:aws:kms:{}:{}:{}", parts[3], parts[4], key.starts_with("alias/") ? key : "key/" + key);
      }
    }
    o["SSEDescription"] = json::object{{"Status", "ENABLED"}, {"SSEType", "KMS"}, {"KMSMasterKeyArn", key}};
  }
  if (!t.restored_from_arn.empty()) {
    o["RestoreSummary"] = json::object{{"SourceTableArn", t.restored_from_arn},
                                       {"RestoreDateTime", t.restored_to},
                                       {"RestoreInProgress", t.restore_in_progress}};
  }
  return o;
}

json::object TimeToLiveDescription(const tables::TimeToLive& ttl) {
  json::object o{{"TimeToLiveStatus", ttl.enabled ? "ENABLED" : "DISABLED"}};
  if (ttl.enabled) o["AttributeName"] = ttl.attribute;
  return o;
}

json::object ContinuousBackupsDescription(const tables::PointInTimeRecovery& pitr, double latest) {
  json::object d{{"PointInTimeRecoveryStatus", pitr.enabled ? "ENABLED" : "DISABLED"},
                 {"RecoveryPeriodInDays", pitr.recovery_days}};
  if (pitr.enabled) {
    d["EarliestRestorableDateTime"] = pitr.earliest;
    d["LatestRestorableDateTime"] = latest;
  }
  return {{"ContinuousBackupsStatus", "ENABLED"}, {"PointInTimeRecoveryDescription", std::move(d)}};
}

double ReadUnits(size_t bytes, bool consistent) {
  double units = std::max<double>(1, std::ceil(static_cast<double>(bytes) / 4096));
  return consistent ? units : units / 2;
}

double WriteUnits(size_t bytes) { return std::max<double>(1, std::ceil(static_cast<double>(bytes) / 1024)); }

void AddConsumedCapacity(const Body& body, std::string_view table, double units, json::object& out) {
  auto mode = body.String("ReturnConsumedCapacity");
  if (!mode.ok() || !*mode || **mode == "NONE") return;
  json::object c{{"TableName", table}, {"CapacityUnits", units}};
  if (**mode == "INDEXES") c["Table"] = json::object{{"CapacityUnits", units}};
  out["ConsumedCapacity"] = std::move(c);
}

net::Response JsonResponse(const json::object& body) {
  net::Response res;
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "application/x-amz-json-1.0");
  std::string text = json::serialize(body);
  std::string crc = common::Digest(common::ChecksumAlgorithm::kCrc32, text);
  uint32_t v = 0;
  for (char c : crc) v = (v << 8) | static_cast<unsigned char>(c);
  res.msg.set("x-amz-crc32", std::to_string(v));
  res.msg.body() = std::move(text);
  res.msg.prepare_payload();
  return res;
}

}  // namespace api::dynamodb
