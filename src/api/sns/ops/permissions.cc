#include "api/sns/ops/permissions.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace api::sns {

using common::ErrorCode;

namespace {

Status InvalidParameter(std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("Invalid parameter: {}", what), "InvalidParameter");
}

}  // namespace

Result<AddPermission::Request> AddPermission::Parse(const Input& in, OpContext&) {
  Request r;
  auto arn = in.RequiredString("TopicArn");
  if (!arn.ok()) return arn.status();
  auto label = in.RequiredString("Label");
  if (!label.ok()) return label.status();
  auto accounts = in.StringList("AWSAccountId");
  if (!accounts.ok()) return accounts.status();
  auto actions = in.StringList("ActionName");
  if (!actions.ok()) return actions.status();
  r.arn = std::move(*arn);
  r.label = std::move(*label);
  r.accounts = std::move(*accounts);
  r.actions = std::move(*actions);
  if (r.label.empty() || r.label.size() > 100 || !std::all_of(r.label.begin(), r.label.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return InvalidParameter("Label");
  }
  if (r.accounts.empty()) return InvalidParameter("AWSAccountId");
  for (const auto& a : r.accounts) {
    if (a.size() != 12 || !std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidParameter(fmt::format("AWSAccountId: {} is not an account id", a));
    }
  }
  if (r.actions.empty()) return InvalidParameter("ActionName");
  static constexpr std::string_view kActions[] = {
      "Publish", "Subscribe", "Receive", "GetTopicAttributes", "SetTopicAttributes", "AddPermission",
      "RemovePermission", "DeleteTopic", "ListSubscriptionsByTopic", "*"};
  for (const auto& a : r.actions) {
    if (std::find(std::begin(kActions), std::end(kActions), a) == std::end(kActions)) {
      return InvalidParameter(fmt::format("Policy statement action out of service scope: {}", a));
    }
  }
  return r;
}

net::awaitable<Result<Object>> AddPermission::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) {
    return s.AddPermission(r.arn, r.label, r.accounts, r.actions);
  });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<RemovePermission::Request> RemovePermission::Parse(const Input& in, OpContext&) {
  auto arn = in.RequiredString("TopicArn");
  if (!arn.ok()) return arn.status();
  auto label = in.RequiredString("Label");
  if (!label.ok()) return label.status();
  return Request{std::move(*arn), std::move(*label)};
}

net::awaitable<Result<Object>> RemovePermission::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.RemovePermission(r.arn, r.label); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

}  // namespace api::sns
