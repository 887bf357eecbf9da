#pragma once

// The Query protocol codec's service models (see query/model.h), embedded
// from models/<service>.json at build time.

#include <string_view>

namespace api::query::models {

std::string_view Sqs();

}  // namespace api::query::models
