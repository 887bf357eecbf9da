#include "api/sqs/ops/messages.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace api::sqs {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

Status Invalid(std::string message) {
  return Status(common::ErrorCode::kInvalidArgument, std::move(message), "InvalidParameterValue");
}

// The members of a message to send, from a SendMessage request or a batch entry.
Result<queues::NewMessage> ParseNewMessage(const Input& in) {
  queues::NewMessage m;
  auto body = in.RequiredString("MessageBody");
  if (!body.ok()) return body.status();
  m.body = std::move(body).value();
  auto delay = in.Int("DelaySeconds");
  if (!delay.ok()) return delay.status();
  if (*delay) {
    if (**delay < 0 || **delay > 900) {
      return Invalid(fmt::format("Value {} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, "
                                 "if provided.", **delay));
    }
    m.delay_seconds = static_cast<int>(**delay);
  }
  auto attrs = in.MessageAttributes("MessageAttributes");
  if (!attrs.ok()) return attrs.status();
  m.attributes = std::move(attrs).value();
  auto system = in.MessageAttributes("MessageSystemAttributes");
  if (!system.ok()) return system.status();
  for (const auto& [name, v] : *system) {
    if (name != "AWSTraceHeader" || v.data_type != "String") {
      return Invalid(fmt::format("Message system attribute '{}' is not supported: only AWSTraceHeader of type String "
                                 "is.", name));
    }
  }
  m.system_attributes = std::move(system).value();
  auto group = in.String("MessageGroupId");
  if (!group.ok()) return group.status();
  m.group_id = group->value_or("");
  auto dedup = in.String("MessageDeduplicationId");
  if (!dedup.ok()) return dedup.status();
  m.deduplication_id = dedup->value_or("");
  return m;
}

Object SentObject(const queues::SentMessage& s) {
  Object o{{"MessageId", s.message_id}, {"MD5OfMessageBody", s.md5_of_body}};
  if (!s.md5_of_attributes.empty()) o["MD5OfMessageAttributes"] = s.md5_of_attributes;
  if (!s.md5_of_system_attributes.empty()) o["MD5OfMessageSystemAttributes"] = s.md5_of_system_attributes;
  if (!s.sequence_number.empty()) o["SequenceNumber"] = s.sequence_number;
  return o;
}

Object FailedEntry(const std::string& id, const Status& st, std::string_view op) {
  return Object{{"Id", id}, {"SenderFault", st.code() != common::ErrorCode::kIoError && st.code() != common::ErrorCode::kInternal},
                {"Code", EntryErrorCode(st, op)}, {"Message", st.message()}};
}

// Entries of a batch request, each an object with an Id.
Result<std::vector<std::pair<std::string, Input>>> BatchEntries(const Input& in, std::string_view entry_name) {
  auto entries = in.Array("Entries");
  if (!entries.ok()) return entries.status();
  std::vector<std::pair<std::string, Input>> out;
  std::vector<std::string> ids;
  if (*entries != nullptr) {
    for (const auto& e : **entries) {
      if (!e.is_object()) return Invalid("Each batch entry must be a structure.");
      Input entry(e.as_object());
      auto id = entry.RequiredString("Id");
      if (!id.ok()) return id.status();
      ids.push_back(*id);
      out.emplace_back(std::move(id).value(), std::move(entry));
    }
  }
  STRATUS_RETURN_IF_ERROR(CheckBatchIds(ids, entry_name));
  return out;
}

bool Wanted(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names) {
    if (n == "All" || n == ".*" || n == name) return true;
    if (n.ends_with(".*") && name.starts_with(std::string_view(n).substr(0, n.size() - 1))) return true;
  }
  return false;
}

Object ReceivedObject(queues::ReceivedMessage& m, const ReceiveMessage::Request& r) {
  Object o{{"MessageId", m.message_id}, {"ReceiptHandle", m.receipt_handle}, {"MD5OfBody", m.md5_of_body},
           {"Body", std::move(m.body)}};
  Object system;
  for (const auto& [k, v] : m.system) {
    if (Wanted(r.system_names, k)) system[k] = v;
  }
  if (!system.empty()) o["Attributes"] = std::move(system);
  queues::MessageAttributes attrs;
  for (auto& [k, v] : m.attributes) {
    if (Wanted(r.attribute_names, k)) attrs.emplace(k, std::move(v));
  }
  if (!attrs.empty()) {
    o["MD5OfMessageAttributes"] = queues::Md5OfAttributes(attrs);
    o["MessageAttributes"] = EncodeAttributes(attrs);
  }
  return o;
}

// What a long poll waits on: woken (on the connection's strand) when the
// queue may have a visible message.
struct Waker {
  explicit Waker(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  bool woken = false;
};

}  // namespace

// --- SendMessage / SendMessageBatch -------------------------------------------

Result<SendMessage::Request> SendMessage::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto m = ParseNewMessage(in);
  if (!m.ok()) return m.status();
  return Request{std::move(queue).value(), std::move(m).value()};
}

net::awaitable<Result<Object>> SendMessage::Execute(OpContext& ctx, Request r) {
  std::vector<queues::NewMessage> batch;
  batch.push_back(std::move(r.message));
  std::string sender = ctx.principal.access_key_id;
  auto sent = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.Send(r.queue, std::move(batch), sender); });
  if (!sent.ok()) co_return sent.status();
  if (!(*sent)[0].ok()) co_return (*sent)[0].status();
  co_return SentObject(*(*sent)[0]);
}

Result<SendMessageBatch::Request> SendMessageBatch::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto entries = BatchEntries(in, "SendMessageBatchRequestEntry");
  if (!entries.ok()) return entries.status();
  Request r;
  r.queue = std::move(queue).value();
  size_t total = 0;
  for (auto& [id, entry] : *entries) {
    r.ids.push_back(id);
    auto m = ParseNewMessage(entry);
    if (m.ok()) {
      total += m->body.size();
      for (const auto& [k, v] : m->attributes) total += k.size() + v.data_type.size() + v.string_value.size() + v.binary_value.size();
    }
    r.messages.push_back(std::move(m));
  }
  if (total > (1u << 20)) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("Batch requests cannot be longer than 1048576 bytes. You have sent {} bytes.", total),
                  "BatchRequestTooLong");
  }
  return r;
}

net::awaitable<Result<Object>> SendMessageBatch::Execute(OpContext& ctx, Request r) {
  std::vector<queues::NewMessage> valid;
  std::vector<size_t> where;  // index in r for each valid message
  for (size_t i = 0; i < r.messages.size(); ++i) {
    if (r.messages[i].ok()) {
      valid.push_back(std::move(r.messages[i]).value());
      where.push_back(i);
    }
  }
  std::string sender = ctx.principal.access_key_id;
  std::vector<Result<queues::SentMessage>> results;
  if (!valid.empty()) {
    auto sent = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.Send(r.queue, std::move(valid), sender); });
    if (!sent.ok()) co_return sent.status();
    results = std::move(sent).value();
  } else {
    // Still a queue that must exist.
    auto q = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.GetQueue(r.queue); });
    if (!q.ok()) co_return q.status();
  }
  json::array successful, failed;
  size_t next = 0;
  for (size_t i = 0; i < r.messages.size(); ++i) {
    if (!r.messages[i].ok()) {
      failed.push_back(FailedEntry(r.ids[i], r.messages[i].status(), kSpec.name));
      continue;
    }
    auto& res = results[next++];
    if (!res.ok()) {
      failed.push_back(FailedEntry(r.ids[i], res.status(), kSpec.name));
      continue;
    }
    Object o = SentObject(*res);
    o["Id"] = r.ids[i];
    successful.push_back(std::move(o));
  }
  co_return Object{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

// --- ReceiveMessage -----------------------------------------------------------

Result<ReceiveMessage::Request> ReceiveMessage::Parse(const Input& in, OpContext& ctx) {
  Request r;
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  r.queue = std::move(queue).value();
  auto max = in.Int("MaxNumberOfMessages");
  if (!max.ok()) return max.status();
  if (*max && (**max < 1 || **max > 10)) {
    return Invalid(fmt::format("Value {} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
                               "10, if provided.", **max));
  }
  r.options.max_messages = static_cast<int>(max->value_or(1));
  auto vt = in.Int("VisibilityTimeout");
  if (!vt.ok()) return vt.status();
  if (*vt) r.options.visibility_timeout = static_cast<int>(**vt);
  auto wait = in.Int("WaitTimeSeconds");
  if (!wait.ok()) return wait.status();
  if (*wait) {
    if (**wait < 0 || **wait > 20) {
      return Invalid(fmt::format("Value {} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
                                 "if provided.", **wait));
    }
    r.wait_seconds = static_cast<int>(**wait);
  }
  auto names = in.StringList("AttributeNames");
  if (!names.ok()) return names.status();
  r.system_names = std::move(names).value();
  auto more = in.StringList("MessageSystemAttributeNames");
  if (!more.ok()) return more.status();
  r.system_names.insert(r.system_names.end(), more->begin(), more->end());
  auto attrs = in.StringList("MessageAttributeNames");
  if (!attrs.ok()) return attrs.status();
  r.attribute_names = std::move(attrs).value();
  auto attempt = in.String("ReceiveRequestAttemptId");
  if (!attempt.ok()) return attempt.status();
  r.options.attempt_id = attempt->value_or("");
  return r;
}

net::awaitable<Result<Object>> ReceiveMessage::Execute(OpContext& ctx, Request r) {
  queues::QueueService* service = ctx.services.queues;
  if (service == nullptr) co_return Status(common::ErrorCode::kUnavailable, "queues are not served here");
  int wait = 0;
  if (r.wait_seconds) {
    wait = *r.wait_seconds;
  } else {
    auto q = service->GetQueue(r.queue);
    if (!q.ok()) co_return q.status();
    wait = q->receive_wait_seconds;
  }
  auto ex = co_await asio::this_coro::executor;
  auto waker = std::make_shared<Waker>(ex);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
  std::optional<uint64_t> watch;
  if (wait > 0) {
    auto w = service->Watch(r.queue, [waker, ex] {
      asio::post(ex, [waker] {
        waker->woken = true;
        waker->timer.cancel();
      });
    });
    if (!w.ok()) co_return w.status();
    watch = *w;
  }
  Result<std::vector<queues::ReceivedMessage>> got = std::vector<queues::ReceivedMessage>{};
  for (;;) {
    waker->woken = false;
    got = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.Receive(r.queue, r.options); });
    if (!got.ok() || !got->empty() || std::chrono::steady_clock::now() >= deadline) break;
    if (waker->woken) continue;  // a message arrived while receiving
    auto until = deadline;
    if (auto next = service->NextDeadline(r.queue)) {
      auto in = *next - std::chrono::system_clock::now();
      auto at = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(in) + std::chrono::milliseconds(1);
      until = std::min(until, at);
    }
    waker->timer.expires_at(until);
    co_await waker->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (watch) service->Unwatch(r.queue, *watch);
  if (!got.ok()) co_return got.status();
  json::array messages;
  for (auto& m : *got) messages.push_back(ReceivedObject(m, r));
  Object out;
  if (!messages.empty()) out["Messages"] = std::move(messages);
  co_return out;
}

// --- DeleteMessage / DeleteMessageBatch ---------------------------------------

Result<DeleteMessage::Request> DeleteMessage::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto handle = in.RequiredString("ReceiptHandle");
  if (!handle.ok()) return handle.status();
  return Request{std::move(queue).value(), std::move(handle).value()};
}

net::awaitable<Result<Object>> DeleteMessage::Execute(OpContext& ctx, Request r) {
  std::vector<std::string> handles{r.receipt_handle};
  auto res = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.Delete(r.queue, handles); });
  if (!res.ok()) co_return res.status();
  if (!(*res)[0].ok()) co_return (*res)[0];
  co_return Object{};
}

Result<DeleteMessageBatch::Request> DeleteMessageBatch::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto entries = BatchEntries(in, "DeleteMessageBatchRequestEntry");
  if (!entries.ok()) return entries.status();
  Request r;
  r.queue = std::move(queue).value();
  for (auto& [id, entry] : *entries) {
    auto handle = entry.RequiredString("ReceiptHandle");
    if (!handle.ok()) return handle.status();
    r.ids.push_back(id);
    r.receipt_handles.push_back(std::move(handle).value());
  }
  return r;
}

net::awaitable<Result<Object>> DeleteMessageBatch::Execute(OpContext& ctx, Request r) {
  auto res = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.Delete(r.queue, r.receipt_handles); });
  if (!res.ok()) co_return res.status();
  json::array successful, failed;
  for (size_t i = 0; i < r.ids.size(); ++i) {
    if ((*res)[i].ok()) {
      successful.push_back(Object{{"Id", r.ids[i]}});
    } else {
      failed.push_back(FailedEntry(r.ids[i], (*res)[i], kSpec.name));
    }
  }
  co_return Object{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

// --- ChangeMessageVisibility(Batch) -------------------------------------------

Result<ChangeMessageVisibility::Request> ChangeMessageVisibility::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto handle = in.RequiredString("ReceiptHandle");
  if (!handle.ok()) return handle.status();
  auto timeout = in.Int("VisibilityTimeout");
  if (!timeout.ok()) return timeout.status();
  if (!*timeout) {
    return Status(common::ErrorCode::kInvalidArgument, "The request must contain the parameter VisibilityTimeout.",
                  "MissingParameter");
  }
  return Request{std::move(queue).value(), std::move(handle).value(), static_cast<int>(std::clamp<int64_t>(**timeout, -1, 43201))};
}

net::awaitable<Result<Object>> ChangeMessageVisibility::Execute(OpContext& ctx, Request r) {
  std::vector<std::pair<std::string, int>> changes{{r.receipt_handle, r.timeout}};
  auto res = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.ChangeVisibility(r.queue, changes); });
  if (!res.ok()) co_return res.status();
  if (!(*res)[0].ok()) co_return (*res)[0];
  co_return Object{};
}

Result<ChangeMessageVisibilityBatch::Request> ChangeMessageVisibilityBatch::Parse(const Input& in, OpContext& ctx) {
  auto queue = QueueName(in, ctx);
  if (!queue.ok()) return queue.status();
  auto entries = BatchEntries(in, "ChangeMessageVisibilityBatchRequestEntry");
  if (!entries.ok()) return entries.status();
  Request r;
  r.queue = std::move(queue).value();
  for (auto& [id, entry] : *entries) {
    auto handle = entry.RequiredString("ReceiptHandle");
    if (!handle.ok()) return handle.status();
    auto timeout = entry.Int("VisibilityTimeout");
    if (!timeout.ok()) return timeout.status();
    r.ids.push_back(id);
    r.changes.emplace_back(std::move(handle).value(), static_cast<int>(std::clamp<int64_t>(timeout->value_or(0), -1, 43201)));
  }
  return r;
}

net::awaitable<Result<Object>> ChangeMessageVisibilityBatch::Execute(OpContext& ctx, Request r) {
  auto res = co_await CallQueues(ctx, [&](queues::QueueService& s) { return s.ChangeVisibility(r.queue, r.changes); });
  if (!res.ok()) co_return res.status();
  json::array successful, failed;
  for (size_t i = 0; i < r.ids.size(); ++i) {
    if ((*res)[i].ok()) {
      successful.push_back(Object{{"Id", r.ids[i]}});
    } else {
      failed.push_back(FailedEntry(r.ids[i], (*res)[i], kSpec.name));
    }
  }
  co_return Object{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

}  // namespace api::sqs
