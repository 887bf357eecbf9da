#include "service/targets/local_targets.h"

#include <fmt/format.h>

#include "common/checksum.h"
#include "service/topics/topic_service.h"
#include "service/queues/queue_service.h"

namespace service {

common::Status LocalTargets::Deliver(std::string_view arn, const Delivery& d) {
  std::string sqs = fmt::format("arn:aws:sqs:{}:{}:", region_, account_);
  if (arn.starts_with(sqs) && queues_ != nullptr) {
    queues::NewMessage m;
    m.body = d.body;
    m.attributes = d.attributes;
    m.group_id = d.group_id;
    m.deduplication_id = d.deduplication_id;
    std::string name(arn.substr(sqs.size()));
    if (m.group_id.empty() && name.ends_with(".fifo")) m.group_id = "default";
    if (m.deduplication_id.empty() && name.ends_with(".fifo")) {
      // The body names the event (its id): deduplicating by it drops only redeliveries.
      m.deduplication_id = common::HexEncode(common::Digest(common::ChecksumAlgorithm::kSha256, m.body));
    }
    std::vector<queues::NewMessage> batch;
    batch.push_back(std::move(m));
    auto sent = queues_->Send(name, std::move(batch), d.sender);
    if (!sent.ok()) return sent.status();
    return (*sent)[0].status();
  }
  std::string sns = fmt::format("arn:aws:sns:{}:{}:", region_, account_);
  if (arn.starts_with(sns) && topics_ != nullptr) {
    topics::PublishRequest p;
    p.topic_arn = std::string(arn);
    p.message = d.body;
    p.subject = d.subject;
    p.attributes = d.attributes;
    p.group_id = d.group_id;
    p.deduplication_id = d.deduplication_id;
    if (p.group_id.empty() && arn.ends_with(".fifo")) p.group_id = "default";
    if (p.deduplication_id.empty() && arn.ends_with(".fifo")) {
      p.deduplication_id = common::HexEncode(common::Digest(common::ChecksumAlgorithm::kSha256, p.message));
    }
    std::vector<topics::PublishRequest> batch;
    batch.push_back(std::move(p));
    auto res = topics_->Publish(std::move(batch));
    if (!res.ok()) return res.status();
    return (*res)[0].status();
  }
  std::string lambda = fmt::format("arn:aws:lambda:{}:{}:function:", region_, account_);
  if (arn.starts_with(lambda) && invoke_) return invoke_(arn, d.body);
  return common::Status(common::ErrorCode::kNotFound, fmt::format("no target {} in region {}", arn, region_));
}

}  // namespace service
