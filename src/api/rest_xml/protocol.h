#pragma once

// The REST-XML protocol family (S3): claims every request no other protocol
// claims, routes through the S3 route table, renders S3 XML errors.

#include "api/common/protocol.h"
#include "api/rest_xml/router.h"

namespace api::rest_xml {

class RestXmlProtocol final : public Protocol {
 public:
  explicit RestXmlProtocol(Router router) : router_(std::move(router)) {}

  std::string_view name() const override { return "rest-xml"; }
  bool Claims(const net::RequestHeader&) const override { return true; }
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string*) const override {
    return router_.Route(header);
  }
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;
  bool s3_signing() const override { return true; }

 private:
  Router router_;
};

}  // namespace api::rest_xml
