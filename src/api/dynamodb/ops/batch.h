#pragma once

// BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems.

#include "api/dynamodb/ops/common.h"

namespace api::dynamodb {

struct BatchGetItem : JsonRender {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(BatchGetItem);
  struct Request {
    std::vector<tables::BatchGetTable> tables;
    Capacity capacity = Capacity::kNone;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<boost::json::object>> Execute(OpContext& ctx, Request r);
};

struct BatchWriteItem : JsonRender {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(BatchWriteItem);
  struct Request {
    std::vector<tables::BatchWriteTable> tables;
    Capacity capacity = Capacity::kNone;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<boost::json::object>> Execute(OpContext& ctx, Request r);
};

struct TransactWriteItems : JsonRender {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(TransactWriteItems);
  struct Request {
    std::vector<tables::TransactWrite> writes;
    std::string token;
    Capacity capacity = Capacity::kNone;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<boost::json::object>> Execute(OpContext& ctx, Request r);
};

struct TransactGetItems : JsonRender {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(TransactGetItems);
  struct Request {
    std::vector<tables::TransactGet> gets;
    Capacity capacity = Capacity::kNone;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<boost::json::object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::dynamodb
