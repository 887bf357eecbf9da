#include "functions/sqs_mapping.h"

#include <charconv>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/checksum.h"
#include "common/log.h"

namespace functions {

namespace json = boost::json;
using common::ErrorCode;
using common::Status;
using service::queues::ReceivedMessage;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view Get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string_view() : std::string_view(it->second);
}

// One message as Lambda's SQS event record.
json::object Record(const ReceivedMessage& m, std::string_view queue_arn, std::string_view region) {
  json::object attributes;
  for (const char* name : {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
                           "MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "AWSTraceHeader",
                           "DeadLetterQueueSourceArn"}) {
    if (auto v = Get(m.system, name); !v.empty()) attributes[name] = v;
  }
  json::object message_attributes;
  for (const auto& [name, a] : m.attributes) {
    json::object v{{"stringListValues", json::array()}, {"binaryListValues", json::array()}, {"dataType", a.data_type}};
    if (a.data_type.starts_with("Binary")) {
      v["binaryValue"] = common::Base64Encode(a.binary_value);
    } else {
      v["stringValue"] = a.string_value;
    }
    message_attributes[name] = std::move(v);
  }
  json::object r{{"messageId", m.message_id},
                 {"receiptHandle", m.receipt_handle},
                 {"body", m.body},
                 {"attributes", std::move(attributes)},
                 {"messageAttributes", std::move(message_attributes)},
                 {"md5OfBody", m.md5_of_body},
                 {"eventSource", "aws:sqs"},
                 {"eventSourceARN", queue_arn},
                 {"awsRegion", region}};
  if (!m.md5_of_attributes.empty()) r["md5OfMessageAttributes"] = m.md5_of_attributes;
  return r;
}

// The message ids a ReportBatchItemFailures response lists; nullopt when the
// response is malformed (then the whole batch counts as failed, as Lambda).
std::optional<std::set<std::string>> ItemFailures(const json::value& payload, const std::set<std::string>& ids) {
  std::set<std::string> out;
  if (payload.is_null()) return out;
  if (!payload.is_object()) return out;
  const json::value* failures = payload.as_object().if_contains("batchItemFailures");
  if (failures == nullptr || failures->is_null()) return out;
  if (!failures->is_array()) return std::nullopt;
  for (const auto& f : failures->as_array()) {
    const json::value* id = f.is_object() ? f.as_object().if_contains("itemIdentifier") : nullptr;
    if (id == nullptr || !id->is_string() || !ids.contains(std::string(id->as_string()))) return std::nullopt;
    out.insert(std::string(id->as_string()));
  }
  return out;
}

}  // namespace

SqsMapping::SqsMapping(FunctionHost& host, service::queues::QueueService& queues, SqsMappingSpec spec,
                       common::metrics::Registry* metrics)
    : host_(host), queues_(queues), spec_(std::move(spec)) {
  if (metrics != nullptr) {
    common::metrics::Labels l{{"function", spec_.function}, {"queue", spec_.queue}};
    batches_ = &metrics->GetCounter("stratus_function_sqs_batches_total", "Batches an SQS mapping invoked its function with.", l);
    messages_ = &metrics->GetCounter("stratus_function_sqs_messages_total", "Messages an SQS mapping handed to its function.", l);
    failed_ = &metrics->GetCounter("stratus_function_sqs_failed_batches_total",
                                   "Batches whose invocation failed (messages left to the visibility timeout).", l);
    age_ = &metrics->GetGauge("stratus_function_sqs_queue_age_milliseconds",
                              "Age of the oldest message in the last batch an SQS mapping took.", l);
  }
}

SqsMapping::~SqsMapping() { Stop(); }

Status SqsMapping::Start() {
  if (!host_.Has(spec_.function)) return Status(ErrorCode::kNotFound, fmt::format("no function {}", spec_.function));
  if (spec_.batch_size < 1 || spec_.batch_size > 10'000) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("batch size {} for {} is out of range (1–10000)", spec_.batch_size, spec_.queue));
  }
  for (int i = 0; i < std::max(1, spec_.maximum_concurrency); ++i) pollers_.emplace_back([this] { Poll(); });
  return Status::Ok();
}

bool SqsMapping::Attach() {
  std::lock_guard lock(attach_mu_);
  if (watching_) return true;
  auto queue = queues_.GetQueue(spec_.queue);
  if (!queue.ok()) {
    if (!missing_logged_) {
      common::log::Get("functions")->warn("{}: queue {} does not exist (yet); waiting for it", spec_.function,
                                          spec_.queue);
      missing_logged_ = true;
    }
    return false;
  }
  if (queue->fifo && spec_.batch_size > 10) {
    common::log::Get("functions")->warn("{}: {} is a FIFO queue; batch size {} lowered to 10", spec_.function,
                                        spec_.queue, spec_.batch_size);
    spec_.batch_size = 10;
  }
  auto token = queues_.Watch(spec_.queue, [this] {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_all();
  });
  if (!token.ok()) return false;
  queue_arn_ = queue->arn;
  watch_ = *token;
  watching_ = true;
  missing_logged_ = false;
  common::log::Get("functions")->info("{}: polling {}", spec_.function, spec_.queue);
  return true;
}

void SqsMapping::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  for (auto& t : pollers_) t.join();
  pollers_.clear();
  std::lock_guard lock(attach_mu_);
  if (watching_) queues_.Unwatch(spec_.queue, watch_);
  watching_ = false;
}

void SqsMapping::Detach() {
  std::lock_guard lock(attach_mu_);
  if (watching_) queues_.Unwatch(spec_.queue, watch_);
  watching_ = false;
}

void SqsMapping::Wait(std::chrono::steady_clock::time_point until) {
  if (auto next = queues_.NextDeadline(spec_.queue)) {
    auto in = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - std::chrono::system_clock::now());
    until = std::min(until, std::chrono::steady_clock::now() + std::max(in, std::chrono::steady_clock::duration(0)));
  }
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, until, [this] { return woken_ || stopping_; });
  woken_ = false;
}

std::vector<ReceivedMessage> SqsMapping::Gather() {
  std::vector<ReceivedMessage> batch;
  std::chrono::steady_clock::time_point window_end;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return batch;  // taken messages return after their visibility timeout
    }
    int want = std::min(10, spec_.batch_size - static_cast<int>(batch.size()));
    service::queues::ReceiveOptions options;
    options.max_messages = want;
    if (!Attach()) {
      Wait(std::chrono::steady_clock::now() + std::chrono::seconds(2));
      continue;
    }
    auto got = queues_.Receive(spec_.queue, options);
    if (!got.ok()) {
      if (got.status().code() == ErrorCode::kNotFound) Detach();
      common::log::Get("functions")->warn("{}: cannot receive from {}: {}", spec_.function, spec_.queue,
                                          got.status().ToString());
      Wait(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      if (!batch.empty()) return batch;
      continue;
    }
    if (batch.empty() && !got->empty()) window_end = std::chrono::steady_clock::now() + spec_.maximum_batching_window;
    for (auto& m : *got) batch.push_back(std::move(m));
    if (static_cast<int>(batch.size()) >= spec_.batch_size) return batch;
    if (static_cast<int>(got->size()) == want) continue;  // more may be there now
    if (batch.empty()) {
      Wait(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      continue;
    }
    if (std::chrono::steady_clock::now() >= window_end) return batch;
    Wait(window_end);
  }
}

void SqsMapping::Poll() {
  while (true) {
    auto batch = Gather();
    if (batch.empty()) return;  // stopping
    Process(std::move(batch));
  }
}

void SqsMapping::Process(std::vector<ReceivedMessage> batch) {
  json::array records;
  std::set<std::string> ids;
  int64_t oldest = NowMs();
  for (const auto& m : batch) {
    records.push_back(Record(m, queue_arn_, host_.region()));
    ids.insert(m.message_id);
    auto sent = Get(m.system, "SentTimestamp");
    int64_t t = 0;
    if (std::from_chars(sent.data(), sent.data() + sent.size(), t).ec == std::errc() && t > 0) oldest = std::min(oldest, t);
  }
  if (age_ != nullptr) {
    age_->Set(NowMs() - oldest);
    batches_->Inc();
    messages_->Inc(batch.size());
  }
  auto result = host_.Invoke(spec_.function, json::object{{"Records", std::move(records)}});
  std::set<std::string> keep;
  bool failed = !result.ok() || result->failed;
  if (!failed && spec_.report_batch_item_failures) {
    auto failures = ItemFailures(result->payload, ids);
    if (!failures) {
      common::log::Get("functions")->warn("{}: malformed batchItemFailures response; the whole batch is retried",
                                          spec_.function);
      failed = true;
    } else {
      keep = std::move(*failures);
    }
  }
  if (failed) {
    if (failed_ != nullptr) failed_->Inc();
    return;  // every message comes back after its visibility timeout
  }
  std::vector<std::string> handles;
  for (const auto& m : batch) {
    if (!keep.contains(m.message_id)) handles.push_back(m.receipt_handle);
  }
  for (size_t i = 0; i < handles.size(); i += 10) {
    std::vector<std::string> chunk(handles.begin() + static_cast<std::ptrdiff_t>(i),
                                   handles.begin() + static_cast<std::ptrdiff_t>(std::min(handles.size(), i + 10)));
    auto deleted = queues_.Delete(spec_.queue, chunk);
    if (!deleted.ok()) {
      common::log::Get("functions")->warn("{}: cannot delete processed messages from {}: {}", spec_.function,
                                          spec_.queue, deleted.status().ToString());
    }
  }
}

}  // namespace functions
