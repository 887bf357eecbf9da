#pragma once

// The DynamoDB route table: one JSON-protocol service row
// (X-Amz-Target: DynamoDB_20120810.<Operation>).

#include "api/json/router.h"

namespace api::dynamodb {

json::JsonService Routes();

}  // namespace api::dynamodb
