#pragma once

// EventPattern: EventBridge's event patterns (and SNS's filter policies, which
// share the grammar), parsed once and matched against JSON events.
//
// A pattern is a JSON object whose fields name event fields: an object value
// descends into a nested field, an array value lists conditions of which one
// must hold (OR); every field of the pattern must match (AND). An event field
// that is an array matches when any of its elements does. Conditions:
//   literals   "s", 5, true, null  (numbers compare as numbers)
//   {"prefix": "s"}, {"suffix": "s"}  (either may wrap {"equals-ignore-case": "s"})
//   {"equals-ignore-case": "s"}
//   {"wildcard": "a*b"}
//   {"anything-but": literal | [literals] | {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": ...}}
//   {"numeric": [">", 0, "<=", 5]}  (operators =, <, <=, >, >=)
//   {"exists": true | false}
//   {"cidr": "10.0.0.0/24"}  (IPv4)
// and "$or": [pattern, ...] at any level.
//
// Parse errors are kInvalidArgument with the reason InvalidEventPatternException
// and a message naming what is wrong. Immutable after Parse; thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/status.h"

namespace service::bus {

class EventPattern {
 public:
  static common::Result<EventPattern> Parse(std::string_view text);
  static common::Result<EventPattern> FromJson(const boost::json::value& v);

  bool Matches(const boost::json::value& event) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace service::bus
