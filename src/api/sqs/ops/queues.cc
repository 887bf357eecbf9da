#include "api/sqs/ops/queues.h"

#include <fmt/format.h>

#include "common/checksum.h"

namespace api::sqs {
namespace {

Status Invalid(std::string message) {
  return Status(common::ErrorCode::kInvalidArgument, std::move(message), "InvalidParameterValue");
}

Result<PageRequest> ParsePage(const Input& in) {
  PageRequest p;
  auto max = in.Int("MaxResults");
  if (!max.ok()) return max.status();
  if (*max && (**max < 1 || **max > 1000)) {
    return Invalid(fmt::format("Value {} for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
                               "between 1 and 1000.", **max));
  }
  p.max_results = *max;
  auto token = in.String("NextToken");
  if (!token.ok()) return token.status();
  if (*token) {
    auto raw = common::Base64Decode(**token);
    if (!raw) return Invalid("Invalid NextToken value.");
    p.after = std::move(*raw);
  }
  return p;
}

// One page of `names` (sorted) as URLs under `member`, with NextToken.
Object Page(OpContext& ctx, const std::vector<std::string>& names, const PageRequest& page, std::string_view member,
            bool always) {
  boost::json::array urls;
  auto it = std::upper_bound(names.begin(), names.end(), page.after);
  if (page.after.empty()) it = names.begin();
  size_t limit = page.max_results ? static_cast<size_t>(*page.max_results) : 1000;
  for (; it != names.end() && urls.size() < limit; ++it) urls.push_back(boost::json::string(QueueUrl(ctx, *it)));
  Object out;
  if (!urls.empty() || always) out[member] = std::move(urls);
  if (page.max_results && it != names.end()) out["NextToken"] = common::Base64Encode(*std::prev(it));
  return out;
}

Result<QueueRequest> ParseQueue(const Input& in, OpContext& ctx) {
  auto name = QueueName(in, ctx);
  if (!name.ok()) return name.status();
  return QueueRequest{std::move(name).value()};
}

}  // namespace

Result<CreateQueue::Request> CreateQueue::Parse(const Input& in, OpContext&) {
  Request r;
  auto name = in.RequiredString("QueueName");
  if (!name.ok()) return name.status();
  r.name = std::move(name).value();
  auto attrs = in.StringMap("Attributes");
  if (!attrs.ok()) return attrs.status();
  r.attributes = std::move(attrs).value();
  auto tags = in.StringMap("tags");
  if (!tags.ok()) return tags.status();
  r.tags = std::move(tags).value();
  return r;
}

net::awaitable<Result<Object>> CreateQueue::Execute(OpContext& ctx, Request r) {
  auto q = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.CreateQueue(r.name, r.attributes, r.tags); });
  if (!q.ok()) co_return q.status();
  co_return Object{{"QueueUrl", QueueUrl(ctx, q->name)}};
}

Result<GetQueueUrl::Request> GetQueueUrl::Parse(const Input& in, OpContext&) {
  auto name = in.RequiredString("QueueName");
  if (!name.ok()) return name.status();
  return Request{std::move(name).value()};
}

net::awaitable<Result<Object>> GetQueueUrl::Execute(OpContext& ctx, Request r) {
  auto q = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.GetQueue(r.name); });
  if (!q.ok()) co_return q.status();
  co_return Object{{"QueueUrl", QueueUrl(ctx, q->name)}};
}

Result<ListQueues::Request> ListQueues::Parse(const Input& in, OpContext&) {
  Request r;
  auto prefix = in.String("QueueNamePrefix");
  if (!prefix.ok()) return prefix.status();
  r.prefix = prefix->value_or("");
  auto page = ParsePage(in);
  if (!page.ok()) return page.status();
  r.page = std::move(page).value();
  return r;
}

net::awaitable<Result<Object>> ListQueues::Execute(OpContext& ctx, Request r) {
  auto names = co_await CallQueues(
      ctx, [&](queues::QueueService& s) -> Result<std::vector<std::string>> { return s.ListQueues(r.prefix); });
  if (!names.ok()) co_return names.status();
  co_return Page(ctx, *names, r.page, "QueueUrls", false);
}

Result<DeleteQueue::Request> DeleteQueue::Parse(const Input& in, OpContext& ctx) { return ParseQueue(in, ctx); }

net::awaitable<Result<Object>> DeleteQueue::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.DeleteQueue(r.name); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<PurgeQueue::Request> PurgeQueue::Parse(const Input& in, OpContext& ctx) { return ParseQueue(in, ctx); }

net::awaitable<Result<Object>> PurgeQueue::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.PurgeQueue(r.name); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<GetQueueAttributes::Request> GetQueueAttributes::Parse(const Input& in, OpContext& ctx) {
  auto q = ParseQueue(in, ctx);
  if (!q.ok()) return q.status();
  auto names = in.StringList("AttributeNames");
  if (!names.ok()) return names.status();
  return Request{std::move(q->name), std::move(names).value()};
}

net::awaitable<Result<Object>> GetQueueAttributes::Execute(OpContext& ctx, Request r) {
  auto attrs = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.GetAttributes(r.name, r.names); });
  if (!attrs.ok()) co_return attrs.status();
  Object out;
  if (!attrs->empty()) {
    Object a;
    for (const auto& [k, v] : *attrs) a[k] = v;
    out["Attributes"] = std::move(a);
  }
  co_return out;
}

Result<SetQueueAttributes::Request> SetQueueAttributes::Parse(const Input& in, OpContext& ctx) {
  auto q = ParseQueue(in, ctx);
  if (!q.ok()) return q.status();
  auto attrs = in.StringMap("Attributes");
  if (!attrs.ok()) return attrs.status();
  if (attrs->empty() && !in.json().contains("Attributes")) {
    return Status(common::ErrorCode::kInvalidArgument, "The request must contain the parameter Attribute.Name.",
                  "MissingParameter");
  }
  return Request{std::move(q->name), std::move(attrs).value()};
}

net::awaitable<Result<Object>> SetQueueAttributes::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.SetAttributes(r.name, r.attributes); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<ListDeadLetterSourceQueues::Request> ListDeadLetterSourceQueues::Parse(const Input& in, OpContext& ctx) {
  auto q = ParseQueue(in, ctx);
  if (!q.ok()) return q.status();
  auto page = ParsePage(in);
  if (!page.ok()) return page.status();
  return Request{std::move(q->name), std::move(page).value()};
}

net::awaitable<Result<Object>> ListDeadLetterSourceQueues::Execute(OpContext& ctx, Request r) {
  auto names = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.DeadLetterSources(r.name); });
  if (!names.ok()) co_return names.status();
  co_return Page(ctx, *names, r.page, "queueUrls", true);
}

Result<TagQueue::Request> TagQueue::Parse(const Input& in, OpContext& ctx) {
  auto q = ParseQueue(in, ctx);
  if (!q.ok()) return q.status();
  auto tags = in.StringMap("Tags");
  if (!tags.ok()) return tags.status();
  if (tags->empty()) {
    return Status(common::ErrorCode::kInvalidArgument, "The request must contain the parameter Tags.", "MissingParameter");
  }
  return Request{std::move(q->name), std::move(tags).value()};
}

net::awaitable<Result<Object>> TagQueue::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.TagQueue(r.name, r.tags); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<UntagQueue::Request> UntagQueue::Parse(const Input& in, OpContext& ctx) {
  auto q = ParseQueue(in, ctx);
  if (!q.ok()) return q.status();
  auto keys = in.StringList("TagKeys");
  if (!keys.ok()) return keys.status();
  if (keys->empty()) {
    return Status(common::ErrorCode::kInvalidArgument, "The request must contain the parameter TagKeys.",
                  "MissingParameter");
  }
  return Request{std::move(q->name), std::move(keys).value()};
}

net::awaitable<Result<Object>> UntagQueue::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.UntagQueue(r.name, r.keys); });
  if (!st.ok()) co_return st;
  co_return Object{};
}

Result<ListQueueTags::Request> ListQueueTags::Parse(const Input& in, OpContext& ctx) { return ParseQueue(in, ctx); }

net::awaitable<Result<Object>> ListQueueTags::Execute(OpContext& ctx, Request r) {
  auto tags = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.ListTags(r.name); });
  if (!tags.ok()) co_return tags.status();
  Object out;
  if (!tags->empty()) {
    Object t;
    for (const auto& [k, v] : *tags) t[k] = v;
    out["Tags"] = std::move(t);
  }
  co_return out;
}

}  // namespace api::sqs
