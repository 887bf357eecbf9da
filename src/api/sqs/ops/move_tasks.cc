#include "api/sqs/ops/move_tasks.h"

namespace api::sqs {

Result<StartMessageMoveTask::Request> StartMessageMoveTask::Parse(const Input& in, OpContext&) {
  Request r;
  auto source = in.RequiredString("SourceArn");
  if (!source.ok()) return source.status();
  r.source_arn = std::move(source).value();
  auto dest = in.String("DestinationArn");
  if (!dest.ok()) return dest.status();
  r.destination_arn = dest->value_or("");
  auto rate = in.Int("MaxNumberOfMessagesPerSecond");
  if (!rate.ok()) return rate.status();
  if (*rate) r.max_per_second = static_cast<int>(std::clamp<int64_t>(**rate, 0, 501));
  return r;
}

net::awaitable<Result<Object>> StartMessageMoveTask::Execute(OpContext& ctx, Request r) {
  auto handle = co_await CallQueues(ctx, [&](queues::QueueService& s) {
    return s.StartMoveTask(r.source_arn, r.destination_arn, r.max_per_second);
  });
  if (!handle.ok()) co_return handle.status();
  co_return Object{{"TaskHandle", *handle}};
}

Result<CancelMessageMoveTask::Request> CancelMessageMoveTask::Parse(const Input& in, OpContext&) {
  auto handle = in.RequiredString("TaskHandle");
  if (!handle.ok()) return handle.status();
  return Request{std::move(handle).value()};
}

net::awaitable<Result<Object>> CancelMessageMoveTask::Execute(OpContext& ctx, Request r) {
  auto moved = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.CancelMoveTask(r.handle); });
  if (!moved.ok()) co_return moved.status();
  co_return Object{{"ApproximateNumberOfMessagesMoved", *moved}};
}

Result<ListMessageMoveTasks::Request> ListMessageMoveTasks::Parse(const Input& in, OpContext&) {
  Request r;
  auto source = in.RequiredString("SourceArn");
  if (!source.ok()) return source.status();
  r.source_arn = std::move(source).value();
  auto max = in.Int("MaxResults");
  if (!max.ok()) return max.status();
  r.max_results = static_cast<int>(std::clamp<int64_t>(max->value_or(1), 0, 11));
  return r;
}

net::awaitable<Result<Object>> ListMessageMoveTasks::Execute(OpContext& ctx, Request r) {
  auto tasks = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.ListMoveTasks(r.source_arn, r.max_results); });
  if (!tasks.ok()) co_return tasks.status();
  boost::json::array results;
  for (const auto& t : *tasks) {
    Object o{{"Status", queues::MoveTaskStatusName(t.status)},
             {"SourceArn", t.source_arn},
             {"ApproximateNumberOfMessagesMoved", t.moved},
             {"ApproximateNumberOfMessagesToMove", t.to_move},
             {"StartedTimestamp", t.started_ms}};
    if (t.status == queues::MoveTaskStatus::kRunning) o["TaskHandle"] = t.handle;
    if (!t.destination_arn.empty()) o["DestinationArn"] = t.destination_arn;
    if (t.max_per_second) o["MaxNumberOfMessagesPerSecond"] = *t.max_per_second;
    if (!t.failure_reason.empty()) o["FailureReason"] = t.failure_reason;
    results.push_back(std::move(o));
  }
  co_return Object{{"Results", std::move(results)}};
}

}  // namespace api::sqs
