// Stored records of the queue service: JSON documents with a format version
// (service/common/record.h). Binary attribute values are stored base64.

#include <fmt/format.h>

#include "common/checksum.h"
#include "service/common/record.h"
#include "service/queues/service_impl.h"

namespace service::queues {

namespace json = boost::json;
using record::Reader;

namespace keys {
std::string Queue(std::string_view name) { return fmt::format("{}{}", kQueues, name); }
std::string Message(std::string_view qid, uint64_t seq) { return fmt::format("{}{}/{:016x}", kMessages, qid, seq); }
std::string State(std::string_view qid, uint64_t seq) { return fmt::format("{}{}/{:016x}", kStates, qid, seq); }
std::string Dedup(std::string_view qid, std::string_view key) { return fmt::format("{}{}/{}", kDedups, qid, key); }
std::string Task(std::string_view handle) { return fmt::format("{}{}", kTasks, handle); }
std::string Garbage(std::string_view qid) { return fmt::format("{}{}", kGarbage, qid); }

bool ParseMessageSuffix(std::string_view suffix, std::string* qid, uint64_t* seq) {
  auto slash = suffix.find('/');
  if (slash == std::string_view::npos || suffix.size() - slash - 1 != 16) return false;
  *qid = std::string(suffix.substr(0, slash));
  uint64_t v = 0;
  for (char c : suffix.substr(slash + 1)) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *seq = v;
  return true;
}
}  // namespace keys

std::string HexSeq(uint64_t seq) { return fmt::format("{:016x}", seq); }

namespace records {
namespace {

constexpr int64_t kFormat = 1;

json::object EncodeMap(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> DecodeMap(Reader& r, std::string_view k) {
  std::map<std::string, std::string> out;
  if (auto* o = r.Obj(k)) {
    for (const auto& [name, v] : *o) {
      if (!v.is_string()) {
        r.Fail();
        break;
      }
      out.emplace(std::string(name), std::string(v.get_string()));
    }
  }
  return out;
}

json::object EncodeAttributes(const MessageAttributes& attrs) {
  json::object o;
  for (const auto& [name, a] : attrs) {
    json::object v{{"t", a.data_type}};
    if (a.data_type.starts_with("Binary")) {
      v["b"] = common::Base64Encode(a.binary_value);
    } else {
      v["s"] = a.string_value;
    }
    o[name] = std::move(v);
  }
  return o;
}

MessageAttributes DecodeAttributes(Reader& r, std::string_view k) {
  MessageAttributes out;
  if (auto* o = r.Obj(k)) {
    for (const auto& [name, v] : *o) {
      if (!v.is_object()) {
        r.Fail();
        break;
      }
      Reader a(v.get_object());
      AttributeValue value;
      value.data_type = a.Str("t");
      value.string_value = a.Str("s");
      if (std::string b = a.Str("b"); !b.empty()) {
        auto raw = common::Base64Decode(b);
        if (!raw) a.Fail();
        value.binary_value = raw.value_or("");
      }
      if (!a.ok()) r.Fail();
      out.emplace(std::string(name), std::move(value));
    }
  }
  return out;
}

}  // namespace

std::string Encode(const QueueRecord& q) {
  json::object o{{"v", kFormat},          {"name", q.name},       {"id", q.id},
                 {"created", q.created},  {"modified", q.modified}, {"attrs", EncodeMap(q.attributes)},
                 {"tags", EncodeMap(q.tags)}, {"purge", q.purge_seq}, {"purged", q.purged_ms}};
  return json::serialize(o);
}

Result<QueueRecord> DecodeQueue(std::string_view s) {
  auto o = record::Parse(s, kFormat, "queue");
  if (!o.ok()) return o.status();
  Reader r(*o);
  QueueRecord q;
  q.name = r.Str("name");
  q.id = r.Str("id");
  q.created = r.Int("created");
  q.modified = r.Int("modified");
  q.attributes = DecodeMap(r, "attrs");
  q.tags = DecodeMap(r, "tags");
  q.purge_seq = r.UInt("purge");
  q.purged_ms = r.Int("purged");
  return record::Checked(std::move(q), r, "queue");
}

std::string Encode(const MessageRecord& m) {
  json::object o{{"v", kFormat}, {"id", m.id}, {"b", m.body}, {"t", m.sent_ms}, {"m5", m.md5_body}};
  if (!m.attributes.empty()) {
    o["a"] = EncodeAttributes(m.attributes);
    o["ma"] = m.md5_attributes;
  }
  if (!m.system_attributes.empty()) {
    o["sa"] = EncodeAttributes(m.system_attributes);
    o["ms"] = m.md5_system;
  }
  if (!m.group_id.empty()) o["g"] = m.group_id;
  if (!m.dedup_id.empty()) o["d"] = m.dedup_id;
  if (!m.sender_id.empty()) o["snd"] = m.sender_id;
  if (!m.dead_letter_source.empty()) o["dlq"] = m.dead_letter_source;
  return json::serialize(o);
}

Result<MessageRecord> DecodeMessage(std::string_view s) {
  auto o = record::Parse(s, kFormat, "message");
  if (!o.ok()) return o.status();
  Reader r(*o);
  MessageRecord m;
  m.id = r.Str("id");
  m.body = r.Str("b");
  m.sent_ms = r.Int("t");
  m.md5_body = r.Str("m5");
  m.attributes = DecodeAttributes(r, "a");
  m.md5_attributes = r.Str("ma");
  m.system_attributes = DecodeAttributes(r, "sa");
  m.md5_system = r.Str("ms");
  m.group_id = r.Str("g");
  m.dedup_id = r.Str("d");
  m.sender_id = r.Str("snd");
  m.dead_letter_source = r.Str("dlq");
  return record::Checked(std::move(m), r, "message");
}

std::string Encode(const MessageState& s) {
  return json::serialize(json::object{
      {"v", kFormat}, {"rc", s.receive_count}, {"fr", s.first_receive_ms}, {"vis", s.visible_ms}, {"tok", s.token}});
}

Result<MessageState> DecodeState(std::string_view s) {
  auto o = record::Parse(s, kFormat, "message state");
  if (!o.ok()) return o.status();
  Reader r(*o);
  MessageState st;
  st.receive_count = static_cast<uint32_t>(r.UInt("rc"));
  st.first_receive_ms = r.Int("fr");
  st.visible_ms = r.Int("vis");
  st.token = static_cast<uint32_t>(r.UInt("tok"));
  return record::Checked(st, r, "message state");
}

std::string EncodeDedup(int64_t expires_ms, std::string_view message_id, uint64_t seq) {
  return json::serialize(json::object{{"v", kFormat}, {"e", expires_ms}, {"id", message_id}, {"seq", seq}});
}

bool DecodeDedup(std::string_view s, int64_t* expires_ms, std::string* message_id, uint64_t* seq) {
  auto o = record::Parse(s, kFormat, "deduplication");
  if (!o.ok()) return false;
  Reader r(*o);
  *expires_ms = r.Int("e");
  *message_id = r.Str("id");
  *seq = r.UInt("seq");
  return r.ok();
}

std::string Encode(const MoveTask& t) {
  json::object o{{"v", kFormat},         {"h", t.handle},     {"src", t.source_arn},
                 {"dst", t.destination_arn}, {"st", static_cast<int64_t>(t.status)},
                 {"moved", t.moved},     {"total", t.to_move}, {"at", t.started_ms},
                 {"why", t.failure_reason}, {"b", t.boundary_seq}};
  if (t.max_per_second) o["rate"] = *t.max_per_second;
  return json::serialize(o);
}

Result<MoveTask> DecodeTask(std::string_view s) {
  auto o = record::Parse(s, kFormat, "move task");
  if (!o.ok()) return o.status();
  Reader r(*o);
  MoveTask t;
  t.handle = r.Str("h");
  t.source_arn = r.Str("src");
  t.destination_arn = r.Str("dst");
  int64_t st = r.Int("st");
  if (st < 0 || st > static_cast<int64_t>(MoveTaskStatus::kFailed)) r.Fail();
  t.status = static_cast<MoveTaskStatus>(st);
  t.moved = r.Int("moved");
  t.to_move = r.Int("total");
  t.started_ms = r.Int("at");
  t.failure_reason = r.Str("why");
  t.boundary_seq = r.UInt("b");
  if (o->contains("rate")) t.max_per_second = static_cast<int>(r.Int("rate"));
  return record::Checked(std::move(t), r, "move task");
}

}  // namespace records

std::string_view MoveTaskStatusName(MoveTaskStatus s) {
  switch (s) {
    case MoveTaskStatus::kRunning: return "RUNNING";
    case MoveTaskStatus::kCompleted: return "COMPLETED";
    case MoveTaskStatus::kCancelling: return "CANCELLING";
    case MoveTaskStatus::kCancelled: return "CANCELLED";
    case MoveTaskStatus::kFailed: return "FAILED";
  }
  return "FAILED";
}

}  // namespace service::queues
