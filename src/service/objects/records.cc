#include "service/objects/records.h"

#include <boost/json.hpp>

#include "service/common/record.h"

namespace service::objects::records {
namespace {

namespace json = boost::json;
using common::Result;
using common::Status;

constexpr int64_t kFormat = 1;

using record::Checked;
using record::EncodePairs;
using record::EncodeStrings;
using Reader = record::Reader;

json::object EncodeRef(const DataRef& r) {
  return json::object{{"i", r.inline_data}, {"id", r.id}, {"n", r.size}};
}

DataRef ReadRef(Reader& parent, std::string_view k) {
  DataRef r;
  if (auto* o = parent.Obj(k)) {
    Reader sub(*o);
    r.inline_data = sub.Bool("i");
    r.id = sub.Str("id");
    r.size = sub.UInt("n");
    if (!sub.ok()) parent.Fail();
  }
  return r;
}

Result<json::object> Parse(std::string_view s, std::string_view what) {
  return record::Parse(s, kFormat, what);
}

std::optional<ChecksumAlgorithm> AlgorithmField(Reader& r, std::string_view k) {
  std::string name = r.Str(k);
  if (name.empty()) return std::nullopt;
  auto a = common::ParseChecksumAlgorithm(name);
  if (!a) r.Fail();
  return a;
}

json::object EncodeVersionObject(const ObjectVersion& v) {
  json::object o{{"v", kFormat},
                 {"key", v.key},
                 {"vid", v.version_id},
                 {"t", v.last_modified_ms},
                 {"n", v.size},
                 {"etag", v.etag},
                 {"crc64", v.crc64nvme}};
  if (v.delete_marker) o["dm"] = true;
  auto put = [&](std::string_view k, const std::string& s) {
    if (!s.empty()) o[k] = s;
  };
  put("ct", v.content_type);
  put("ce", v.content_encoding);
  put("cd", v.content_disposition);
  put("cl", v.content_language);
  put("cc", v.cache_control);
  put("ex", v.expires);
  put("sc", v.storage_class == "STANDARD" ? std::string() : v.storage_class);
  put("owner", v.owner);
  put("sl", v.slot);
  put("rs", v.replication_status);
  if (v.replication_remaining != 0) o["rr"] = v.replication_remaining;
  if (!v.user_metadata.empty()) o["meta"] = EncodePairs(v.user_metadata);
  if (!v.tags.empty()) o["tags"] = EncodePairs(v.tags);
  if (v.checksum_algorithm) {
    o["ca"] = std::string(common::ChecksumName(*v.checksum_algorithm));
    o["cs"] = v.checksum;
    o["ctype"] = v.checksum_type;
  }
  if (!v.parts.empty()) {
    json::array parts;
    for (const auto& p : v.parts) {
      json::object po{{"pn", p.part_number}, {"d", EncodeRef(p.data)}, {"etag", p.etag}};
      if (!p.checksum.empty()) po["cs"] = p.checksum;
      if (!p.crc64nvme.empty()) po["crc64"] = p.crc64nvme;
      parts.push_back(std::move(po));
    }
    o["parts"] = std::move(parts);
  }
  return o;
}

ObjectVersion DecodeVersionObject(Reader& r, const json::object& o) {
  ObjectVersion v;
  v.key = r.Str("key");
  v.version_id = r.Str("vid");
  v.delete_marker = r.Bool("dm");
  v.last_modified_ms = r.Int("t");
  v.size = r.UInt("n");
  v.etag = r.Str("etag");
  v.crc64nvme = r.Str("crc64");
  v.content_type = r.Str("ct");
  v.content_encoding = r.Str("ce");
  v.content_disposition = r.Str("cd");
  v.content_language = r.Str("cl");
  v.cache_control = r.Str("cc");
  v.expires = r.Str("ex");
  v.storage_class = r.Str("sc");
  if (v.storage_class.empty()) v.storage_class = "STANDARD";
  v.owner = r.Str("owner");
  v.slot = r.Str("sl");
  v.replication_status = r.Str("rs");
  v.replication_remaining = static_cast<int>(r.Int("rr"));
  v.user_metadata = r.Pairs("meta");
  v.tags = r.Pairs("tags");
  v.checksum_algorithm = AlgorithmField(r, "ca");
  v.checksum = r.Str("cs");
  v.checksum_type = r.Str("ctype");
  if (auto* parts = r.Arr("parts")) {
    for (const auto& e : *parts) {
      if (!e.is_object()) {
        r.Fail();
        break;
      }
      Reader pr(e.get_object());
      StoredPart p;
      p.part_number = static_cast<int>(pr.Int("pn"));
      p.data = ReadRef(pr, "d");
      p.etag = pr.Str("etag");
      p.checksum = pr.Str("cs");
      p.crc64nvme = pr.Str("crc64");
      if (!pr.ok()) r.Fail();
      v.parts.push_back(std::move(p));
    }
  }
  (void)o;
  return v;
}

json::object EncodeReplication(const ReplicationConfig& c) {
  json::array rules;
  for (const auto& rule : c.rules) {
    json::object o{{"id", rule.id},
                   {"pri", rule.priority},
                   {"on", rule.enabled},
                   {"ff", static_cast<int>(rule.filter_form)},
                   {"prefix", rule.prefix},
                   {"tags", EncodePairs(rule.tags)},
                   {"dest", rule.destination},
                   {"acct", rule.destination_account},
                   {"sc", rule.storage_class},
                   {"rtc", rule.replication_time},
                   {"metrics", rule.metrics},
                   {"dm", rule.delete_marker_replication},
                   {"existing", rule.existing_object_replication}};
    rules.push_back(std::move(o));
  }
  return json::object{{"role", c.role}, {"rules", std::move(rules)}};
}

ReplicationConfig DecodeReplication(Reader& r, const json::object& o) {
  (void)o;
  ReplicationConfig c;
  c.role = r.Str("role");
  if (auto* rules = r.Arr("rules")) {
    for (const auto& e : *rules) {
      if (!e.is_object()) {
        r.Fail();
        break;
      }
      Reader rr(e.get_object());
      ReplicationRule rule;
      rule.id = rr.Str("id");
      rule.priority = static_cast<int>(rr.Int("pri"));
      rule.enabled = rr.Bool("on");
      int64_t form = rr.Int("ff");
      if (form < 0 || form > static_cast<int>(ReplicationRule::FilterForm::kAnd)) rr.Fail();
      rule.filter_form = static_cast<ReplicationRule::FilterForm>(form);
      rule.prefix = rr.Str("prefix");
      rule.tags = rr.Pairs("tags");
      rule.destination = rr.Str("dest");
      rule.destination_account = rr.Str("acct");
      rule.storage_class = rr.Str("sc");
      rule.replication_time = rr.Bool("rtc");
      rule.metrics = rr.Bool("metrics");
      rule.delete_marker_replication = rr.Bool("dm");
      rule.existing_object_replication = rr.Bool("existing");
      if (!rr.ok()) r.Fail();
      c.rules.push_back(std::move(rule));
    }
  }
  return c;
}

}  // namespace

std::string Encode(const BucketInfo& b) {
  json::object o{{"v", kFormat},
                 {"name", b.name},
                 {"region", b.region},
                 {"created", b.created_ms},
                 {"versioning", static_cast<int>(b.versioning)}};
  if (!b.tags.empty()) o["tags"] = EncodePairs(b.tags);
  if (!b.cors.empty()) {
    json::array rules;
    for (const auto& c : b.cors) {
      json::object r{{"id", c.id},
                     {"origins", EncodeStrings(c.allowed_origins)},
                     {"methods", EncodeStrings(c.allowed_methods)},
                     {"headers", EncodeStrings(c.allowed_headers)},
                     {"expose", EncodeStrings(c.expose_headers)}};
      if (c.max_age_seconds) r["max_age"] = *c.max_age_seconds;
      rules.push_back(std::move(r));
    }
    o["cors"] = std::move(rules);
  }
  if (b.public_access_block) {
    const auto& p = *b.public_access_block;
    o["pab"] = json::array{p.block_public_acls, p.ignore_public_acls, p.block_public_policy,
                           p.restrict_public_buckets};
  }
  if (!b.policy.empty()) o["policy"] = b.policy;
  if (b.replication) o["repl"] = EncodeReplication(*b.replication);
  if (!b.notification.empty()) {
    json::array targets;
    for (const auto& t : b.notification.targets) {
      targets.push_back(json::object{{"k", static_cast<int64_t>(t.kind)}, {"id", t.id}, {"arn", t.arn},
                                     {"ev", EncodeStrings(t.events)}, {"pre", t.prefix}, {"suf", t.suffix}});
    }
    o["ntf"] = json::object{{"t", std::move(targets)}, {"eb", b.notification.eventbridge}};
  }
  return json::serialize(o);
}

Result<BucketInfo> DecodeBucket(std::string_view s) {
  auto o = Parse(s, "bucket");
  if (!o.ok()) return o.status();
  Reader r(*o);
  BucketInfo b;
  b.name = r.Str("name");
  b.region = r.Str("region");
  b.created_ms = r.Int("created");
  int64_t versioning = r.Int("versioning");
  if (versioning < 0 || versioning > 2) r.Fail();
  b.versioning = static_cast<Versioning>(versioning);
  b.tags = r.Pairs("tags");
  if (auto* rules = r.Arr("cors")) {
    for (const auto& e : *rules) {
      if (!e.is_object()) {
        r.Fail();
        break;
      }
      Reader rr(e.get_object());
      CorsRule c;
      c.id = rr.Str("id");
      c.allowed_origins = rr.Strings("origins");
      c.allowed_methods = rr.Strings("methods");
      c.allowed_headers = rr.Strings("headers");
      c.expose_headers = rr.Strings("expose");
      if (e.get_object().contains("max_age")) c.max_age_seconds = rr.Int("max_age");
      if (!rr.ok()) r.Fail();
      b.cors.push_back(std::move(c));
    }
  }
  if (auto* pab = r.Arr("pab")) {
    if (pab->size() != 4) {
      r.Fail();
    } else {
      PublicAccessBlock p;
      bool* fields[] = {&p.block_public_acls, &p.ignore_public_acls, &p.block_public_policy,
                        &p.restrict_public_buckets};
      for (size_t i = 0; i < 4; ++i) {
        if (!(*pab)[i].is_bool()) r.Fail();
        else *fields[i] = (*pab)[i].get_bool();
      }
      b.public_access_block = p;
    }
  }
  b.policy = r.Str("policy");
  if (auto* repl = r.Obj("repl")) {
    Reader rr(*repl);
    b.replication = DecodeReplication(rr, *repl);
    if (!rr.ok()) r.Fail();
  }
  if (auto* ntf = r.Obj("ntf")) {
    Reader nr(*ntf);
    b.notification.eventbridge = nr.Bool("eb");
    if (auto* targets = nr.Arr("t")) {
      for (const auto& e : *targets) {
        if (!e.is_object()) {
          nr.Fail();
          break;
        }
        Reader tr(e.get_object());
        NotificationTarget t;
        int64_t kind = tr.Int("k");
        if (kind < 0 || kind > 2) tr.Fail();
        t.kind = static_cast<NotificationTarget::Kind>(kind);
        t.id = tr.Str("id");
        t.arn = tr.Str("arn");
        t.events = tr.Strings("ev");
        t.prefix = tr.Str("pre");
        t.suffix = tr.Str("suf");
        if (!tr.ok()) nr.Fail();
        b.notification.targets.push_back(std::move(t));
      }
    }
    if (!nr.ok()) r.Fail();
  }
  return Checked(std::move(b), r, "bucket");
}

std::string Encode(const ObjectVersion& v) { return json::serialize(EncodeVersionObject(v)); }

Result<ObjectVersion> DecodeVersion(std::string_view s) {
  auto o = Parse(s, "object version");
  if (!o.ok()) return o.status();
  Reader r(*o);
  ObjectVersion v = DecodeVersionObject(r, *o);
  return Checked(std::move(v), r, "object version");
}

std::string Encode(const MultipartUpload& u) {
  json::object o{{"v", kFormat},
                 {"bucket", u.bucket},
                 {"key", u.key},
                 {"uid", u.upload_id},
                 {"t", u.initiated_ms},
                 {"owner", u.owner},
                 {"pending", EncodeVersionObject(u.pending)}};
  if (u.checksum_algorithm) o["ca"] = std::string(common::ChecksumName(*u.checksum_algorithm));
  if (!u.checksum_type.empty()) o["ctype"] = u.checksum_type;
  return json::serialize(o);
}

Result<MultipartUpload> DecodeUpload(std::string_view s) {
  auto o = Parse(s, "multipart upload");
  if (!o.ok()) return o.status();
  Reader r(*o);
  MultipartUpload u;
  u.bucket = r.Str("bucket");
  u.key = r.Str("key");
  u.upload_id = r.Str("uid");
  u.initiated_ms = r.Int("t");
  u.owner = r.Str("owner");
  u.checksum_algorithm = AlgorithmField(r, "ca");
  u.checksum_type = r.Str("ctype");
  if (auto* p = r.Obj("pending")) {
    Reader pr(*p);
    u.pending = DecodeVersionObject(pr, *p);
    if (!pr.ok()) r.Fail();
  }
  return Checked(std::move(u), r, "multipart upload");
}

std::string Encode(const UploadedPart& p) {
  json::object o{{"v", kFormat}, {"pn", p.part_number}, {"t", p.last_modified_ms},
                 {"d", EncodeRef(p.data)}, {"etag", p.etag}};
  if (!p.checksum.empty()) o["cs"] = p.checksum;
  if (!p.crc64nvme.empty()) o["crc64"] = p.crc64nvme;
  return json::serialize(o);
}

Result<UploadedPart> DecodePart(std::string_view s) {
  auto o = Parse(s, "part");
  if (!o.ok()) return o.status();
  Reader r(*o);
  UploadedPart p;
  p.part_number = static_cast<int>(r.Int("pn"));
  p.last_modified_ms = r.Int("t");
  p.data = ReadRef(r, "d");
  p.etag = r.Str("etag");
  p.checksum = r.Str("cs");
  p.crc64nvme = r.Str("crc64");
  return Checked(std::move(p), r, "part");
}

}  // namespace service::objects::records

namespace service::objects::records {

std::string Encode(const BacklogEntry& e) {
  json::object o{{"v", kFormat},
                 {"bucket", e.bucket},
                 {"key", e.key},
                 {"vid", e.version_id},
                 {"dm", e.delete_marker},
                 {"n", e.size},
                 {"rule", e.rule_id},
                 {"dest", e.destination},
                 {"sc", e.storage_class},
                 {"rtc", e.replication_time},
                 {"t", e.enqueued_ms}};
  return json::serialize(o);
}

Result<BacklogEntry> DecodeBacklogEntry(std::string_view id, std::string_view s) {
  auto o = Parse(s, "replication backlog");
  if (!o.ok()) return o.status();
  Reader r(*o);
  BacklogEntry e;
  e.id = std::string(id);
  e.bucket = r.Str("bucket");
  e.key = r.Str("key");
  e.version_id = r.Str("vid");
  e.delete_marker = r.Bool("dm");
  e.size = r.UInt("n");
  e.rule_id = r.Str("rule");
  e.destination = r.Str("dest");
  e.storage_class = r.Str("sc");
  e.replication_time = r.Bool("rtc");
  e.enqueued_ms = r.Int("t");
  return Checked(std::move(e), r, "replication backlog");
}

std::string Encode(const NotificationEntry& e) {
  json::object o{{"v", kFormat},          {"k", static_cast<int64_t>(e.kind)}, {"eb", e.eventbridge},
                 {"arn", e.arn},          {"cfg", e.configuration_id},           {"ev", e.event_name},
                 {"bucket", e.bucket},    {"key", e.key},                        {"n", e.size},
                 {"etag", e.etag},        {"vid", e.version_id},                 {"seq", e.sequencer},
                 {"t", e.time_ms},        {"who", e.cause.principal_id},         {"ip", e.cause.source_ip},
                 {"rid", e.cause.request_id}};
  return json::serialize(o);
}

Result<NotificationEntry> DecodeNotification(std::string_view id, std::string_view s) {
  auto o = Parse(s, "notification");
  if (!o.ok()) return o.status();
  Reader r(*o);
  NotificationEntry e;
  e.id = std::string(id);
  int64_t kind = r.Int("k");
  if (kind < 0 || kind > 2) r.Fail();
  e.kind = static_cast<NotificationTarget::Kind>(kind);
  e.eventbridge = r.Bool("eb");
  e.arn = r.Str("arn");
  e.configuration_id = r.Str("cfg");
  e.event_name = r.Str("ev");
  e.bucket = r.Str("bucket");
  e.key = r.Str("key");
  e.size = r.UInt("n");
  e.etag = r.Str("etag");
  e.version_id = r.Str("vid");
  e.sequencer = r.Str("seq");
  e.time_ms = r.Int("t");
  e.cause.principal_id = r.Str("who");
  e.cause.source_ip = r.Str("ip");
  e.cause.request_id = r.Str("rid");
  return Checked(std::move(e), r, "notification");
}

}  // namespace service::objects::records
