#pragma once

// SNS topic, tag and subscription operations. One class per operation.

#include "api/sns/wire.h"

namespace api::sns {

// Operations that name one resource by ARN.
struct ArnRequest {
  std::string arn;
};

struct CreateTopic {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(CreateTopic);
  struct Request {
    std::string name;
    std::map<std::string, std::string> attributes, tags;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct DeleteTopic {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(DeleteTopic);
  using Request = ArnRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListTopics {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(ListTopics);
  struct Request {
    std::string after;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct GetTopicAttributes {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(GetTopicAttributes);
  using Request = ArnRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

// Set(Topic|Subscription)Attributes: one attribute.
struct SetAttributeRequest {
  std::string arn, name, value;
};

struct SetTopicAttributes {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(SetTopicAttributes);
  using Request = SetAttributeRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct TagResource {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(TagResource);
  struct Request {
    std::string arn;
    std::map<std::string, std::string> tags;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct UntagResource {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(UntagResource);
  struct Request {
    std::string arn;
    std::vector<std::string> keys;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListTagsForResource {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(ListTagsForResource);
  using Request = ArnRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct Subscribe {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(Subscribe);
  struct Request {
    std::string topic_arn, protocol, endpoint;
    std::map<std::string, std::string> attributes;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

// Anonymous, as in SNS: the token (from the SubscribeURL) authorises it.
struct ConfirmSubscription {
  static constexpr OpSpec kSpec{.name = "ConfirmSubscription", .action = "sns:ConfirmSubscription",
                                .body = BodyPolicy::kBuffered, .max_body = kMaxRequestBytes, .anonymous = true};
  struct Request {
    std::string topic_arn, token;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct Unsubscribe {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(Unsubscribe);
  using Request = ArnRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListSubscriptions {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(ListSubscriptions);
  struct Request {
    std::string after;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct ListSubscriptionsByTopic {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(ListSubscriptionsByTopic);
  struct Request {
    std::string topic_arn, after;
  };
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct GetSubscriptionAttributes {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(GetSubscriptionAttributes);
  using Request = ArnRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

struct SetSubscriptionAttributes {
  static constexpr OpSpec kSpec = STRATUS_SNS_SPEC(SetSubscriptionAttributes);
  using Request = SetAttributeRequest;
  static Result<Request> Parse(const Input& in, OpContext& ctx);
  static net::awaitable<Result<Object>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::sns
