#pragma once

// BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems.

#include "api/dynamodb/ops/common.h"

namespace api::dynamodb {

struct BatchGetItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(BatchGetItem);
  static Result<std::vector<tables::BatchGetTable>> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, std::vector<tables::BatchGetTable> r);
};

struct BatchWriteItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(BatchWriteItem);
  static Result<std::vector<tables::BatchWriteTable>> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, std::vector<tables::BatchWriteTable> r);
};

struct TransactWriteItems {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(TransactWriteItems);
  struct Request {
    std::vector<tables::TransactWrite> writes;
    std::string token;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct TransactGetItems {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(TransactGetItems);
  static Result<std::vector<tables::TransactGet>> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, std::vector<tables::TransactGet> r);
};

}  // namespace api::dynamodb
