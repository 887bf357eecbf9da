#pragma once

// The Query protocol (SQS, SNS, STS, IAM) error map and error body:
//   <ErrorResponse xmlns="..."><Error><Type>Sender|Receiver</Type><Code/>
//   <Message/></Error><RequestId/></ErrorResponse>

#include "api/common/error_map.h"
#include "api/common/protocol.h"

namespace api::query {

const ErrorMap& QueryErrorMap();

net::Response RenderQueryError(const Status& status, const ErrorContext& ctx,
                               std::string_view xmlns);

}  // namespace api::query
