#pragma once

// Query and Scan.

#include "api/dynamodb/ops/common.h"

namespace api::dynamodb {

struct Query {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(Query);
  struct Request {
    tables::QueryRequest query;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct Scan {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(Scan);
  struct Request {
    tables::ScanRequest scan;
    Body body;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::dynamodb
