#pragma once

// LocalTargets: Targets for one region's own services, by ARN: SQS queues of
// this region and account (a FIFO queue gets group "default" and a
// content-derived deduplication id unless the delivery names them), and SNS
// topics (published to, with the delivery's subject and attributes). Other
// ARNs (other regions, and functions until they are served) are
// kNotFound / kUnavailable, which the emitting service retries and finally
// dead-letters.

#include "service/targets/targets.h"

namespace service::queues {
class QueueService;
}
namespace service::topics {
class TopicService;
}

namespace service {

class LocalTargets final : public Targets {
 public:
  LocalTargets(std::string region, std::string account, queues::QueueService* queues)
      : region_(std::move(region)), account_(std::move(account)), queues_(queues) {}

  // SNS topics of this region become targets too (published to).
  void SetTopics(topics::TopicService* topics) { topics_ = topics; }

  common::Status Deliver(std::string_view arn, const Delivery& delivery) override;

 private:
  std::string region_, account_;
  queues::QueueService* queues_;
  topics::TopicService* topics_ = nullptr;
};

}  // namespace service
