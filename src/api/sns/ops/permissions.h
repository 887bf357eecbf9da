#pragma once

// SNS AddPermission and RemovePermission: statements of the topic's access
// policy (its Policy attribute), labelled by Sid.

#include "api/sns/wire.h"

namespace api::sns {

struct AddPermission {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(AddPermission);
  struct Request {
    std::string arn, label;
    std::vector<std::string> accounts, actions;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct RemovePermission {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(RemovePermission);
  struct Request {
    std::string arn, label;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sns
