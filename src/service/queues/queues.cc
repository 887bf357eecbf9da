// QueueService: opening (rebuilding the index from storage) and the queue
// lifecycle: create, list, delete, attributes, tags, purge.

#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "service/queues/service_impl.h"
#include "storage/value_codec.h"

namespace service::queues {
namespace {

const storage::ValueCodec kCodec;

Status NoSuchQueue() {
  return Status(common::ErrorCode::kNotFound, "The specified queue does not exist.", "QueueDoesNotExist");
}

bool ValidName(std::string_view name) {
  std::string_view base = name;
  if (base.ends_with(".fifo")) base.remove_suffix(5);
  if (name.empty() || name.size() > 80 || base.empty()) return false;
  for (char c : base) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Attributes AWS reports for a queue, with their defaults.
const std::map<std::string, std::string>& Defaults() {
  static const std::map<std::string, std::string> kDefaults = {
      {"VisibilityTimeout", "30"},      {"MessageRetentionPeriod", "345600"},
      {"DelaySeconds", "0"},            {"ReceiveMessageWaitTimeSeconds", "0"},
      {"MaximumMessageSize", "1048576"}, {"SqsManagedSseEnabled", "true"},
  };
  return kDefaults;
}

}  // namespace

int64_t QueueService::Impl::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(options.clock().time_since_epoch()).count();
}

uint64_t QueueService::Impl::NextSeq() {
  // Microseconds since the epoch, strictly increasing: sequence numbers grow
  // across restarts even when every message was deleted.
  uint64_t now_us = static_cast<uint64_t>(NowMs()) * 1000;
  std::lock_guard lock(seq_mu);
  last_seq = std::max(last_seq + 1, now_us);
  return last_seq;
}

std::string QueueService::Impl::Arn(std::string_view name) const {
  return fmt::format("arn:aws:sqs:{}:{}:{}", options.region, options.account, name);
}

std::shared_ptr<Queue> QueueService::Impl::Find(std::string_view name) const {
  std::lock_guard lock(mu);
  auto it = queues.find(name);
  return it == queues.end() ? nullptr : it->second;
}

Result<std::shared_ptr<Queue>> QueueService::Impl::Get(std::string_view name) const {
  auto q = Find(name);
  if (q == nullptr) return NoSuchQueue();
  return q;
}

Status QueueService::Impl::Load() {
  int64_t now = NowMs();
  std::map<std::string, std::shared_ptr<Queue>> by_id;
  {
    auto it = kv.NewIterator({std::string(keys::kQueues), storage::PrefixSuccessor(keys::kQueues)});
    for (it->Seek(keys::kQueues); it->Valid(); it->Next()) {
      auto plain = kCodec.Open(it->value());
      if (!plain.ok()) return plain.status();
      auto rec = records::DecodeQueue(*plain);
      if (!rec.ok()) return rec.status();
      auto q = std::make_shared<Queue>();
      q->cfg = ConfigOf(rec->attributes, rec->attributes.contains("FifoQueue") && rec->attributes.at("FifoQueue") == "true");
      q->record = std::move(rec).value();
      by_id[q->record.id] = q;
      queues[q->record.name] = q;
    }
    if (!it->status().ok()) return it->status();
  }
  storage::WriteBatch orphans;
  // Messages, then the receive states of those received.
  std::map<std::pair<std::string, uint64_t>, Entry> loaded;
  {
    auto it = kv.NewIterator({std::string(keys::kMessages), storage::PrefixSuccessor(keys::kMessages)});
    for (it->Seek(keys::kMessages); it->Valid(); it->Next()) {
      std::string qid;
      uint64_t seq = 0;
      if (!keys::ParseMessageSuffix(it->key().substr(keys::kMessages.size()), &qid, &seq)) continue;
      last_seq = std::max(last_seq, seq);
      auto q = by_id.find(qid);
      if (q == by_id.end() || seq < q->second->record.purge_seq) continue;  // removed by garbage collection
      auto plain = kCodec.Open(it->value());
      if (!plain.ok()) return plain.status();
      auto m = records::DecodeMessage(*plain);
      if (!m.ok()) return m.status();
      Entry e;
      e.sent_ms = m->sent_ms;
      e.visible_ms = m->sent_ms;  // a delay is applied below from the state, if any
      e.size = static_cast<uint32_t>(m->body.size());
      e.group = m->group_id;
      loaded.emplace(std::make_pair(qid, seq), std::move(e));
    }
    if (!it->status().ok()) return it->status();
  }
  {
    auto it = kv.NewIterator({std::string(keys::kStates), storage::PrefixSuccessor(keys::kStates)});
    for (it->Seek(keys::kStates); it->Valid(); it->Next()) {
      std::string qid;
      uint64_t seq = 0;
      if (!keys::ParseMessageSuffix(it->key().substr(keys::kStates.size()), &qid, &seq)) continue;
      auto e = loaded.find({qid, seq});
      if (e == loaded.end()) {
        orphans.Delete(it->key());  // its message was deleted while a receive recorded it
        continue;
      }
      auto plain = kCodec.Open(it->value());
      if (!plain.ok()) return plain.status();
      auto st = records::DecodeState(*plain);
      if (!st.ok()) return st.status();
      e->second.receive_count = st->receive_count;
      e->second.first_receive_ms = st->first_receive_ms;
      e->second.visible_ms = st->visible_ms;
      e->second.token = st->token;
    }
    if (!it->status().ok()) return it->status();
  }
  for (auto& [key, e] : loaded) {
    auto& q = by_id.at(key.first);
    q->Insert(key.second, std::move(e), now);
  }
  {
    auto it = kv.NewIterator({std::string(keys::kDedups), storage::PrefixSuccessor(keys::kDedups)});
    for (it->Seek(keys::kDedups); it->Valid(); it->Next()) {
      std::string_view suffix = it->key().substr(keys::kDedups.size());
      auto slash = suffix.find('/');
      auto q = slash == std::string_view::npos ? by_id.end() : by_id.find(std::string(suffix.substr(0, slash)));
      auto plain = kCodec.Open(it->value());
      Dedup d;
      if (q == by_id.end() || !plain.ok() || !records::DecodeDedup(*plain, &d.expires_ms, &d.message_id, &d.seq) ||
          d.expires_ms <= now) {
        orphans.Delete(it->key());
        continue;
      }
      q->second->dedup.emplace(std::string(suffix.substr(slash + 1)), std::move(d));
    }
    if (!it->status().ok()) return it->status();
  }
  {
    auto it = kv.NewIterator({std::string(keys::kTasks), storage::PrefixSuccessor(keys::kTasks)});
    for (it->Seek(keys::kTasks); it->Valid(); it->Next()) {
      auto plain = kCodec.Open(it->value());
      if (!plain.ok()) return plain.status();
      auto t = records::DecodeTask(*plain);
      if (!t.ok()) return t.status();
      tasks[t->handle] = std::move(t).value();
    }
    if (!it->status().ok()) return it->status();
  }
  if (!orphans.empty()) return kv.Write(orphans);
  return Status::Ok();
}

// --- QueueService ------------------------------------------------------------

QueueService::QueueService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

QueueService::~QueueService() { Stop(); }

Result<std::unique_ptr<QueueService>> QueueService::Open(storage::KvStore& kv, QueueServiceOptions options,
                                                         common::metrics::Registry* metrics) {
  auto impl = std::make_unique<Impl>(kv, std::move(options));
  impl->metrics = metrics;
  STRATUS_RETURN_IF_ERROR(impl->Load());
  if (metrics != nullptr) {
    impl->sent = &metrics->GetCounter("stratus_sqs_messages_sent_total", "Messages sent to queues.");
    impl->received = &metrics->GetCounter("stratus_sqs_messages_received_total", "Messages returned by receives.");
    impl->deleted = &metrics->GetCounter("stratus_sqs_messages_deleted_total", "Messages deleted by receipt handle.");
    impl->dead_lettered = &metrics->GetCounter("stratus_sqs_messages_dead_lettered_total",
                                               "Messages moved to a dead-letter queue after maxReceiveCount receives.");
    impl->expired = &metrics->GetCounter("stratus_sqs_messages_expired_total",
                                         "Messages removed at the end of their queue's retention period.");
    impl->redriven = &metrics->GetCounter("stratus_sqs_messages_moved_total", "Messages moved by message move tasks.");
    Impl* raw = impl.get();
    auto sum = [raw](size_t Queue::*field) {
      std::vector<std::shared_ptr<Queue>> all;
      {
        std::lock_guard lock(raw->mu);
        for (auto& [n, q] : raw->queues) all.push_back(q);
      }
      double total = 0;
      for (auto& q : all) {
        std::lock_guard lock(q->mu);
        total += static_cast<double>((*q).*field);
      }
      return total;
    };
    metrics->AddCallbackGauge("stratus_sqs_messages_visible", "Messages ready to be received, over all queues.",
                              [sum] { return sum(&Queue::n_ready); });
    metrics->AddCallbackGauge("stratus_sqs_messages_in_flight", "Messages received and not yet deleted.",
                              [sum] { return sum(&Queue::n_inflight); });
    metrics->AddCallbackGauge("stratus_sqs_messages_delayed", "Messages waiting out a delay.",
                              [sum] { return sum(&Queue::n_delayed); });
    metrics->AddCallbackGauge("stratus_sqs_queues", "Queues in this region.", [raw] {
      std::lock_guard lock(raw->mu);
      return static_cast<double>(raw->queues.size());
    });
  }
  std::unique_ptr<QueueService> service(new QueueService(std::move(impl)));
  if (service->impl_->options.start_maintenance) {
    Impl* raw = service->impl_.get();
    raw->maintenance = std::thread([raw] {
      std::unique_lock lock(raw->stop_mu);
      while (!raw->stop_cv.wait_for(lock, raw->options.tick, [raw] { return raw->stopping; })) {
        lock.unlock();
        raw->Tick();
        lock.lock();
      }
    });
  }
  return service;
}

void QueueService::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  if (impl_->maintenance.joinable()) impl_->maintenance.join();
}

void QueueService::RunMaintenance() { impl_->Tick(); }

std::string QueueService::ArnOf(std::string_view name) const { return impl_->Arn(name); }

std::string QueueService::NameFromArn(std::string_view arn) const {
  std::string prefix = impl_->Arn("");
  if (!arn.starts_with(prefix)) return {};
  return std::string(arn.substr(prefix.size()));
}

Result<QueueInfo> QueueService::CreateQueue(std::string_view name, const std::map<std::string, std::string>& attributes,
                                            const std::map<std::string, std::string>& tags) {
  bool fifo_name = name.ends_with(".fifo");
  if (!ValidName(name)) {
    return Status(common::ErrorCode::kInvalidArgument,
                  "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
                  "InvalidParameterValue");
  }
  if (fifo_name && (!attributes.contains("FifoQueue") || attributes.at("FifoQueue") != "true")) {
    return Status(common::ErrorCode::kInvalidArgument,
                  "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                  "must end with .fifo suffix and be 1 to 80 in length.",
                  "InvalidParameterValue");
  }
  STRATUS_RETURN_IF_ERROR(ValidateAttributes(attributes, true, fifo_name));
  std::lock_guard admin(impl_->admin_mu);
  QueueConfig cfg = ConfigOf(attributes, fifo_name);
  if (!cfg.dlq_arn.empty()) {
    auto dlq = impl_->Find(NameFromArn(cfg.dlq_arn));
    if (dlq == nullptr) {
      return Status(common::ErrorCode::kInvalidArgument,
                    "Value for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.",
                    "InvalidParameterValue");
    }
    if (dlq->cfg.fifo != fifo_name) {
      return Status(common::ErrorCode::kInvalidArgument,
                    "Value for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be the same type "
                    "(FIFO or standard) as the source queue.",
                    "InvalidParameterValue");
    }
  }
  if (auto existing = impl_->Find(name)) {
    std::lock_guard lock(existing->mu);
    for (const auto& [k, v] : attributes) {
      auto have = existing->record.attributes.find(k);
      std::string current = have != existing->record.attributes.end() ? have->second
                            : Defaults().contains(k)                    ? Defaults().at(k)
                                                                        : std::string();
      if (current != v) {
        return Status(common::ErrorCode::kAlreadyExists,
                      fmt::format("A queue already exists with the same name and a different value for attribute {}", k),
                      "QueueNameExists");
      }
    }
    return QueueInfo{std::string(name), impl_->Arn(name), existing->cfg.fifo};
  }
  {
    std::lock_guard lock(impl_->mu);
    if (auto d = impl_->deleted_names.find(name);
        d != impl_->deleted_names.end() && impl_->NowMs() - d->second < 60'000) {
      return Status(common::ErrorCode::kConflict,
                    "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
                    "QueueDeletedRecently");
    }
  }
  auto q = std::make_shared<Queue>();
  q->record.name = std::string(name);
  q->record.id = common::RandomString(16, "0123456789abcdef");
  q->record.created = q->record.modified = impl_->NowMs() / 1000;
  q->record.attributes = attributes;
  q->record.tags = tags;
  q->cfg = cfg;
  storage::WriteBatch batch;
  batch.Put(keys::Queue(name), kCodec.Seal(records::Encode(q->record)));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock(impl_->mu);
  impl_->queues[std::string(name)] = q;
  return QueueInfo{std::string(name), impl_->Arn(name), cfg.fifo};
}

Result<QueueInfo> QueueService::GetQueue(std::string_view name) const {
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  std::lock_guard lock((*q)->mu);
  return QueueInfo{std::string(name), impl_->Arn(name), (*q)->cfg.fifo, (*q)->cfg.wait};
}

std::vector<std::string> QueueService::ListQueues(std::string_view prefix) const {
  std::vector<std::string> out;
  std::lock_guard lock(impl_->mu);
  for (auto it = impl_->queues.lower_bound(prefix); it != impl_->queues.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->first);
  }
  return out;
}

Status QueueService::DeleteQueue(std::string_view name) {
  std::lock_guard admin(impl_->admin_mu);
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  storage::WriteBatch batch;
  batch.Delete(keys::Queue(name));
  batch.Put(keys::Garbage((*q)->record.id), "");
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  {
    std::lock_guard lock((*q)->mu);
    (*q)->deleted = true;
    (*q)->Notify();
  }
  std::lock_guard lock(impl_->mu);
  impl_->queues.erase(impl_->queues.find(name));
  impl_->deleted_names[std::string(name)] = impl_->NowMs();
  return Status::Ok();
}

Result<std::map<std::string, std::string>> QueueService::GetAttributes(std::string_view name,
                                                                       const std::vector<std::string>& names) const {
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  std::map<std::string, std::string> all;
  {
    std::lock_guard lock((*q)->mu);
    const Queue& qq = **q;
    all = Defaults();
    for (const auto& [k, v] : qq.record.attributes) {
      if (!v.empty()) all[k] = v;
    }
    if (all.contains("KmsMasterKeyId")) {
      all["SqsManagedSseEnabled"] = "false";
      all.try_emplace("KmsDataKeyReusePeriodSeconds", "300");
    }
    all["ApproximateNumberOfMessages"] = std::to_string(qq.n_ready);
    all["ApproximateNumberOfMessagesNotVisible"] = std::to_string(qq.n_inflight);
    all["ApproximateNumberOfMessagesDelayed"] = std::to_string(qq.n_delayed);
    all["CreatedTimestamp"] = std::to_string(qq.record.created);
    all["LastModifiedTimestamp"] = std::to_string(qq.record.modified);
    all["QueueArn"] = impl_->Arn(name);
    if (qq.cfg.fifo) {
      all["FifoQueue"] = "true";
      all.try_emplace("ContentBasedDeduplication", "false");
      all.try_emplace("DeduplicationScope", "queue");
      all.try_emplace("FifoThroughputLimit", "perQueue");
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& n : names) {
    if (n == "All") return all;
    static const std::set<std::string_view> kKnown = {
        "All", "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp",
        "LastModifiedTimestamp", "QueueArn", "ApproximateNumberOfMessagesDelayed", "DelaySeconds",
        "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
        "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit",
        "RedriveAllowPolicy", "SqsManagedSseEnabled"};
    if (!kKnown.contains(n)) {
      return Status(common::ErrorCode::kInvalidArgument, fmt::format("Unknown Attribute {}.", n), "InvalidAttributeName");
    }
    if (auto it = all.find(n); it != all.end()) out[n] = it->second;
  }
  return out;
}

Status QueueService::SetAttributes(std::string_view name, const std::map<std::string, std::string>& attributes) {
  std::lock_guard admin(impl_->admin_mu);
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  QueueRecord rec;
  bool fifo;
  {
    std::lock_guard lock((*q)->mu);
    rec = (*q)->record;
    fifo = (*q)->cfg.fifo;
  }
  STRATUS_RETURN_IF_ERROR(ValidateAttributes(attributes, false, fifo));
  for (const auto& [k, v] : attributes) {
    if (v.empty() && (k == "RedrivePolicy" || k == "RedriveAllowPolicy" || k == "Policy" || k == "KmsMasterKeyId")) {
      rec.attributes.erase(k);
    } else {
      rec.attributes[k] = v;
    }
  }
  if (attributes.contains("SqsManagedSseEnabled") && attributes.at("SqsManagedSseEnabled") == "true") {
    rec.attributes.erase("KmsMasterKeyId");
  }
  QueueConfig cfg = ConfigOf(rec.attributes, fifo);
  if (!cfg.dlq_arn.empty() && attributes.contains("RedrivePolicy")) {
    auto dlq = impl_->Find(NameFromArn(cfg.dlq_arn));
    if (dlq == nullptr || dlq->cfg.fifo != fifo) {
      return Status(common::ErrorCode::kInvalidArgument,
                    dlq == nullptr ? "Value for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
                                   : "Value for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be "
                                     "the same type (FIFO or standard) as the source queue.",
                    "InvalidParameterValue");
    }
  }
  rec.modified = impl_->NowMs() / 1000;
  storage::WriteBatch batch;
  batch.Put(keys::Queue(name), kCodec.Seal(records::Encode(rec)));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock((*q)->mu);
  (*q)->record = std::move(rec);
  (*q)->cfg = cfg;
  return Status::Ok();
}

namespace {
Status UpdateTags(QueueService::Impl& impl, std::string_view name,
                  const std::function<void(std::map<std::string, std::string>&)>& change) {
  std::lock_guard admin(impl.admin_mu);
  auto q = impl.Get(name);
  if (!q.ok()) return q.status();
  QueueRecord rec;
  {
    std::lock_guard lock((*q)->mu);
    rec = (*q)->record;
  }
  change(rec.tags);
  if (rec.tags.size() > 50) {
    return Status(common::ErrorCode::kInvalidArgument, "Too many tags added for queue " + std::string(name) + ".",
                  "InvalidParameterValue");
  }
  storage::WriteBatch batch;
  batch.Put(keys::Queue(name), kCodec.Seal(records::Encode(rec)));
  STRATUS_RETURN_IF_ERROR(impl.kv.Write(batch));
  std::lock_guard lock((*q)->mu);
  (*q)->record.tags = std::move(rec.tags);
  return Status::Ok();
}
}  // namespace

Status QueueService::TagQueue(std::string_view name, const std::map<std::string, std::string>& tags) {
  return UpdateTags(*impl_, name, [&](auto& t) {
    for (const auto& [k, v] : tags) t[k] = v;
  });
}

Status QueueService::UntagQueue(std::string_view name, const std::vector<std::string>& keys) {
  return UpdateTags(*impl_, name, [&](auto& t) {
    for (const auto& k : keys) t.erase(k);
  });
}

Result<std::map<std::string, std::string>> QueueService::ListTags(std::string_view name) const {
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  std::lock_guard lock((*q)->mu);
  return (*q)->record.tags;
}

Status QueueService::PurgeQueue(std::string_view name) {
  std::lock_guard admin(impl_->admin_mu);
  auto q = impl_->Get(name);
  if (!q.ok()) return q.status();
  QueueRecord rec;
  {
    std::lock_guard lock((*q)->mu);
    rec = (*q)->record;
  }
  int64_t now = impl_->NowMs();
  if (rec.purged_ms != 0 && now - rec.purged_ms < 60'000) {
    return Status(common::ErrorCode::kPermissionDenied,
                  fmt::format("Only one PurgeQueue operation on {} is allowed every 60 seconds.", name),
                  "PurgeQueueInProgress");
  }
  rec.purge_seq = impl_->NextSeq();
  rec.purged_ms = now;
  storage::WriteBatch batch;
  batch.Put(keys::Queue(name), kCodec.Seal(records::Encode(rec)));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock((*q)->mu);
  Queue& qq = **q;
  qq.record = std::move(rec);
  while (!qq.entries.empty() && qq.entries.begin()->first < qq.record.purge_seq) qq.Remove(qq.entries.begin()->first);
  return Status::Ok();
}

Result<std::vector<std::string>> QueueService::DeadLetterSources(std::string_view name) const {
  if (impl_->Find(name) == nullptr) return NoSuchQueue();
  std::string arn = impl_->Arn(name);
  std::vector<std::shared_ptr<Queue>> all;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& [n, q] : impl_->queues) all.push_back(q);
  }
  std::vector<std::string> out;
  for (auto& q : all) {
    std::lock_guard lock(q->mu);
    if (q->cfg.dlq_arn == arn) out.push_back(q->record.name);
  }
  return out;
}

}  // namespace service::queues
