#pragma once

// BusService: one region's EventBridge-style default event bus (the domain
// behind the EventBridge API): rules with event patterns, their targets, and
// PutEvents with durable delivery.
//
// PutEvents matches each event against the enabled rules and, in one synced
// batch, records a delivery per matching target (an outbox, see
// service/common/outbox.h): a success response means every delivery will
// happen, also after a crash. Deliveries transform the event as the target
// says (Input, InputPath, InputTransformer), go to service::Targets, and retry
// with backoff; one that fails past the target's RetryPolicy
// (MaximumRetryAttempts, MaximumEventAgeInSeconds) goes to its
// DeadLetterConfig queue, with the error as message attributes, as
// EventBridge does.
//
// Errors carry EventBridge's names as reasons where the JSON protocol's
// defaults do not say it: kNotFound (ResourceNotFoundException),
// kInvalidArgument (ValidationException; InvalidEventPatternException),
// LimitExceededException. Thread-safe.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "service/bus/types.h"
#include "service/targets/targets.h"
#include "storage/kv_store.h"

namespace service::bus {

using common::Result;
using common::Status;

struct BusServiceOptions {
  std::string region;
  std::string account = "000000000000";
  int delivery_threads = 2;
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

class BusService {
 public:
  static Result<std::unique_ptr<BusService>> Open(storage::KvStore& kv, BusServiceOptions options,
                                                  common::metrics::Registry* metrics = nullptr);
  ~BusService();

  // Starts delivering (pending deliveries first) to `targets`, which must
  // outlive Stop().
  Status Start(Targets* targets);
  void Stop();

  // "default" or the default bus's ARN; anything else is ResourceNotFoundException.
  Result<std::string> BusName(std::string_view name_or_arn) const;
  std::string BusArn() const;

  // Creates or updates a rule (keeping its targets). Returns its ARN.
  Result<std::string> PutRule(Rule rule);
  Result<Rule> DescribeRule(std::string_view bus, std::string_view name) const;
  // Rules whose names start with `prefix`, in name order, after `after`.
  Result<std::vector<Rule>> ListRules(std::string_view bus, std::string_view prefix) const;
  // Refused while the rule has targets, unless `force`.
  Status DeleteRule(std::string_view bus, std::string_view name, bool force);
  Status SetRuleState(std::string_view bus, std::string_view name, bool enabled);
  // Adds or replaces targets by id; the failures of single targets.
  Result<std::vector<TargetFailure>> PutTargets(std::string_view bus, std::string_view rule, std::vector<Target> targets);
  Result<std::vector<TargetFailure>> RemoveTargets(std::string_view bus, std::string_view rule,
                                                   const std::vector<std::string>& ids);
  Result<std::vector<Target>> ListTargets(std::string_view bus, std::string_view rule) const;

  // One result per event, in order: accepted (with its id) or refused.
  Result<std::vector<PutEventResult>> PutEvents(std::vector<Event> events);

  // Matches `event` (an event's full JSON text) against `pattern` (TestEventPattern).
  static Result<bool> TestPattern(std::string_view pattern, std::string_view event);

  struct Impl;

 private:
  explicit BusService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The payload a target receives for `event` (the event's full JSON):
// the whole event, the constant Input, the part at InputPath, or the
// InputTransformer's template filled from its paths. kInvalidArgument if a
// path or the template does not apply.
Result<std::string> TargetInput(const Target& target, std::string_view event, std::string_view rule_name,
                                std::string_view rule_arn);

}  // namespace service::bus
