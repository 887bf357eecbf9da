#pragma once

// EventBridge's row in the JSON route table (JSON 1.1, `AWSEvents.<Op>`).

#include "api/json/router.h"

namespace api::events {

json::JsonService Routes();

}  // namespace api::events
