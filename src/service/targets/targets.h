#pragma once

// Targets: where events, notifications and messages that one service emits
// are delivered inside the region — by the target's ARN: an SQS queue
// (arn:aws:sqs:<region>:<account>:<name>), the EventBridge bus
// (arn:aws:events:<region>:<account>:event-bus/default), an SNS topic, a
// function. The composition root gives each emitting service a Targets that
// knows the region's services.

#include <string>
#include <string_view>

#include "common/status.h"
#include "service/queues/types.h"

namespace service {

struct Delivery {
  std::string body;
  std::string subject;                   // SNS
  std::string group_id;                  // FIFO queues and topics
  std::string deduplication_id;          // FIFO queues and topics
  queues::MessageAttributes attributes;  // SQS message attributes
  std::string sender;                    // SenderId of the resulting message
};

class Targets {
 public:
  virtual ~Targets() = default;
  // Delivers durably (the receiving service has committed it) or fails:
  // kNotFound for a target that does not exist, kInvalidArgument for one
  // that refuses the delivery, kUnavailable/kIoError for a transient failure.
  virtual common::Status Deliver(std::string_view arn, const Delivery& delivery) = 0;
};

}  // namespace service
