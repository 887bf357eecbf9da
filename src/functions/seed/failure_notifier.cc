// failure-notifier (seed 001): consumes failure-queue — messages an operator
// redrove there from validation-dlq — and publishes a detailed alert for each
// to the alerts topic (which has the email subscription): the bucket and key
// when the message names an object, why it failed, how many times it was
// received, when it was first seen, and the message itself. A message whose
// alert cannot be published is reported as failed and redelivered.
//
// Environment: ALERTS_TOPIC_ARN (required).

#include "functions/seed/handlers.h"

#include <charconv>
#include <chrono>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "functions/seed/common.h"

namespace functions::seed {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

namespace {

std::string Attr(const json::object& record, std::string_view name) {
  const json::value* attributes = record.if_contains("attributes");
  if (attributes == nullptr || !attributes->is_object()) return {};
  const json::value* v = attributes->as_object().if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Time(std::string_view epoch_ms) {
  int64_t ms = 0;
  if (std::from_chars(epoch_ms.data(), epoch_ms.data() + epoch_ms.size(), ms).ec != std::errc() || ms <= 0) {
    return "unknown";
  }
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(tp));
}

}  // namespace

Result<json::value> FailureNotifier(Context& ctx, const json::value& event) {
  auto topic = RequiredEnv(ctx, "ALERTS_TOPIC_ARN");
  if (!topic.ok()) return topic.status();
  auto messages = SqsMessages(event);
  if (!messages.ok()) return messages.status();
  std::vector<std::string> failed;
  for (const auto& m : *messages) {
    const json::object& r = *m.record;
    const std::string& id = m.id;
    const std::string& body = m.body;
    const auto& objects = m.objects;
    std::string bucket = "unknown", key = "unknown", reason;
    if (objects.ok() && !objects->empty()) {
      bucket = objects->front().bucket;
      key = objects->front().key;
      reason = "checksum validation did not pass before the message's receive limit (replica missing, pending or "
               "different from the primary)";
    } else {
      reason = fmt::format("the message could not be processed: {}", objects.ok() ? "it names no object"
                                                                                : objects.status().message());
    }
    std::string source = Attr(r, "DeadLetterQueueSourceArn");
    std::string text = fmt::format(
        "A backup validation failed and was moved to the failure queue.\n\n"
        "Bucket: {}\nKey: {}\nReason: {}\nReceive count: {}\nFirst seen: {}\nSent: {}\nMessage id: {}\n"
        "Queue: {}{}\n\nMessage:\n{}\n",
        bucket, key, reason, Attr(r, "ApproximateReceiveCount"), Time(Attr(r, "ApproximateFirstReceiveTimestamp")),
        Time(Attr(r, "SentTimestamp")), id,
        r.contains("eventSourceARN") && r.at("eventSourceARN").is_string() ? std::string(r.at("eventSourceARN").as_string()) : "",
        source.empty() ? "" : fmt::format(" (dead-lettered from {})", source), body);
    std::string subject = fmt::format("Backup validation failure: {}", bucket == "unknown" ? "unreadable message" : bucket);
    if (subject.size() > 99) subject.resize(99);
    auto published = Publish(ctx, *topic, subject, text);
    if (!published.ok()) {
      ctx.Log(fmt::format("ERROR: cannot publish the alert for message {}: {}", id, published.status().message()));
      failed.push_back(id);
      continue;
    }
    ctx.Log(fmt::format("ALERT sent for message {} (bucket {}, key {}): SNS message {}", id, bucket, key, *published));
  }
  return BatchItemFailures(failed);
}

}  // namespace functions::seed
