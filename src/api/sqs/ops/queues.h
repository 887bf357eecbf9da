#pragma once

// SQS queue operations: lifecycle, attributes, tags, purge and dead-letter
// sources. One class per operation (see sqs/wire.h for their shape).

#include "api/sqs/wire.h"

namespace api::sqs {

using Object = boost::json::object;

struct CreateQueue {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(CreateQueue);
  struct Request {
    std::string name;
    std::map<std::string, std::string> attributes, tags;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct GetQueueUrl {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(GetQueueUrl);
  struct Request {
    std::string name;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

// A page of names: after NextToken, at most MaxResults (1–1000) when given.
struct PageRequest {
  std::optional<int64_t> max_results;
  std::string after;  // decoded NextToken
};

struct ListQueues {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ListQueues);
  struct Request {
    std::string prefix;
    PageRequest page;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

// Operations that name only a queue.
struct QueueRequest {
  std::string name;
};

struct DeleteQueue {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(DeleteQueue);
  using Request = QueueRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct PurgeQueue {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(PurgeQueue);
  using Request = QueueRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct GetQueueAttributes {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(GetQueueAttributes);
  struct Request {
    std::string name;
    std::vector<std::string> names;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct SetQueueAttributes {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(SetQueueAttributes);
  struct Request {
    std::string name;
    std::map<std::string, std::string> attributes;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListDeadLetterSourceQueues {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ListDeadLetterSourceQueues);
  struct Request {
    std::string name;
    PageRequest page;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct TagQueue {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(TagQueue);
  struct Request {
    std::string name;
    std::map<std::string, std::string> tags;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct UntagQueue {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(UntagQueue);
  struct Request {
    std::string name;
    std::vector<std::string> keys;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListQueueTags {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ListQueueTags);
  using Request = QueueRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sqs
