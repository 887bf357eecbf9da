#include "service/tables/records.h"

#include <boost/json.hpp>

namespace service::tables {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

namespace {

json::object KeyElementJson(const KeyElement& e) {
  return {{"name", e.name}, {"type", TypeName(e.type)}};
}

json::object SchemaJson(const KeySchema& k) {
  json::object o{{"hash", KeyElementJson(k.hash)}};
  if (k.range) o["range"] = KeyElementJson(*k.range);
  return o;
}

json::value ThroughputJson(const std::optional<Throughput>& t) {
  if (!t) return nullptr;
  return json::object{{"read", t->read}, {"write", t->write}};
}

std::string_view ProjectionName(ProjectionType p) {
  switch (p) {
    case ProjectionType::kAll: return "ALL";
    case ProjectionType::kKeysOnly: return "KEYS_ONLY";
    case ProjectionType::kInclude: return "INCLUDE";
  }
  return "ALL";
}

std::string_view StatusName(TableStatus s) {
  switch (s) {
    case TableStatus::kCreating: return "CREATING";
    case TableStatus::kActive: return "ACTIVE";
    case TableStatus::kDeleting: return "DELETING";
    case TableStatus::kUpdating: return "UPDATING";
  }
  return "ACTIVE";
}

// Decoding: any shape error is corruption (these records are ours).
struct Reader {
  bool ok = true;
  const json::value* Get(const json::object& o, std::string_view k) {
    auto it = o.find(k);
    if (it == o.end()) {
      ok = false;
      return nullptr;
    }
    return &it->value();
  }
  std::string Str(const json::object& o, std::string_view k) {
    const json::value* v = Get(o, k);
    if (v == nullptr || !v->is_string()) return ok = false, std::string();
    return std::string(v->as_string());
  }
  int64_t Int(const json::object& o, std::string_view k) {
    const json::value* v = Get(o, k);
    if (v == nullptr || !v->is_int64()) return ok = false, 0;
    return v->as_int64();
  }
  double Double(const json::object& o, std::string_view k) {
    const json::value* v = Get(o, k);
    if (v == nullptr) return 0;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    ok = false;
    return 0;
  }
  bool Bool(const json::object& o, std::string_view k) {
    const json::value* v = Get(o, k);
    if (v == nullptr || !v->is_bool()) return ok = false, false;
    return v->as_bool();
  }
  const json::object& Obj(const json::object& o, std::string_view k) {
    static const json::object kEmpty;
    const json::value* v = Get(o, k);
    if (v == nullptr || !v->is_object()) return ok = false, kEmpty;
    return v->as_object();
  }
  const json::array& Arr(const json::object& o, std::string_view k) {
    static const json::array kEmpty;
    const json::value* v = Get(o, k);
    if (v == nullptr || !v->is_array()) return ok = false, kEmpty;
    return v->as_array();
  }
  KeyElement Element(const json::object& o) {
    KeyElement e;
    e.name = Str(o, "name");
    auto t = ParseKeyType(Str(o, "type"));
    if (!t.ok()) ok = false;
    else e.type = *t;
    return e;
  }
  KeySchema Schema(const json::object& o) {
    KeySchema k;
    k.hash = Element(Obj(o, "hash"));
    if (o.contains("range")) k.range = Element(Obj(o, "range"));
    return k;
  }
  std::optional<Throughput> Through(const json::object& o, std::string_view key) {
    const json::value* v = Get(o, key);
    if (v == nullptr || v->is_null()) {
      if (v == nullptr) ok = false;
      return std::nullopt;
    }
    if (!v->is_object()) return ok = false, std::nullopt;
    return Throughput{Int(v->as_object(), "read"), Int(v->as_object(), "write")};
  }
};

}  // namespace

Result<ValueType> ParseKeyType(std::string_view name) {
  if (name == "S") return ValueType::kS;
  if (name == "N") return ValueType::kN;
  if (name == "B") return ValueType::kB;
  return Status(ErrorCode::kInvalidArgument, "key attribute types are S, N and B");
}

std::string EncodeTable(const TableInfo& t) {
  json::array defs;
  for (const auto& d : t.spec.attribute_definitions) defs.push_back(KeyElementJson(d));
  json::array gsis;
  for (const auto& g : t.spec.global_indexes) {
    json::array nka;
    for (const auto& a : g.non_key_attributes) nka.push_back(json::string(a));
    gsis.push_back(json::object{{"name", g.name},
                                {"key", SchemaJson(g.key)},
                                {"projection", ProjectionName(g.projection)},
                                {"non_key", std::move(nka)},
                                {"throughput", ThroughputJson(g.throughput)}});
  }
  json::array tags;
  for (const auto& [k, v] : t.spec.tags) tags.push_back(json::array{json::string(k), json::string(v)});
  json::object o{
      {"v", 1},
      {"name", t.spec.name},
      {"key", SchemaJson(t.spec.key)},
      {"defs", std::move(defs)},
      {"gsis", std::move(gsis)},
      {"billing", t.spec.billing == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST" : "PROVISIONED"},
      {"throughput", ThroughputJson(t.spec.throughput)},
      {"deletion_protection", t.spec.deletion_protection},
      {"sse", t.spec.sse_enabled},
      {"sse_key", t.spec.sse_kms_key},
      {"tags", std::move(tags)},
      {"id", t.id},
      {"table_id", t.table_id},
      {"arn", t.arn},
      {"status", StatusName(t.status)},
      {"created", t.created},
      {"ttl", json::object{{"enabled", t.ttl.enabled}, {"attribute", t.ttl.attribute}}},
      {"pitr", json::object{{"enabled", t.pitr.enabled},
                            {"earliest", t.pitr.earliest},
                            {"days", t.pitr.recovery_days}}},
      {"restored_from", t.restored_from_arn},
      {"restored_to", t.restored_to},
      {"restoring", t.restore_in_progress},
      {"restore_source", t.restore_source_id},
  };
  return json::serialize(o);
}

Result<TableInfo> DecodeTable(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status(ErrorCode::kCorruption, "table record is not JSON");
  const json::object& o = v.as_object();
  Reader r;
  if (r.Int(o, "v") != 1) return Status(ErrorCode::kCorruption, "unknown table record version");
  TableInfo t;
  t.spec.name = r.Str(o, "name");
  t.spec.key = r.Schema(r.Obj(o, "key"));
  for (const auto& d : r.Arr(o, "defs")) {
    if (!d.is_object()) return Status(ErrorCode::kCorruption, "bad attribute definition");
    t.spec.attribute_definitions.push_back(r.Element(d.as_object()));
  }
  for (const auto& gv : r.Arr(o, "gsis")) {
    if (!gv.is_object()) return Status(ErrorCode::kCorruption, "bad index");
    const json::object& g = gv.as_object();
    IndexSpec idx;
    idx.name = r.Str(g, "name");
    idx.key = r.Schema(r.Obj(g, "key"));
    std::string p = r.Str(g, "projection");
    idx.projection = p == "KEYS_ONLY" ? ProjectionType::kKeysOnly
                     : p == "INCLUDE" ? ProjectionType::kInclude
                                      : ProjectionType::kAll;
    for (const auto& a : r.Arr(g, "non_key")) {
      if (a.is_string()) idx.non_key_attributes.emplace_back(a.as_string());
    }
    idx.throughput = r.Through(g, "throughput");
    t.spec.global_indexes.push_back(std::move(idx));
  }
  t.spec.billing = r.Str(o, "billing") == "PAY_PER_REQUEST" ? BillingMode::kPayPerRequest
                                                           : BillingMode::kProvisioned;
  t.spec.throughput = r.Through(o, "throughput");
  t.spec.deletion_protection = r.Bool(o, "deletion_protection");
  t.spec.sse_enabled = r.Bool(o, "sse");
  t.spec.sse_kms_key = r.Str(o, "sse_key");
  for (const auto& tv : r.Arr(o, "tags")) {
    if (!tv.is_array() || tv.as_array().size() != 2 || !tv.as_array()[0].is_string() ||
        !tv.as_array()[1].is_string()) {
      return Status(ErrorCode::kCorruption, "bad tag");
    }
    t.spec.tags.emplace_back(std::string(tv.as_array()[0].as_string()),
                             std::string(tv.as_array()[1].as_string()));
  }
  t.id = r.Str(o, "id");
  t.table_id = r.Str(o, "table_id");
  t.arn = r.Str(o, "arn");
  std::string status = r.Str(o, "status");
  t.status = status == "CREATING" ? TableStatus::kCreating
             : status == "DELETING" ? TableStatus::kDeleting
             : status == "UPDATING" ? TableStatus::kUpdating
                                    : TableStatus::kActive;
  t.created = r.Double(o, "created");
  const json::object& ttl = r.Obj(o, "ttl");
  t.ttl.enabled = r.Bool(ttl, "enabled");
  t.ttl.attribute = r.Str(ttl, "attribute");
  const json::object& pitr = r.Obj(o, "pitr");
  t.pitr.enabled = r.Bool(pitr, "enabled");
  t.pitr.earliest = r.Double(pitr, "earliest");
  t.pitr.recovery_days = static_cast<int>(r.Int(pitr, "days"));
  t.restored_from_arn = r.Str(o, "restored_from");
  t.restored_to = r.Double(o, "restored_to");
  t.restore_in_progress = r.Bool(o, "restoring");
  t.restore_source_id = r.Str(o, "restore_source");
  if (!r.ok) return Status(ErrorCode::kCorruption, "table record is missing fields");
  return t;
}

}  // namespace service::tables
