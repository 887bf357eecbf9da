#include "api/sqs/routes.h"

#include "api/sqs/ops/messages.h"
#include "api/sqs/ops/move_tasks.h"
#include "api/sqs/ops/queues.h"

namespace api::sqs {
namespace {

// Every operation, once per wire protocol.
template <Wire W>
struct Table {
  static constexpr Op kOps[] = {
      MakeSqsOp<CreateQueue, W>(),
      MakeSqsOp<GetQueueUrl, W>(),
      MakeSqsOp<ListQueues, W>(),
      MakeSqsOp<DeleteQueue, W>(),
      MakeSqsOp<PurgeQueue, W>(),
      MakeSqsOp<GetQueueAttributes, W>(),
      MakeSqsOp<SetQueueAttributes, W>(),
      MakeSqsOp<ListDeadLetterSourceQueues, W>(),
      MakeSqsOp<TagQueue, W>(),
      MakeSqsOp<UntagQueue, W>(),
      MakeSqsOp<ListQueueTags, W>(),
      MakeSqsOp<SendMessage, W>(),
      MakeSqsOp<SendMessageBatch, W>(),
      MakeSqsOp<ReceiveMessage, W>(),
      MakeSqsOp<DeleteMessage, W>(),
      MakeSqsOp<DeleteMessageBatch, W>(),
      MakeSqsOp<ChangeMessageVisibility, W>(),
      MakeSqsOp<ChangeMessageVisibilityBatch, W>(),
      MakeSqsOp<StartMessageMoveTask, W>(),
      MakeSqsOp<CancelMessageMoveTask, W>(),
      MakeSqsOp<ListMessageMoveTasks, W>(),
  };
  static std::vector<const Op*> Pointers() {
    std::vector<const Op*> out;
    for (const Op& op : kOps) out.push_back(&op);
    return out;
  }
};

}  // namespace

json::JsonService JsonRoutes() {
  json::JsonService s{"AmazonSQS", "sqs", "application/x-amz-json-1.0", "com.amazonaws.sqs#",
                      Table<Wire::kJson>::Pointers()};
  s.query_compatible = true;
  return s;
}

query::QueryService QueryRoutes() {
  return {"sqs", "http://queue.amazonaws.com/doc/2012-11-05/", Table<Wire::kQuery>::Pointers()};
}

}  // namespace api::sqs
