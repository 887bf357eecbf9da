// libFuzzer target for the Query protocol codec (src/api/query/model.h) with
// SQS's model, and the SQS request readers (src/api/sqs/wire.h) it feeds.
//
// Input grammar: the raw bytes are one form-encoded request body
// ("Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&..."), parsed
// as the Query protocol parses it, then decoded as the input of every SQS
// operation.
//
// Properties checked beyond "no crash, leak or UB":
//   1. Decoding fails only with kInvalidArgument.
//   2. What decodes reads through every Input accessor without crashing, and
//      the decoded object renders as XML (as an output would) without crashing.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/common/query_string.h"
#include "api/query/model.h"
#include "api/query/models/models.h"
#include "api/sqs/wire.h"

namespace {

constexpr std::string_view kOps[] = {
    "AddPermission", "CancelMessageMoveTask", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
    "CreateQueue", "DeleteMessage", "DeleteMessageBatch", "DeleteQueue", "GetQueueAttributes", "GetQueueUrl",
    "ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags", "ListQueues", "PurgeQueue",
    "ReceiveMessage", "RemovePermission", "SendMessage", "SendMessageBatch", "SetQueueAttributes",
    "StartMessageMoveTask", "TagQueue", "UntagQueue"};

void ReadAll(const api::sqs::Input& in) {
  for (std::string_view m : {"QueueUrl", "QueueName", "MessageBody", "ReceiptHandle", "SourceArn"}) {
    (void)in.String(m);
  }
  (void)in.Int("MaxNumberOfMessages");
  (void)in.StringMap("Attributes");
  (void)in.StringList("AttributeNames");
  (void)in.MessageAttributes("MessageAttributes");
  if (auto entries = in.Array("Entries"); entries.ok() && *entries != nullptr) {
    for (const auto& e : **entries) {
      if (e.is_object()) (void)api::sqs::Input(e.as_object()).MessageAttributes("MessageAttributes");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto model = api::query::ServiceModel::Parse(api::query::models::Sqs()).value();
  auto params = api::ParseQuery(std::string_view(reinterpret_cast<const char*>(data), size), true);
  if (!params) return 0;
  for (std::string_view op : kOps) {
    auto in = model->DecodeInput(op, *params);
    if (!in.ok()) {
      if (in.status().code() != common::ErrorCode::kInvalidArgument) std::abort();
      continue;
    }
    ReadAll(api::sqs::Input(*in));
    (void)model->EncodeOutput(op, *in, "R");
  }
  return 0;
}
