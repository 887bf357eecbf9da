#pragma once

// What every SNS operation shares. SNS speaks only the Query protocol; its
// operations are written against the JSON shapes of botocore's sns model and
// query/model.h converts the form and renders the XML (as for SQS, see
// sqs/wire.h):
//
//   struct Publish {
//     static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(Publish);
//     struct Request { ... };
//     static Result<Request> Parse(const Input& in, OpContext& ctx);
//     static net::awaitable<Result<boost::json::object>> Execute(OpContext&, Request);
//   };

#include <boost/json.hpp>

#include "api/common/blocking.h"
#include "api/common/op.h"
#include "api/query/input.h"
#include "api/query/model.h"
#include "api/query/models/models.h"
#include "service/topics/topic_service.h"

namespace api::sns {

namespace topics = service::topics;
using Input = query::Input;
using Object = boost::json::object;

inline constexpr uint64_t kMaxRequestBytes = 4 << 20;

#define STRATUS_SNS_SPEC(op) \
  OpSpec { .name = #op, .action = "sns:" #op, .body = BodyPolicy::kBuffered, .max_body = ::api::sns::kMaxRequestBytes }

template <typename F>
auto CallTopics(OpContext& ctx, F f) -> net::awaitable<std::invoke_result_t<F&, topics::TopicService&>> {
  topics::TopicService* service = ctx.services.topics;
  if (service == nullptr) co_return Status(common::ErrorCode::kUnavailable, "topics are not served here");
  co_return co_await OnPool(ctx.services.blocking, [&] { return f(*service); });
}

template <typename T>
net::awaitable<Result<net::Response>> RunSnsOp(OpContext& ctx) {
  const query::ServiceModel& model = query::models::SnsModel();
  auto body = model.DecodeInput(T::kSpec.name, ctx.route.query);
  if (!body.ok()) co_return body.status();
  Input in(std::move(body).value());
  auto request = T::Parse(in, ctx);
  if (!request.ok()) co_return request.status();
  auto output = co_await T::Execute(ctx, std::move(request).value());
  if (!output.ok()) co_return output.status();
  net::Response res;
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "text/xml");
  res.msg.set("x-amzn-RequestId", ctx.request_id);
  res.msg.body() = model.EncodeOutput(T::kSpec.name, *output, ctx.request_id);
  res.msg.prepare_payload();
  co_return res;
}

template <typename T>
constexpr Op MakeSnsOp() {
  return Op{T::kSpec, &RunSnsOp<T>};
}

}  // namespace api::sns
