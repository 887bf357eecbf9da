#pragma once

// SQS message move tasks (dead-letter queue redrive): start, cancel, list.
// One class per operation (see sqs/wire.h for their shape).

#include "api/sqs/wire.h"

namespace api::sqs {

using Object = boost::json::object;

struct StartMessageMoveTask {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(StartMessageMoveTask);
  struct Request {
    std::string source_arn, destination_arn;
    std::optional<int> max_per_second;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct CancelMessageMoveTask {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(CancelMessageMoveTask);
  struct Request {
    std::string handle;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListMessageMoveTasks {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ListMessageMoveTasks);
  struct Request {
    std::string source_arn;
    int max_results = 1;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sqs
