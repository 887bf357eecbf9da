#pragma once

// LocalTargets: Targets for one region's own services, by ARN: SQS queues of
// this region and account (a FIFO queue gets group "default" and a
// content-derived deduplication id unless the delivery names them), SNS
// topics (published to, with the delivery's subject and attributes), and
// functions (arn:aws:lambda:…:function:NAME; the body is the event of an
// asynchronous invocation) through the invoker the region sets. Other ARNs
// (other regions) are kNotFound, which the emitting service retries and
// finally dead-letters.

#include <functional>
#include <string>

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

  // Functions of this region: `invoke` stores an asynchronous invocation
  // (durably) or fails (kNotFound for an unknown function).
  using Invoker = std::function<common::Status(std::string_view function_arn, const std::string& event)>;
  void SetFunctions(Invoker invoke) { invoke_ = std::move(invoke); }

  common::Status Deliver(std::string_view arn, const Delivery& delivery) override;

 private:
  std::string region_, account_;
  queues::QueueService* queues_;
  topics::TopicService* topics_ = nullptr;
  Invoker invoke_;
};

}  // namespace service
