#pragma once

// The Query protocol family (SQS's XML mode, SNS, STS, IAM): claims form-encoded
// POSTs and GETs with an Action parameter; routing needs the buffered body.

#include "api/common/protocol.h"
#include "api/query/router.h"

namespace api::query {

class QueryProtocol final : public Protocol {
 public:
  explicit QueryProtocol(Router router) : router_(std::move(router)) {}

  std::string_view name() const override { return "query"; }
  bool Claims(const net::RequestHeader& header) const override;
  bool NeedsBodyToRoute(const net::RequestHeader& header) const override;
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string* body) const override;
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;

 private:
  Router router_;
};

}  // namespace api::query
