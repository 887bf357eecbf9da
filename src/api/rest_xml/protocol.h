#pragma once

// The REST-XML protocol family (S3): claims every request no other protocol
// claims, routes through the S3 route table, renders S3 XML errors.

#include <functional>

#include "api/common/protocol.h"
#include "api/rest_xml/router.h"

namespace api::rest_xml {

class RestXmlProtocol final : public Protocol {
 public:
  // Adds headers to every routed response: (services, request, bucket, response).
  using Decorator = std::function<void(Services&, const net::RequestHeader&, std::string_view,
                                       net::Response&)>;

  // The resource a routed request acts on and its policy.
  using Access = std::function<std::optional<ResourceAccess>(Services&, const RouteMatch&)>;

  explicit RestXmlProtocol(Router router, Decorator decorator = {}, Access access = {})
      : router_(std::move(router)), decorator_(std::move(decorator)), access_(std::move(access)) {}

  std::string_view name() const override { return "rest-xml"; }
  bool Claims(const net::RequestHeader&) const override { return true; }
  Result<RouteMatch> Route(const net::RequestHeader& header, const std::string*) const override {
    return router_.Route(header);
  }
  net::Response RenderError(const Status& status, const ErrorContext& ctx) const override;
  bool s3_signing() const override { return true; }
  void Decorate(Services& services, const net::RequestHeader& header, const RouteMatch& match,
                net::Response& response) const override {
    if (decorator_) decorator_(services, header, match.bucket, response);
  }
  std::optional<ResourceAccess> AccessOf(Services& services, const RouteMatch& match) const override {
    if (!access_) return std::nullopt;
    return access_(services, match);
  }
  // Buckets may admit anonymous requests through their policy.
  bool allows_anonymous() const override { return static_cast<bool>(access_); }

 private:
  Router router_;
  Decorator decorator_;
  Access access_;
};

}  // namespace api::rest_xml
