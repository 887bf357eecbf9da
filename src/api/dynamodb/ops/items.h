#pragma once

// Single-item operations: PutItem, GetItem, DeleteItem, UpdateItem.

#include "api/dynamodb/ops/common.h"

namespace api::dynamodb {

struct PutItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(PutItem);
  struct Request {
    tables::PutItemRequest put;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct GetItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(GetItem);
  struct Request {
    tables::GetItemRequest get;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DeleteItem);
  struct Request {
    tables::DeleteItemRequest del;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct UpdateItem {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(UpdateItem);
  struct Request {
    tables::UpdateItemRequest update;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::dynamodb
