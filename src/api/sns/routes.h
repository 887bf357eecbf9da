#pragma once

// SNS's row in the Query route table (`Action=<Op>`, signing name "sns").

#include "api/query/router.h"

namespace api::sns {

query::QueryService Routes();

}  // namespace api::sns
