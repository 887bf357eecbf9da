#pragma once

// The queue service's vocabulary: queues with SQS's attributes, messages with
// their attributes, and message move tasks. Attribute and error names are
// SQS's, since they are what users configure and see.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace service::queues {

// A message attribute: DataType "String", "Number" or "Binary", optionally
// with a custom label ("String.json"). Binary values are raw bytes.
struct AttributeValue {
  std::string data_type;
  std::string string_value;
  std::string binary_value;
  bool operator==(const AttributeValue&) const = default;
};
using MessageAttributes = std::map<std::string, AttributeValue>;

struct NewMessage {
  std::string body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;  // AWSTraceHeader
  std::optional<int> delay_seconds;     // else the queue's DelaySeconds
  std::string group_id;                 // FIFO queues
  std::string deduplication_id;         // FIFO queues
};

struct SentMessage {
  std::string message_id;
  std::string md5_of_body;                // hex
  std::string md5_of_attributes;          // hex, "" without attributes
  std::string md5_of_system_attributes;   // hex, "" without
  std::string sequence_number;            // FIFO queues
};

struct ReceiveOptions {
  int max_messages = 1;                       // 1–10
  std::optional<int> visibility_timeout;      // seconds, else the queue's
  std::string attempt_id;                     // FIFO ReceiveRequestAttemptId
};

struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  MessageAttributes attributes;
  std::string md5_of_attributes;  // "" without attributes
  // The message's system attributes (SentTimestamp, ApproximateReceiveCount,
  // ApproximateFirstReceiveTimestamp, SenderId, MessageGroupId,
  // MessageDeduplicationId, SequenceNumber, AWSTraceHeader,
  // DeadLetterQueueSourceArn), all of them; the caller selects.
  std::map<std::string, std::string> system;
};

struct QueueInfo {
  std::string name;
  std::string arn;
  bool fifo = false;
  int receive_wait_seconds = 0;  // ReceiveMessageWaitTimeSeconds
};

enum class MoveTaskStatus { kRunning, kCompleted, kCancelling, kCancelled, kFailed };

struct MoveTask {
  std::string handle;
  std::string source_arn;
  std::string destination_arn;           // "" = each message's original source
  std::optional<int> max_per_second;
  MoveTaskStatus status = MoveTaskStatus::kRunning;
  int64_t moved = 0;
  int64_t to_move = 0;
  int64_t started_ms = 0;
  std::string failure_reason;
  uint64_t boundary_seq = 0;  // messages with a sequence number below move
};

std::string_view MoveTaskStatusName(MoveTaskStatus s);  // "RUNNING", ...

}  // namespace service::queues
