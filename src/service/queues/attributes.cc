// Queue attributes: validation as SQS does it, and the parsed QueueConfig.
// Message attribute MD5s as SQS computes them.

#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/checksum.h"
#include "service/queues/service_impl.h"

namespace service::queues {
namespace {

namespace json = boost::json;

Status InvalidAttributeValue(std::string_view name, std::string_view reason = {}) {
  std::string msg = fmt::format("Invalid value for the parameter {}.", name);
  if (!reason.empty()) msg = fmt::format("Value for parameter {} is invalid. Reason: {}", name, reason);
  return Status(common::ErrorCode::kInvalidArgument, std::move(msg), "InvalidAttributeValue");
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Range {
  std::string_view name;
  int64_t min, max;
};
constexpr Range kRanges[] = {
    {"VisibilityTimeout", 0, 43200},
    {"MessageRetentionPeriod", 60, 1209600},
    {"DelaySeconds", 0, 900},
    {"ReceiveMessageWaitTimeSeconds", 0, 20},
    {"MaximumMessageSize", 1024, 1048576},
    {"KmsDataKeyReusePeriodSeconds", 60, 86400},
};

bool IsBool(std::string_view v) { return v == "true" || v == "false"; }

Status ValidateRedrivePolicy(std::string_view v) {
  if (v.empty()) return Status::Ok();  // removes the policy
  boost::system::error_code ec;
  json::value doc = json::parse(v, ec);
  if (ec || !doc.is_object()) return InvalidAttributeValue("RedrivePolicy", "Redrive policy is not a valid JSON map.");
  const auto& o = doc.as_object();
  auto* arn = o.if_contains("deadLetterTargetArn");
  auto* count = o.if_contains("maxReceiveCount");
  if (arn == nullptr || !arn->is_string() || count == nullptr) {
    return InvalidAttributeValue("RedrivePolicy",
                                 "Redrive policy does not contain mandatory attribute: "
                                 + std::string(arn == nullptr ? "deadLetterTargetArn" : "maxReceiveCount") + ".");
  }
  std::optional<int64_t> n;
  if (count->is_int64()) n = count->as_int64();
  if (count->is_string()) n = ParseInt(count->as_string());
  if (!n || *n < 1 || *n > 1000) {
    return InvalidAttributeValue("RedrivePolicy", "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.");
  }
  return Status::Ok();
}

Status ValidateRedriveAllowPolicy(std::string_view v) {
  if (v.empty()) return Status::Ok();
  boost::system::error_code ec;
  json::value doc = json::parse(v, ec);
  if (ec || !doc.is_object()) return InvalidAttributeValue("RedriveAllowPolicy", "Redrive allow policy is not a valid JSON map.");
  const auto& o = doc.as_object();
  auto* perm = o.if_contains("redrivePermission");
  if (perm == nullptr || !perm->is_string() ||
      (perm->as_string() != "allowAll" && perm->as_string() != "denyAll" && perm->as_string() != "byQueue")) {
    return InvalidAttributeValue("RedriveAllowPolicy", "redrivePermission must be allowAll, denyAll or byQueue.");
  }
  auto* arns = o.if_contains("sourceQueueArns");
  if (perm->as_string() == "byQueue") {
    if (arns == nullptr || !arns->is_array() || arns->as_array().empty() || arns->as_array().size() > 10) {
      return InvalidAttributeValue("RedriveAllowPolicy", "byQueue needs 1 to 10 sourceQueueArns.");
    }
  } else if (arns != nullptr) {
    return InvalidAttributeValue("RedriveAllowPolicy", "sourceQueueArns is allowed only with byQueue.");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateAttributes(const std::map<std::string, std::string>& attrs, bool creating, bool fifo_name) {
  bool fifo = fifo_name;
  if (auto it = attrs.find("FifoQueue"); it != attrs.end()) {
    if (!creating) {
      return Status(common::ErrorCode::kInvalidArgument, "Invalid attribute name FifoQueue", "InvalidAttributeName");
    }
    if (!IsBool(it->second)) return InvalidAttributeValue("FifoQueue");
    fifo = it->second == "true";
    if (fifo != fifo_name) {
      return Status(common::ErrorCode::kInvalidArgument,
                    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                    "must end with .fifo suffix and be 1 to 80 in length.",
                    "InvalidParameterValue");
    }
  }
  for (const auto& attr : attrs) {
    const std::string& name = attr.first;  // (not a structured binding: lambdas below refer to it)
    const std::string& value = attr.second;
    if (name == "FifoQueue") continue;
    if (auto* r = std::find_if(std::begin(kRanges), std::end(kRanges), [&](const Range& x) { return x.name == name; });
        r != std::end(kRanges)) {
      auto v = ParseInt(value);
      if (!v || *v < r->min || *v > r->max) return InvalidAttributeValue(name);
    } else if (name == "RedrivePolicy") {
      STRATUS_RETURN_IF_ERROR(ValidateRedrivePolicy(value));
    } else if (name == "RedriveAllowPolicy") {
      STRATUS_RETURN_IF_ERROR(ValidateRedriveAllowPolicy(value));
    } else if (name == "Policy") {
      if (!value.empty()) {
        boost::system::error_code ec;
        json::value doc = json::parse(value, ec);
        if (ec || !doc.is_object()) return InvalidAttributeValue(name, "Policy is not a valid JSON document.");
      }
    } else if (name == "KmsMasterKeyId") {
      // Any key id or alias; keys are checked once KMS serves this region.
    } else if (name == "SqsManagedSseEnabled") {
      if (!IsBool(value)) return InvalidAttributeValue(name);
    } else if (name == "ContentBasedDeduplication" || name == "DeduplicationScope" || name == "FifoThroughputLimit") {
      if (!fifo) {
        return Status(common::ErrorCode::kInvalidArgument, fmt::format("Unknown Attribute {}.", name),
                      "InvalidAttributeName");
      }
      if (name == "ContentBasedDeduplication" && !IsBool(value)) return InvalidAttributeValue(name);
      if (name == "DeduplicationScope" && value != "messageGroup" && value != "queue") return InvalidAttributeValue(name);
      if (name == "FifoThroughputLimit" && value != "perQueue" && value != "perMessageGroupId") {
        return InvalidAttributeValue(name);
      }
    } else {
      return Status(common::ErrorCode::kInvalidArgument, fmt::format("Unknown Attribute {}.", name),
                    "InvalidAttributeName");
    }
  }
  return Status::Ok();
}

QueueConfig ConfigOf(const std::map<std::string, std::string>& attrs, bool fifo) {
  QueueConfig c;
  c.fifo = fifo;
  auto num = [&](std::string_view name, int& out) {
    if (auto it = attrs.find(std::string(name)); it != attrs.end()) {
      if (auto v = ParseInt(it->second)) out = static_cast<int>(*v);
    }
  };
  num("VisibilityTimeout", c.visibility_timeout);
  num("MessageRetentionPeriod", c.retention);
  num("DelaySeconds", c.delay);
  num("ReceiveMessageWaitTimeSeconds", c.wait);
  num("MaximumMessageSize", c.max_size);
  if (auto it = attrs.find("RedrivePolicy"); it != attrs.end() && !it->second.empty()) {
    boost::system::error_code ec;
    json::value doc = json::parse(it->second, ec);
    if (!ec && doc.is_object()) {
      const auto& o = doc.as_object();
      if (auto* a = o.if_contains("deadLetterTargetArn"); a != nullptr && a->is_string()) c.dlq_arn = a->as_string();
      if (auto* n = o.if_contains("maxReceiveCount"); n != nullptr) {
        if (n->is_int64()) c.max_receive = static_cast<int>(n->as_int64());
        if (n->is_string()) c.max_receive = static_cast<int>(ParseInt(n->as_string()).value_or(0));
      }
    }
  }
  if (auto it = attrs.find("ContentBasedDeduplication"); it != attrs.end()) c.content_dedup = it->second == "true";
  if (auto it = attrs.find("DeduplicationScope"); it != attrs.end()) c.dedup_per_group = it->second == "messageGroup";
  return c;
}

namespace {
void AppendLengthPrefixed(std::string& out, std::string_view s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(s);
}
}  // namespace

std::string Md5OfAttributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return {};
  std::string buf;
  for (const auto& [name, v] : attributes) {  // std::map: sorted by name
    AppendLengthPrefixed(buf, name);
    AppendLengthPrefixed(buf, v.data_type);
    if (v.data_type.starts_with("Binary")) {
      buf.push_back(2);
      AppendLengthPrefixed(buf, v.binary_value);
    } else {
      buf.push_back(1);
      AppendLengthPrefixed(buf, v.string_value);
    }
  }
  return common::HexEncode(common::Md5(buf));
}

}  // namespace service::queues
