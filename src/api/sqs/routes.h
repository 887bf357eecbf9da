#pragma once

// SQS's rows in the two route tables that carry it: the JSON protocol
// (`X-Amz-Target: AmazonSQS.<Op>`, current SDKs) and the Query protocol
// (`Action=<Op>`, older SDKs and CLIs). The same operation classes serve both.

#include "api/json/router.h"
#include "api/query/router.h"

namespace api::sqs {

json::JsonService JsonRoutes();
query::QueryService QueryRoutes();

}  // namespace api::sqs
