#include "api/sns/routes.h"

#include "api/sns/ops/publish.h"
#include "api/sns/ops/permissions.h"
#include "api/sns/ops/topics.h"

namespace api::sns {
namespace {

constexpr Op kOps[] = {
    MakeSnsOp<CreateTopic>(),          MakeSnsOp<DeleteTopic>(),
    MakeSnsOp<ListTopics>(),           MakeSnsOp<GetTopicAttributes>(),
    MakeSnsOp<SetTopicAttributes>(),   MakeSnsOp<TagResource>(),
    MakeSnsOp<UntagResource>(),        MakeSnsOp<ListTagsForResource>(),
    MakeSnsOp<Subscribe>(),            MakeSnsOp<ConfirmSubscription>(),
    MakeSnsOp<Unsubscribe>(),          MakeSnsOp<ListSubscriptions>(),
    MakeSnsOp<ListSubscriptionsByTopic>(), MakeSnsOp<GetSubscriptionAttributes>(),
    MakeSnsOp<SetSubscriptionAttributes>(), MakeSnsOp<Publish>(),
    MakeSnsOp<PublishBatch>(),         MakeSnsOp<AddPermission>(),
    MakeSnsOp<RemovePermission>(),
};

}  // namespace

query::QueryService Routes() {
  std::vector<const Op*> ops;
  for (const Op& op : kOps) ops.push_back(&op);
  return {"sns", "http://sns.amazonaws.com/doc/2010-03-31/", std::move(ops)};
}

}  // namespace api::sns
