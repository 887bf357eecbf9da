#pragma once

// The JSON protocol family (awsJson 1.0/1.1: DynamoDB, Kinesis, KMS, Secrets
// Manager, EventBridge, SQS's JSON mode): claims requests with X-Amz-Target;
// bodies are buffered JSON.

#include "api/common/protocol.h"
#include "api/json/router.h"

namespace api::json {

class JsonProtocol final : public Protocol {
 public:
  explicit JsonProtocol(Router router) : router_(std::move(router)) {}

  std::string_view name() const override { return "json"; }
  bool Claims(const net::RequestHeader& header) const override;
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string*) const override;
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;

 private:
  Router router_;
};

}  // namespace api::json
