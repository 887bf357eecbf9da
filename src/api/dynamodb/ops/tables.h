#pragma once

// Table-level operations: CreateTable, DescribeTable, ListTables,
// DeleteTable, UpdateTable, tags, TTL, continuous backups and restores, and
// the two account-level ones SDKs call (DescribeEndpoints, DescribeLimits).

#include "api/dynamodb/ops/common.h"

namespace api::dynamodb {

// The request of an operation that names one table and nothing else.
struct TableRequest {
  std::string table;
};
Result<TableRequest> ParseTableRequest(OpContext& ctx);

struct CreateTable {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(CreateTable);
  static Result<tables::TableSpec> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, tables::TableSpec spec);
};

struct DescribeTable {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DescribeTable);
  static Result<TableRequest> Parse(OpContext& ctx) { return ParseTableRequest(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TableRequest r);
};

struct ListTables {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(ListTables);
  struct Request {
    std::optional<std::string> start;
    int limit = 100;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteTable {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DeleteTable);
  static Result<TableRequest> Parse(OpContext& ctx) { return ParseTableRequest(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TableRequest r);
};

struct UpdateTable {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(UpdateTable);
  struct Request {
    std::string table;
    tables::TableUpdate update;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct TagResource {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(TagResource);
  struct Request {
    std::string arn;
    std::vector<std::pair<std::string, std::string>> tags;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct UntagResource {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(UntagResource);
  struct Request {
    std::string arn;
    std::vector<std::string> keys;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct ListTagsOfResource {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(ListTagsOfResource);
  struct Request {
    std::string arn;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct UpdateTimeToLive {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(UpdateTimeToLive);
  struct Request {
    std::string table;
    tables::TimeToLive ttl;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DescribeTimeToLive {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DescribeTimeToLive);
  static Result<TableRequest> Parse(OpContext& ctx) { return ParseTableRequest(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TableRequest r);
};

struct UpdateContinuousBackups {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(UpdateContinuousBackups);
  struct Request {
    std::string table;
    bool enabled = false;
    std::optional<int> days;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DescribeContinuousBackups {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DescribeContinuousBackups);
  static Result<TableRequest> Parse(OpContext& ctx) { return ParseTableRequest(ctx); }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, TableRequest r);
};

struct RestoreTableToPointInTime {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(RestoreTableToPointInTime);
  struct Request {
    std::string source;
    std::string target;
    std::optional<double> time;  // nullopt: the latest restorable time
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DescribeEndpoints {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DescribeEndpoints);
  struct Request {};
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DescribeLimits {
  static constexpr OpSpec kSpec = STRATUS_DYNAMODB_SPEC(DescribeLimits);
  struct Request {};
  static Result<Request> Parse(OpContext&) { return Request{}; }
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::dynamodb
