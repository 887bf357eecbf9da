// TopicService: topics, subscriptions, publishing and delivery.

#include "service/topics/topic_service.h"

#include "service/topics/signing.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/checksum.h"
#include "common/ids.h"
#include "common/log.h"
#include "service/bus/pattern.h"
#include "service/common/outbox.h"
#include "service/common/record.h"
#include "storage/value_codec.h"

namespace service::topics {

namespace json = boost::json;

namespace {

const storage::ValueCodec kCodec;
constexpr int64_t kFormat = 1;
constexpr std::string_view kTopics = "sns/t/";
constexpr std::string_view kSubs = "sns/s/";
constexpr std::string_view kOutbox = "sns/o/";
constexpr int kMaxAttempts = 25;  // backoff up to 30 s: about ten minutes

Status NotFound(std::string m) { return Status(common::ErrorCode::kNotFound, std::move(m), "NotFound"); }
// The access policy a topic has until one is set, as SNS writes it.
std::string DefaultPolicy(std::string_view arn, std::string_view account) {
  return fmt::format(
      R"({{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["SNS:Publish","SNS:Subscribe","SNS:GetTopicAttributes"],"Resource":"{}","Condition":{{"StringEquals":{{"AWS:SourceOwner":"{}"}}}}}}]}})",
      arn, account);
}

Status Invalid(std::string m) {
  return Status(common::ErrorCode::kInvalidArgument, "Invalid parameter: " + m, "InvalidParameter");
}

json::object MapObject(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> ObjectMap(record::Reader& r, std::string_view key) {
  std::map<std::string, std::string> out;
  if (auto* o = r.Obj(key)) {
    for (const auto& [k, v] : *o) {
      if (v.is_string()) out[std::string(k)] = std::string(v.as_string());
    }
  }
  return out;
}

bool ValidTopicName(std::string_view n) {
  std::string_view base = n.ends_with(".fifo") ? n.substr(0, n.size() - 5) : n;
  if (base.empty() || n.size() > 256) return false;
  return std::all_of(base.begin(), base.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::string IsoTime(int64_t ms) {
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(tp), ms % 1000);
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// Message attributes as a filter policy sees them: strings, numbers, and
// String.Array values as arrays.
json::value AttributesForFilter(const queues::MessageAttributes& attrs) {
  json::object o;
  for (const auto& [name, v] : attrs) {
    if (v.data_type.starts_with("Number")) {
      char* end = nullptr;
      double d = std::strtod(v.string_value.c_str(), &end);
      o[name] = end == v.string_value.c_str() + v.string_value.size() ? json::value(d) : json::value(v.string_value);
    } else if (v.data_type == "String.Array") {
      boost::system::error_code ec;
      json::value a = json::parse(v.string_value, ec);
      o[name] = !ec && a.is_array() ? a : json::value(v.string_value);
    } else if (v.data_type.starts_with("String")) {
      o[name] = v.string_value;
    }
  }
  return o;
}

}  // namespace

struct TopicRecord {
  std::string name;
  std::map<std::string, std::string> attributes, tags;
};

struct TopicService::Impl {
  storage::KvStore& kv;
  TopicServiceOptions options;
  mutable std::mutex mu;
  std::map<std::string, TopicRecord, std::less<>> topics;   // by name
  std::map<std::string, Subscription, std::less<>> subs;    // by subscription id (the ARN's last part)
  std::unique_ptr<Outbox> outbox;
  std::shared_ptr<const SnsSigner> signer;  // null: unsigned
  Targets* targets = nullptr;
  WebhookSender webhooks;
  EmailSender email;
  std::mutex seq_mu;
  uint64_t last_seq = 0;
  common::metrics::Counter* published = nullptr;
  common::metrics::Counter* delivered = nullptr;
  common::metrics::Counter* failed = nullptr;
  common::metrics::Counter* dropped = nullptr;

  Impl(storage::KvStore& k, TopicServiceOptions o) : kv(k), options(std::move(o)) {}

  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(options.clock().time_since_epoch()).count();
  }
  uint64_t NextSeq() {
    std::lock_guard lock(seq_mu);
    last_seq = std::max(last_seq + 1, static_cast<uint64_t>(NowMs()) * 1000);
    return last_seq;
  }
  std::string TopicArn(std::string_view name) const {
    return fmt::format("arn:aws:sns:{}:{}:{}", options.region, options.account, name);
  }
  // The topic name of an ARN of this region, or "".
  std::string NameOf(std::string_view arn) const {
    std::string prefix = TopicArn("");
    return arn.starts_with(prefix) ? std::string(arn.substr(prefix.size())) : std::string();
  }
  Status StoreTopic(const TopicRecord& t) {
    storage::WriteBatch b;
    b.Put(fmt::format("{}{}", kTopics, t.name),
          kCodec.Seal(json::serialize(json::object{{"v", kFormat}, {"name", t.name}, {"attrs", MapObject(t.attributes)},
                                                   {"tags", MapObject(t.tags)}})));
    return kv.Write(b);
  }
  static std::string EncodeSub(const Subscription& s) {
    return json::serialize(json::object{{"v", kFormat}, {"arn", s.arn}, {"topic", s.topic_arn}, {"proto", s.protocol},
                                        {"endpoint", s.endpoint}, {"ok", s.confirmed}, {"token", s.token},
                                        {"attrs", MapObject(s.attributes)}});
  }
  std::string SubId(std::string_view arn) const {
    auto colon = arn.rfind(':');
    return colon == std::string_view::npos ? std::string() : std::string(arn.substr(colon + 1));
  }
  Status StoreSub(const std::string& id, const Subscription& s) {
    storage::WriteBatch b;
    b.Put(fmt::format("{}{}", kSubs, id), kCodec.Seal(EncodeSub(s)));
    return kv.Write(b);
  }
  Outbox::Verdict Deliver(std::string_view key, std::string_view value, int attempt);
  Status DeliverOne(const json::object& d);
  Status WriteMail(const std::string& to, const std::string& subject, const std::string& body);
  std::string Envelope(const json::object& d, const std::string& type) const;
  Status EditPolicy(std::string_view arn, const std::function<Result<bool>(json::array&)>& edit);
  void Queue(storage::WriteBatch& batch, std::vector<std::string>& keys, json::object d) {
    std::string key = fmt::format("{}{:016x}", kOutbox, NextSeq());
    d["v"] = kFormat;
    batch.Put(key, kCodec.Seal(json::serialize(d)));
    keys.push_back(std::move(key));
  }
};

TopicService::TopicService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TopicService::~TopicService() { Stop(); }

Result<std::unique_ptr<TopicService>> TopicService::Open(storage::KvStore& kv, TopicServiceOptions options,
                                                         common::metrics::Registry* metrics) {
  auto impl = std::make_unique<Impl>(kv, std::move(options));
  if (!impl->options.signing_dir.empty()) {
    auto signer = SnsSigner::LoadOrCreate(impl->options.signing_dir, impl->options.region);
    if (!signer.ok()) return signer.status();
    impl->signer = std::move(signer).value();
  }
  for (auto [prefix, is_topic] : {std::pair<std::string_view, bool>{kTopics, true}, {kSubs, false}}) {
    auto it = kv.NewIterator({std::string(prefix), storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      auto plain = kCodec.Open(it->value());
      if (!plain.ok()) return plain.status();
      auto o = record::Parse(*plain, kFormat, is_topic ? "topic" : "subscription");
      if (!o.ok()) return o.status();
      record::Reader r(*o);
      if (is_topic) {
        TopicRecord t;
        t.name = r.Str("name");
        t.attributes = ObjectMap(r, "attrs");
        t.tags = ObjectMap(r, "tags");
        impl->topics[t.name] = std::move(t);
      } else {
        Subscription s;
        s.arn = r.Str("arn");
        s.topic_arn = r.Str("topic");
        s.protocol = r.Str("proto");
        s.endpoint = r.Str("endpoint");
        s.confirmed = r.Bool("ok");
        s.token = r.Str("token");
        s.attributes = ObjectMap(r, "attrs");
        impl->subs[std::string(it->key().substr(prefix.size()))] = std::move(s);
      }
      if (!r.ok()) return common::Corruption("malformed topic or subscription record");
    }
    if (!it->status().ok()) return it->status();
  }
  if (metrics != nullptr) {
    impl->published = &metrics->GetCounter("stratus_sns_messages_published_total", "Messages published to topics.");
    impl->delivered = &metrics->GetCounter("stratus_sns_deliveries_total", "Messages delivered to subscriptions.");
    impl->failed = &metrics->GetCounter("stratus_sns_delivery_failures_total", "Delivery attempts that failed (retried).");
    impl->dropped = &metrics->GetCounter("stratus_sns_deliveries_dropped_total",
                                         "Deliveries given up on (after about ten minutes; to the dead-letter queue if any).");
  }
  Impl* raw = impl.get();
  Outbox::Options o;
  o.name = "sns";
  o.prefix = std::string(kOutbox);
  o.threads = raw->options.delivery_threads;
  raw->outbox = std::make_unique<Outbox>(
      kv, o, [raw](std::string_view key, std::string_view value, int attempt) { return raw->Deliver(key, value, attempt); },
      metrics);
  return std::unique_ptr<TopicService>(new TopicService(std::move(impl)));
}

Status TopicService::Start(Targets* targets, WebhookSender webhooks, EmailSender email) {
  impl_->targets = targets;
  impl_->webhooks = std::move(webhooks);
  impl_->email = std::move(email);
  return impl_->outbox->Start();
}

void TopicService::Stop() {
  if (impl_->outbox) impl_->outbox->Stop();
}

Result<std::string> TopicService::CreateTopic(std::string_view name, const std::map<std::string, std::string>& attributes,
                                              const std::map<std::string, std::string>& tags) {
  if (!ValidTopicName(name)) {
    return Invalid("Topic Name");
  }
  bool fifo = attributes.contains("FifoTopic") && attributes.at("FifoTopic") == "true";
  if (fifo != name.ends_with(".fifo")) {
    return Invalid("Fifo Topic names must end with .fifo and Standard Topic cannot end with .fifo");
  }
  static const std::set<std::string_view> kSettable = {"DeliveryPolicy", "DisplayName", "Policy", "KmsMasterKeyId",
                                                       "TracingConfig", "SignatureVersion", "FifoTopic",
                                                       "ContentBasedDeduplication", "ArchivePolicy"};
  for (const auto& [k, v] : attributes) {
    if (!kSettable.contains(k)) return Invalid(fmt::format("Attributes Reason: Unknown attribute {}", k));
  }
  std::lock_guard lock(impl_->mu);
  if (auto it = impl_->topics.find(name); it != impl_->topics.end()) {
    for (const auto& [k, v] : attributes) {
      auto have = it->second.attributes.find(k);
      if (have == it->second.attributes.end() || have->second != v) {
        return Invalid("Attributes Reason: Topic already exists with different attributes");
      }
    }
    return impl_->TopicArn(name);
  }
  TopicRecord t{std::string(name), attributes, tags};
  STRATUS_RETURN_IF_ERROR(impl_->StoreTopic(t));
  impl_->topics[t.name] = std::move(t);
  return impl_->TopicArn(name);
}

Status TopicService::DeleteTopic(std::string_view arn) {
  std::string name = impl_->NameOf(arn);
  std::lock_guard lock(impl_->mu);
  if (!impl_->topics.contains(name)) return Status::Ok();  // as SNS: deleting a missing topic succeeds
  storage::WriteBatch b;
  b.Delete(fmt::format("{}{}", kTopics, name));
  std::vector<std::string> gone;
  for (const auto& [id, s] : impl_->subs) {
    if (s.topic_arn == arn) {
      b.Delete(fmt::format("{}{}", kSubs, id));
      gone.push_back(id);
    }
  }
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(b));
  impl_->topics.erase(impl_->topics.find(name));
  for (const auto& id : gone) impl_->subs.erase(id);
  return Status::Ok();
}

std::vector<std::string> TopicService::ListTopics() const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [name, t] : impl_->topics) out.push_back(impl_->TopicArn(name));
  return out;
}

Result<std::map<std::string, std::string>> TopicService::GetTopicAttributes(std::string_view arn) const {
  std::string name = impl_->NameOf(arn);
  std::lock_guard lock(impl_->mu);
  auto it = impl_->topics.find(name);
  if (it == impl_->topics.end()) return NotFound("Topic does not exist");
  std::map<std::string, std::string> out = it->second.attributes;
  out["TopicArn"] = std::string(arn);
  out["Owner"] = impl_->options.account;
  out.try_emplace("DisplayName", "");
  out.try_emplace("Policy", DefaultPolicy(arn, impl_->options.account));
  out.try_emplace("EffectiveDeliveryPolicy",
                  R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false}})");
  int confirmed = 0, pending = 0;
  for (const auto& [id, s] : impl_->subs) {
    if (s.topic_arn != arn) continue;
    (s.confirmed ? confirmed : pending) += 1;
  }
  out["SubscriptionsConfirmed"] = std::to_string(confirmed);
  out["SubscriptionsPending"] = std::to_string(pending);
  out["SubscriptionsDeleted"] = "0";
  return out;
}

Status TopicService::SetTopicAttribute(std::string_view arn, std::string_view name, std::string_view value) {
  static const std::set<std::string_view> kSettable = {"DeliveryPolicy", "DisplayName", "Policy", "KmsMasterKeyId",
                                                       "TracingConfig", "SignatureVersion",
                                                       "ContentBasedDeduplication", "ArchivePolicy"};
  if (!kSettable.contains(name)) return Invalid(fmt::format("AttributeName Reason: {} is not settable", name));
  std::string topic = impl_->NameOf(arn);
  std::lock_guard lock(impl_->mu);
  auto it = impl_->topics.find(topic);
  if (it == impl_->topics.end()) return NotFound("Topic does not exist");
  TopicRecord t = it->second;
  t.attributes[std::string(name)] = std::string(value);
  STRATUS_RETURN_IF_ERROR(impl_->StoreTopic(t));
  it->second = std::move(t);
  return Status::Ok();
}

Status TopicService::TagResource(std::string_view arn, const std::map<std::string, std::string>& tags) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->topics.find(impl_->NameOf(arn));
  if (it == impl_->topics.end()) return Status(common::ErrorCode::kNotFound, "Resource does not exist", "ResourceNotFound");
  TopicRecord t = it->second;
  for (const auto& [k, v] : tags) t.tags[k] = v;
  STRATUS_RETURN_IF_ERROR(impl_->StoreTopic(t));
  it->second = std::move(t);
  return Status::Ok();
}

Status TopicService::UntagResource(std::string_view arn, const std::vector<std::string>& keys) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->topics.find(impl_->NameOf(arn));
  if (it == impl_->topics.end()) return Status(common::ErrorCode::kNotFound, "Resource does not exist", "ResourceNotFound");
  TopicRecord t = it->second;
  for (const auto& k : keys) t.tags.erase(k);
  STRATUS_RETURN_IF_ERROR(impl_->StoreTopic(t));
  it->second = std::move(t);
  return Status::Ok();
}

Result<std::map<std::string, std::string>> TopicService::ListTags(std::string_view arn) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->topics.find(impl_->NameOf(arn));
  if (it == impl_->topics.end()) return Status(common::ErrorCode::kNotFound, "Resource does not exist", "ResourceNotFound");
  return it->second.tags;
}

Result<std::string> TopicService::Subscribe(std::string_view topic_arn, std::string_view protocol,
                                            std::string_view endpoint,
                                            const std::map<std::string, std::string>& attributes) {
  static const std::set<std::string_view> kProtocols = {"sqs", "http", "https", "email", "email-json", "lambda"};
  if (!kProtocols.contains(protocol)) {
    return Invalid(fmt::format("Protocol Reason: {} is not a supported protocol here (sqs, http, https, email, "
                               "email-json, lambda)", protocol));
  }
  if ((protocol == "http" && !endpoint.starts_with("http://")) || (protocol == "https" && !endpoint.starts_with("https://")) ||
      ((protocol == "email" || protocol == "email-json") &&
       (endpoint.find('@') == std::string_view::npos || endpoint.find_first_of("\r\n<> ,") != std::string_view::npos)) ||
      ((protocol == "sqs" || protocol == "lambda") && !endpoint.starts_with("arn:aws:"))) {
    return Invalid(fmt::format("Endpoint Reason: {} is not a valid {} endpoint", endpoint, protocol));
  }
  for (const auto& [k, v] : attributes) {
    if (k == "FilterPolicy" && !v.empty() && !bus::EventPattern::Parse(v).ok()) {
      return Invalid("Attributes Reason: FilterPolicy: failed to parse JSON or not a valid policy");
    }
  }
  std::lock_guard lock(impl_->mu);
  if (!impl_->topics.contains(impl_->NameOf(topic_arn))) return NotFound("Topic does not exist");
  for (const auto& [id, s] : impl_->subs) {
    if (s.topic_arn == topic_arn && s.protocol == protocol && s.endpoint == endpoint) {
      return s.confirmed ? s.arn : std::string("pending confirmation");
    }
  }
  std::string id = common::NewUuid();
  Subscription s;
  s.arn = fmt::format("{}:{}", topic_arn, id);
  s.topic_arn = std::string(topic_arn);
  s.protocol = std::string(protocol);
  s.endpoint = std::string(endpoint);
  s.attributes = attributes;
  s.confirmed = protocol == "sqs" || protocol == "lambda";
  s.token = common::RandomString(64, "0123456789abcdef");
  storage::WriteBatch batch;
  batch.Put(fmt::format("{}{}", kSubs, id), kCodec.Seal(Impl::EncodeSub(s)));
  std::vector<std::string> keys;
  if (!s.confirmed) {
    impl_->Queue(batch, keys, json::object{{"kind", "confirm"}, {"sub", id}, {"topic", s.topic_arn},
                                           {"proto", s.protocol}, {"endpoint", s.endpoint}, {"token", s.token},
                                           {"id", common::NewUuid()}, {"t", impl_->NowMs()}});
  }
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  impl_->subs[id] = s;
  if (!keys.empty()) impl_->outbox->Added(std::move(keys));
  return s.confirmed ? s.arn : std::string("pending confirmation");
}

Result<std::string> TopicService::ConfirmSubscription(std::string_view topic_arn, std::string_view token) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->topics.contains(impl_->NameOf(topic_arn))) return NotFound("Topic does not exist");
  for (auto& [id, s] : impl_->subs) {
    if (s.topic_arn != topic_arn || s.token != token) continue;
    if (!s.confirmed) {
      Subscription c = s;
      c.confirmed = true;
      STRATUS_RETURN_IF_ERROR(impl_->StoreSub(id, c));
      s = std::move(c);
    }
    return s.arn;
  }
  return Invalid("Token");
}

Status TopicService::Unsubscribe(std::string_view arn) {
  std::lock_guard lock(impl_->mu);
  std::string id = impl_->SubId(arn);
  auto it = impl_->subs.find(id);
  if (it == impl_->subs.end() || it->second.arn != arn) return NotFound("Subscription does not exist");
  storage::WriteBatch b;
  b.Delete(fmt::format("{}{}", kSubs, id));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(b));
  impl_->subs.erase(it);
  return Status::Ok();
}

Result<std::vector<Subscription>> TopicService::ListSubscriptions(std::string_view topic_arn) const {
  std::lock_guard lock(impl_->mu);
  if (!topic_arn.empty() && !impl_->topics.contains(impl_->NameOf(topic_arn))) return NotFound("Topic does not exist");
  std::vector<Subscription> out;
  for (const auto& [id, s] : impl_->subs) {
    if (topic_arn.empty() || s.topic_arn == topic_arn) out.push_back(s);
  }
  return out;
}

Result<std::map<std::string, std::string>> TopicService::GetSubscriptionAttributes(std::string_view arn) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->subs.find(impl_->SubId(arn));
  if (it == impl_->subs.end() || it->second.arn != arn) return NotFound("Subscription does not exist");
  const Subscription& s = it->second;
  std::map<std::string, std::string> out = s.attributes;
  out["SubscriptionArn"] = s.arn;
  out["TopicArn"] = s.topic_arn;
  out["Protocol"] = s.protocol;
  out["Endpoint"] = s.endpoint;
  out["Owner"] = impl_->options.account;
  out["PendingConfirmation"] = s.confirmed ? "false" : "true";
  out["ConfirmationWasAuthenticated"] = s.confirmed ? "true" : "false";
  out.try_emplace("RawMessageDelivery", "false");
  if (out.contains("FilterPolicy")) out.try_emplace("FilterPolicyScope", "MessageAttributes");
  return out;
}

Status TopicService::SetSubscriptionAttribute(std::string_view arn, std::string_view name, std::string_view value) {
  static const std::set<std::string_view> kSettable = {"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                                                       "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn"};
  if (!kSettable.contains(name)) return Invalid(fmt::format("AttributeName Reason: {} is not settable", name));
  if (name == "FilterPolicy" && !value.empty() && !bus::EventPattern::Parse(value).ok()) {
    return Invalid("Attributes Reason: FilterPolicy: failed to parse JSON or not a valid policy");
  }
  if (name == "FilterPolicyScope" && value != "MessageAttributes" && value != "MessageBody") {
    return Invalid("Attributes Reason: FilterPolicyScope must be MessageAttributes or MessageBody");
  }
  if (name == "RawMessageDelivery" && value != "true" && value != "false") {
    return Invalid("Attributes Reason: RawMessageDelivery: Invalid value [" + std::string(value) + "]. Must be true or false.");
  }
  std::lock_guard lock(impl_->mu);
  std::string id = impl_->SubId(arn);
  auto it = impl_->subs.find(id);
  if (it == impl_->subs.end() || it->second.arn != arn) return NotFound("Subscription does not exist");
  Subscription s = it->second;
  if (value.empty()) {
    s.attributes.erase(std::string(name));
  } else {
    s.attributes[std::string(name)] = std::string(value);
  }
  STRATUS_RETURN_IF_ERROR(impl_->StoreSub(id, s));
  it->second = std::move(s);
  return Status::Ok();
}

Result<std::vector<Result<TopicService::Published>>> TopicService::Publish(std::vector<PublishRequest> messages) {
  std::vector<Result<Published>> results;
  storage::WriteBatch batch;
  std::vector<std::string> keys;
  int64_t now = impl_->NowMs();
  std::lock_guard lock(impl_->mu);
  for (auto& m : messages) {
    auto topic = impl_->topics.find(impl_->NameOf(m.topic_arn));
    if (topic == impl_->topics.end()) {
      results.emplace_back(NotFound("Topic does not exist"));
      continue;
    }
    if (m.message.empty()) {
      results.emplace_back(Invalid("Message Reason: Empty message"));
      continue;
    }
    if (m.message.size() > 256 * 1024) {
      results.emplace_back(Invalid("Message too long"));
      continue;
    }
    bool fifo = topic->first.ends_with(".fifo");
    if (fifo && m.group_id.empty()) {
      results.emplace_back(Invalid("The MessageGroupId parameter is required for FIFO topics"));
      continue;
    }
    if (fifo && m.deduplication_id.empty()) {
      auto cbd = topic->second.attributes.find("ContentBasedDeduplication");
      if (cbd == topic->second.attributes.end() || cbd->second != "true") {
        results.emplace_back(Invalid("The topic should either have ContentBasedDeduplication enabled or "
                                     "MessageDeduplicationId provided explicitly"));
        continue;
      }
      m.deduplication_id = common::HexEncode(common::Digest(common::ChecksumAlgorithm::kSha256, m.message));
    }
    json::object structure;
    if (m.json_structure) {
      boost::system::error_code ec;
      json::value v = json::parse(m.message, ec);
      if (ec || !v.is_object() || !v.as_object().contains("default") || !v.as_object().at("default").is_string()) {
        results.emplace_back(Invalid("Message Structure - No default entry in JSON message body"));
        continue;
      }
      structure = std::move(v.as_object());
    }
    Published p;
    p.message_id = common::NewUuid();
    uint64_t seq = impl_->NextSeq();
    if (fifo) p.sequence_number = fmt::format("{:020}", seq);
    json::value attrs_for_filter = AttributesForFilter(m.attributes);
    json::object attrs;
    for (const auto& [name, v] : m.attributes) {
      attrs[name] = json::object{{"Type", v.data_type},
                                 {"Value", v.data_type.starts_with("Binary") ? common::Base64Encode(v.binary_value)
                                                                             : v.string_value}};
    }
    for (const auto& [id, s] : impl_->subs) {
      if (s.topic_arn != m.topic_arn || !s.confirmed) continue;
      if (auto fp = s.attributes.find("FilterPolicy"); fp != s.attributes.end() && !fp->second.empty()) {
        auto policy = bus::EventPattern::Parse(fp->second);
        bool body_scope = s.attributes.contains("FilterPolicyScope") && s.attributes.at("FilterPolicyScope") == "MessageBody";
        json::value subject = attrs_for_filter;
        if (body_scope) {
          boost::system::error_code ec;
          subject = json::parse(m.message, ec);
          if (ec) subject = json::object();
        }
        if (!policy.ok() || !policy->Matches(subject)) continue;
      }
      std::string text = m.message;
      if (m.json_structure) {
        auto* specific = structure.if_contains(s.protocol);
        text = specific != nullptr && specific->is_string() ? std::string(specific->as_string())
                                                            : std::string(structure.at("default").as_string());
      }
      json::object d{{"kind", "notify"}, {"sub", id}, {"sub_arn", s.arn}, {"topic", s.topic_arn}, {"proto", s.protocol},
                     {"endpoint", s.endpoint}, {"id", p.message_id}, {"msg", text}, {"subject", m.subject},
                     {"attrs", attrs}, {"t", now}, {"group", m.group_id}, {"dedup", m.deduplication_id},
                     {"seq", p.sequence_number},
                     {"raw", s.attributes.contains("RawMessageDelivery") && s.attributes.at("RawMessageDelivery") == "true"}};
      if (auto rp = s.attributes.find("RedrivePolicy"); rp != s.attributes.end()) {
        boost::system::error_code ec;
        json::value v = json::parse(rp->second, ec);
        if (!ec && v.is_object() && v.as_object().contains("deadLetterTargetArn") &&
            v.as_object().at("deadLetterTargetArn").is_string()) {
          d["dlq"] = v.as_object().at("deadLetterTargetArn");
        }
      }
      impl_->Queue(batch, keys, std::move(d));
    }
    results.emplace_back(std::move(p));
  }
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  size_t ok = std::count_if(results.begin(), results.end(), [](const auto& r) { return r.ok(); });
  if (impl_->published != nullptr) impl_->published->Inc(ok);
  if (!keys.empty()) impl_->outbox->Added(std::move(keys));
  return results;
}

// --- Delivery ---------------------------------------------------------------------

std::string TopicService::Impl::Envelope(const json::object& d, const std::string& type) const {
  auto str = [&](std::string_view k) {
    auto* v = d.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  int64_t t = d.contains("t") && d.at("t").is_int64() ? d.at("t").as_int64() : NowMs();
  json::object e{{"Type", type}, {"MessageId", str("id")}, {"TopicArn", str("topic")}};
  if (type == "SubscriptionConfirmation") {
    std::string url = fmt::format("{}/?Action=ConfirmSubscription&TopicArn={}&Token={}", options.public_url,
                                  UrlEncode(str("topic")), str("token"));
    e["Token"] = str("token");
    e["Message"] = fmt::format("You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the "
                               "SubscribeURL included in this message.", str("topic"));
    e["SubscribeURL"] = url;
  } else {
    if (!str("subject").empty()) e["Subject"] = str("subject");
    e["Message"] = str("msg");
    if (!str("seq").empty()) e["SequenceNumber"] = str("seq");
    e["UnsubscribeURL"] = fmt::format("{}/?Action=Unsubscribe&SubscriptionArn={}", options.public_url,
                                      UrlEncode(str("sub_arn")));
    if (auto* a = d.if_contains("attrs"); a != nullptr && a->is_object() && !a->as_object().empty()) {
      e["MessageAttributes"] = *a;
    }
  }
  e["Timestamp"] = IsoTime(t);
  if (signer) {
    // Signed as AWS signs: the topic's SignatureVersion (1 = SHA1withRSA,
    // 2 = SHA256withRSA) over the canonical string; the certificate is at
    // the SigningCertURL.
    std::string version = "1";
    {
      std::lock_guard lock(mu);
      if (auto it = topics.find(NameOf(str("topic"))); it != topics.end()) {
        if (auto v = it->second.attributes.find("SignatureVersion"); v != it->second.attributes.end()) {
          version = v->second;
        }
      }
    }
    e["SignatureVersion"] = version == "2" ? "2" : "1";
    e["Signature"] = signer->Sign(SnsSigner::CanonicalString(e), version);
    e["SigningCertURL"] = fmt::format("{}/_stratus/sns-signing-cert.pem", options.public_url);
  }
  return json::serialize(e);
}

Status TopicService::Impl::WriteMail(const std::string& to, const std::string& subject, const std::string& body) {
  int64_t now = NowMs();
  std::string id = common::NewUuid();
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(now));
  std::string text = fmt::format(
      "From: AWS Notifications <{}>\r\nTo: {}\r\nSubject: {}\r\nDate: {:%a, %d %b %Y %H:%M:%S} "
      "+0000\r\nMessage-ID: <{}@sns.stratus.local>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
      options.email_from, to, subject, std::chrono::floor<std::chrono::seconds>(tp), id, body);
  if (email) return email(options.email_from, to, text);
  std::error_code ec;
  std::filesystem::create_directories(options.mail_dir, ec);
  if (ec) return Status(common::ErrorCode::kIoError, "cannot create the mail folder: " + ec.message());
  std::string name = fmt::format("{}-{}.eml", now, id);
  auto tmp = options.mail_dir / ("." + name + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(common::ErrorCode::kIoError, "cannot write mail: " + std::string(std::strerror(errno)));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(common::ErrorCode::kIoError, "cannot write mail");
  std::filesystem::rename(tmp, options.mail_dir / name, ec);
  if (ec) return Status(common::ErrorCode::kIoError, "cannot write mail: " + ec.message());
  return Status::Ok();
}

Status TopicService::Impl::DeliverOne(const json::object& d) {
  auto str = [&](std::string_view k) {
    auto* v = d.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string kind = str("kind"), proto = str("proto"), endpoint = str("endpoint"), topic = str("topic");
  bool confirm = kind == "confirm";
  std::string type = confirm ? "SubscriptionConfirmation" : "Notification";
  bool raw = d.contains("raw") && d.at("raw").is_bool() && d.at("raw").as_bool();
  if (proto == "email" || proto == "email-json") {
    std::string display;
    {
      std::lock_guard lock(mu);
      auto t = topics.find(NameOf(topic));
      if (t != topics.end() && t->second.attributes.contains("DisplayName")) display = t->second.attributes.at("DisplayName");
    }
    if (confirm) {
      std::string url = fmt::format("{}/?Action=ConfirmSubscription&TopicArn={}&Token={}", options.public_url,
                                    UrlEncode(topic), str("token"));
      return WriteMail(endpoint, "AWS Notification - Subscription Confirmation",
                       proto == "email-json" ? Envelope(d, type)
                                             : fmt::format("You have chosen to subscribe to the topic:\r\n{}\r\n\r\nTo "
                                                           "confirm this subscription, click or visit the link below:\r\n{}\r\n",
                                                           topic, url));
    }
    std::string subject = !str("subject").empty() ? str("subject")
                          : !display.empty()      ? display
                                                  : "AWS Notification Message";
    if (proto == "email-json") return WriteMail(endpoint, subject, Envelope(d, type));
    return WriteMail(endpoint, subject,
                     fmt::format("{}\r\n\r\n--\r\nIf you wish to stop receiving notifications from this topic, visit:\r\n"
                                 "{}/?Action=Unsubscribe&SubscriptionArn={}\r\n",
                                 str("msg"), options.public_url, UrlEncode(str("sub_arn"))));
  }
  if (proto == "http" || proto == "https") {
    if (!webhooks) return Status(common::ErrorCode::kUnavailable, "webhooks are not served here");
    std::map<std::string, std::string> headers{{"content-type", "text/plain; charset=UTF-8"},
                                               {"x-amz-sns-message-type", type},
                                               {"x-amz-sns-message-id", str("id")},
                                               {"x-amz-sns-topic-arn", topic},
                                               {"user-agent", "Amazon Simple Notification Service Agent"}};
    if (!confirm) headers["x-amz-sns-subscription-arn"] = str("sub_arn");
    if (raw && !confirm) headers["x-amz-sns-rawdelivery"] = "true";
    return webhooks(endpoint, headers, raw && !confirm ? str("msg") : Envelope(d, type));
  }
  if (targets == nullptr) return Status(common::ErrorCode::kUnavailable, "deliveries have not started");
  Delivery delivery;
  delivery.sender = "sns.amazonaws.com";
  delivery.group_id = str("group");
  delivery.deduplication_id = str("dedup");
  if (proto == "lambda") {
    // Lambda's SNS event: the envelope (with its Url spellings) in a record.
    json::object sns = json::parse(Envelope(d, type)).as_object();
    if (auto* v = sns.if_contains("SigningCertURL")) sns["SigningCertUrl"] = *v;
    if (auto* v = sns.if_contains("UnsubscribeURL")) sns["UnsubscribeUrl"] = *v;
    sns.erase("SigningCertURL");
    sns.erase("UnsubscribeURL");
    if (!sns.contains("Subject")) sns["Subject"] = nullptr;
    if (!sns.contains("MessageAttributes")) sns["MessageAttributes"] = json::object();
    delivery.body = json::serialize(json::object{
        {"Records", json::array{json::object{{"EventSource", "aws:sns"},
                                             {"EventVersion", "1.0"},
                                             {"EventSubscriptionArn", str("sub_arn")},
                                             {"Sns", std::move(sns)}}}}});
  } else if (raw) {
    delivery.body = str("msg");
    if (auto* a = d.if_contains("attrs"); a != nullptr && a->is_object()) {
      for (const auto& [name, v] : a->as_object()) {
        if (!v.is_object()) continue;
        auto* t = v.as_object().if_contains("Type");
        auto* val = v.as_object().if_contains("Value");
        if (t == nullptr || val == nullptr || !t->is_string() || !val->is_string()) continue;
        queues::AttributeValue av;
        av.data_type = std::string(t->as_string());
        if (av.data_type.starts_with("Binary")) {
          av.binary_value = common::Base64Decode(val->as_string()).value_or("");
        } else {
          av.string_value = std::string(val->as_string());
        }
        delivery.attributes[std::string(name)] = std::move(av);
      }
    }
  } else {
    delivery.body = Envelope(d, type);
  }
  return targets->Deliver(endpoint, delivery);
}

Outbox::Verdict TopicService::Impl::Deliver(std::string_view key, std::string_view value, int attempt) {
  auto plain = kCodec.Open(value);
  auto o = plain.ok() ? record::Parse(*plain, kFormat, "sns delivery") : Result<json::object>(plain.status());
  if (!o.ok()) {
    common::log::Get("sns")->error("delivery {} unreadable: {}", key, o.status().ToString());
    return Outbox::Verdict::kGiveUp;
  }
  Status st = DeliverOne(*o);
  if (st.ok()) {
    if (delivered != nullptr) delivered->Inc();
    return Outbox::Verdict::kDone;
  }
  if (failed != nullptr) failed->Inc();
  if (attempt < kMaxAttempts) return Outbox::Verdict::kRetry;
  if (dropped != nullptr) dropped->Inc();
  auto* dlq = o->if_contains("dlq");
  common::log::Get("sns")->warn("delivery to {} given up after {} attempts: {}",
                                o->contains("endpoint") ? json::serialize(o->at("endpoint")) : "?", attempt, st.ToString());
  if (dlq != nullptr && dlq->is_string() && targets != nullptr) {
    Delivery d;
    d.body = Envelope(*o, "Notification");
    d.sender = "sns.amazonaws.com";
    if (!targets->Deliver(dlq->as_string(), d).ok()) return Outbox::Verdict::kRetry;
  }
  return Outbox::Verdict::kGiveUp;
}

const std::string& TopicService::SigningCertificate() const {
  static const std::string kNone;
  return impl_->signer ? impl_->signer->certificate_pem() : kNone;
}

// --- Permissions -------------------------------------------------------------------

namespace {

// The statements of `policy` (a JSON policy document), or kInvalidArgument.
Result<json::object> PolicyDocument(const std::string& policy) {
  boost::system::error_code ec;
  json::value v = json::parse(policy, ec);
  if (ec || !v.is_object()) return Invalid("Policy: the topic's policy is not a JSON object");
  json::object doc = std::move(v.as_object());
  if (!doc.contains("Statement") || !doc["Statement"].is_array()) doc["Statement"] = json::array{};
  return doc;
}

}  // namespace

// Runs `edit` on the statements of the topic's access policy under the lock,
// and stores the policy when it says it changed something.
Status TopicService::Impl::EditPolicy(std::string_view arn, const std::function<Result<bool>(json::array&)>& edit) {
  std::lock_guard lock(mu);
  auto it = topics.find(NameOf(arn));
  if (it == topics.end()) return NotFound("Topic does not exist");
  TopicRecord t = it->second;
  auto current = t.attributes.find("Policy");
  auto doc = PolicyDocument(current != t.attributes.end() ? current->second : DefaultPolicy(arn, options.account));
  if (!doc.ok()) return doc.status();
  auto changed = edit((*doc)["Statement"].as_array());
  if (!changed.ok()) return changed.status();
  if (!*changed) return Status::Ok();
  t.attributes["Policy"] = json::serialize(*doc);
  STRATUS_RETURN_IF_ERROR(StoreTopic(t));
  it->second = std::move(t);
  return Status::Ok();
}

Status TopicService::AddPermission(std::string_view arn, std::string_view label,
                                   const std::vector<std::string>& accounts, const std::vector<std::string>& actions) {
  return impl_->EditPolicy(arn, [&](json::array& statements) -> Result<bool> {
    for (const auto& s : statements) {
      if (s.is_object() && s.as_object().contains("Sid") && s.as_object().at("Sid") == json::value(label)) {
        return Invalid("Statement already exists");
      }
    }
    json::array principals, verbs;
    for (const auto& a : accounts) principals.emplace_back(fmt::format("arn:aws:iam::{}:root", a));
    for (const auto& a : actions) verbs.emplace_back(a == "*" ? std::string("SNS:*") : "SNS:" + a);
    statements.push_back(
        json::object{{"Sid", label},
                     {"Effect", "Allow"},
                     {"Principal", json::object{{"AWS", principals.size() == 1 ? principals[0] : json::value(principals)}}},
                     {"Action", verbs.size() == 1 ? verbs[0] : json::value(verbs)},
                     {"Resource", arn}});
    return true;
  });
}

Status TopicService::RemovePermission(std::string_view arn, std::string_view label) {
  return impl_->EditPolicy(arn, [&](json::array& statements) -> Result<bool> {
    auto removed = std::remove_if(statements.begin(), statements.end(), [&](const json::value& s) {
      return s.is_object() && s.as_object().contains("Sid") && s.as_object().at("Sid") == json::value(label);
    });
    if (removed == statements.end()) return false;  // no such statement: nothing to do
    statements.erase(removed, statements.end());
    return true;
  });
}

}  // namespace service::topics
