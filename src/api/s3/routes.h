#pragma once

// The S3 route table: every S3 operation stratus serves, as rows of
// (method, target, distinguishing query parameter or header) → op.

#include <vector>

#include "api/rest_xml/router.h"

namespace api::s3 {

std::vector<rest_xml::RestRoute> Routes();

}  // namespace api::s3
