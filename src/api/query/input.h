#pragma once

// Input: reads an operation's request members in the JSON protocol's shapes —
// what the JSON protocol carries as the body, and what query/model.h rebuilds
// from a Query request's form (SQS, SNS). Missing required members are
// MissingParameter ("The request must contain the parameter QueueUrl."),
// members of the wrong type InvalidParameterValue.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "common/status.h"
#include "service/queues/types.h"

namespace api::query {

using common::Result;
using common::Status;

class Input {
 public:
  explicit Input(boost::json::object o) : o_(std::move(o)) {}
  const boost::json::object& json() const { return o_; }

  Result<std::string> RequiredString(std::string_view member) const;
  Result<std::optional<std::string>> String(std::string_view member) const;
  Result<std::optional<int64_t>> Int(std::string_view member) const;
  Result<std::map<std::string, std::string>> StringMap(std::string_view member) const;
  Result<std::vector<std::string>> StringList(std::string_view member) const;
  // Null when absent.
  Result<const boost::json::array*> Array(std::string_view member) const;
  // MessageAttributes / MessageSystemAttributes: binary values decoded.
  Result<service::queues::MessageAttributes> MessageAttributes(std::string_view member) const;

 private:
  boost::json::object o_;
};


}  // namespace api::query
