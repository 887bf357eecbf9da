#pragma once

// How S3 event notifications look to their destinations: the event message
// that queues, topics and functions receive (S3's event JSON, eventVersion
// 2.1, or the s3:TestEvent message), and the "Object Created" / "Object
// Deleted" events the EventBridge bus receives.

#include <string>
#include <string_view>
#include <vector>

#include "service/objects/types.h"

namespace service::objects {

// {"Records": [{...}]} for an event; {"Service": "Amazon S3", "Event":
// "s3:TestEvent", ...} for a test event. Keys are URL-encoded as S3 encodes
// them (a space is '+').
std::string S3EventMessage(const NotificationEntry& e, std::string_view region);

struct BusEvent {
  std::string source = "aws.s3";
  std::string detail_type;  // "Object Created" / "Object Deleted"
  std::string detail;       // JSON object text
  std::vector<std::string> resources;
};
BusEvent EventBridgeEvent(const NotificationEntry& e);

// S3's event key encoding: letters, digits and "-_.*/" as they are, a space
// as '+', every other byte %XX.
std::string EventKeyEncode(std::string_view key);

}  // namespace service::objects
