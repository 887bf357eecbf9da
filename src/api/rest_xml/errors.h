#pragma once

// The S3 (REST-XML) error map and error body:
//   <Error><Code/><Message/><Resource/><RequestId/></Error>
// HEAD responses carry the status and no body, as S3 does.

#include "api/common/error_map.h"
#include "api/common/protocol.h"

namespace api::rest_xml {

const ErrorMap& S3ErrorMap();

net::Response RenderS3Error(const Status& status, const ErrorContext& ctx);

// XML 1.0 text escaping.
std::string XmlEscape(std::string_view s);

}  // namespace api::rest_xml
