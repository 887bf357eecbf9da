// QueueService: sending, receiving, deleting and changing the visibility of
// messages; long-polling watchers.

#include <random>

#include <fmt/format.h>

#include "common/checksum.h"
#include "common/ids.h"
#include "service/queues/service_impl.h"
#include "storage/value_codec.h"

namespace service::queues {
namespace {

const storage::ValueCodec kCodec;
constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;

Status Invalid(std::string message, std::string_view reason = "InvalidParameterValue") {
  return Status(common::ErrorCode::kInvalidArgument, std::move(message), reason);
}

// SQS accepts #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF, in UTF-8.
bool ValidBody(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 2; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; n = 3; }
    else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; n = 4; }
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return false;  // overlong
    bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
              (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
    i += n;
  }
  return true;
}

bool ValidAttributeName(std::string_view n) {
  if (n.empty() || n.size() > 256 || n.front() == '.' || n.back() == '.' || n.find("..") != std::string_view::npos) {
    return false;
  }
  std::string lower;
  for (char c : n.substr(0, 7)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.starts_with("aws.") || lower.starts_with("amazon.")) return false;
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

Status ValidateAttributes(const MessageAttributes& attrs, size_t* bytes) {
  if (attrs.size() > 10) {
    return Invalid(fmt::format("Number of message attributes [{}] exceeds the allowed maximum [10].", attrs.size()));
  }
  for (const auto& [name, v] : attrs) {
    if (!ValidAttributeName(name)) return Invalid(fmt::format("Message (user) attribute name '{}' is invalid.", name));
    std::string_view base = std::string_view(v.data_type).substr(0, v.data_type.find('.'));
    if (base != "String" && base != "Number" && base != "Binary") {
      return Invalid(fmt::format("The type of message (user) attribute '{}' is invalid. You must use only the following "
                                 "supported type prefixes: Binary, Number, String.", name));
    }
    if (base == "Binary" ? v.binary_value.empty() : v.string_value.empty()) {
      return Invalid(fmt::format("Message (user) attribute '{}' must contain a non-empty value of type '{}'.", name, base));
    }
    if (base == "Number") {
      char* end = nullptr;
      std::strtod(v.string_value.c_str(), &end);
      if (end != v.string_value.c_str() + v.string_value.size()) {
        return Invalid(fmt::format("Can't cast the value of message (user) attribute '{}' to a number.", name));
      }
    }
    if (base != "Binary" && !ValidBody(v.string_value)) {
      return Invalid(fmt::format("Message (user) attribute '{}' contains invalid characters.", name),
                     "InvalidMessageContents");
    }
    *bytes += name.size() + v.data_type.size() + v.string_value.size() + v.binary_value.size();
  }
  return Status::Ok();
}

std::string FifoSequence(uint64_t seq) { return fmt::format("{:020}", seq); }

uint32_t NewToken() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint32_t>(rng()) | 1;  // never 0 (0 = never received)
}

}  // namespace

std::string ReceiptHandle(std::string_view qid, uint64_t seq, uint32_t token) {
  return common::Base64Encode(fmt::format("{}:{:016x}:{:08x}", qid, seq, token));
}

namespace {
bool ParseHex(std::string_view s, uint64_t* out) {
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *out = v;
  return !s.empty();
}
}  // namespace

bool ParseReceiptHandle(std::string_view handle, std::string* qid, uint64_t* seq, uint32_t* token) {
  auto raw = common::Base64Decode(handle);
  if (!raw) return false;
  std::string_view s = *raw;
  auto c1 = s.find(':');
  auto c2 = s.rfind(':');
  if (c1 == std::string_view::npos || c2 <= c1 || s.size() - c2 - 1 != 8 || c2 - c1 - 1 != 16) return false;
  uint64_t t = 0;
  if (!ParseHex(s.substr(c1 + 1, 16), seq) || !ParseHex(s.substr(c2 + 1), &t)) return false;
  *qid = std::string(s.substr(0, c1));
  *token = static_cast<uint32_t>(t);
  return true;
}

Result<std::vector<Result<SentMessage>>> QueueService::Send(std::string_view name, std::vector<NewMessage> messages,
                                                            std::string_view sender_id) {
  auto qr = impl_->Get(name);
  if (!qr.ok()) return qr.status();
  std::shared_ptr<Queue> q = *qr;
  QueueConfig cfg;
  std::string qid;
  {
    std::lock_guard lock(q->mu);
    cfg = q->cfg;
    qid = q->record.id;
  }
  std::vector<Result<SentMessage>> results;
  results.reserve(messages.size());
  struct Pending {
    size_t index;
    uint64_t seq;
    Entry entry;
    std::string dedup_key;
  };
  std::vector<Pending> pending;
  storage::WriteBatch batch;
  std::unique_lock<std::mutex> send_lock;
  if (cfg.fifo) send_lock = std::unique_lock(q->send_mu);
  int64_t now = impl_->NowMs();
  for (size_t i = 0; i < messages.size(); ++i) {
    NewMessage& m = messages[i];
    auto fail = [&](Status st) { results.emplace_back(std::move(st)); };
    if (m.body.empty()) {
      fail(Invalid("The request must contain the parameter MessageBody.", "MissingParameter"));
      continue;
    }
    if (!ValidBody(m.body)) {
      fail(Invalid("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
                   "#xE000 to #xFFFD | #x10000 to #x10FFFF",
                   "InvalidMessageContents"));
      continue;
    }
    size_t bytes = m.body.size();
    if (auto st = ValidateAttributes(m.attributes, &bytes); !st.ok()) {
      fail(st);
      continue;
    }
    if (bytes > static_cast<size_t>(cfg.max_size)) {
      fail(Invalid(fmt::format("One or more parameters are invalid. Reason: Message must be shorter than {} bytes.",
                               cfg.max_size)));
      continue;
    }
    int delay = cfg.delay;
    if (m.delay_seconds) {
      if (cfg.fifo) {
        fail(Invalid(fmt::format("Value {} for parameter DelaySeconds is invalid. Reason: The request include parameter "
                                 "that is not valid for this queue type.", *m.delay_seconds)));
        continue;
      }
      if (*m.delay_seconds < 0 || *m.delay_seconds > 900) {
        fail(Invalid(fmt::format("Value {} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, "
                                 "if provided.", *m.delay_seconds)));
        continue;
      }
      delay = *m.delay_seconds;
    }
    std::string dedup_key;
    if (cfg.fifo) {
      if (m.group_id.empty()) {
        fail(Invalid("The request must contain the parameter MessageGroupId.", "MissingParameter"));
        continue;
      }
      if (m.deduplication_id.empty()) {
        if (!cfg.content_dedup) {
          fail(Invalid("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                       "provided explicitly"));
          continue;
        }
        m.deduplication_id = common::HexEncode(common::Digest(common::ChecksumAlgorithm::kSha256, m.body));
      }
      if (m.group_id.size() > 128 || m.deduplication_id.size() > 128) {
        fail(Invalid("MessageGroupId and MessageDeduplicationId can be up to 128 characters long."));
        continue;
      }
      dedup_key = cfg.dedup_per_group ? m.group_id + "\n" + m.deduplication_id : m.deduplication_id;
    } else if (!m.deduplication_id.empty()) {
      fail(Invalid("Value " + m.deduplication_id + " for parameter MessageDeduplicationId is invalid. Reason: The "
                   "request include parameter that is not valid for this queue type."));
      continue;
    }

    MessageRecord rec;
    rec.body = std::move(m.body);
    rec.attributes = std::move(m.attributes);
    rec.system_attributes = std::move(m.system_attributes);
    rec.md5_body = common::HexEncode(common::Md5(rec.body));
    rec.md5_attributes = Md5OfAttributes(rec.attributes);
    rec.md5_system = Md5OfAttributes(rec.system_attributes);
    rec.sent_ms = now;
    rec.group_id = std::move(m.group_id);
    rec.dedup_id = std::move(m.deduplication_id);
    rec.sender_id = std::string(sender_id);

    SentMessage sent;
    sent.md5_of_body = rec.md5_body;
    sent.md5_of_attributes = rec.md5_attributes;
    sent.md5_of_system_attributes = rec.md5_system;
    if (!dedup_key.empty()) {
      std::lock_guard lock(q->mu);
      auto d = q->dedup.find(dedup_key);
      bool in_batch = std::any_of(pending.begin(), pending.end(), [&](const Pending& p) { return p.dedup_key == dedup_key; });
      if ((d != q->dedup.end() && d->second.expires_ms > now) || in_batch) {
        if (d != q->dedup.end() && d->second.expires_ms > now) {
          sent.message_id = d->second.message_id;
          sent.sequence_number = FifoSequence(d->second.seq);
        } else {
          auto& first = *std::find_if(pending.begin(), pending.end(), [&](const Pending& p) { return p.dedup_key == dedup_key; });
          sent.message_id = results[first.index]->message_id;
          sent.sequence_number = results[first.index]->sequence_number;
        }
        results.emplace_back(std::move(sent));
        continue;
      }
    }
    uint64_t seq = impl_->NextSeq();
    rec.id = common::NewUuid();
    sent.message_id = rec.id;
    if (cfg.fifo) sent.sequence_number = FifoSequence(seq);
    Entry e;
    e.sent_ms = now;
    e.visible_ms = now + int64_t{delay} * 1000;
    e.size = static_cast<uint32_t>(rec.body.size());
    e.group = rec.group_id;
    batch.Put(keys::Message(qid, seq), kCodec.Seal(records::Encode(rec)));
    if (!dedup_key.empty()) {
      batch.Put(keys::Dedup(qid, dedup_key), kCodec.Seal(records::EncodeDedup(now + kDedupWindowMs, rec.id, seq)));
    }
    pending.push_back({results.size(), seq, std::move(e), std::move(dedup_key)});
    results.emplace_back(std::move(sent));
  }
  if (batch.empty()) return results;
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  {
    std::lock_guard lock(q->mu);
    if (!q->deleted) {
      int64_t after = impl_->NowMs();
      for (auto& p : pending) {
        if (!p.dedup_key.empty()) {
          q->dedup[p.dedup_key] = Dedup{now + kDedupWindowMs, results[p.index]->message_id, p.seq};
        }
        q->Insert(p.seq, std::move(p.entry), after);
      }
      q->Notify();
    }
  }
  if (impl_->sent != nullptr) impl_->sent->Inc(pending.size());
  return results;
}

Result<std::vector<ReceivedMessage>> QueueService::Receive(std::string_view name, const ReceiveOptions& options) {
  auto qr = impl_->Get(name);
  if (!qr.ok()) return qr.status();
  std::shared_ptr<Queue> q = *qr;
  if (options.max_messages < 1 || options.max_messages > 10) {
    return Invalid(fmt::format("Value {} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, "
                               "if provided.", options.max_messages));
  }
  if (options.visibility_timeout && (*options.visibility_timeout < 0 || *options.visibility_timeout > 43200)) {
    return Invalid(fmt::format("Value {} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and "
                               "43200, if provided.", *options.visibility_timeout));
  }
  int64_t now = impl_->NowMs();
  struct Picked {
    uint64_t seq;
    Entry entry;  // after the receive
  };
  std::vector<Picked> picked;
  std::vector<std::pair<uint64_t, Entry>> expired;
  std::vector<std::pair<uint64_t, Entry>> dead;
  std::string qid;
  int64_t retention_ms;
  {
    std::lock_guard lock(q->mu);
    dead = q->Promote(now);
    qid = q->record.id;
    retention_ms = int64_t{q->cfg.retention} * 1000;
    int vt = options.visibility_timeout.value_or(q->cfg.visibility_timeout);
    auto take = [&](uint64_t seq) {
      Entry& e = q->entries.at(seq);
      ++e.receive_count;
      if (e.first_receive_ms == 0) e.first_receive_ms = now;
      q->MakeInflight(seq, e, now + int64_t{vt} * 1000, NewToken());
      picked.push_back({seq, e});
    };
    auto too_old = [&](uint64_t seq) {
      const Entry& e = q->entries.at(seq);
      if (e.sent_ms + retention_ms > now) return false;
      expired.emplace_back(seq, *q->Remove(seq));
      return true;
    };
    if (!q->cfg.fifo) {
      while (picked.size() < static_cast<size_t>(options.max_messages) && !q->ready.empty()) {
        uint64_t seq = *q->ready.begin();
        if (!too_old(seq)) take(seq);
      }
    } else {
      // A retried attempt: the same messages again, if all are still as it left them.
      std::erase_if(q->attempts, [&](const auto& a) { return a.second.expires_ms <= now; });
      bool reused = false;
      if (!options.attempt_id.empty()) {
        if (auto a = q->attempts.find(options.attempt_id); a != q->attempts.end()) {
          bool intact = !a->second.received.empty();
          for (const auto& [seq, token] : a->second.received) {
            auto it = q->entries.find(seq);
            intact = intact && it != q->entries.end() && it->second.state == MsgState::kInflight &&
                     it->second.token == token && it->second.visible_ms > now;
          }
          if (intact) {
            for (const auto& [seq, token] : a->second.received) picked.push_back({seq, q->entries.at(seq)});
            reused = true;
          } else {
            q->attempts.erase(a);
          }
        }
      }
      while (!reused && picked.size() < static_cast<size_t>(options.max_messages) && !q->available.empty()) {
        std::string group = q->available.begin()->second;
        Group& g = q->groups.at(group);
        std::vector<uint64_t> seqs(g.seqs.begin(), g.seqs.end());
        bool took = false;
        for (uint64_t seq : seqs) {
          if (picked.size() >= static_cast<size_t>(options.max_messages)) break;
          if (q->entries.at(seq).state != MsgState::kReady) break;
          if (too_old(seq)) continue;
          take(seq);
          took = true;
        }
        if (took) q->RefreshGroup(group);
      }
      if (!options.attempt_id.empty() && !picked.empty() && !q->attempts.contains(options.attempt_id)) {
        Queue::Attempt& a = q->attempts[options.attempt_id];
        a.expires_ms = now + 5 * 60 * 1000;
        for (const auto& p : picked) a.received.emplace_back(p.seq, p.entry.token);
      }
    }
  }
  if (!dead.empty()) impl_->MoveToDeadLetterQueue(*q, std::move(dead));
  storage::WriteBatch batch;
  for (const auto& [seq, e] : expired) {
    batch.Delete(keys::Message(qid, seq));
    batch.Delete(keys::State(qid, seq));
  }
  std::vector<ReceivedMessage> out;
  out.reserve(picked.size());
  for (const auto& p : picked) {
    auto raw = impl_->kv.Get(keys::Message(qid, p.seq));
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) continue;  // deleted meanwhile
    auto plain = kCodec.Open(**raw);
    if (!plain.ok()) return plain.status();
    auto rec = records::DecodeMessage(*plain);
    if (!rec.ok()) return rec.status();
    MessageState st{p.entry.receive_count, p.entry.first_receive_ms, p.entry.visible_ms, p.entry.token};
    batch.Put(keys::State(qid, p.seq), kCodec.Seal(records::Encode(st)));
    ReceivedMessage m;
    m.message_id = rec->id;
    m.receipt_handle = ReceiptHandle(qid, p.seq, p.entry.token);
    m.md5_of_body = rec->md5_body;
    m.md5_of_attributes = rec->md5_attributes;
    m.attributes = std::move(rec->attributes);
    m.system["SentTimestamp"] = std::to_string(rec->sent_ms);
    m.system["ApproximateReceiveCount"] = std::to_string(p.entry.receive_count);
    m.system["ApproximateFirstReceiveTimestamp"] = std::to_string(p.entry.first_receive_ms);
    m.system["SenderId"] = rec->sender_id;
    if (!rec->group_id.empty()) m.system["MessageGroupId"] = rec->group_id;
    if (!rec->dedup_id.empty()) {
      m.system["MessageDeduplicationId"] = rec->dedup_id;
      m.system["SequenceNumber"] = FifoSequence(p.seq);
    }
    if (!rec->dead_letter_source.empty()) m.system["DeadLetterQueueSourceArn"] = rec->dead_letter_source;
    if (auto t = rec->system_attributes.find("AWSTraceHeader"); t != rec->system_attributes.end()) {
      m.system["AWSTraceHeader"] = t->second.string_value;
    }
    m.body = std::move(rec->body);
    out.push_back(std::move(m));
  }
  if (!batch.empty()) {
    if (auto st = impl_->kv.Write(batch); !st.ok()) {
      // Not recorded: the messages are visible again and were not received.
      std::lock_guard lock(q->mu);
      for (const auto& p : picked) {
        auto it = q->entries.find(p.seq);
        if (it != q->entries.end() && it->second.token == p.entry.token) q->MakeVisible(p.seq, it->second);
      }
      for (auto& [seq, e] : expired) q->Insert(seq, std::move(e), now);
      return st;
    }
  }
  if (impl_->received != nullptr) impl_->received->Inc(out.size());
  if (impl_->expired != nullptr && !expired.empty()) impl_->expired->Inc(expired.size());
  return out;
}

Result<std::vector<Status>> QueueService::Delete(std::string_view name, const std::vector<std::string>& handles) {
  auto qr = impl_->Get(name);
  if (!qr.ok()) return qr.status();
  std::shared_ptr<Queue> q = *qr;
  std::vector<Status> results(handles.size());
  std::vector<std::pair<uint64_t, Entry>> removed;
  std::string qid;
  {
    std::lock_guard lock(q->mu);
    qid = q->record.id;
    for (size_t i = 0; i < handles.size(); ++i) {
      std::string hq;
      uint64_t seq;
      uint32_t token;
      if (!ParseReceiptHandle(handles[i], &hq, &seq, &token) || hq != qid) {
        results[i] = Status(common::ErrorCode::kInvalidArgument,
                            fmt::format("The input receipt handle \"{}\" is not a valid receipt handle.", handles[i]),
                            "ReceiptHandleIsInvalid");
        continue;
      }
      if (auto e = q->Remove(seq)) removed.emplace_back(seq, std::move(*e));
    }
  }
  if (removed.empty()) return results;
  storage::WriteBatch batch;
  for (const auto& [seq, e] : removed) {
    batch.Delete(keys::Message(qid, seq));
    batch.Delete(keys::State(qid, seq));
  }
  if (auto st = impl_->kv.Write(batch); !st.ok()) {
    std::lock_guard lock(q->mu);
    for (auto& [seq, e] : removed) q->Insert(seq, std::move(e), impl_->NowMs());
    return st;
  }
  if (impl_->deleted != nullptr) impl_->deleted->Inc(removed.size());
  return results;
}

Result<std::vector<Status>> QueueService::ChangeVisibility(std::string_view name,
                                                           const std::vector<std::pair<std::string, int>>& changes) {
  auto qr = impl_->Get(name);
  if (!qr.ok()) return qr.status();
  std::shared_ptr<Queue> q = *qr;
  std::vector<Status> results(changes.size());
  storage::WriteBatch batch;
  int64_t now = impl_->NowMs();
  {
    std::lock_guard lock(q->mu);
    const std::string& qid = q->record.id;
    bool woke = false;
    for (size_t i = 0; i < changes.size(); ++i) {
      const auto& [handle, seconds] = changes[i];
      std::string hq;
      uint64_t seq;
      uint32_t token;
      if (!ParseReceiptHandle(handle, &hq, &seq, &token) || hq != qid) {
        results[i] = Status(common::ErrorCode::kInvalidArgument,
                            fmt::format("The input receipt handle \"{}\" is not a valid receipt handle.", handle),
                            "ReceiptHandleIsInvalid");
        continue;
      }
      if (seconds < 0 || seconds > 43200) {
        results[i] = Invalid(fmt::format("Value {} for parameter VisibilityTimeout is invalid. Reason: Must be between "
                                         "0 and 43200, if provided.", seconds));
        continue;
      }
      auto it = q->entries.find(seq);
      if (it == q->entries.end()) {
        results[i] = Invalid(fmt::format("Value {} for parameter ReceiptHandle is invalid. Reason: Message does not "
                                         "exist or is not available for visibility timeout change.", handle));
        continue;
      }
      Entry& e = it->second;
      if (e.state != MsgState::kInflight || e.token != token) {
        results[i] = Status(common::ErrorCode::kInvalidArgument,
                            fmt::format("Message with receipt handle {} is not in flight.", handle), "MessageNotInflight");
        continue;
      }
      if (seconds == 0) {
        e.visible_ms = now;
        q->MakeVisible(seq, e);
        woke = true;
      } else {
        q->MakeInflight(seq, e, now + int64_t{seconds} * 1000, e.token);
      }
      MessageState st{e.receive_count, e.first_receive_ms, e.visible_ms, e.token};
      batch.Put(keys::State(qid, seq), kCodec.Seal(records::Encode(st)));
    }
    if (woke) q->Notify();
  }
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  return results;
}

Result<uint64_t> QueueService::Watch(std::string_view name, std::function<void()> wake) {
  auto qr = impl_->Get(name);
  if (!qr.ok()) return qr.status();
  std::lock_guard lock((*qr)->mu);
  uint64_t id = (*qr)->next_watcher++;
  (*qr)->watchers.emplace(id, std::move(wake));
  return id;
}

void QueueService::Unwatch(std::string_view name, uint64_t token) {
  auto q = impl_->Find(name);
  if (q == nullptr) return;
  std::lock_guard lock(q->mu);
  q->watchers.erase(token);
}

std::optional<std::chrono::system_clock::time_point> QueueService::NextDeadline(std::string_view name) const {
  auto q = impl_->Find(name);
  if (q == nullptr) return std::nullopt;
  std::lock_guard lock(q->mu);
  if (q->invisible.empty()) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(q->invisible.begin()->first));
}

}  // namespace service::queues
