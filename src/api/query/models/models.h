#pragma once

// The Query protocol codec's service models (see query/model.h), embedded
// from models/<service>.json at build time.

#include <string_view>

namespace api::query {
class ServiceModel;
}

namespace api::query::models {

// The models' JSON text.
std::string_view Sqs();
std::string_view Sns();

// The parsed models (built once; never null: the embedded text is tested).
const ServiceModel& SqsModel();
const ServiceModel& SnsModel();

}  // namespace api::query::models
