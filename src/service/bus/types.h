#pragma once

// The event bus's vocabulary: rules, their targets, and events (EventBridge's
// names, since they are what users configure and see).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace service::bus {

struct InputTransformer {
  std::map<std::string, std::string> paths;  // name → JSONPath ("$.detail.key")
  std::string template_text;                  // with <name> placeholders
};

struct Target {
  std::string id;
  std::string arn;
  std::string role_arn;
  std::string input;       // constant JSON text instead of the event
  std::string input_path;  // the part of the event sent
  std::optional<InputTransformer> transformer;
  std::string dead_letter_arn;       // DeadLetterConfig.Arn (an SQS queue)
  int maximum_retry_attempts = 185;  // RetryPolicy
  int maximum_event_age_seconds = 86400;
  std::string message_group_id;      // SqsParameters (FIFO queues)
};

struct Rule {
  std::string name;
  std::string bus = "default";
  std::string arn;
  std::string event_pattern;  // JSON text as given
  std::string description;
  bool enabled = true;
  std::string role_arn;
  std::vector<Target> targets;
};

struct Event {
  std::string source;
  std::string detail_type;
  std::string detail;                  // a JSON object's text
  std::vector<std::string> resources;
  std::optional<int64_t> time_ms;      // else now
  std::string bus = "default";
};

struct PutEventResult {
  std::string event_id;  // when accepted
  std::string error_code, error_message;
};

struct TargetFailure {
  std::string target_id;
  std::string error_code, error_message;
};

}  // namespace service::bus
