// QueueService background work: deadlines and dead-letter moves, retention,
// deduplication windows, message move tasks, and removal of the records of
// deleted queues and purged messages.

#include <fmt/format.h>

#include "common/checksum.h"
#include "common/ids.h"
#include "common/log.h"
#include "service/queues/service_impl.h"
#include "storage/value_codec.h"

namespace service::queues {
namespace {

const storage::ValueCodec kCodec;
constexpr int kDefaultMoveRate = 500;  // messages a second when the task names none
constexpr size_t kGarbagePerPass = 1000;

std::vector<std::shared_ptr<Queue>> AllQueues(const QueueService::Impl& impl) {
  std::lock_guard lock(impl.mu);
  std::vector<std::shared_ptr<Queue>> out;
  for (const auto& [n, q] : impl.queues) out.push_back(q);
  return out;
}

Status NotFound(std::string message) {
  return Status(common::ErrorCode::kNotFound, std::move(message), "ResourceNotFoundException");
}

}  // namespace

int64_t QueueService::Impl::Move(Queue& from, std::vector<std::pair<uint64_t, Entry>> moving,
                                 const std::shared_ptr<Queue>& dest, bool to_dead_letter_queue) {
  if (moving.empty()) return 0;
  std::string from_qid, from_name;
  {
    std::lock_guard lock(from.mu);
    from_qid = from.record.id;
    from_name = from.record.name;
  }
  struct Planned {
    uint64_t old_seq;
    Entry old_entry;
    std::shared_ptr<Queue> target;
    MessageRecord rec;
  };
  std::vector<Planned> plans;
  std::vector<std::pair<uint64_t, Entry>> back;  // stay in `from`
  for (auto& [seq, e] : moving) {
    auto raw = kv.Get(keys::Message(from_qid, seq));
    if (!raw.ok()) {
      back.emplace_back(seq, std::move(e));
      continue;
    }
    if (!raw->has_value()) continue;  // deleted meanwhile
    auto plain = kCodec.Open(**raw);
    auto rec = plain.ok() ? records::DecodeMessage(*plain) : Result<MessageRecord>(plain.status());
    if (!rec.ok()) {
      back.emplace_back(seq, std::move(e));
      continue;
    }
    std::shared_ptr<Queue> target = dest;
    if (target == nullptr && !rec->dead_letter_source.empty()) {
      std::lock_guard lock(mu);
      auto it = queues.find(std::string_view(rec->dead_letter_source).substr(Arn("").size()));
      if (rec->dead_letter_source.starts_with(Arn("")) && it != queues.end()) target = it->second;
    }
    if (target == nullptr || target.get() == &from) {
      back.emplace_back(seq, std::move(e));
      continue;
    }
    if (to_dead_letter_queue) {
      rec->dead_letter_source = Arn(from_name);
    } else {
      rec->sent_ms = NowMs();  // a redriven message starts its retention anew
    }
    plans.push_back({seq, std::move(e), std::move(target), std::move(rec).value()});
  }
  // FIFO targets keep arrival order: their send locks, in address order.
  std::vector<Queue*> fifo_targets;
  for (auto& p : plans) {
    if (p.target->cfg.fifo) fifo_targets.push_back(p.target.get());
  }
  std::sort(fifo_targets.begin(), fifo_targets.end());
  fifo_targets.erase(std::unique(fifo_targets.begin(), fifo_targets.end()), fifo_targets.end());
  std::vector<std::unique_lock<std::mutex>> send_locks;
  for (Queue* t : fifo_targets) send_locks.emplace_back(t->send_mu);

  storage::WriteBatch batch;
  std::vector<std::pair<uint64_t, std::string>> new_seqs;  // (seq, target qid)
  for (auto& p : plans) {
    std::string tqid;
    {
      std::lock_guard lock(p.target->mu);
      tqid = p.target->record.id;
    }
    uint64_t seq = NextSeq();
    batch.Delete(keys::Message(from_qid, p.old_seq));
    batch.Delete(keys::State(from_qid, p.old_seq));
    batch.Put(keys::Message(tqid, seq), kCodec.Seal(records::Encode(p.rec)));
    new_seqs.emplace_back(seq, std::move(tqid));
  }
  int64_t now = NowMs();
  Status written = batch.empty() ? Status::Ok() : kv.Write(batch);
  if (!written.ok()) {
    common::log::Get("sqs")->warn("queue={} moving {} messages failed: {}", from_name, plans.size(), written.ToString());
    for (auto& p : plans) back.emplace_back(p.old_seq, std::move(p.old_entry));
    plans.clear();
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    Planned& p = plans[i];
    Entry e;
    e.sent_ms = p.rec.sent_ms;
    e.visible_ms = now;
    e.size = static_cast<uint32_t>(p.rec.body.size());
    e.group = p.rec.group_id;
    std::lock_guard lock(p.target->mu);
    if (p.target->deleted) continue;
    p.target->Insert(new_seqs[i].first, std::move(e), now);
    p.target->Notify();
  }
  if (!back.empty()) {
    std::lock_guard lock(from.mu);
    for (auto& [seq, e] : back) {
      e.visible_ms = now;
      from.Insert(seq, std::move(e), now);
    }
    from.Notify();
  }
  return static_cast<int64_t>(plans.size());
}

void QueueService::Impl::MoveToDeadLetterQueue(Queue& from, std::vector<std::pair<uint64_t, Entry>> moving) {
  std::string dlq_arn;
  {
    std::lock_guard lock(from.mu);
    dlq_arn = from.cfg.dlq_arn;
  }
  std::shared_ptr<Queue> dlq;
  if (dlq_arn.starts_with(Arn(""))) dlq = Find(std::string_view(dlq_arn).substr(Arn("").size()));
  // Without its dead-letter queue a message stays (visible again), as in SQS.
  int64_t n = Move(from, std::move(moving), dlq, true);
  if (dead_lettered != nullptr && dlq != nullptr) dead_lettered->Inc(static_cast<uint64_t>(n));
}

void QueueService::Impl::Tick() {
  ++ticks;
  int64_t now = NowMs();
  bool prune = ticks % 10 == 0;
  for (auto& q : AllQueues(*this)) {
    std::vector<std::pair<uint64_t, Entry>> dead;
    storage::WriteBatch batch;
    size_t expired_count = 0;
    {
      std::lock_guard lock(q->mu);
      if (q->deleted) continue;
      dead = q->Promote(now);
      int64_t retention_ms = int64_t{q->cfg.retention} * 1000;
      // Sequence order is arrival order: the oldest messages are first.
      while (!q->entries.empty() && q->entries.begin()->second.sent_ms + retention_ms <= now) {
        uint64_t seq = q->entries.begin()->first;
        q->Remove(seq);
        batch.Delete(keys::Message(q->record.id, seq));
        batch.Delete(keys::State(q->record.id, seq));
        ++expired_count;
      }
      if (prune) {
        for (auto it = q->dedup.begin(); it != q->dedup.end();) {
          if (it->second.expires_ms <= now) {
            batch.Delete(keys::Dedup(q->record.id, it->first));
            it = q->dedup.erase(it);
          } else {
            ++it;
          }
        }
      }
    }
    if (!dead.empty()) MoveToDeadLetterQueue(*q, std::move(dead));
    if (!batch.empty()) {
      if (auto st = kv.Write(batch); !st.ok()) {
        common::log::Get("sqs")->warn("retention pass failed: {}", st.ToString());
      } else if (expired != nullptr) {
        expired->Inc(expired_count);
      }
    }
  }
  RunTasks(std::chrono::duration<double>(options.tick).count());
  if (prune) CollectGarbage();
}

void QueueService::Impl::RunTasks(double seconds) {
  std::vector<MoveTask> running;
  {
    std::lock_guard lock(mu);
    for (auto& [h, t] : tasks) {
      if (t.status == MoveTaskStatus::kRunning) running.push_back(t);
    }
  }
  for (MoveTask& t : running) {
    auto source = Find(std::string_view(t.source_arn).substr(std::min(t.source_arn.size(), Arn("").size())));
    std::shared_ptr<Queue> dest;
    if (!t.destination_arn.empty()) {
      dest = Find(std::string_view(t.destination_arn).substr(std::min(t.destination_arn.size(), Arn("").size())));
    }
    if (source == nullptr || (!t.destination_arn.empty() && dest == nullptr)) {
      t.status = MoveTaskStatus::kFailed;
      t.failure_reason = source == nullptr ? "The source queue no longer exists." : "The destination queue no longer exists.";
    } else {
      double rate = t.max_per_second.value_or(kDefaultMoveRate);
      double budget;
      {
        std::lock_guard lock(mu);
        budget = std::min(rate, task_budget[t.handle] + rate * seconds);
        task_budget[t.handle] = budget;
      }
      size_t n = static_cast<size_t>(budget);
      std::vector<std::pair<uint64_t, Entry>> taking;
      size_t eligible = 0;
      {
        std::lock_guard lock(source->mu);
        std::vector<uint64_t> candidates;
        for (auto it = source->entries.begin(); it != source->entries.end() && it->first < t.boundary_seq; ++it) {
          if (it->second.state != MsgState::kReady) continue;
          if (source->cfg.fifo && source->groups.at(it->second.group).inflight > 0) continue;
          ++eligible;
          if (candidates.size() < n) candidates.push_back(it->first);
        }
        for (uint64_t seq : candidates) taking.emplace_back(seq, *source->Remove(seq));
      }
      if (eligible > 0 && taking.empty()) continue;  // waiting for budget
      bool moved_all = true;
      if (!taking.empty()) {
        size_t took = taking.size();
        int64_t moved = Move(*source, std::move(taking), dest, false);
        moved_all = static_cast<size_t>(moved) == took;
        t.moved += moved;
        if (redriven != nullptr) redriven->Inc(static_cast<uint64_t>(moved));
        std::lock_guard lock(mu);
        task_budget[t.handle] -= static_cast<double>(took);
        if (moved == 0 && dest == nullptr) {
          t.status = MoveTaskStatus::kFailed;
          t.failure_reason = "Messages have no source queue to return to; name a DestinationArn.";
        }
      }
      if (t.status == MoveTaskStatus::kRunning && eligible <= n && moved_all) {
        t.status = MoveTaskStatus::kCompleted;  // everything there was at the start has moved
      }
    }
    storage::WriteBatch batch;
    batch.Put(keys::Task(t.handle), kCodec.Seal(records::Encode(t)));
    if (auto st = kv.Write(batch); !st.ok()) {
      common::log::Get("sqs")->warn("move task {} not recorded: {}", t.handle, st.ToString());
    }
    std::lock_guard lock(mu);
    auto it = tasks.find(t.handle);
    if (it == tasks.end()) continue;
    if (it->second.status == MoveTaskStatus::kCancelled) {
      it->second.moved = t.moved;
      continue;
    }
    it->second = t;
    if (t.status != MoveTaskStatus::kRunning) task_budget.erase(t.handle);
  }
}

void QueueService::Impl::CollectGarbage() {
  storage::WriteBatch batch;
  std::vector<std::string> finished;
  // Deleted queues.
  {
    auto it = kv.NewIterator({std::string(keys::kGarbage), storage::PrefixSuccessor(keys::kGarbage)});
    for (it->Seek(keys::kGarbage); it->Valid() && batch.size() < kGarbagePerPass; it->Next()) {
      std::string qid(it->key().substr(keys::kGarbage.size()));
      size_t before = batch.size();
      for (std::string_view space : {keys::kMessages, keys::kStates, keys::kDedups}) {
        std::string prefix = fmt::format("{}{}/", space, qid);
        auto inner = kv.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
        for (inner->Seek(prefix); inner->Valid() && batch.size() < kGarbagePerPass; inner->Next()) {
          batch.Delete(inner->key());
        }
      }
      if (batch.size() == before) batch.Delete(it->key());
    }
  }
  // Purged messages.
  for (auto& q : AllQueues(*this)) {
    std::string qid;
    uint64_t purge;
    {
      std::lock_guard lock(q->mu);
      qid = q->record.id;
      purge = q->record.purge_seq;
      if (purge <= q->purge_collected) continue;
    }
    size_t before = batch.size();
    for (std::string_view space : {keys::kMessages, keys::kStates}) {
      std::string prefix = fmt::format("{}{}/", space, qid);
      auto inner = kv.NewIterator({prefix, fmt::format("{}{}", prefix, HexSeq(purge))});
      for (inner->Seek(prefix); inner->Valid() && batch.size() < kGarbagePerPass; inner->Next()) {
        batch.Delete(inner->key());
      }
    }
    if (batch.size() == before) {
      std::lock_guard lock(q->mu);
      q->purge_collected = purge;
    }
  }
  if (!batch.empty()) {
    if (auto st = kv.Write(batch); !st.ok()) common::log::Get("sqs")->warn("garbage collection failed: {}", st.ToString());
  }
}

// --- Message move tasks -------------------------------------------------------

Result<std::string> QueueService::StartMoveTask(std::string_view source_arn, std::string_view destination_arn,
                                                std::optional<int> max_per_second) {
  std::string source = NameFromArn(source_arn);
  auto q = impl_->Find(source);
  if (source.empty() || q == nullptr) {
    return NotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
  }
  if (!destination_arn.empty()) {
    std::string dest = NameFromArn(destination_arn);
    if (dest.empty() || impl_->Find(dest) == nullptr) {
      return NotFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
    }
  }
  if (max_per_second && (*max_per_second < 1 || *max_per_second > 500)) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("Value {} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between "
                              "1 and 500.", *max_per_second),
                  "InvalidParameterValue");
  }
  auto sources = DeadLetterSources(source);
  if (!sources.ok()) return sources.status();
  if (sources->empty()) {
    return Status(common::ErrorCode::kInvalidArgument, "Source queue must be configured as a Dead Letter Queue.",
                  "InvalidParameterValue");
  }
  MoveTask t;
  t.source_arn = std::string(source_arn);
  t.destination_arn = std::string(destination_arn);
  t.max_per_second = max_per_second;
  t.started_ms = impl_->NowMs();
  t.boundary_seq = impl_->NextSeq();
  {
    std::lock_guard lock(q->mu);
    t.to_move = static_cast<int64_t>(q->n_ready + q->n_inflight + q->n_delayed);
  }
  t.handle = common::Base64Encode(
      fmt::format(R"({{"taskId":"{}","sourceArn":"{}"}})", common::NewUuid(), source_arn));
  std::lock_guard admin(impl_->admin_mu);
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& [h, other] : impl_->tasks) {
      if (other.source_arn == source_arn && other.status == MoveTaskStatus::kRunning) {
        return Status(common::ErrorCode::kInvalidArgument,
                      "There is already a task running. Only one active task is allowed for a source queue arn at a "
                      "given time.",
                      "UnsupportedOperation");
      }
    }
  }
  storage::WriteBatch batch;
  batch.Put(keys::Task(t.handle), kCodec.Seal(records::Encode(t)));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock(impl_->mu);
  impl_->tasks[t.handle] = t;
  return t.handle;
}

Result<int64_t> QueueService::CancelMoveTask(std::string_view handle) {
  std::lock_guard admin(impl_->admin_mu);
  MoveTask t;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->tasks.find(std::string(handle));
    if (it == impl_->tasks.end()) return NotFound("The task handle does not name a message move task.");
    if (it->second.status != MoveTaskStatus::kRunning) {
      return Status(common::ErrorCode::kInvalidArgument, "Only a running task can be cancelled.", "UnsupportedOperation");
    }
    t = it->second;
  }
  t.status = MoveTaskStatus::kCancelled;
  storage::WriteBatch batch;
  batch.Put(keys::Task(t.handle), kCodec.Seal(records::Encode(t)));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock(impl_->mu);
  auto& stored = impl_->tasks[t.handle];
  stored.status = MoveTaskStatus::kCancelled;
  return stored.moved;
}

Result<std::vector<MoveTask>> QueueService::ListMoveTasks(std::string_view source_arn, int max) const {
  std::string source = NameFromArn(source_arn);
  if (source.empty() || impl_->Find(source) == nullptr) {
    return NotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
  }
  if (max < 1 || max > 10) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("Value {} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.", max),
                  "InvalidParameterValue");
  }
  std::vector<MoveTask> out;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& [h, t] : impl_->tasks) {
      if (t.source_arn == source_arn) out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end(), [](const MoveTask& a, const MoveTask& b) { return a.started_ms > b.started_ms; });
  if (out.size() > static_cast<size_t>(max)) out.resize(static_cast<size_t>(max));
  return out;
}

}  // namespace service::queues
