#pragma once

// EventBridge rule and target operations. One class per operation.

#include "api/events/common.h"

namespace api::events {

struct RuleRef {
  std::string bus, name;
};

struct PutRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(PutRule);
  using Request = bus::Rule;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DescribeRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(DescribeRule);
  using Request = RuleRef;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct ListRules {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(ListRules);
  struct Request {
    std::string bus, prefix, after;
    size_t limit = 100;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DeleteRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(DeleteRule);
  struct Request {
    RuleRef rule;
    bool force = false;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct EnableRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(EnableRule);
  using Request = RuleRef;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct DisableRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(DisableRule);
  using Request = RuleRef;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct PutTargets {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(PutTargets);
  struct Request {
    RuleRef rule;
    std::vector<bus::Target> targets;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct RemoveTargets {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(RemoveTargets);
  struct Request {
    RuleRef rule;
    std::vector<std::string> ids;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct ListTargetsByRule {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(ListTargetsByRule);
  using Request = RuleRef;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct PutEvents {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(PutEvents);
  using Request = std::vector<bus::Event>;
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct TestEventPattern {
  static constexpr OpSpec kSpec = STRATUS_EVENTS_SPEC(TestEventPattern);
  struct Request {
    std::string pattern, event;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::events
