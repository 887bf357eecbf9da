// libFuzzer target for the Query protocol codec (src/api/query/model.h) with
// SQS's and SNS's models, and the request readers (src/api/query/input.h) it
// feeds.
//
// Input grammar: the raw bytes are one form-encoded request body
// ("Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&..."), parsed
// as the Query protocol parses it, then decoded as the input of every SQS and
// SNS operation. The same bytes are also read as a response the AWS client
// received (DecodeOutput of every operation, DecodeError): a server's answer
// is untrusted input too.
//
// Properties checked beyond "no crash, leak or UB":
//   1. Decoding fails only with kInvalidArgument.
//   2. What decodes reads through every Input accessor without crashing, and
//      the decoded object renders as XML (as an output would) and encodes
//      back to form parameters (as the client sends them) without crashing.
//   3. DecodeOutput fails only with kInvalidArgument.

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "api/common/query_string.h"
#include "api/query/model.h"
#include "api/query/models/models.h"
#include "api/query/input.h"

namespace {

constexpr std::string_view kOps[] = {
    "AddPermission", "CancelMessageMoveTask", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
    "CreateQueue", "DeleteMessage", "DeleteMessageBatch", "DeleteQueue", "GetQueueAttributes", "GetQueueUrl",
    "ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags", "ListQueues", "PurgeQueue",
    "ReceiveMessage", "RemovePermission", "SendMessage", "SendMessageBatch", "SetQueueAttributes",
    "StartMessageMoveTask", "TagQueue", "UntagQueue"};
constexpr std::string_view kSnsOps[] = {
    "ConfirmSubscription", "CreateTopic", "DeleteTopic", "GetSubscriptionAttributes", "GetTopicAttributes",
    "ListSubscriptions", "ListSubscriptionsByTopic", "ListTagsForResource", "ListTopics", "Publish",
    "PublishBatch", "SetSubscriptionAttributes", "SetTopicAttributes", "Subscribe", "TagResource",
    "Unsubscribe", "UntagResource"};

void ReadAll(const api::query::Input& in) {
  for (std::string_view m : {"QueueUrl", "QueueName", "MessageBody", "ReceiptHandle", "SourceArn", "TopicArn",
                             "Message"}) {
    (void)in.String(m);
  }
  (void)in.Int("MaxNumberOfMessages");
  (void)in.StringMap("Attributes");
  (void)in.StringList("AttributeNames");
  (void)in.MessageAttributes("MessageAttributes");
  (void)in.Array("Tags");
  if (auto entries = in.Array("PublishBatchRequestEntries"); entries.ok() && *entries != nullptr) {
    for (const auto& e : **entries) {
      if (e.is_object()) (void)api::query::Input(e.as_object()).MessageAttributes("MessageAttributes");
    }
  }
  if (auto entries = in.Array("Entries"); entries.ok() && *entries != nullptr) {
    for (const auto& e : **entries) {
      if (e.is_object()) (void)api::query::Input(e.as_object()).MessageAttributes("MessageAttributes");
    }
  }
}

}  // namespace

static void DecodeAll(const api::query::ServiceModel& model, const api::Params& params,
               std::span<const std::string_view> ops) {
  for (std::string_view op : ops) {
    auto in = model.DecodeInput(op, params);
    if (!in.ok()) {
      if (in.status().code() != common::ErrorCode::kInvalidArgument) std::abort();
      continue;
    }
    ReadAll(api::query::Input(*in));
    (void)model.EncodeOutput(op, *in, "R");
    auto form = model.EncodeInput(op, *in);
    if (!form.ok() && form.status().code() != common::ErrorCode::kInvalidArgument) std::abort();
  }
}

static void DecodeResponses(const api::query::ServiceModel& model, std::string_view xml,
                            std::span<const std::string_view> ops) {
  for (std::string_view op : ops) {
    auto out = model.DecodeOutput(op, xml);
    if (!out.ok() && out.status().code() != common::ErrorCode::kInvalidArgument) std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.starts_with("<")) {
    DecodeResponses(api::query::models::SqsModel(), text, kOps);
    DecodeResponses(api::query::models::SnsModel(), text, kSnsOps);
    (void)api::query::ServiceModel::DecodeError(text);
  }
  auto params = api::ParseQuery(text, true);
  if (!params) return 0;
  DecodeAll(api::query::models::SqsModel(), *params, kOps);
  DecodeAll(api::query::models::SnsModel(), *params, kSnsOps);
  return 0;
}
