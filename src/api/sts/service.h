#pragma once

// The STS front end's row in the Query route table.

#include "api/query/router.h"

namespace api::sts {

// STS's operations, for the Query protocol's route table.
query::QueryService QueryRoutes();

}  // namespace api::sts
