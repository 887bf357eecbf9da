#include "api/sns/ops/publish.h"

#include <set>

#include <fmt/format.h>

#include "api/query/errors.h"

namespace api::sns {

namespace json = boost::json;

namespace {

Status Invalid(std::string m) {
  return Status(common::ErrorCode::kInvalidArgument, "Invalid parameter: " + m, "InvalidParameter");
}

Result<topics::PublishRequest> ParseMessage(const Input& in) {
  topics::PublishRequest r;
  auto message = in.RequiredString("Message");
  if (!message.ok()) return message.status();
  r.message = std::move(message).value();
  auto subject = in.String("Subject");
  auto structure = in.String("MessageStructure");
  auto group = in.String("MessageGroupId");
  auto dedup = in.String("MessageDeduplicationId");
  if (!subject.ok()) return subject.status();
  if (!structure.ok()) return structure.status();
  if (!group.ok()) return group.status();
  if (!dedup.ok()) return dedup.status();
  r.subject = subject->value_or("");
  // As SNS: under 100 characters, no line breaks or control characters (it
  // becomes an email's Subject header).
  if (r.subject.size() >= 100) return Invalid("Subject");
  for (unsigned char c : r.subject) {
    if (c < 0x20 || c == 0x7f) return Invalid("Subject: line breaks and control characters are not allowed");
  }
  if (*structure && **structure != "json") return Invalid("MessageStructure");
  r.json_structure = structure->has_value();
  r.group_id = group->value_or("");
  r.deduplication_id = dedup->value_or("");
  auto attrs = in.MessageAttributes("MessageAttributes");
  if (!attrs.ok()) return attrs.status();
  r.attributes = std::move(attrs).value();
  return r;
}

}  // namespace

Result<Publish::Request> Publish::Parse(const Input& in, OpContext&) {
  auto topic = in.String("TopicArn");
  if (!topic.ok()) return topic.status();
  auto target = in.String("TargetArn");
  if (!target.ok()) return target.status();
  if (in.json().contains("PhoneNumber")) return Invalid("PhoneNumber: SMS is not served here");
  if (!*topic && !*target) return Invalid("TopicArn or TargetArn Reason: no value for required parameter");
  auto m = ParseMessage(in);
  if (!m.ok()) return m.status();
  m->topic_arn = topic->has_value() ? **topic : **target;
  return m;
}

net::awaitable<Result<Object>> Publish::Execute(OpContext& ctx, Request r) {
  std::vector<topics::PublishRequest> batch;
  batch.push_back(std::move(r));
  auto res = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.Publish(std::move(batch)); });
  if (!res.ok()) co_return res.status();
  if (!(*res)[0].ok()) co_return (*res)[0].status();
  Object o{{"MessageId", (*res)[0]->message_id}};
  if (!(*res)[0]->sequence_number.empty()) o["SequenceNumber"] = (*res)[0]->sequence_number;
  co_return o;
}

Result<PublishBatch::Request> PublishBatch::Parse(const Input& in, OpContext&) {
  auto topic = in.RequiredString("TopicArn");
  if (!topic.ok()) return topic.status();
  auto entries = in.Array("PublishBatchRequestEntries");
  if (!entries.ok()) return entries.status();
  if (*entries == nullptr || (*entries)->empty()) {
    return Status(common::ErrorCode::kInvalidArgument, "The batch request doesn't contain any entries",
                  "EmptyBatchRequestException");
  }
  if ((*entries)->size() > 10) {
    return Status(common::ErrorCode::kInvalidArgument, "The batch request contains more entries than permissible",
                  "TooManyEntriesInBatchRequestException");
  }
  Request r;
  std::set<std::string> seen;
  for (const auto& e : **entries) {
    if (!e.is_object()) return Invalid("PublishBatchRequestEntries");
    Input entry(e.as_object());
    auto id = entry.RequiredString("Id");
    if (!id.ok()) return id.status();
    if (!seen.insert(*id).second) {
      return Status(common::ErrorCode::kInvalidArgument, "Two or more batch entries in the request have the same Id",
                    "BatchEntryIdsNotDistinctException");
    }
    auto m = ParseMessage(entry);
    if (m.ok()) m->topic_arn = *topic;
    r.ids.push_back(std::move(id).value());
    r.entries.push_back(std::move(m));
  }
  return r;
}

net::awaitable<Result<Object>> PublishBatch::Execute(OpContext& ctx, Request r) {
  std::vector<topics::PublishRequest> valid;
  std::vector<size_t> where;
  for (size_t i = 0; i < r.entries.size(); ++i) {
    if (r.entries[i].ok()) {
      valid.push_back(*r.entries[i]);
      where.push_back(i);
    }
  }
  auto res = co_await CallTopics(ctx, [&](topics::TopicService& s) { return s.Publish(std::move(valid)); });
  if (!res.ok()) co_return res.status();
  json::array successful, failed;
  auto fail = [&](size_t i, const Status& st) {
    failed.push_back(Object{{"Id", r.ids[i]}, {"Code", std::string(query::QueryErrorMap().Lookup(st, kSpec.name).code)},
                            {"Message", st.message()}, {"SenderFault", true}});
  };
  size_t next = 0;
  for (size_t i = 0; i < r.entries.size(); ++i) {
    if (!r.entries[i].ok()) {
      fail(i, r.entries[i].status());
      continue;
    }
    const auto& one = (*res)[next++];
    if (!one.ok()) {
      fail(i, one.status());
      continue;
    }
    Object o{{"Id", r.ids[i]}, {"MessageId", one->message_id}};
    if (!one->sequence_number.empty()) o["SequenceNumber"] = one->sequence_number;
    successful.push_back(std::move(o));
  }
  co_return Object{{"Successful", std::move(successful)}, {"Failed", std::move(failed)}};
}

}  // namespace api::sns
