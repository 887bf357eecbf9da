#pragma once

// QueueService: one region's SQS-style message queues (the domain behind both
// of SQS's wire protocols). Protocol-neutral: queue names, attribute maps and
// messages in and out; api/sqs/ maps them to the wire and back.
//
// Durability: a message is one sealed record, written with a synced batch
// before Send returns; each receive durably records the receive count and the
// visibility deadline before the messages are returned; a delete, a move to a
// dead-letter queue or to a redrive destination is one atomic batch. After a
// crash, every acknowledged message is there, in flight ones stay invisible
// until their deadline, and none is seen twice by the same receive.
//
// In memory, each queue indexes its messages (sequence, state, deadline,
// receive count) so that receives, deletes and counts never scan storage;
// the index is rebuilt from storage at Open.
//
// Semantics follow SQS: visibility timeouts, per-message and queue delays,
// retention (expired messages are removed), maxReceiveCount moves to the
// redrive policy's dead-letter queue (checked when an in-flight message's
// deadline passes), FIFO queues (one message group in flight at a time,
// deduplication for five minutes by id or content), message move tasks from a
// dead-letter queue back to the sources or to a chosen queue, PurgeQueue.
//
// Long polling: Receive never blocks. Watch() registers a callback that runs
// when the queue may have new visible messages (a send, a visibility change,
// a move, a deadline passing); NextDeadline() tells when the next invisible
// message becomes visible, so a poller can sleep until then without polling.
//
// Concurrency: thread-safe. A queue's index is guarded by its own mutex;
// storage writes happen outside it. Background work (one maintenance thread):
// deadlines and dead-letter moves, retention, move tasks, removal of deleted
// queues' and purged messages' records.
//
// Errors carry SQS's names as the Status reason: QueueDoesNotExist,
// QueueNameExists, QueueDeletedRecently, InvalidAttributeName,
// InvalidAttributeValue, InvalidParameterValue, MissingParameter,
// ReceiptHandleIsInvalid, MessageNotInflight, InvalidMessageContents,
// PurgeQueueInProgress, ResourceNotFoundException, UnsupportedOperation,
// InvalidIdFormat.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "service/queues/types.h"
#include "storage/kv_store.h"

namespace service::queues {

using common::Result;
using common::Status;

struct QueueServiceOptions {
  std::string region;
  std::string account = "000000000000";
  // How often deadlines, dead-letter moves, retention and move tasks advance.
  std::chrono::milliseconds tick{100};
  bool start_maintenance = true;  // false in tests that call RunMaintenance()
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

class QueueService {
 public:
  static Result<std::unique_ptr<QueueService>> Open(storage::KvStore& kv, QueueServiceOptions options,
                                                    common::metrics::Registry* metrics = nullptr);
  ~QueueService();  // Stop()s

  // Stops the maintenance thread. Call before the store closes. Idempotent.
  void Stop();
  // One maintenance pass (tests).
  void RunMaintenance();

  // --- Queues --------------------------------------------------------------
  // Creates the queue, or returns the existing one when every given attribute
  // matches (QueueNameExists otherwise).
  Result<QueueInfo> CreateQueue(std::string_view name, const std::map<std::string, std::string>& attributes,
                                const std::map<std::string, std::string>& tags);
  Result<QueueInfo> GetQueue(std::string_view name) const;
  // Names in order, with `prefix`.
  std::vector<std::string> ListQueues(std::string_view prefix) const;
  Status DeleteQueue(std::string_view name);
  // `names` may hold "All". Unknown names are InvalidAttributeName.
  Result<std::map<std::string, std::string>> GetAttributes(std::string_view name,
                                                           const std::vector<std::string>& names) const;
  Status SetAttributes(std::string_view name, const std::map<std::string, std::string>& attributes);
  Status TagQueue(std::string_view name, const std::map<std::string, std::string>& tags);
  Status UntagQueue(std::string_view name, const std::vector<std::string>& keys);
  Result<std::map<std::string, std::string>> ListTags(std::string_view name) const;
  // Removes every message sent before the call. Once per 60 s per queue.
  Status PurgeQueue(std::string_view name);
  // Names of the queues whose redrive policy targets `name`.
  Result<std::vector<std::string>> DeadLetterSources(std::string_view name) const;

  // The queue named by an ARN of this region and account, or "".
  std::string NameFromArn(std::string_view arn) const;
  std::string ArnOf(std::string_view name) const;

  // --- Messages ------------------------------------------------------------
  // Sends messages in one durable write; one result per message, in order.
  // The whole call fails (QueueDoesNotExist, I/O) or each message may fail on
  // its own (invalid contents, size, FIFO parameters).
  Result<std::vector<Result<SentMessage>>> Send(std::string_view name, std::vector<NewMessage> messages,
                                                std::string_view sender_id);
  // The visible messages it can take now (possibly none); never waits.
  Result<std::vector<ReceivedMessage>> Receive(std::string_view name, const ReceiveOptions& options);
  // Deletes by receipt handle; one status per handle (ReceiptHandleIsInvalid
  // for one that is malformed or of another queue). A handle of a message
  // already gone succeeds, as in SQS.
  Result<std::vector<Status>> Delete(std::string_view name, const std::vector<std::string>& receipt_handles);
  // Sets in-flight messages' visibility timeouts (0–43200 s from now).
  // MessageNotInflight for a message not in flight under that handle.
  Result<std::vector<Status>> ChangeVisibility(std::string_view name,
                                               const std::vector<std::pair<std::string, int>>& changes);

  // Long polling (see above). `wake` runs on the caller of whatever made a
  // message visible, under the queue's lock: it must only signal (post to an
  // executor), never call back into the service. Returns a token for Unwatch.
  Result<uint64_t> Watch(std::string_view name, std::function<void()> wake);
  void Unwatch(std::string_view name, uint64_t token);
  // When the queue's next invisible message becomes visible, if any.
  std::optional<std::chrono::system_clock::time_point> NextDeadline(std::string_view name) const;

  // --- Message move tasks -------------------------------------------------
  // Moves the messages in `source_arn` (a queue that is some queue's
  // dead-letter queue) to `destination_arn`, or to each message's original
  // source when empty, at most `max_per_second` (1–500) a second.
  Result<std::string> StartMoveTask(std::string_view source_arn, std::string_view destination_arn,
                                    std::optional<int> max_per_second);
  // The number of messages moved so far.
  Result<int64_t> CancelMoveTask(std::string_view handle);
  // The most recent tasks of a source queue (newest first), at most `max`.
  Result<std::vector<MoveTask>> ListMoveTasks(std::string_view source_arn, int max) const;

  struct Impl;

 private:
  explicit QueueService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// MD5 of the message attributes as SQS computes it (clients verify it): the
// attributes sorted by name, each as length-prefixed name, data type, a
// transport byte (1 string, 2 binary) and length-prefixed value. Hex.
std::string Md5OfAttributes(const MessageAttributes& attributes);

}  // namespace service::queues
