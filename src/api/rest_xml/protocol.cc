#include "api/rest_xml/protocol.h"

#include "api/rest_xml/errors.h"

namespace api::rest_xml {

net::Response RestXmlProtocol::RenderError(const Status& status, const ErrorContext& ctx) const {
  return RenderS3Error(status, ctx);
}

}  // namespace api::rest_xml
