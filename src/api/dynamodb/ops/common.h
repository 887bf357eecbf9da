#pragma once

// What every DynamoDB operation shares: its spec (IAM action dynamodb:<Op>,
// a buffered JSON body of up to 16 MiB), the table service, and the call of
// a blocking service method on the region's pool.

#include "api/common/blocking.h"
#include "api/common/op.h"
#include "api/dynamodb/codec.h"

namespace api::dynamodb {

inline constexpr uint64_t kMaxRequestBytes = 16 << 20;

#define STRATUS_DYNAMODB_SPEC(op) \
  OpSpec { .name = #op, .action = "dynamodb:" #op, .body = BodyPolicy::kBuffered, .max_body = kMaxRequestBytes }

// Runs `f(service)` on the blocking pool; kUnavailable where the region has
// no table service.
template <typename F>
auto CallTables(OpContext& ctx, F f) -> net::awaitable<std::invoke_result_t<F&, tables::TableService&>> {
  tables::TableService* service = ctx.services.tables;
  if (service == nullptr) co_return Status(common::ErrorCode::kUnavailable, "tables are not served here");
  co_return co_await OnPool(ctx.services.blocking, [&] { return f(*service); });
}

}  // namespace api::dynamodb
