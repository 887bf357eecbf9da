#pragma once

// SNS Publish and PublishBatch. One class per operation.

#include "api/sns/wire.h"

namespace api::sns {

struct Publish {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(Publish);
  using Request = topics::PublishRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct PublishBatch {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(PublishBatch);
  struct Request {
    std::vector<std::string> ids;
    std::vector<Result<topics::PublishRequest>> entries;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sns
