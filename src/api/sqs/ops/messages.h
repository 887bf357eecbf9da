#pragma once

// SQS message operations: send, receive (with long polling), delete and
// visibility changes, single and batched. One class per operation (see
// sqs/wire.h for their shape).

#include "api/sqs/wire.h"

namespace api::sqs {

using Object = boost::json::object;

struct SendMessage {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(SendMessage);
  struct Request {
    std::string queue;
    queues::NewMessage message;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct SendMessageBatch {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(SendMessageBatch);
  struct Request {
    std::string queue;
    std::vector<std::string> ids;
    std::vector<Result<queues::NewMessage>> messages;  // an entry may fail to parse on its own
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ReceiveMessage {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ReceiveMessage);
  struct Request {
    std::string queue;
    queues::ReceiveOptions options;
    std::optional<int> wait_seconds;           // else the queue's ReceiveMessageWaitTimeSeconds
    std::vector<std::string> system_names;     // AttributeNames + MessageSystemAttributeNames
    std::vector<std::string> attribute_names;  // MessageAttributeNames
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct DeleteMessage {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(DeleteMessage);
  struct Request {
    std::string queue;
    std::string receipt_handle;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct DeleteMessageBatch {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(DeleteMessageBatch);
  struct Request {
    std::string queue;
    std::vector<std::string> ids;
    std::vector<std::string> receipt_handles;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ChangeMessageVisibility {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ChangeMessageVisibility);
  struct Request {
    std::string queue;
    std::string receipt_handle;
    int timeout = 0;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ChangeMessageVisibilityBatch {
  static constexpr OpSpec kSpec = STRATUS_SQS_SPEC(ChangeMessageVisibilityBatch);
  struct Request {
    std::string queue;
    std::vector<std::string> ids;
    std::vector<std::pair<std::string, int>> changes;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sqs
