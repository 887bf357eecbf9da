#pragma once

// Internals of QueueService shared by its source files: the per-queue index
// and the service's state. See queue_service.h for the contract.

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "service/queues/queue_service.h"

namespace service::queues {

// Stored keys (docs/key-encoding.md):
//   sqs/q/<name>            queue record
//   sqs/m/<qid>/<seq:16hex> message (immutable)
//   sqs/s/<qid>/<seq:16hex> receive state of a message received at least once
//   sqs/x/<qid>/<dedup key> FIFO deduplication entry (five minutes)
//   sqs/t/<task handle>     message move task
//   sqs/g/<qid>             a deleted queue whose records are being removed
namespace keys {
std::string Queue(std::string_view name);
std::string Message(std::string_view qid, uint64_t seq);
std::string State(std::string_view qid, uint64_t seq);
std::string Dedup(std::string_view qid, std::string_view key);
std::string Task(std::string_view handle);
std::string Garbage(std::string_view qid);
inline constexpr std::string_view kQueues = "sqs/q/";
inline constexpr std::string_view kMessages = "sqs/m/";
inline constexpr std::string_view kStates = "sqs/s/";
inline constexpr std::string_view kDedups = "sqs/x/";
inline constexpr std::string_view kTasks = "sqs/t/";
inline constexpr std::string_view kGarbage = "sqs/g/";
// "<qid>/<seq>" suffixes of message and state keys.
bool ParseMessageSuffix(std::string_view suffix, std::string* qid, uint64_t* seq);
}  // namespace keys

// Parsed queue attributes.
struct QueueConfig {
  int visibility_timeout = 30;
  int retention = 345600;
  int delay = 0;
  int wait = 0;
  int max_size = 1 << 20;
  std::string dlq_arn;  // RedrivePolicy.deadLetterTargetArn
  int max_receive = 0;  // RedrivePolicy.maxReceiveCount
  bool fifo = false;
  bool content_dedup = false;
  bool dedup_per_group = false;  // DeduplicationScope=messageGroup
};

struct QueueRecord {
  std::string name;
  std::string id;
  int64_t created = 0;   // unix seconds
  int64_t modified = 0;
  std::map<std::string, std::string> attributes;  // as set (validated)
  std::map<std::string, std::string> tags;
  uint64_t purge_seq = 0;  // messages below were purged
  int64_t purged_ms = 0;
};

// A message as stored (sqs/m/...).
struct MessageRecord {
  std::string id;
  std::string body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;
  std::string md5_body, md5_attributes, md5_system;
  int64_t sent_ms = 0;
  std::string group_id, dedup_id, sender_id;
  std::string dead_letter_source;  // ARN of the queue it was moved from
};

struct MessageState {
  uint32_t receive_count = 0;
  int64_t first_receive_ms = 0;
  int64_t visible_ms = 0;
  uint32_t token = 0;
};

namespace records {
std::string Encode(const QueueRecord& q);
Result<QueueRecord> DecodeQueue(std::string_view s);
std::string Encode(const MessageRecord& m);
Result<MessageRecord> DecodeMessage(std::string_view s);
std::string Encode(const MessageState& s);
Result<MessageState> DecodeState(std::string_view s);
std::string EncodeDedup(int64_t expires_ms, std::string_view message_id, uint64_t seq);
bool DecodeDedup(std::string_view s, int64_t* expires_ms, std::string* message_id, uint64_t* seq);
std::string Encode(const MoveTask& t);
Result<MoveTask> DecodeTask(std::string_view s);
}  // namespace records

enum class MsgState : uint8_t { kDelayed, kReady, kInflight };

struct Entry {
  int64_t sent_ms = 0;
  int64_t visible_ms = 0;
  int64_t first_receive_ms = 0;
  uint32_t receive_count = 0;
  uint32_t token = 0;
  uint32_t size = 0;
  MsgState state = MsgState::kReady;
  std::string group;
};

struct Group {
  std::set<uint64_t> seqs;
  int inflight = 0;
  std::optional<uint64_t> listed;  // head seq under which it is in `available`
};

struct Dedup {
  int64_t expires_ms = 0;
  std::string message_id;
  uint64_t seq = 0;
};

struct Queue {
  QueueRecord record;  // guarded by mu (written under the service's admin_mu)
  QueueConfig cfg;

  mutable std::mutex mu;
  bool deleted = false;
  std::map<uint64_t, Entry> entries;
  std::set<std::pair<int64_t, uint64_t>> invisible;  // (visible_ms, seq) of delayed and in-flight
  std::set<uint64_t> ready;                           // standard queues
  std::map<std::string, Group> groups;                // FIFO queues
  std::set<std::pair<uint64_t, std::string>> available;  // FIFO groups that can be received
  size_t n_ready = 0, n_inflight = 0, n_delayed = 0;
  std::map<uint64_t, std::function<void()>> watchers;
  uint64_t next_watcher = 1;
  std::map<std::string, Dedup> dedup;
  // FIFO receives by ReceiveRequestAttemptId, for 5 minutes: a retry of the
  // same attempt gets the same messages and receipt handles while none of
  // them was deleted or changed visibility (kept in memory only).
  struct Attempt {
    int64_t expires_ms = 0;
    std::vector<std::pair<uint64_t, uint32_t>> received;  // (seq, token)
  };
  std::map<std::string, Attempt> attempts;
  uint64_t purge_collected = 0;  // purged records removed below this sequence

  // FIFO sends (and moves into a FIFO queue) take this across sequence
  // assignment, write and indexing, so sequence order is arrival order.
  std::mutex send_mu;

  // --- index operations; mu held ---
  void Insert(uint64_t seq, Entry e, int64_t now_ms);
  // Removes and returns the entry (nullopt if absent).
  std::optional<Entry> Remove(uint64_t seq);
  void SetState(uint64_t seq, Entry& e, MsgState s);
  void MakeInflight(uint64_t seq, Entry& e, int64_t visible_ms, uint32_t token);
  void MakeVisible(uint64_t seq, Entry& e);
  void RefreshGroup(const std::string& group);
  void Notify();
  // Makes the messages whose deadline has passed visible, waking watchers;
  // removes and returns those that have reached the redrive policy's
  // maxReceiveCount instead (for the caller to move to the dead-letter queue).
  std::vector<std::pair<uint64_t, Entry>> Promote(int64_t now_ms);
};

struct QueueService::Impl {
  storage::KvStore& kv;
  QueueServiceOptions options;
  common::metrics::Registry* metrics = nullptr;

  mutable std::mutex mu;  // queues_, deleted_names_, tasks_
  std::map<std::string, std::shared_ptr<Queue>, std::less<>> queues;
  std::map<std::string, int64_t, std::less<>> deleted_names;  // name → deletion ms
  std::map<std::string, MoveTask> tasks;                      // handle → task
  std::map<std::string, double> task_budget;                  // handle → messages it may move now

  std::mutex admin_mu;  // queue lifecycle and attribute changes, one at a time
  std::mutex seq_mu;
  uint64_t last_seq = 0;

  uint64_t ticks = 0;  // maintenance passes so far (maintenance thread only)

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread maintenance;

  // Metrics.
  common::metrics::Counter* sent = nullptr;
  common::metrics::Counter* received = nullptr;
  common::metrics::Counter* deleted = nullptr;
  common::metrics::Counter* dead_lettered = nullptr;
  common::metrics::Counter* expired = nullptr;
  common::metrics::Counter* redriven = nullptr;

  Impl(storage::KvStore& k, QueueServiceOptions o) : kv(k), options(std::move(o)) {}

  int64_t NowMs() const;
  uint64_t NextSeq();
  std::string Arn(std::string_view name) const;
  std::shared_ptr<Queue> Find(std::string_view name) const;
  Result<std::shared_ptr<Queue>> Get(std::string_view name) const;

  Status Load();
  void Tick();
  // Moves messages already removed from `from`'s index (their entries
  // given) into `dest` (or, when null, each message's dead-letter source
  // queue), each as one atomic batch. Messages that cannot be moved go back
  // into `from` as visible. Returns how many moved.
  // The dead-letter move of what Promote returned.
  void MoveToDeadLetterQueue(Queue& from, std::vector<std::pair<uint64_t, Entry>> moving);
  int64_t Move(Queue& from, std::vector<std::pair<uint64_t, Entry>> moving, const std::shared_ptr<Queue>& dest,
               bool to_dead_letter_queue);
  void RunTasks(double seconds);
  void CollectGarbage();
};

// Validation and rendering of queue attributes (attributes.cc).
// Validates `attrs` for a create (creating=true) or a set; fills `cfg`
// from `merged` (the queue's attributes after the change).
Status ValidateAttributes(const std::map<std::string, std::string>& attrs, bool creating, bool fifo_name);
QueueConfig ConfigOf(const std::map<std::string, std::string>& attrs, bool fifo);

std::string HexSeq(uint64_t seq);

// Receipt handles: base64 of "<qid>:<seq hex16>:<token hex8>".
std::string ReceiptHandle(std::string_view qid, uint64_t seq, uint32_t token);
bool ParseReceiptHandle(std::string_view handle, std::string* qid, uint64_t* seq, uint32_t* token);

}  // namespace service::queues
