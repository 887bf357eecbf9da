#include "api/events/routes.h"

#include "api/events/ops/rules.h"

namespace api::events {
namespace {

constexpr Op kPutRule = MakeOp<PutRule>();
constexpr Op kDescribeRule = MakeOp<DescribeRule>();
constexpr Op kListRules = MakeOp<ListRules>();
constexpr Op kDeleteRule = MakeOp<DeleteRule>();
constexpr Op kEnableRule = MakeOp<EnableRule>();
constexpr Op kDisableRule = MakeOp<DisableRule>();
constexpr Op kPutTargets = MakeOp<PutTargets>();
constexpr Op kRemoveTargets = MakeOp<RemoveTargets>();
constexpr Op kListTargetsByRule = MakeOp<ListTargetsByRule>();
constexpr Op kPutEvents = MakeOp<PutEvents>();
constexpr Op kTestEventPattern = MakeOp<TestEventPattern>();

}  // namespace

json::JsonService Routes() {
  return {"AWSEvents", "events", "application/x-amz-json-1.1", "",
          {&kPutRule, &kDescribeRule, &kListRules, &kDeleteRule, &kEnableRule, &kDisableRule, &kPutTargets,
           &kRemoveTargets, &kListTargetsByRule, &kPutEvents, &kTestEventPattern}};
}

}  // namespace api::events
