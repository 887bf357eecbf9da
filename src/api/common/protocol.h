#pragma once

// A wire protocol family (REST-XML, JSON, Query, the admin endpoints, the
// application API): how a request is recognised, how its operation is found in
// the protocol's route table, and how errors look on the wire (the protocol's
// one error map). The shared Pipeline does the rest.

#include <optional>
#include <string>
#include <string_view>

#include "api/common/op.h"

namespace api {

// What a resource's own policy says about who may act on it (an S3 bucket
// policy), for the pipeline's authorise stage.
struct ResourceAccess {
  std::string arn;     // the resource the request acts on, e.g. arn:aws:s3:::bucket/key
  std::string policy;  // the resource policy document (JSON), "" if none
  // Public grants of the policy are ignored (S3's RestrictPublicBuckets):
  // anonymous requests are then refused whatever the policy says.
  bool restrict_public = false;
};

// Facts about the failed request that error bodies may show.
struct ErrorContext {
  std::string_view request_id;
  std::string_view resource;   // e.g. "/bucket/key" for S3
  std::string_view operation;  // op name, "" if routing failed
  bool head = false;           // HEAD: no body
  const net::RequestHeader* header = nullptr;  // the request, when known
};

class Protocol {
 public:
  virtual ~Protocol() = default;

  // Short name for metrics and logs: "rest-xml", "json", "query", "admin", "app".
  virtual std::string_view name() const = 0;

  // True if this protocol owns the request (from the header alone).
  virtual bool Claims(const net::RequestHeader& header) const = 0;

  // True if the op can only be found from the body (Query's Action in a form
  // body): the pipeline reads the body (buffered) before Route.
  virtual bool NeedsBodyToRoute(const net::RequestHeader& header) const {
    (void)header;
    return false;
  }

  // Finds the operation. `body` is the buffered body when NeedsBodyToRoute
  // was true, else null. kUnimplemented when nothing matches (the protocol's
  // unknown-operation error), kInvalidArgument for an unparsable target.
  virtual Result<RouteMatch> Route(const net::RequestHeader& header,
                                   const std::string* body) const = 0;

  // The protocol's error response for `status` (never OK).
  virtual net::Response RenderError(const Status& status, const ErrorContext& ctx) const = 0;

  // Adds what this protocol puts on every response of a routed request,
  // success or error (S3: the CORS headers of cross-origin requests).
  virtual void Decorate(Services& services, const net::RequestHeader& header,
                        const RouteMatch& match, net::Response& response) const {
    (void)services, (void)header, (void)match, (void)response;
  }

  // The resource `match` acts on and its policy; nullopt when the protocol
  // has no resource policies (or the resource does not exist).
  virtual std::optional<ResourceAccess> AccessOf(Services& services, const RouteMatch& match) const {
    (void)services, (void)match;
    return std::nullopt;
  }

  // True if requests without credentials may proceed to authorisation, where
  // a resource policy may admit them (S3); else they fail authentication.
  virtual bool allows_anonymous() const { return false; }

  // The SigV4 signing name that this protocol's requests use for `match`.
  virtual bool s3_signing() const { return false; }
};

}  // namespace api
