#pragma once

// TopicService: one region's SNS-style topics and subscriptions (the domain
// behind the SNS API).
//
// Publish is durable before acknowledged: the message and one outbox entry
// per subscription its filter policy accepts are one synced batch
// (service/common/outbox.h). Deliveries then go out at least once, retrying
// with backoff:
//   sqs        → the region's queues (the SNS JSON envelope, or the raw message
//                with RawMessageDelivery), through service::Targets
//   lambda     → a function, through service::Targets
//   http/https → a POST of the envelope, through the WebhookSender the server
//                provides; a subscription is confirmed by the endpoint
//                visiting the SubscribeURL of its SubscriptionConfirmation
//   email, email-json → through the SMTP relay the server provides, or as an
//                .eml file in the mail folder (SNS's text message or the JSON
//                envelope); email subscriptions are confirmed by the link in
//                the confirmation mail
// A delivery that keeps failing (about ten minutes) goes to the
// subscription's RedrivePolicy dead-letter queue if it has one, else it is
// dropped; both are counted.
//
// Filter policies (FilterPolicy, FilterPolicyScope MessageAttributes or
// MessageBody) use the event pattern grammar (service/bus/pattern.h).
//
// Errors carry SNS's codes as reasons: NotFound, InvalidParameter,
// AuthorizationError. Thread-safe.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "service/queues/types.h"
#include "service/targets/targets.h"
#include "storage/kv_store.h"

namespace service::topics {

using common::Result;
using common::Status;

struct Subscription {
  std::string arn;  // "PendingConfirmation" until confirmed
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  bool confirmed = false;
  std::string token;  // confirmation token
  std::map<std::string, std::string> attributes;  // RawMessageDelivery, FilterPolicy, ...
};

struct PublishRequest {
  std::string topic_arn;
  std::string message;
  std::string subject;
  bool json_structure = false;  // MessageStructure=json
  queues::MessageAttributes attributes;
  std::string group_id, deduplication_id;
};

// Sends an HTTP POST (webhook deliveries); the server provides it.
// OK means the endpoint answered 2xx.
using WebhookSender =
    std::function<Status(const std::string& url, const std::map<std::string, std::string>& headers, const std::string& body)>;

// Sends one email (`message` is the whole RFC 5322 text, headers included)
// through an SMTP relay; the server provides it when one is configured.
using EmailSender = std::function<Status(const std::string& from, const std::string& to, const std::string& message)>;

struct TopicServiceOptions {
  std::string region;
  std::string account = "000000000000";
  std::filesystem::path mail_dir;  // where email deliveries are written without an SMTP relay
  std::string email_from = "no-reply@sns.stratus.local";
  // The base URL of this region's endpoint, for SubscribeURL/UnsubscribeURL.
  std::string public_url = "http://127.0.0.1";
  // Where the key that signs deliveries is kept (signing.h); "" = deliveries
  // are not signed (Signature and SigningCertURL left out).
  std::filesystem::path signing_dir;
  int delivery_threads = 2;
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

class TopicService {
 public:
  static Result<std::unique_ptr<TopicService>> Open(storage::KvStore& kv, TopicServiceOptions options,
                                                    common::metrics::Registry* metrics = nullptr);
  ~TopicService();

  // Starts deliveries; `targets` (queues, functions), `webhooks` and `email`
  // must outlive Stop(). Without `email`, mail is written to the mail folder.
  Status Start(Targets* targets, WebhookSender webhooks, EmailSender email = nullptr);
  void Stop();

  // Creates the topic or returns the existing one's ARN (attributes must
  // match, as SNS requires).
  Result<std::string> CreateTopic(std::string_view name, const std::map<std::string, std::string>& attributes,
                                  const std::map<std::string, std::string>& tags);
  Status DeleteTopic(std::string_view arn);
  std::vector<std::string> ListTopics() const;  // ARNs in order
  Result<std::map<std::string, std::string>> GetTopicAttributes(std::string_view arn) const;
  Status SetTopicAttribute(std::string_view arn, std::string_view name, std::string_view value);
  Status TagResource(std::string_view arn, const std::map<std::string, std::string>& tags);
  Status UntagResource(std::string_view arn, const std::vector<std::string>& keys);
  // A statement labelled `label` in the topic's access policy, allowing the
  // accounts the actions (SNS:<action>); InvalidParameter if the label exists.
  Status AddPermission(std::string_view arn, std::string_view label, const std::vector<std::string>& accounts,
                       const std::vector<std::string>& actions);
  // Removes the statement labelled `label` (none: nothing to do).
  Status RemovePermission(std::string_view arn, std::string_view label);
  Result<std::map<std::string, std::string>> ListTags(std::string_view arn) const;

  // Returns the subscription ARN, or "pending confirmation" for protocols
  // that confirm (http, https, email, email-json).
  Result<std::string> Subscribe(std::string_view topic_arn, std::string_view protocol, std::string_view endpoint,
                                const std::map<std::string, std::string>& attributes);
  Result<std::string> ConfirmSubscription(std::string_view topic_arn, std::string_view token);
  Status Unsubscribe(std::string_view subscription_arn);
  // All subscriptions, or the topic's (NotFound if it does not exist).
  Result<std::vector<Subscription>> ListSubscriptions(std::string_view topic_arn = {}) const;
  Result<std::map<std::string, std::string>> GetSubscriptionAttributes(std::string_view arn) const;
  Status SetSubscriptionAttribute(std::string_view arn, std::string_view name, std::string_view value);

  // One result per message: its id (and sequence number for FIFO topics).
  struct Published {
    std::string message_id;
    std::string sequence_number;
  };
  Result<std::vector<Result<Published>>> Publish(std::vector<PublishRequest> messages);

  // The PEM certificate of the key that signs deliveries ("" when unsigned).
  const std::string& SigningCertificate() const;

  struct Impl;

 private:
  explicit TopicService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace service::topics
