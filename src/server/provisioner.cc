#include "server/provisioner.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "api/s3/xml/xml_writer.h"
#include "auth/credentials.h"
#include "common/log.h"

namespace server {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;
using net::http::verb;

// One region's provisioning: the calls of both passes.
class RegionProvisioner {
 public:
  RegionProvisioner(const ProvisionedRegion& r, const std::function<bool()>& cancelled)
      : r_(r), rc_(*r.config), aws_(*r.client), cancelled_(cancelled), log_(common::log::Get("provision")) {}

  Status Standalone() {
    for (const auto& t : rc_.tables) STRATUS_RETURN_IF_ERROR(Named("table", t.name, CreateTable(t)));
    for (const auto& q : rc_.queues) STRATUS_RETURN_IF_ERROR(Named("queue", q.name, CreateQueue(q)));
    for (const auto& t : rc_.topics) STRATUS_RETURN_IF_ERROR(Named("topic", t.name, CreateTopic(t)));
    for (const auto& b : rc_.buckets) STRATUS_RETURN_IF_ERROR(Named("bucket", b.name, CreateBucket(b)));
    return Status::Ok();
  }

  Status Links() {
    for (const auto& q : rc_.queues) {
      if (!q.dead_letter_queue.empty()) STRATUS_RETURN_IF_ERROR(Named("queue", q.name, SetRedrive(q)));
    }
    for (const auto& b : rc_.buckets) {
      if (!b.replicate_to.empty()) STRATUS_RETURN_IF_ERROR(Named("bucket", b.name, PutReplication(b)));
      if (!b.cors_allow_origins.empty()) STRATUS_RETURN_IF_ERROR(Named("bucket", b.name, PutCors(b)));
      if (!b.notifications.empty() || b.eventbridge) {
        STRATUS_RETURN_IF_ERROR(Named("bucket", b.name, PutNotifications(b)));
      }
    }
    for (const auto& t : rc_.topics) STRATUS_RETURN_IF_ERROR(Named("topic", t.name, Subscribe(t)));
    for (const auto& rule : rc_.rules) STRATUS_RETURN_IF_ERROR(Named("rule", rule.name, PutRule(rule)));
    return Status::Ok();
  }

 private:
  Status Named(std::string_view kind, std::string_view name, Status st) const {
    if (cancelled_()) return Status(ErrorCode::kUnavailable, "stopping");
    if (st.ok()) return st;
    return Status(st.code(), fmt::format("region {}: {} {}: {}", rc_.name, kind, name, st.message()));
  }

  std::string Arn(std::string_view service, std::string_view name) const {
    return fmt::format("arn:aws:{}:{}:{}:{}", service, rc_.name, auth::kAccountId, name);
  }
  std::string FunctionArn(std::string_view name) const { return Arn("lambda", fmt::format("function:{}", name)); }

  Status CreateTable(const common::TableConfig& t) {
    json::array definitions{json::object{{"AttributeName", t.hash_key}, {"AttributeType", t.hash_key_type}}};
    json::array schema{json::object{{"AttributeName", t.hash_key}, {"KeyType", "HASH"}}};
    if (!t.range_key.empty()) {
      definitions.push_back(json::object{{"AttributeName", t.range_key}, {"AttributeType", t.range_key_type}});
      schema.push_back(json::object{{"AttributeName", t.range_key}, {"KeyType", "RANGE"}});
    }
    auto res = aws_.Json(client::kDynamoDb, "CreateTable",
                         {{"TableName", t.name},
                          {"AttributeDefinitions", std::move(definitions)},
                          {"KeySchema", std::move(schema)},
                          {"BillingMode", "PAY_PER_REQUEST"}});
    if (!res.ok() && client::AwsErrorCode(res.status()) == "ResourceInUseException") return Status::Ok();
    if (res.ok()) log_->info("region={} created table={}", rc_.name, t.name);
    return res.status();
  }

  Status CreateQueue(const common::QueueConfig& q) {
    json::object create{{"QueueName", q.name}};
    if (q.name.ends_with(".fifo")) create["Attributes"] = json::object{{"FifoQueue", "true"}};
    auto res = aws_.Json(client::kSqs, "CreateQueue", create);
    if (!res.ok()) return res.status();
    urls_[q.name] = std::string((*res)["QueueUrl"].as_string());
    json::object attributes;
    for (const auto& [k, v] : q.attributes) {
      if (k != "FifoQueue") attributes[k] = v;
    }
    if (attributes.empty()) return Status::Ok();
    return aws_.Json(client::kSqs, "SetQueueAttributes",
                     {{"QueueUrl", urls_[q.name]}, {"Attributes", std::move(attributes)}})
        .status();
  }

  Status SetRedrive(const common::QueueConfig& q) {
    json::object policy{{"deadLetterTargetArn", Arn("sqs", q.dead_letter_queue)},
                        {"maxReceiveCount", q.max_receive_count}};
    return aws_.Json(client::kSqs, "SetQueueAttributes",
                     {{"QueueUrl", urls_[q.name]},
                      {"Attributes", json::object{{"RedrivePolicy", json::serialize(policy)}}}})
        .status();
  }

  Status CreateTopic(const common::TopicConfig& t) {
    json::object input{{"Name", t.name}};
    if (t.name.ends_with(".fifo")) input["Attributes"] = json::object{{"FifoTopic", "true"}};
    auto res = aws_.Query(client::Sns(), "CreateTopic", input);
    if (!res.ok()) return res.status();
    topic_arns_[t.name] = std::string((*res)["TopicArn"].as_string());
    return Status::Ok();
  }

  Status Subscribe(const common::TopicConfig& t) {
    const std::string& topic = topic_arns_[t.name];
    for (const auto& address : t.email) {
      auto res = aws_.Query(client::Sns(), "Subscribe",
                            {{"TopicArn", topic}, {"Protocol", "email"}, {"Endpoint", address}});
      if (!res.ok()) return res.status();
      STRATUS_RETURN_IF_ERROR(r_.confirm_email(topic, address));
    }
    for (const auto& queue : t.queues) {
      auto res = aws_.Query(client::Sns(), "Subscribe",
                            {{"TopicArn", topic},
                             {"Protocol", "sqs"},
                             {"Endpoint", Arn("sqs", queue)},
                             {"Attributes", json::object{{"RawMessageDelivery", "true"}}}});
      if (!res.ok()) return res.status();
    }
    return Status::Ok();
  }

  // An S3 call that must answer 200 (or one of `fine`, e.g. an existing bucket).
  Status S3(verb method, const std::string& bucket, std::string query, std::string body,
            std::initializer_list<std::string_view> fine = {}) {
    client::S3Request req;
    req.method = method;
    req.bucket = bucket;
    req.query = std::move(query);
    req.body = std::move(body);
    if (!req.body.empty()) req.headers.emplace_back("content-type", "application/xml");
    auto res = aws_.S3(std::move(req));
    if (!res.ok()) return res.status();
    if (res->result_int() / 100 == 2) return Status::Ok();
    std::string code = client::ErrorCodeOf(*res);
    for (std::string_view f : fine) {
      if (code == f) return Status::Ok();
    }
    return Status(client::ErrorCodeFor(res->result_int(), code),
                  fmt::format("{}: {}", code, client::ElementText(res->body(), "Message")));
  }

  Status CreateBucket(const common::BucketConfig& b) {
    std::string body;
    if (rc_.name != "us-east-1") {
      api::s3::XmlWriter w;
      w.Open("CreateBucketConfiguration", api::s3::kS3Namespace);
      w.Element("LocationConstraint", rc_.name);
      w.Close();
      body = w.Take();
    }
    STRATUS_RETURN_IF_ERROR(S3(verb::put, b.name, "", std::move(body), {"BucketAlreadyOwnedByYou"}));
    if (!b.versioning) return Status::Ok();
    api::s3::XmlWriter w;
    w.Open("VersioningConfiguration", api::s3::kS3Namespace);
    w.Element("Status", "Enabled");
    w.Close();
    return S3(verb::put, b.name, "versioning", w.Take());
  }

  Status PutReplication(const common::BucketConfig& b) {
    api::s3::XmlWriter w;
    w.Open("ReplicationConfiguration", api::s3::kS3Namespace);
    w.Element("Role", fmt::format("arn:aws:iam::{}:role/stratus-replication", auth::kAccountId));
    int priority = 0;
    for (const auto& destination : b.replicate_to) {
      w.Open("Rule");
      w.Element("ID", fmt::format("replicate-to-{}", destination));
      w.Element("Priority", ++priority);
      w.Element("Status", "Enabled");
      w.Open("Filter");
      w.Element("Prefix", "");
      w.Close();
      w.Open("DeleteMarkerReplication");
      w.Element("Status", "Enabled");
      w.Close();
      w.Open("Destination");
      w.Element("Bucket", fmt::format("arn:aws:s3:::{}", destination));
      w.Close();
      w.Close();
    }
    w.Close();
    return S3(verb::put, b.name, "replication", w.Take());
  }

  Status PutCors(const common::BucketConfig& b) {
    api::s3::XmlWriter w;
    w.Open("CORSConfiguration", api::s3::kS3Namespace);
    w.Open("CORSRule");
    w.Element("ID", "stratus-browser-uploads");
    for (const auto& origin : b.cors_allow_origins) w.Element("AllowedOrigin", origin);
    for (const char* method : {"GET", "PUT", "HEAD"}) w.Element("AllowedMethod", method);
    w.Element("AllowedHeader", "*");
    w.Element("ExposeHeader", "ETag");
    w.Element("ExposeHeader", "x-amz-version-id");
    w.Element("MaxAgeSeconds", 3000);
    w.Close();
    w.Close();
    return S3(verb::put, b.name, "cors", w.Take());
  }

  // The configuration rendered as GetBucketNotificationConfiguration renders
  // it, so that an unchanged one is recognised and left alone.
  std::string NotificationDocument(const common::BucketConfig& b) const {
    api::s3::XmlWriter w;
    w.Declaration();
    w.Open("NotificationConfiguration", api::s3::kS3Namespace);
    int n = 0;
    for (const auto& nc : b.notifications) {
      bool queue = !nc.queue.empty(), topic = !nc.topic.empty();
      w.Open(queue ? "QueueConfiguration" : topic ? "TopicConfiguration" : "CloudFunctionConfiguration");
      w.Element("Id", fmt::format("stratus-{}", ++n));
      w.Element(queue ? "Queue" : topic ? "Topic" : "CloudFunction",
                queue ? Arn("sqs", nc.queue) : topic ? Arn("sns", nc.topic) : FunctionArn(nc.function));
      for (const auto& e : nc.events) w.Element("Event", e);
      if (!nc.prefix.empty() || !nc.suffix.empty()) {
        w.Open("Filter");
        w.Open("S3Key");
        for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"Prefix", nc.prefix},
                                          {"Suffix", nc.suffix}}) {
          if (value.empty()) continue;
          w.Open("FilterRule");
          w.Element("Name", name);
          w.Element("Value", value);
          w.Close();
        }
        w.Close();
        w.Close();
      }
      w.Close();
    }
    if (b.eventbridge) {
      w.Open("EventBridgeConfiguration");
      w.Close();
    }
    w.Close();
    return w.Take();
  }

  Status PutNotifications(const common::BucketConfig& b) {
    std::string want = NotificationDocument(b);
    client::S3Request get;
    get.bucket = b.name;
    get.query = "notification";
    auto current = aws_.S3(std::move(get));
    if (current.ok() && current->result_int() == 200 && current->body() == want) return Status::Ok();
    return S3(verb::put, b.name, "notification", std::move(want));
  }

  Status PutRule(const common::RuleConfig& rule) {
    auto res = aws_.Json(client::kEvents, "PutRule",
                         {{"Name", rule.name}, {"EventPattern", rule.event_pattern}, {"State", "ENABLED"}});
    if (!res.ok()) return res.status();
    json::array targets;
    for (const auto& q : rule.queues) targets.push_back(json::object{{"Id", "queue-" + q}, {"Arn", Arn("sqs", q)}});
    for (const auto& t : rule.topics) targets.push_back(json::object{{"Id", "topic-" + t}, {"Arn", Arn("sns", t)}});
    for (const auto& f : rule.functions) {
      targets.push_back(json::object{{"Id", "function-" + f}, {"Arn", FunctionArn(f)}});
    }
    if (targets.empty()) return Status::Ok();
    auto put = aws_.Json(client::kEvents, "PutTargets", {{"Rule", rule.name}, {"Targets", std::move(targets)}});
    if (!put.ok()) return put.status();
    if (auto failed = put->find("FailedEntryCount"); failed != put->end() && failed->value().to_number<int64_t>() != 0) {
      return Status(ErrorCode::kInvalidArgument, fmt::format("PutTargets: {}", json::serialize(*put)));
    }
    return Status::Ok();
  }

  const ProvisionedRegion& r_;
  const common::RegionConfig& rc_;
  client::AwsClient& aws_;
  const std::function<bool()>& cancelled_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, std::string> urls_;        // queue name → URL
  std::map<std::string, std::string> topic_arns_;  // topic name → ARN
};

}  // namespace

Status Provision(const std::vector<ProvisionedRegion>& regions, const std::function<bool()>& cancelled) {
  std::vector<RegionProvisioner> provisioners;
  provisioners.reserve(regions.size());
  for (const auto& r : regions) provisioners.emplace_back(r, cancelled);
  for (auto& p : provisioners) STRATUS_RETURN_IF_ERROR(p.Standalone());
  for (auto& p : provisioners) STRATUS_RETURN_IF_ERROR(p.Links());
  for (const auto& r : regions) {
    const auto& c = *r.config;
    size_t total = c.buckets.size() + c.queues.size() + c.topics.size() + c.tables.size() + c.rules.size();
    if (total == 0) continue;
    common::log::Get("provision")->info("region={} provisioned buckets={} queues={} topics={} tables={} rules={}",
                                        c.name, c.buckets.size(), c.queues.size(), c.topics.size(), c.tables.size(),
                                        c.rules.size());
  }
  return Status::Ok();
}

}  // namespace server
