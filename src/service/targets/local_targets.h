#pragma once

// LocalTargets: Targets for one region's own services, by ARN: SQS queues of
// this region and account (a FIFO queue gets group "default" and a
// content-derived deduplication id unless the delivery names them). Other
// ARNs (other regions, SNS topics and functions until they are served) are
// kNotFound / kUnavailable, which the emitting service retries and finally
// dead-letters.

#include "service/targets/targets.h"

namespace service::queues {
class QueueService;
}

namespace service {

class LocalTargets final : public Targets {
 public:
  LocalTargets(std::string region, std::string account, queues::QueueService* queues)
      : region_(std::move(region)), account_(std::move(account)), queues_(queues) {}

  common::Status Deliver(std::string_view arn, const Delivery& delivery) override;

 private:
  std::string region_, account_;
  queues::QueueService* queues_;
};

}  // namespace service
