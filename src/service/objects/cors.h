#pragma once

// CORS rule matching (S3's semantics): the first rule whose AllowedOrigin,
// AllowedMethod and (for a preflight) AllowedHeader entries admit the request
// applies. Origins and headers may hold one '*' wildcard; header names match
// case-insensitively; methods exactly.

#include <string_view>
#include <vector>

#include "service/objects/types.h"

namespace service::objects {

// The rule admitting `origin` and `method` and every header of
// `request_headers` (a comma-separated Access-Control-Request-Headers value,
// "" for none), or null.
const CorsRule* MatchCors(const std::vector<CorsRule>& rules, std::string_view origin,
                          std::string_view method, std::string_view request_headers = {});

// '*'-wildcard match (one or more '*', each matching any run).
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

}  // namespace service::objects
