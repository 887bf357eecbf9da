#include "api/sns/ops/topics.h"

#include <fmt/format.h>

namespace api::sns {

namespace json = boost::json;

namespace {

constexpr size_t kPageSize = 100;

Status Invalid(std::string m) {
  return Status(common::ErrorCode::kInvalidArgument, "Invalid parameter: " + m, "InvalidParameter");
}

Result<ArnRequest> ParseArn(const Input& in, std::string_view member) {
  auto arn = in.RequiredString(member);
  if (!arn.ok()) return arn.status();
  return ArnRequest{std::move(arn).value()};
}

// Tags: [{"Key", "Value"}, ...].
Result<std::map<std::string, std::string>> ParseTags(const Input& in) {
  std::map<std::string, std::string> out;
  auto tags = in.Array("Tags");
  if (!tags.ok()) return tags.status();
  if (*tags == nullptr) return out;
  for (const auto& t : **tags) {
    if (!t.is_object()) return Invalid("Tags");
    Input tag(t.as_object());
    auto k = tag.RequiredString("Key");
    if (!k.ok()) return k.status();
    auto v = tag.String("Value");
    if (!v.ok()) return v.status();
    out[*k] = v->value_or("");
  }
  return out;
}

Object AttributesObject(const std::map<std::string, std::string>& attrs) {
  Object o;
  for (const auto& [k, v] : attrs) o[k] = v;
  return Object{{"Attributes", std::move(o)}};
}

Object SubscriptionsPage(const std::vector<topics::Subscription>& subs, const std::string& after) {
  json::array out;
  std::string last;
  bool more = false;
  for (const auto& s : subs) {
    std::string arn = s.confirmed ? s.arn : "PendingConfirmation";
    if (!after.empty() && s.arn <= after) continue;
    if (out.size() == kPageSize) {
      more = true;
      break;
    }
    out.push_back(Object{{"SubscriptionArn", arn}, {"Owner", std::string(auth::kAccountId)}, {"Protocol", s.protocol},
                         {"Endpoint", s.endpoint}, {"TopicArn", s.topic_arn}});
    last = s.arn;
  }
  Object o{{"Subscriptions", std::move(out)}};
  if (more) o["NextToken"] = last;
  return o;
}

}  // namespace

Result<CreateTopic::Request> CreateTopic::Parse(const Input& in, OpContext&) {
  Request r;
  auto name = in.RequiredString("Name");
  if (!name.ok()) return name.status();
  r.name = std::move(name).value();
  auto attrs = in.StringMap("Attributes");
  if (!attrs.ok()) return attrs.status();
  r.attributes = std::move(attrs).value();
  auto tags = ParseTags(in);
  if (!tags.ok()) return tags.status();
  r.tags = std::move(tags).value();
  return r;
}

net::awaitable<Result<Object>> CreateTopic::Execute(OpContext& ctx, Request r) {
  auto arn = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.CreateTopic(r.name, r.attributes, r.tags); });
  if (!arn.ok()) co_return arn.status();
  co_return Object{{"TopicArn", *arn}};
}

Result<DeleteTopic::Request> DeleteTopic::Parse(const Input& in, OpContext&) { return ParseArn(in, "TopicArn"); }

net::awaitable<Result<Object>> DeleteTopic::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.DeleteTopic(r.arn); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<ListTopics::Request> ListTopics::Parse(const Input& in, OpContext&) {
  auto token = in.String("NextToken");
  if (!token.ok()) return token.status();
  return Request{token->value_or("")};
}

net::awaitable<Result<Object>> ListTopics::Execute(OpContext& ctx, Request r) {
  auto arns = co_await CallTopics(
      ctx, [&](topics::TopicService& s) -> Result<std::vector<std::string>> { return s.ListTopics(); });
  if (!arns.ok()) co_return arns.status();
  json::array out;
  std::string last;
  bool more = false;
  for (const auto& arn : *arns) {
    if (!r.after.empty() && arn <= r.after) continue;
    if (out.size() == kPageSize) {
      more = true;
      break;
    }
    out.push_back(Object{{"TopicArn", arn}});
    last = arn;
  }
  Object o{{"Topics", std::move(out)}};
  if (more) o["NextToken"] = last;
  co_return o;
}

Result<GetTopicAttributes::Request> GetTopicAttributes::Parse(const Input& in, OpContext&) {
  return ParseArn(in, "TopicArn");
}

net::awaitable<Result<Object>> GetTopicAttributes::Execute(OpContext& ctx, Request r) {
  auto attrs = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.GetTopicAttributes(r.arn); });
  if (!attrs.ok()) co_return attrs.status();
  co_return AttributesObject(*attrs);
}

namespace {
Result<SetAttributeRequest> ParseSet(const Input& in, std::string_view arn_member) {
  SetAttributeRequest r;
  auto arn = in.RequiredString(arn_member);
  if (!arn.ok()) return arn.status();
  r.arn = std::move(arn).value();
  auto name = in.RequiredString("AttributeName");
  if (!name.ok()) return name.status();
  r.name = std::move(name).value();
  auto value = in.String("AttributeValue");
  if (!value.ok()) return value.status();
  r.value = value->value_or("");
  return r;
}
}  // namespace

Result<SetTopicAttributes::Request> SetTopicAttributes::Parse(const Input& in, OpContext&) {
  return ParseSet(in, "TopicArn");
}

net::awaitable<Result<Object>> SetTopicAttributes::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.SetTopicAttribute(r.arn, r.name, r.value); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<TagResource::Request> TagResource::Parse(const Input& in, OpContext&) {
  auto arn = in.RequiredString("ResourceArn");
  if (!arn.ok()) return arn.status();
  auto tags = ParseTags(in);
  if (!tags.ok()) return tags.status();
  return Request{std::move(arn).value(), std::move(tags).value()};
}

net::awaitable<Result<Object>> TagResource::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.TagResource(r.arn, r.tags); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<UntagResource::Request> UntagResource::Parse(const Input& in, OpContext&) {
  auto arn = in.RequiredString("ResourceArn");
  if (!arn.ok()) return arn.status();
  auto keys = in.StringList("TagKeys");
  if (!keys.ok()) return keys.status();
  return Request{std::move(arn).value(), std::move(keys).value()};
}

net::awaitable<Result<Object>> UntagResource::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.UntagResource(r.arn, r.keys); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<ListTagsForResource::Request> ListTagsForResource::Parse(const Input& in, OpContext&) {
  return ParseArn(in, "ResourceArn");
}

net::awaitable<Result<Object>> ListTagsForResource::Execute(OpContext& ctx, Request r) {
  auto tags = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.ListTags(r.arn); });
  if (!tags.ok()) co_return tags.status();
  json::array out;
  for (const auto& [k, v] : *tags) out.push_back(Object{{"Key", k}, {"Value", v}});
  co_return Object{{"Tags", std::move(out)}};
}

Result<Subscribe::Request> Subscribe::Parse(const Input& in, OpContext&) {
  Request r;
  auto topic = in.RequiredString("TopicArn");
  if (!topic.ok()) return topic.status();
  r.topic_arn = std::move(topic).value();
  auto protocol = in.RequiredString("Protocol");
  if (!protocol.ok()) return protocol.status();
  r.protocol = std::move(protocol).value();
  auto endpoint = in.String("Endpoint");
  if (!endpoint.ok()) return endpoint.status();
  r.endpoint = endpoint->value_or("");
  auto attrs = in.StringMap("Attributes");
  if (!attrs.ok()) return attrs.status();
  r.attributes = std::move(attrs).value();
  return r;
}

net::awaitable<Result<Object>> Subscribe::Execute(OpContext& ctx, Request r) {
  auto arn = co_await CallTopics(
      ctx, [&](topics::TopicService& s) { return s.Subscribe(r.topic_arn, r.protocol, r.endpoint, r.attributes); });
  if (!arn.ok()) co_return arn.status();
  co_return Object{{"SubscriptionArn", *arn}};
}

Result<ConfirmSubscription::Request> ConfirmSubscription::Parse(const Input& in, OpContext&) {
  auto topic = in.RequiredString("TopicArn");
  if (!topic.ok()) return topic.status();
  auto token = in.RequiredString("Token");
  if (!token.ok()) return token.status();
  return Request{std::move(topic).value(), std::move(token).value()};
}

net::awaitable<Result<Object>> ConfirmSubscription::Execute(OpContext& ctx, Request r) {
  auto arn = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.ConfirmSubscription(r.topic_arn, r.token); });
  if (!arn.ok()) co_return arn.status();
  co_return Object{{"SubscriptionArn", *arn}};
}

Result<Unsubscribe::Request> Unsubscribe::Parse(const Input& in, OpContext&) { return ParseArn(in, "SubscriptionArn"); }

net::awaitable<Result<Object>> Unsubscribe::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.Unsubscribe(r.arn); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<ListSubscriptions::Request> ListSubscriptions::Parse(const Input& in, OpContext&) {
  auto token = in.String("NextToken");
  if (!token.ok()) return token.status();
  return Request{token->value_or("")};
}

net::awaitable<Result<Object>> ListSubscriptions::Execute(OpContext& ctx, Request r) {
  auto subs = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.ListSubscriptions(); });
  if (!subs.ok()) co_return subs.status();
  co_return SubscriptionsPage(*subs, r.after);
}

Result<ListSubscriptionsByTopic::Request> ListSubscriptionsByTopic::Parse(const Input& in, OpContext&) {
  auto topic = in.RequiredString("TopicArn");
  if (!topic.ok()) return topic.status();
  auto token = in.String("NextToken");
  if (!token.ok()) return token.status();
  return Request{std::move(topic).value(), token->value_or("")};
}

net::awaitable<Result<Object>> ListSubscriptionsByTopic::Execute(OpContext& ctx, Request r) {
  auto subs = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.ListSubscriptions(r.topic_arn); });
  if (!subs.ok()) co_return subs.status();
  co_return SubscriptionsPage(*subs, r.after);
}

Result<GetSubscriptionAttributes::Request> GetSubscriptionAttributes::Parse(const Input& in, OpContext&) {
  return ParseArn(in, "SubscriptionArn");
}

net::awaitable<Result<Object>> GetSubscriptionAttributes::Execute(OpContext& ctx, Request r) {
  auto attrs = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.GetSubscriptionAttributes(r.arn); });
  if (!attrs.ok()) co_return attrs.status();
  co_return AttributesObject(*attrs);
}

Result<SetSubscriptionAttributes::Request> SetSubscriptionAttributes::Parse(const Input& in, OpContext&) {
  return ParseSet(in, "SubscriptionArn");
}

net::awaitable<Result<Object>> SetSubscriptionAttributes::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallTopics(
      ctx, [&](topics::TopicService& s) { return s.SetSubscriptionAttribute(r.arn, r.name, r.value); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

}  // namespace api::sns
