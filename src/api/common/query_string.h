#pragma once

// Parsing of URL query strings and application/x-www-form-urlencoded bodies.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace api {

using Params = std::map<std::string, std::string, std::less<>>;

// Percent-decodes `s`; '+' becomes ' ' when `plus_is_space` (form bodies).
// nullopt for a malformed escape ("%zz", a trailing "%").
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Parses "a=1&b=&c" into {a:"1", b:"", c:""}; the first of repeated names
// wins. nullopt when an escape is malformed.
std::optional<Params> ParseQuery(std::string_view query, bool plus_is_space);

}  // namespace api
