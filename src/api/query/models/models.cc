#include "api/query/models/models.h"

#include <cstdlib>

#include "api/query/model.h"
#include "common/log.h"

namespace api::query::models {
namespace {

std::shared_ptr<const ServiceModel> Load(std::string_view name, std::string_view text) {
  auto m = ServiceModel::Parse(text);
  if (!m.ok()) {
    common::log::Get("api")->critical("the embedded {} model does not parse: {}", name, m.status().ToString());
    std::abort();
  }
  return *m;
}

}  // namespace

const ServiceModel& SqsModel() {
  static const auto kModel = Load("sqs", Sqs());
  return *kModel;
}

const ServiceModel& SnsModel() {
  static const auto kModel = Load("sns", Sns());
  return *kModel;
}

}  // namespace api::query::models
