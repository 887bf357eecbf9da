#pragma once

// What every SQS operation shares, whichever of SQS's two wire protocols
// carried it. Operations are written once against the JSON protocol's
// shapes (botocore's sqs model):
//
//   struct SendMessage {
//     static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(SendMessage);
//     struct Request { ... };
//     static Result<Request> Parse(const Input& in, OpContext& ctx);           // pure
//     static net::awaitable<Result<boost::json::object>> Execute(OpContext&, Request);
//   };
//
// MakeSqsOp<T, Wire::kJson>() registers it for `X-Amz-Target: AmazonSQS.<Op>`
// (the body is the input object; the output object is the response), and
// MakeSqsOp<T, Wire::kQuery>() for `Action=<Op>` (query/model.h rebuilds
// the input from the form and renders the output as the Query protocol's
// XML). Errors are the queue service's reasons, mapped by each protocol's
// error map.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "api/common/blocking.h"
#include "api/common/op.h"
#include "api/query/input.h"
#include "service/queues/queue_service.h"

namespace api::sqs {

namespace queues = service::queues;

enum class Wire { kQuery, kJson };

// A SendMessageBatch of ten 1 MiB messages, form-encoded, fits.
inline constexpr uint64_t kMaxRequestBytes = 32 << 20;

#define STRATUS_SQS_SPEC(op) \
  OpSpec { .name = #op, .action = "sqs:" #op, .body = BodyPolicy::kBuffered, .max_body = ::api::sqs::kMaxRequestBytes }

using Input = query::Input;

// The queue a request names: the last path segment of its QueueUrl or, when a
// Query request has none, of the URL it was sent to (older SDKs post to the
// queue's URL).
Result<std::string> QueueName(const Input& in, OpContext& ctx);
// The URL of queue `name` as this request reached the region:
// http(s)://<Host>/<account>/<name>.
std::string QueueUrl(OpContext& ctx, std::string_view name);

// The message attributes as the wire carries them (binary values base64).
boost::json::object EncodeAttributes(const queues::MessageAttributes& attributes);

// The code a batch result's failed entry carries for `st`: the Query
// protocol's error code, in both protocols (as SQS reports them).
std::string EntryErrorCode(const Status& st, std::string_view operation);

// Checks a batch's entry ids: 1–10 entries, distinct, each alphanumeric with
// '-' and '_' up to 80 characters (SQS's errors otherwise). `entry_name` is the
// request entry's shape name for the messages ("SendMessageBatchRequestEntry").
Status CheckBatchIds(const std::vector<std::string>& ids, std::string_view entry_name);

// Runs `f(service)` on the blocking pool; kUnavailable where the region has no queues.
template <typename F>
auto CallQueues(OpContext& ctx, F f) -> net::awaitable<std::invoke_result_t<F&, queues::QueueService&>> {
  queues::QueueService* service = ctx.services.queues;
  if (service == nullptr) co_return Status(common::ErrorCode::kUnavailable, "queues are not served here");
  co_return co_await OnPool(ctx.services.blocking, [&] { return f(*service); });
}

// The input of `op` as carried by `wire`.
Result<boost::json::object> DecodeInput(OpContext& ctx, Wire wire, std::string_view op);
// The response for `op`'s output.
net::Response EncodeOutput(OpContext& ctx, Wire wire, std::string_view op, const boost::json::object& output);

template <typename T, Wire W>
net::awaitable<Result<net::Response>> RunSqsOp(OpContext& ctx) {
  auto body = DecodeInput(ctx, W, T::kSpec.name);
  if (!body.ok()) co_return body.status();
  Input in(std::move(body).value());
  auto request = T::Parse(in, ctx);
  if (!request.ok()) co_return request.status();
  auto output = co_await T::Execute(ctx, std::move(request).value());
  if (!output.ok()) co_return output.status();
  co_return EncodeOutput(ctx, W, T::kSpec.name, *output);
}

template <typename T, Wire W>
constexpr Op MakeSqsOp() {
  return Op{T::kSpec, &RunSqsOp<T, W>};
}

}  // namespace api::sqs
