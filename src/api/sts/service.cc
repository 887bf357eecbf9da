#include "api/sts/service.h"

#include "api/sts/get_caller_identity.h"

namespace api::sts {
namespace {

constexpr Op kGetCallerIdentity = MakeOp<GetCallerIdentity>();

}  // namespace

query::QueryService QueryRoutes() {
  return {"sts", kXmlns, {&kGetCallerIdentity}};
}

}  // namespace api::sts
